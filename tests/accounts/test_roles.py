import pytest
from django.contrib.auth.models import Group

from accounts.models import Area, Membership, Organisation, User
from accounts.roles import ROLE_PERMISSIONS, Role, sync_role_permissions

DESIGN_ROLES = {
    "commissioner",
    "plaza_staff",
    "ward_caseworker",
    "guardianship_coordinator",
    "agency_worker",
    "privacy_officer",
    "sysadmin",
    "evacuation_supporter",
}


def group_perms(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


@pytest.mark.django_db
def test_every_role_of_the_design_is_a_group_with_its_declared_permissions():
    assert set(Role.values) == DESIGN_ROLES
    assert DESIGN_ROLES <= set(Group.objects.values_list("name", flat=True))
    for role, perms in ROLE_PERMISSIONS.items():
        assert group_perms(role) == set(perms), role


@pytest.mark.django_db
def test_only_the_sysadmin_may_manage_users_and_organisations():
    for role in DESIGN_ROLES:
        perms = group_perms(role)
        can_manage = {
            "accounts.change_user",
            "accounts.add_membership",
            "accounts.change_organisation",
        } <= perms
        assert can_manage == (role == "sysadmin"), role


@pytest.mark.django_db
def test_sync_restores_drifted_permissions_and_is_idempotent():
    group = Group.objects.get(name="commissioner")
    group.permissions.clear()
    sync_role_permissions()
    sync_role_permissions()
    assert group_perms("commissioner") == set(ROLE_PERMISSIONS[Role.COMMISSIONER])


@pytest.fixture
def plaza(db) -> Organisation:
    city = Area.objects.create(level=Area.Level.MUNICIPALITY, name="横浜市", code="141003")
    return Organisation.objects.create(
        name="六浦地域ケアプラザ", kind=Organisation.Kind.CARE_PLAZA, municipality=city
    )


def test_role_groups_and_admin_access_follow_memberships(plaza):
    user = User.objects.create(username="someone")
    other = Group.objects.create(name="team:unrelated")
    user.groups.add(other)

    Membership.objects.create(user=user, organisation=plaza, role=Role.PLAZA_STAFF)
    admin_membership = Membership.objects.create(user=user, organisation=plaza, role=Role.SYSADMIN)
    user.refresh_from_db()
    org_group = f"org:{plaza.pk}"  # the organisation's group: what cases are shared with
    assert set(user.groups.values_list("name", flat=True)) == {
        "plaza_staff",
        "sysadmin",
        org_group,
        "team:unrelated",
    }
    assert user.is_staff
    assert user.has_perm("accounts.change_organisation")

    admin_membership.delete()
    user = User.objects.get(pk=user.pk)  # fresh permission cache
    assert set(user.groups.values_list("name", flat=True)) == {"plaza_staff", org_group, "team:unrelated"}
    assert not user.is_staff
    assert not user.has_perm("accounts.change_organisation")
