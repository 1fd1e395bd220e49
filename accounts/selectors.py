"""Reads about users and their organisations."""

from django.db.models import QuerySet, Value

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


def _read_ids(user: User) -> None:
    """Both lists in one statement: a page that asks whose grants and whose permissions apply
    (the case page) asks once. The link tables alone, not joined to groups or organisations;
    unordered (Membership's default order joins the organisations to sort what the set discards)."""
    groups = User.groups.through.objects.filter(user_id=user.pk).values_list(Value(0), "group_id")
    organisations = Membership.objects.filter(user=user).order_by().values_list(Value(1), "organisation_id")
    found: tuple[set[int], set[int]] = (set(), set())
    for kind, pk in groups.union(organisations, all=True):
        found[kind].add(pk)
    user.__dict__["_group_ids"] = sorted(found[0])
    user.__dict__["_organisation_ids"] = sorted(found[1])


def is_office_staff(user: User) -> bool:
    """Whether the user holds a staff role (accounts.roles.STAFF_ROLES) or reaches the admin site
    (is_staff, a superuser): they give a second factor and get the office's idle period."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()
