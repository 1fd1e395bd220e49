"""Reads about users and their organisations."""

from django.db import connection
from django.db.models import QuerySet

from accounts.models import Membership, User
from accounts.roles import STAFF_ROLES, Role


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


# Counts an app above wants on every page it shows (the header's unread notifications), read in
# the same statement as the ids: name → a scalar subquery on the user's id (one %s), registered
# from that app's AppConfig.ready(). accounts knows none of them by name.
_COUNTS: dict[str, str] = {}


def read_with_user_ids(name: str, scalar_sql: str) -> None:
    """Have every read of a user's ids also return this count: a header's figure then costs no
    statement of its own on a page that asks whose permissions apply, and one on a page that does
    not. ``scalar_sql`` takes the user's id as its one parameter."""
    _COUNTS[name] = scalar_sql


def forget_user_ids(user: User) -> None:
    """Have the next ask read the ids and counts again (memberships or a count changed)."""
    for key in ("_group_ids", "_organisation_ids", "_counts"):
        user.__dict__.pop(key, None)


def user_count(user: User, name: str) -> int:
    """A count registered with ``read_with_user_ids``, read once per user object with the ids."""
    if "_counts" not in user.__dict__:
        _read_ids(user)
    return user.__dict__["_counts"][name]


def _read_ids(user: User) -> None:
    """Both lists in one statement: a page that asks whose grants and whose permissions apply
    (the case page) asks once. The link tables alone, not joined to groups or organisations; the
    registered counts ride along, each a row of its own tagged 2, 3 …"""
    names = list(_COUNTS)
    sql = _IDS + "".join(
        f" UNION ALL SELECT {tag}, ({_COUNTS[name]})" for tag, name in enumerate(names, start=2)
    )
    found: tuple[set[int], set[int]] = (set(), set())
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * (2 + len(names)))
        for kind, value in cursor.fetchall():
            if kind < 2:
                found[kind].add(value)
            else:
                counts[names[kind - 2]] = value
    user.__dict__["_group_ids"] = sorted(found[0])
    user.__dict__["_organisation_ids"] = sorted(found[1])
    user.__dict__["_counts"] = counts


def holds_role(user: User, roles) -> bool:
    """Whether one of the user's memberships gives one of these roles (read with the user's ids:
    no statement of its own on a page that asks whose permissions apply)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return not set(roles_held(user)).isdisjoint(roles)


def is_office_staff(user: User) -> bool:
    """Whether the user holds a staff role (accounts.roles.STAFF_ROLES) or reaches the admin site
    (is_staff, a superuser): they give a second factor and get the office's idle period."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()


# The user's roles as a bit mask, read with the ids (``read_with_user_ids``): the menu on every
# page (config/context_processors.py) costs no statement of its own. One bit per role, in the
# order of ``Role``; SUM over the distinct bits is their OR.
ROLE_BITS = "accounts.role_bits"


def role_bits_sql() -> str:
    """A scalar subquery on the user's id: the sum of the distinct bits of their memberships' roles.
    Written, not built, because it rides in the ids' statement; roles are fixed codes, not input."""
    meta = Membership._meta
    cases = " ".join(f"WHEN '{role}' THEN {1 << bit}" for bit, role in enumerate(Role.values))
    return (
        f"SELECT COALESCE(SUM(DISTINCT CASE {meta.get_field('role').column} {cases} ELSE 0 END), 0) "  # noqa: S608
        f"FROM {meta.db_table} WHERE {meta.get_field('user').column} = %s"
    )


def roles_held(user: User) -> list[str]:
    """The codes of the user's roles, in the order of ``Role``, read with the user's ids."""
    bits = user_count(user, ROLE_BITS)
    return [role for bit, role in enumerate(Role.values) if bits & (1 << bit)]
