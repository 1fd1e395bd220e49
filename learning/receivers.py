"""How learning takes part in the case page, through the signals cases publishes."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from learning.services import RAISE


def raise_section(sender, actor: User, case: Case, overview, **kwargs) -> list[dict]:
    """The panel to raise an issue from the case, for whoever writes on it and may raise one (no
    statement: the permissions are the page's, already read)."""
    if not overview.can_contribute or not actor.has_perm(RAISE):
        return []
    return [
        {
            "template": "learning/_case_section.html",
            "context": {
                "url": reverse("learning:raise", args=[case.pk]),
                "title": _("解決できない課題として挙げる"),
            },
        }
    ]
