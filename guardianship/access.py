"""Who may work on a guardianship matter: the guardianship centre it was opened with, through one
guardian row per permission on the centre's group (direct foreign key). The centre reads the
case only as far as the case's disclosures to it allow (cases.access.field_groups_for).

Like cases.access, checks never honour the superuser flag."""

from django.contrib.auth.models import Group
from django.db.models import QuerySet
from guardian.shortcuts import assign_perm

from accounts.models import User
from accounts.services import organisation_group_name
from cases.access import deny, require_role_permission
from guardianship.models import GuardianshipMatter, MatterGroupObjectPermission

CENTRE_PERMISSIONS = ("view_guardianshipmatter", "manage_matter")


def open_to_centre(matter: GuardianshipMatter) -> None:
    group, _created = Group.objects.get_or_create(name=organisation_group_name(matter.centre))
    for codename in CENTRE_PERMISSIONS:
        assign_perm(f"guardianship.{codename}", group, matter)


def permitted_matter_ids(actor: User, codename: str = "manage_matter") -> QuerySet:
    return MatterGroupObjectPermission.objects.filter(
        group_id__in=list(actor.groups.values_list("pk", flat=True)),
        permission__codename=codename,
        permission__content_type__app_label="guardianship",
    ).values("content_object_id")


def may_manage(actor: User, matter: GuardianshipMatter) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    return permitted_matter_ids(actor).filter(content_object_id=matter.pk).exists()


def require_matter_permission(actor: User, matter: GuardianshipMatter, *, action: str) -> None:
    """Refuse (recorded in the audit trail) unless the actor works for the matter's centre."""
    if not may_manage(actor, matter):
        deny(actor, action=action, case=matter.case)


def require_pool_permission(actor: User, *, action: str) -> None:
    require_role_permission(actor, "guardianship.manage_candidates", action=action)
