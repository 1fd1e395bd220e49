"""Reads about users and their organisations."""

from django.db import connection
from django.db.models import QuerySet

from accounts.models import Membership, User
from accounts.roles import STAFF_ROLES


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def group_ids_of(user: User) -> list[int]:
    """The user's group ids, read once per user object — as Django's ModelBackend caches a user's
    permissions: a request's user is loaded afresh for each request, and sync_role_groups forgets
    them when memberships change."""
    if "_group_ids" not in user.__dict__:
        _read_ids(user)
    return user.__dict__["_group_ids"]


def organisation_ids_of(user: User) -> list[int]:
    """The ids of the user's organisations, read once per user object (like group_ids_of)."""
    if "_organisation_ids" not in user.__dict__:
        _read_ids(user)
    return user.__dict__["_organisation_ids"]


# Written, not built: every signed-in page asks it (the audit trail names the actor's
# organisation, the case page their grants), and building the union cost several times running it
# (bench/pages.py). Table names from the models; the user's id is a parameter.
_IDS = (
    f"SELECT 0, group_id FROM {User.groups.through._meta.db_table} WHERE user_id = %s "  # noqa: S608
    f"UNION ALL SELECT 1, organisation_id FROM {Membership._meta.db_table} WHERE user_id = %s"
)


def _read_ids(user: User) -> None:
    """Both lists in one statement: a page that asks whose grants and whose permissions apply
    (the case page) asks once. The link tables alone, not joined to groups or organisations."""
    found: tuple[set[int], set[int]] = (set(), set())
    with connection.cursor() as cursor:
        cursor.execute(_IDS, [user.pk, user.pk])
        for kind, pk in cursor.fetchall():
            found[kind].add(pk)
    user.__dict__["_group_ids"] = sorted(found[0])
    user.__dict__["_organisation_ids"] = sorted(found[1])


def holds_role(user: User, roles) -> bool:
    """Whether one of the user's memberships gives one of these roles (one statement)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, role__in=list(roles)).exists()


def is_office_staff(user: User) -> bool:
    """Whether the user holds a staff role (accounts.roles.STAFF_ROLES) or reaches the admin site
    (is_staff, a superuser): they give a second factor and get the office's idle period."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()
