"""Writes on users, organisations and memberships, and unlocking sign-in."""

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from accounts.signin import sign_in_unlocked

ORGANISATION_GROUP_PREFIX = "org:"


def organisation_group_name(organisation_id: int) -> str:
    """The Django group of everyone working for an organisation: what a case is shared with."""
    return f"{ORGANISATION_GROUP_PREFIX}{organisation_id}"


def sync_role_groups(user: User) -> None:
    """Give the user exactly the role groups and organisation groups of their memberships.

    Other groups are left alone. Only system administrators reach the admin site, so ``is_staff``
    follows the sysadmin role (a superuser flag set by an operator on the command line is never
    granted or removed here).
    """
    # accounts.selectors.group_ids_of and organisation_ids_of read them again.
    user.__dict__.pop("_group_ids", None)
    user.__dict__.pop("_organisation_ids", None)
    memberships = list(Membership.objects.filter(user=user))
    wanted = {m.role for m in memberships} | {organisation_group_name(m.organisation_id) for m in memberships}
    for name in wanted:
        Group.objects.get_or_create(name=name)
    managed = Group.objects.filter(Q(name__in=Role.values) | Q(name__startswith=ORGANISATION_GROUP_PREFIX))
    current = set(user.groups.filter(pk__in=managed).values_list("name", flat=True))
    user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    user.groups.add(*Group.objects.filter(name__in=wanted - current))
    roles = {m.role for m in memberships}
    is_staff = Role.SYSADMIN in roles
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def add_membership(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Idempotent: an existing membership is returned unchanged."""
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return membership


def unlock_sign_in(*, actor: User | None, attempts: QuerySet[AccessAttempt]) -> int:
    """Delete these counts of failed sign-ins (unlocking their accounts and addresses) and
    announce it, which audit records: from the admin (actor: the administrator) or axes' reset
    commands (actor None: an operator at the server). Returns how many were deleted."""
    if actor is not None and not actor.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied
    with transaction.atomic():
        deleted = list(attempts.select_for_update().order_by("pk"))
        if deleted:
            AccessAttempt.objects.filter(pk__in=[attempt.pk for attempt in deleted]).delete()
            sign_in_unlocked.send(sender=AccessAttempt, actor=actor, attempts=deleted)
    return len(deleted)
