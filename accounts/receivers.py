"""A user's role groups (and admin access) follow their memberships, whatever path wrote them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Membership
from accounts.services import sync_role_groups


@receiver(post_save, sender=Membership, dispatch_uid="accounts.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="accounts.membership_deleted")
def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    sync_role_groups(instance.user)
