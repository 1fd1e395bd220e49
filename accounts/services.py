"""Writes on users, organisations and memberships."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Membership, Organisation, User
from accounts.roles import Role


def sync_role_groups(user: User) -> None:
    """Give the user exactly the role groups of their memberships; other groups are left alone.

    Only system administrators reach the admin site, so ``is_staff`` follows the sysadmin role
    (a superuser flag set by an operator on the command line is never granted or removed here).
    """
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[g for g in role_groups if g.name not in roles])
    user.groups.add(*[g for g in role_groups if g.name in roles])
    is_staff = Role.SYSADMIN in roles
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def add_membership(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Idempotent: an existing membership is returned unchanged."""
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return membership
