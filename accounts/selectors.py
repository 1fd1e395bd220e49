"""Reads about users and their organisations."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.functional import LazyObject, empty

from accounts import sql
from accounts.models import Area, Membership, Organisation, User
from accounts.roles import STAFF_ROLES, Role


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def districts_served(user: User, kinds: Iterable[str] = (), roles: Iterable[str] = ()) -> QuerySet[Area]:
    """The districts (地区) the user's organisations (of these kinds, if any are named; where the
    user holds one of these roles, if any are named) serve: those they serve themselves, those
    under a ward or municipality they serve, and those holding a plaza area they serve."""
    if roles:
        held = Membership.objects.filter(user=user, role__in=list(roles)).values("organisation")
        organisations = Organisation.objects.filter(pk__in=held)
    else:
        organisations = Organisation.objects.filter(pk__in=organisation_ids_of(user))
    if kinds:
        organisations = organisations.filter(kind__in=list(kinds))
    return districts_of(organisations)


def districts_of(organisations: QuerySet[Organisation]) -> QuerySet[Area]:
    """The districts these organisations serve: those they serve themselves, those under a ward
    or municipality they serve, and those holding a plaza area they serve."""
    served = Area.objects.filter(served_by__in=organisations)
    return (
        Area.objects.filter(
            Q(pk__in=served) | Q(parent__in=served) | Q(parent__parent__in=served) | Q(children__in=served),
            level=Area.Level.DISTRICT,
        )
        .distinct()
        .order_by("name")
    )


def council_areas_of(organisations: QuerySet[Organisation]) -> QuerySet[Area]:
    """The areas whose councils these organisations take part in: the wards they serve, are
    inside or hold (a ward office its ward, a plaza the ward of its districts, a city-wide centre
    every ward), and a city they serve that has no wards (its council is the city's)."""
    served = Area.objects.filter(served_by__in=organisations)
    around = Q(pk__in=served) | Q(children__in=served) | Q(children__children__in=served)
    wards = Q(level=Area.Level.WARD) & (around | Q(parent__in=served))
    wardless = Q(level=Area.Level.MUNICIPALITY) & around & ~Q(children__level=Area.Level.WARD)
    return Area.objects.filter(wards | wardless).distinct().order_by("name")


def group_ids_of(user: User) -> list[int]:
    """The user's group ids, read once per user object — as Django's ModelBackend caches a user's
    permissions: a request's user is loaded afresh for each request, and sync_role_groups forgets
    them when memberships change."""
    return _read_with_ids(user)["_group_ids"]


def organisation_ids_of(user: User) -> list[int]:
    """The ids of the user's organisations, read once per user object (like group_ids_of)."""
    return _read_with_ids(user)["_organisation_ids"]


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
    """Have the next ask read the ids, permissions and counts again (memberships or a count
    changed)."""
    kept = _own(user).__dict__
    for key in ("_group_ids", "_organisation_ids", "_counts", *PERMISSION_CACHES):
        kept.pop(key, None)


# Where ModelBackend keeps a user's permission names (accounts.backends reads them from here).
PERMISSION_CACHES = ("_user_perm_cache", "_group_perm_cache", "_perm_cache")


def user_count(user: User, name: str) -> int:
    """A count registered with ``read_with_user_ids``, read once per user object with the ids."""
    return _read_with_ids(user)["_counts"][name]


def permission_names(user: User, source: str) -> set[str]:
    """The user's own (``source`` "user") or their groups' ("group") model permissions as
    "app_label.codename", read once per user object with the ids."""
    return _read_with_ids(user)[f"_{source}_perm_cache"]


def _own(user: User) -> User:
    """The user object itself: a request's user is a lazy wrapper (django-otp's) whose own
    attributes are not the user's, and ``has_perm`` runs on the user inside it; what is read is
    kept there, once."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def _read_with_ids(user: User) -> dict:
    """The user object's attributes, with the ids, permissions and counts read into them (one
    statement the first time)."""
    kept = _own(user).__dict__
    if "_counts" not in kept:
        _read_ids(user.pk, kept)
    return kept


def _read_ids(user_id: int, kept: dict) -> None:
    """Both lists in one statement: a page that asks whose grants and whose permissions apply
    (the case page) asks once. The link tables alone, not joined to groups or organisations; the
    permissions' names and the registered counts ride along, each a row of its own."""
    names = list(_COUNTS)
    _keep_ids(sql.ids_and_counts(user_id, [_COUNTS[name] for name in names]), names, kept)


def signed_in_user(user_id: int) -> User | None:
    """The request's user with their ids, permissions and counts already kept: what a signed-in
    page asks first, in one statement (``sql.user_with_ids``)."""
    names = list(_COUNTS)
    user, rows = sql.user_with_ids(user_id, [_COUNTS[name] for name in names])
    if user is not None:
        _keep_ids(rows, names, user.__dict__)
    return user


def _keep_ids(rows: Iterable[tuple], names: list[str], kept: dict) -> None:
    found: tuple[set[int], set[int]] = (set(), set())
    held: tuple[set[str], set[str]] = (set(), set())
    counts: dict[str, int] = {}
    for kind, value, name in rows:
        if kind < 2:
            found[kind].add(value)
        elif kind < sql.FIRST_COUNT:
            held[kind - 2].add(name)
        else:
            counts[names[kind - sql.FIRST_COUNT]] = value
    kept["_group_ids"] = sorted(found[0])
    kept["_organisation_ids"] = sorted(found[1])
    kept["_user_perm_cache"], kept["_group_perm_cache"] = held
    kept["_counts"] = counts


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


# The user's roles as a bit mask, read with the ids (``read_with_user_ids``, accounts.sql.role_bits_sql):
# the menu on every page (config/menu.py) costs no statement of its own.
ROLE_BITS = "accounts.role_bits"


def roles_held(user: User) -> list[str]:
    """The codes of the user's roles, in the order of ``Role``, read with the user's ids."""
    bits = user_count(user, ROLE_BITS)
    return [role for bit, role in enumerate(Role.values) if bits & (1 << bit)]
