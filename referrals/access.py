"""Who may answer a referral: the receiving organisation, through one guardian row per permission
on its group (direct foreign key). The referring side acts through its lead permission on the case.

Like cases.access, checks never honour the superuser flag."""

from django.contrib.auth.models import Group
from django.db.models import QuerySet
from guardian.shortcuts import assign_perm

from accounts.models import User
from accounts.services import organisation_group_name
from cases.access import deny
from referrals.models import Referral, ReferralGroupObjectPermission

RECIPIENT_PERMISSIONS = ("view_referral", "respond_referral")


def open_to_recipient(referral: Referral) -> None:
    """The receiving organisation's group may see and answer this referral from now on."""
    group, _created = Group.objects.get_or_create(name=organisation_group_name(referral.recipient))
    for codename in RECIPIENT_PERMISSIONS:
        assign_perm(f"referrals.{codename}", group, referral)


def permitted_referral_ids(actor: User, codename: str = "view_referral") -> QuerySet:
    return ReferralGroupObjectPermission.objects.filter(
        group_id__in=list(actor.groups.values_list("pk", flat=True)),
        permission__codename=codename,
        permission__content_type__app_label="referrals",
    ).values("content_object_id")


def may_respond(actor: User, referral: Referral) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    return permitted_referral_ids(actor, "respond_referral").filter(content_object_id=referral.pk).exists()


def require_response_permission(actor: User, referral: Referral, *, action: str) -> None:
    """Refuse (recorded in the audit trail) unless the actor answers for the receiving organisation."""
    if not may_respond(actor, referral):
        deny(actor, action=action, case=referral.case)
