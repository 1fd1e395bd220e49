"""Who may answer a referral: the receiving organisation, through its group's object permissions
on the referral (cases.access keeps the mechanics). The referring side acts through its lead
permission on the case."""

from django.db.models import QuerySet

from accounts.models import User
from cases.access import holds_record_permission, open_to_organisation, record_ids_held
from referrals.models import Referral, ReferralGroupObjectPermission

# The receiving organisation's permission to answer a referral.
RESPOND = "respond_referral"
RECIPIENT_PERMISSIONS = ("view_referral", RESPOND)


def open_to_recipient(referral: Referral) -> None:
    """The receiving organisation may see and answer this referral from now on."""
    open_to_organisation(referral, referral.recipient, RECIPIENT_PERMISSIONS)


def permitted_referral_ids(actor: User, codename: str = "view_referral") -> QuerySet:
    return record_ids_held(actor, ReferralGroupObjectPermission, codename)


def may_respond(actor: User, referral: Referral) -> bool:
    return holds_record_permission(actor, ReferralGroupObjectPermission, referral, RESPOND)
