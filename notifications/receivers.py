"""What notifications hears from accounts (which imports none of ours)."""

from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from notifications.models import Kind
from notifications.selectors import holders_of
from notifications.services import notify


def sign_in_locked(sender, request, account, locked, **kwargs) -> None:
    """A sign-in lockout began: the administrators are told, once a day however many (a guessing
    run locks many). Which account or address is in the admin, not in the notification."""
    notify(
        kind=Kind.SIGN_IN_LOCKED,
        recipients=holders_of(Role.SYSADMIN),
        link=reverse("admin:axes_accessattempt_changelist"),
        key=f"{Kind.SIGN_IN_LOCKED}:{timezone.localdate().isoformat()}",
    )
