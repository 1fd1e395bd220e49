"""A user's role groups (and admin access) follow their memberships, whatever path wrote them;
a session's clock starts at sign-in.

The second-factor signals announce security changes that ``audit`` records (accounts imports no
app of ours, so it cannot record them itself — as privacy announces key rotation).
"""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from accounts.middleware import start_session_clock
from accounts.models import Membership
from accounts.services import sync_role_groups

# Sent inside the writing transaction. Arguments: ``user`` (and ``actor`` for a reset); numbers only.
second_factor_enrolled = Signal()  # user
second_factor_reset = Signal()  # actor, user, devices
recovery_code_used = Signal()  # user, remaining
recovery_codes_regenerated = Signal()  # user, count


@receiver(post_save, sender=Membership, dispatch_uid="accounts.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="accounts.membership_deleted")
def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    sync_role_groups(instance.user)


@receiver(user_logged_in, dispatch_uid="accounts.session_clock")
def _signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clock(request, user)
