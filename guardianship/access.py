"""Who may work on a guardianship matter: the guardianship centre it was opened with, through its
group's object permissions on the matter (cases.access keeps the mechanics). The centre reads the
case only as far as the case's disclosures to it allow (cases.access.field_groups_for)."""

from django.db.models import QuerySet

from accounts.models import User
from cases.access import (
    deny,
    holds_record_permission,
    open_to_organisation,
    record_ids_held,
    require_role_permission,
)
from guardianship.models import GuardianshipMatter, MatterGroupObjectPermission, MonitoringReport

# The centre's permission to work on a matter.
MANAGE = "manage_matter"
CENTRE_PERMISSIONS = ("view_guardianshipmatter", MANAGE)


def open_to_centre(matter: GuardianshipMatter) -> None:
    open_to_organisation(matter, matter.centre, CENTRE_PERMISSIONS)


def permitted_matter_ids(actor: User, codename: str = "manage_matter") -> QuerySet:
    return record_ids_held(actor, MatterGroupObjectPermission, codename)


def may_manage(actor: User, matter: GuardianshipMatter) -> bool:
    return holds_record_permission(actor, MatterGroupObjectPermission, matter, MANAGE)


def require_matter_permission(actor: User, matter: GuardianshipMatter, *, action: str) -> None:
    """Refuse (recorded in the audit trail) unless the actor works for the matter's centre."""
    if not may_manage(actor, matter):
        deny(actor, action=action, case=matter.case)


def require_report_permission(actor: User, report: MonitoringReport, *, action: str) -> None:
    """The appointed guardian files their own report; the centre may record one sent on paper."""
    guardian = report.appointment.candidate.user_id
    if guardian is None or guardian != actor.pk:
        require_matter_permission(actor, report.appointment.matter, action=action)


def require_pool_permission(actor: User, *, action: str) -> None:
    require_role_permission(actor, "guardianship.manage_candidates", action=action)
