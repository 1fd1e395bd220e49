"""Reads about users and their organisations."""

from django.db.models import QuerySet

from accounts.models import Membership, User
from accounts.roles import STAFF_ROLES


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def group_ids_of(user: User) -> list[int]:
    """The user's group ids, read once per user object — as Django's ModelBackend caches a user's
    permissions: a request's user is loaded afresh for each request, and sync_role_groups forgets
    them when memberships change."""
    cached = user.__dict__.get("_group_ids")
    if cached is None:
        cached = user.__dict__["_group_ids"] = list(  # the link table alone, not joined to the groups
            User.groups.through.objects.filter(user_id=user.pk).values_list("group_id", flat=True)
        )
    return cached


def organisation_ids_of(user: User) -> list[int]:
    """The ids of the user's organisations, read once per user object (like group_ids_of)."""
    cached = user.__dict__.get("_organisation_ids")
    if cached is None:
        # Unordered: Membership's default order joins the organisations to sort what the set discards.
        cached = user.__dict__["_organisation_ids"] = sorted(
            set(Membership.objects.filter(user=user).order_by().values_list("organisation_id", flat=True))
        )
    return cached


def is_office_staff(user: User) -> bool:
    """Whether the user holds a staff role (accounts.roles.STAFF_ROLES) or reaches the admin site
    (is_staff, a superuser): they give a second factor and get the office's idle period."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()
