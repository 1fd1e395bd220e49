"""Guardian's permission rows for a case are exactly what its live grants say, after every change."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from accounts.roles import Role
from accounts.services import add_membership
from cases.access import change_access, end_grants, has_case_permission, revoke_grants
from cases.models import (
    LEVEL_PERMISSIONS,
    AccessLevel,
    CaseAccessGrant,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
)


def group_rows(case) -> set[tuple[str, str]]:
    return set(
        CaseGroupObjectPermission.objects.filter(content_object=case).values_list(
            "group__name", "permission__codename"
        )
    )


def user_rows(case) -> set[tuple[str, str]]:
    return set(
        CaseUserObjectPermission.objects.filter(content_object=case).values_list(
            "user__username", "permission__codename"
        )
    )


def rows(owner: str, level: AccessLevel) -> set[tuple[str, str]]:
    return {(owner, codename) for codename in LEVEL_PERMISSIONS[level]}


def test_guardian_rows_follow_grants_through_overlaps_revocations_and_expiry(world, concern):
    case = concern()
    intake_rows = group_rows(case)
    newcomer = Organisation.objects.create(
        name="新設の相談室", kind=OrganisationKind.SELF_RELIANCE_SUPPORT, municipality=world.demo.municipality
    )
    group = f"org:{newcomer.pk}"
    assert not Group.objects.filter(name=group).exists()  # no member yet, so no group yet

    # Two grants to one organisation at once (a disclosure and a meeting): each row once.
    view, contribute = change_access(
        case=case,
        actor=world.staff,
        grants=[
            {"organisation": newcomer, "level": AccessLevel.VIEW, "reason": "disclosure"},
            {"organisation": newcomer, "level": AccessLevel.CONTRIBUTE, "reason": "meeting"},
        ],
    )
    assert group_rows(case) == intake_rows | rows(group, AccessLevel.CONTRIBUTE)
    assert CaseGroupObjectPermission.objects.filter(content_object=case).count() == len(group_rows(case))

    # A member who joins later holds what the grants give the organisation.
    member = User.objects.create(username="newcomer_worker")
    add_membership(user=member, organisation=newcomer, role=Role.AGENCY_WORKER)
    member = User.objects.get(pk=member.pk)
    assert has_case_permission(member, case, "change_case")

    revoke_grants(CaseAccessGrant.objects.filter(pk=contribute.pk), actor=world.staff, why="ended_by_lead")
    assert group_rows(case) == intake_rows | rows(group, AccessLevel.VIEW)  # the other grant stands
    assert not has_case_permission(User.objects.get(pk=member.pk), case, "change_case")

    # A user's own grant, ended and replaced in one change; a grant already expired gives nothing.
    change_access(
        case=case,
        actor=world.staff,
        grants=[
            {"user": world.agency_worker, "level": AccessLevel.STATUS, "reason": "reporter"},
            {
                "user": world.anshin_worker,
                "level": AccessLevel.VIEW,
                "reason": "break_glass",
                "expires_at": timezone.now() - datetime.timedelta(seconds=1),
            },
        ],
    )
    assert user_rows(case) == rows("demo_commissioner", AccessLevel.STATUS) | rows(
        "demo_agency", AccessLevel.STATUS
    )
    change_access(
        case=case,
        actor=world.staff,
        ended=end_grants(case, CaseAccessGrant.objects.filter(user=world.agency_worker)),
        why="ended_by_lead",
        grants=[{"user": world.agency_worker, "level": AccessLevel.VIEW, "reason": "disclosure"}],
    )
    assert user_rows(case) == rows("demo_commissioner", AccessLevel.STATUS) | rows(
        "demo_agency", AccessLevel.VIEW
    )
    assert group_rows(case) == intake_rows | rows(group, AccessLevel.VIEW)  # untouched by users' changes

    revoke_grants(CaseAccessGrant.objects.filter(case=case), actor=world.staff, why="ended_by_lead")
    assert group_rows(case) == set() and user_rows(case) == set()
    assert not CaseAccessGrant.objects.filter(case=case, revoked_at__isnull=True).exists()
    assert view.pk in CaseAccessGrant.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)
