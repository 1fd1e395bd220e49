"""A user's role groups (and admin access) follow their memberships, whatever path wrote them;
a session's clock starts at sign-in."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.middleware import start_session_clock
from accounts.models import Membership
from accounts.services import sync_role_groups


@receiver(post_save, sender=Membership, dispatch_uid="accounts.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="accounts.membership_deleted")
def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    sync_role_groups(instance.user)


@receiver(user_logged_in, dispatch_uid="accounts.session_clock")
def _signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clock(request, user)
