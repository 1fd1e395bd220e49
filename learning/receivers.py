"""How learning takes part in the case page, through the signals cases publishes."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from learning.examples import PROPOSE
from learning.services import RAISE


def raise_section(sender, actor: User, case: Case, overview, **kwargs) -> list[dict]:
    """The panels to raise an issue from the case, for whoever writes on it and may raise one, and
    to propose it as an example, for its lead (no statement: the permissions are the page's,
    already read)."""
    sections = []
    if overview.can_contribute and actor.has_perm(RAISE):
        sections.append(_panel(reverse("learning:raise", args=[case.pk]), _("解決できない課題として挙げる")))
    if overview.can_lead and actor.has_perm(PROPOSE):
        sections.append(
            _panel(
                reverse("learning:propose_example", args=[case.pk]), _("事例として提案する（事例検討・公表）")
            )
        )
    return sections


def _panel(url: str, title: str) -> dict:
    return {"template": "learning/_case_section.html", "context": {"url": url, "title": title}}
