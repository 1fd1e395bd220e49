"""Who may answer a referral: the receiving organisation, through its group's object permissions
on the referral (cases.access keeps the mechanics). The referring side acts through its lead
permission on the case."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import holds_role
from cases.access import holds_record_permission, open_to_organisation, record_ids_held
from referrals.models import Referral, ReferralGroupObjectPermission

# The roles whose work the referral inbox is: those who lead cases and refer them (plaza, ward) and
# those whose organisations the referral form offers as recipients and who answer for them
# (agencies, ward sections, the guardianship centre). The commissioner refers nothing and receives
# nothing; the privacy officer and the system administrator never read case work — they are
# refused the inbox (recorded), even where their organisation could receive a referral.
INBOX_ROLES = (Role.PLAZA_STAFF, Role.WARD_CASEWORKER, Role.GUARDIANSHIP_COORDINATOR, Role.AGENCY_WORKER)

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


def may_open_inbox(actor: User) -> bool:
    return holds_role(actor, INBOX_ROLES)
