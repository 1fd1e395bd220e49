"""Access to cases: grants (the source of truth) mirrored into django-guardian's direct-FK tables.

Every statement of cases written as SQL lives here (the lock-and-check and the save of every
transition, the permission probes, guardian's rows): building them through the ORM cost more
than running them (docs/performance.md). Only table names from the models and integer ids go
into the text; values are parameters.

Sharing a case with an organisation is one grant to the organisation's group ("org:<id>", which
accounts keeps in step with memberships). Checks here never honour the superuser flag: a system
administrator has no implicit access to personal data (docs/design.md "Roles").
"""

import datetime
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import NoReturn

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from accounts.models import Area, Membership, Organisation, OrganisationKind, User
from accounts.selectors import group_ids_of
from accounts.services import ORGANISATION_GROUP_PREFIX, organisation_group_name
from accounts.sql import (
    Columns,
    insert_instances,
    insert_values,
    json_rows,
    read_instances,
    rows_of_json,
    send_instances,
)
from audit import context as audit_context
from audit import services as audit
from audit.models import AuditEvent
from cases.models import (
    LEVEL_PERMISSIONS,
    AccessLevel,
    Agreement,
    Case,
    CaseAccessGrant,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Concern,
    ConcernCategoryTag,
    ConcernSignal,
    Consent,
    Decision,
    Disclosure,
    LegalBasis,
    Person,
    ProgressEntry,
    ReportingCredential,
    SupportMeeting,
)
from cases.vocabulary import FieldGroup
from privacy.models import DataKey


def live_grants(now: datetime.datetime | None = None) -> QuerySet[CaseAccessGrant]:
    now = now or timezone.now()
    return CaseAccessGrant.objects.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


_permission_ids: dict[str, int] = {}


def case_permission_id(codename: str) -> int:
    """The id of a case permission, looked up once per process (cleared after every migrate,
    the only thing that gives permission rows new ids)."""
    if not _permission_ids:
        _permission_ids.update(
            Permission.objects.filter(
                content_type__app_label="cases", content_type__model="case"
            ).values_list("codename", "pk")
        )
    return _permission_ids[codename]


def forget_permission_ids(**kwargs) -> None:
    _permission_ids.clear()


def sync_case_permissions(case: Case, *, groups: bool, users: bool) -> None:
    """Make guardian's rows for this case exactly what its live grants say: the organisations'
    group rows (``groups``) and the users' own rows (``users``), a delete and an insert each (one
    statement on PostgreSQL)."""
    levels = ", ".join(
        f"({int(level)}, {case_permission_id(codename)})"
        for level, codenames in LEVEL_PERMISSIONS.items()
        for codename in codenames
    )
    case_id = Case._meta.pk.get_db_prep_value(case.pk, connection)
    live = [case_id, connection.ops.adapt_datetimefield_value(timezone.now())]
    asked = ([_GROUP_ROWS] if groups else []) + ([_USER_ROWS] if users else [])
    with connection.cursor() as cursor:
        for table, owner, wanted in asked:
            with_wanted = f"WITH levels (level, permission_id) AS (VALUES {levels}), wanted AS ({wanted})"
            delete = (
                f"DELETE FROM {table} WHERE content_object_id = %s AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM wanted WHERE owner_id = {table}.{owner} "
                f"AND wanted.permission_id = {table}.permission_id)"
            )
            insert = (
                f"INSERT INTO {table} (permission_id, {owner}, content_object_id) "  # noqa: S608
                "SELECT permission_id, owner_id, %s FROM wanted WHERE NOT EXISTS (SELECT 1 FROM "
                f"{table} AS held WHERE held.content_object_id = %s AND held.{owner} = wanted.owner_id "
                # a change of the same case at the same moment may be writing these rows too
                "AND held.permission_id = wanted.permission_id) ON CONFLICT DO NOTHING"
            )
            if connection.vendor == "postgresql":
                # One round trip: the delete runs to completion as part of the insert's statement.
                # Both see the rows as they were; the insert adds only rows the delete keeps.
                cursor.execute(f"{with_wanted}, gone AS ({delete}) {insert}", [*live, *[case_id] * 3])
            else:  # SQLite has no data-modifying WITH
                cursor.execute(f"{with_wanted} {delete}", [*live, case_id])
                cursor.execute(f"{with_wanted} {insert}", [*live, case_id, case_id])


def organisation_granted(case: Case, reason: str, among: list[int]) -> int | None:
    """The first of the organisations ``among`` that holds a live grant of this reason on the case
    (e.g. which of the actor's organisations received a concern for intake)."""
    if not among:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organisation_id FROM {_GRANT_TABLE} AS grant_row WHERE {_LIVE_GRANT} "  # noqa: S608
            f"AND reason = %s AND organisation_id IN ({', '.join(str(int(pk)) for pk in among)}) "
            "ORDER BY id LIMIT 1",
            [
                Case._meta.pk.get_db_prep_value(case.pk, connection),
                connection.ops.adapt_datetimefield_value(timezone.now()),
                reason,
            ],
        )
        found = cursor.fetchone()
    return found[0] if found else None


def _ensure_organisation_groups(organisation_ids: set[int]) -> None:
    """Every organisation granted access has its group ("org:<id>"), even before its first member
    (accounts puts members in it): the group's permission rows are there when they arrive."""
    if organisation_ids:
        names = sorted(organisation_group_name(pk) for pk in organisation_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Group._meta.db_table} (name) VALUES {', '.join(['(%s)'] * len(names))} "  # noqa: S608
                "ON CONFLICT (name) DO NOTHING",
                names,
            )


# A grant ended: its id, and the organisation or user it was for.
EndedGrant = tuple[int, int | None, int | None]


def end_grants(case: Case, grants: QuerySet[CaseAccessGrant]) -> list[EndedGrant]:
    """End the live ones of these grants of one case, for ``change_access`` to finish the change
    (guardian's rows, audit). Their ids and owners, in the order they were granted, come back from
    the statement that ends them."""
    live = grants.filter(case=case, revoked_at__isnull=True)
    ending, ending_params = live.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_GRANT_TABLE} SET revoked_at = %s WHERE id IN ({ending}) "  # noqa: S608 (ORM-built)
            "RETURNING id, organisation_id, user_id",
            [connection.ops.adapt_datetimefield_value(timezone.now()), *ending_params],
        )
        return sorted(cursor.fetchall())


def change_access(
    *,
    case: Case,
    actor: User | None,
    ended: Sequence[EndedGrant] = (),
    why: str = "",
    grants: Iterable[dict] = (),
) -> list[CaseAccessGrant]:
    """Create grants of one case and/or finish ending others (``end_grants``, in this
    transaction), then bring guardian's rows in step once.

    Each grant is a dict of CaseAccessGrant fields (organisation or user, level, reason,
    field_groups, expires_at, disclosure, consent). Every change is an audit event (``why``, a
    code, for the ended ones).
    """
    created = CaseAccessGrant.objects.bulk_create(
        CaseAccessGrant(
            case=case, granted_by=actor, **{**spec, "field_groups": sorted(set(spec.get("field_groups", ())))}
        )
        for spec in grants
    )
    owners = [(organisation, user) for _pk, organisation, user in ended] + [
        (grant.organisation_id, grant.user_id) for grant in created
    ]
    # An organisation whose grant just ended got its group with that grant (groups are never deleted).
    _ensure_organisation_groups(
        {grant.organisation_id for grant in created if grant.organisation_id}
        - {organisation for _pk, organisation, _user in ended}
    )
    if owners:
        sync_case_permissions(
            case,
            groups=any(organisation for organisation, _user in owners),
            users=any(user for _organisation, user in owners),
        )
    audit.append(
        [
            audit.new_event(
                "case.access_revoked",
                actor=actor,
                target=case,
                case_id=case.pk,
                person_id=case.person_id,
                params={"grant": grant, "why": why},
            )
            for grant, _organisation, _user in ended
        ]
        + [
            audit.new_event(
                "case.access_granted",
                actor=actor,
                target=case,
                case_id=case.pk,
                person_id=case.person_id,
                fields=grant.field_groups,
                params={
                    "grant": grant.pk,
                    "level": int(grant.level),
                    "reason": grant.reason,
                    "organisation": grant.organisation_id,
                    "user": grant.user_id,
                },
            )
            for grant in created
        ]
    )
    return created


def grant_leads_of_new_cases(
    cases: Sequence[Case], *, actor: User | None, field_groups: Sequence[str]
) -> None:
    """Each of these new cases — none has a grant or a permission row yet — granted to its lead
    organisation as its lead (every field in ``field_groups``), with guardian's group rows: what
    ``change_access`` does one case at a time, two inserts for all of them (an import). The
    caller's audit event for each case names the grant (``case.imported``)."""
    groups = sorted(set(field_groups))
    now = timezone.now()
    insert_instances(
        [
            CaseAccessGrant(
                case=case,
                organisation_id=case.lead_organisation_id,
                level=AccessLevel.LEAD,
                reason=CaseAccessGrant.Reason.OWNER,
                field_groups=groups,
                granted_by=actor,
                granted_at=now,
            )
            for case in cases
        ]
    )
    organisations = {case.lead_organisation_id for case in cases}
    _ensure_organisation_groups(organisations)
    group_of = dict(
        Group.objects.filter(name__in=[organisation_group_name(pk) for pk in organisations]).values_list(
            "name", "pk"
        )
    )
    permissions = [case_permission_id(codename) for codename in LEVEL_PERMISSIONS[AccessLevel.LEAD]]
    insert_values(
        CaseGroupObjectPermission,
        ["permission_id", "group_id", "content_object_id"],
        [
            (permission, group_of[organisation_group_name(case.lead_organisation_id)], _pk(case.pk))
            for case in cases
            for permission in permissions
        ],
    )


def grant_access(*, case: Case, granted_by: User | None, **spec) -> CaseAccessGrant:
    (grant,) = change_access(case=case, actor=granted_by, grants=[spec])
    return grant


def revoke_grants(grants: QuerySet[CaseAccessGrant], *, actor: User | None, why: str) -> int:
    """End these grants now (of any cases); guardian's rows follow. ``why`` is a code."""
    live = grants.filter(revoked_at__isnull=True)
    count = live.count()
    for case in Case.objects.filter(pk__in=live.values("case_id")):
        change_access(case=case, actor=actor, ended=end_grants(case, live), why=why)
    return count


def limit_grants(grants: QuerySet[CaseAccessGrant], until: datetime.datetime) -> int:
    """The live grants among these end at ``until`` at the latest (those set to end later, or
    never, are brought forward); ``revoke_expired_grants`` ends them then. The caller records why."""
    live = grants.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=until))
    return live.update(expires_at=until)


def revoke_expired_grants() -> int:
    """Time-boxed grants (meeting attendees, break-glass) end when their time is up.

    Called before permission-filtered reads (one indexed query when there is nothing to do) and
    by ``send_reminders``, so that guardian's rows never outlive a grant by more than a request.
    Within one request it looks once: a page of several sections (the home) reads them all under
    the grants as they were when the request began.
    """
    request = audit_context.current()
    if request is not None and _grants_checked_in.get() == request.request_id:
        return 0
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_ANY_GRANT_EXPIRED}", [connection.ops.adapt_datetimefield_value(now)])
        expired_any = cursor.fetchone()[0]
    revoked = 0
    if expired_any:
        with transaction.atomic():
            expired = CaseAccessGrant.objects.filter(revoked_at__isnull=True, expires_at__lte=now)
            revoked = revoke_grants(expired, actor=None, why="expired")
    if request is not None:
        _grants_checked_in.set(request.request_id)
    return revoked


# The request whose expired grants were revoked already (revoke_expired_grants).
_grants_checked_in: ContextVar[str | None] = ContextVar("tsunagu_grants_checked_in", default=None)


def permitted_case_ids(actor: User, codename: str) -> RawSQL:
    """Ids of the cases on which the actor holds ``codename`` through their own grants or their
    organisations', for ``pk__in=``: guardian's two direct-FK tables, so that planners start from
    the few permission rows the actor holds instead of probing every case."""
    parts, params = _rows_held(
        actor, "content_object_id", "permission_id = %s", [case_permission_id(codename)]
    )
    return RawSQL(" UNION ".join(parts), params)  # noqa: S611 (see _rows_held)


def open_to_organisation(record: Model, organisation: Organisation, codenames: Iterable[str]) -> None:
    """Give an organisation's group object permissions on one record of an app built on cases (a
    referral to an agency, a guardianship matter for a centre): one direct-FK guardian row each."""
    group, _created = Group.objects.get_or_create(name=organisation_group_name(organisation.pk))
    for codename in codenames:
        assign_perm(f"{record._meta.app_label}.{codename}", group, record)


def record_ids_held(actor: User, permission_model: type[Model], codename: str) -> QuerySet:
    """Ids of the records on which one of the actor's groups holds ``codename``, read from that
    app's direct-FK group permission table. Like every check here, the superuser flag gives nothing."""
    if not actor.is_authenticated or not actor.is_active:
        return permission_model.objects.none().values("content_object_id")
    return permission_model.objects.filter(
        group_id__in=group_ids_of(actor),
        permission__codename=codename,
        permission__content_type__app_label=permission_model._meta.app_label,
    ).values("content_object_id")


def holds_record_permission(actor: User, permission_model: type[Model], record: Model, codename: str) -> bool:
    return record_ids_held(actor, permission_model, codename).filter(content_object_id=record.pk).exists()


_GROUP_TABLE = CaseGroupObjectPermission._meta.db_table
_USER_TABLE = CaseUserObjectPermission._meta.db_table
_GRANT_TABLE = CaseAccessGrant._meta.db_table
# live_grants()'s rule, written, for one case's grants (aliased grant_row): case id, then now.
_LIVE_GRANT = (
    "grant_row.case_id = %s AND grant_row.revoked_at IS NULL "
    "AND (grant_row.expires_at IS NULL OR grant_row.expires_at > %s)"
)
# guardian's rows a case's live grants call for (with ``levels``: each level's permission ids):
# the group of each organisation granted (named by accounts' prefix, a constant, and the id), and
# each user granted.
_GROUP_ROWS = (
    _GROUP_TABLE,
    "group_id",
    "SELECT DISTINCT org_group.id AS owner_id, levels.permission_id "  # noqa: S608
    f"FROM {_GRANT_TABLE} AS grant_row JOIN {Group._meta.db_table} AS org_group "
    f"ON org_group.name = '{ORGANISATION_GROUP_PREFIX}' || CAST(grant_row.organisation_id AS TEXT) "
    f"JOIN levels ON levels.level = grant_row.level WHERE {_LIVE_GRANT}",
)
_USER_ROWS = (
    _USER_TABLE,
    "user_id",
    f"SELECT DISTINCT grant_row.user_id AS owner_id, levels.permission_id FROM {_GRANT_TABLE} AS grant_row "  # noqa: S608
    f"JOIN levels ON levels.level = grant_row.level WHERE grant_row.user_id IS NOT NULL AND {_LIVE_GRANT}",
)
# The case table and its key, quoted for written statements.
CASE_TABLE = connection.ops.quote_name(Case._meta.db_table)
CASE_PK = connection.ops.quote_name(Case._meta.pk.column)


_CASE_ROW = Columns(Case, CASE_TABLE)
_CASE_COLUMNS = _CASE_ROW.sql
# Django's select_for_update() is a no-op where the database has no row locks (SQLite, which
# holds the whole database's write lock for the transaction instead: settings).
_FOR_UPDATE = " FOR UPDATE" if connection.features.has_select_for_update else ""
# A permission id no permission has: the row that says "some grant has expired unrevoked".
_EXPIRED = -1
# Written as SQL, not built by the ORM: every case page and every transition asks these, and
# building the queries cost more than running them (docs/performance.md). Only table names from
# the models and integer ids go into the text; values are parameters.
# The earliest live expiry, compared outside the subquery: the subquery has no parameter, so
# PostgreSQL reads one entry of the index grant_expiring even in the generic plan it adopts for a
# prepared statement (an EXISTS over ``expires_at <= %s`` became a scan of every grant there: 60 ms
# a transition at 100,000 cases, docs/performance.md). NULL (no time-boxed grant) is false.
_ANY_GRANT_EXPIRED = f"(SELECT MIN(expires_at) FROM {_GRANT_TABLE} WHERE revoked_at IS NULL) <= %s"  # noqa: S608


def _rows_held(actor: User, column: str, condition: str, params: list) -> tuple[list[str], list]:
    """SELECTs of ``column`` from the permission rows the actor holds — through their groups, then
    themselves — that meet ``condition`` (with ``params``): one per guardian table, for the caller
    to join with UNION or UNION ALL. The groups go in as literal ids, so that the planner
    estimates the rows of exactly these groups and starts from them."""
    parts, all_params = [], []
    groups = group_ids_of(actor)
    if groups:
        in_groups = ", ".join(str(int(g)) for g in groups)
        parts.append(f"SELECT {column} FROM {_GROUP_TABLE} WHERE {condition} AND group_id IN ({in_groups})")  # noqa: S608
        all_params += params
    parts.append(f"SELECT {column} FROM {_USER_TABLE} WHERE {condition} AND user_id = %s")  # noqa: S608
    all_params += [*params, actor.pk]
    return parts, all_params


def _permission_rows(actor: User, case_sql: str, case_params: list) -> tuple[str, list]:
    """SQL for the ids of the permissions the actor holds on the case whose id ``case_sql`` gives:
    a parameter (``case_params``) or a column of a case being read."""
    parts, params = _rows_held(actor, "permission_id", f"content_object_id = {case_sql}", case_params)
    return " UNION ALL ".join(parts), params


def _held_permission_ids(actor: User, case: Case, *, note_expired: bool) -> set[int]:
    """The permission ids the actor holds on the case; with ``note_expired``, also _EXPIRED when
    some time-boxed grant (of any case) has run out without being revoked yet."""
    sql, params = _permission_rows(actor, "%s", [Case._meta.pk.get_db_prep_value(case.pk, connection)])
    if note_expired:
        sql += f" UNION ALL SELECT {_EXPIRED} WHERE {_ANY_GRANT_EXPIRED}"
        params.append(connection.ops.adapt_datetimefield_value(timezone.now()))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


class GrantsExpired(Exception):
    """Some time-boxed grant has run out unrevoked: revoke (``revoke_expired_grants``, in a
    transaction of its own) and ask again. An expired grant is never honoured."""


def lock_permitted_case(actor: User, case: Case, codename: str) -> tuple[Case, bool]:
    """The case row locked for the caller's transaction, and whether the actor holds ``codename``
    on it: one statement for the check and the lock, the common path of every transition."""
    if not actor.is_authenticated or not actor.is_active:
        return case, False  # refused before anything is read or locked
    rows, params = _permission_rows(actor, f"{CASE_TABLE}.{CASE_PK}", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_CASE_COLUMNS}, {_ANY_GRANT_EXPIRED}, %s IN ({rows}) "  # noqa: S608 (see _rows_held)
            f"FROM {CASE_TABLE} WHERE {CASE_TABLE}.{CASE_PK} = %s{_FOR_UPDATE}",
            [
                connection.ops.adapt_datetimefield_value(timezone.now()),
                case_permission_id(codename),
                *params,
                Case._meta.pk.get_db_prep_value(case.pk, connection),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        raise Case.DoesNotExist("No case with this id.")
    *values, grants_expired, permitted = row
    if grants_expired:
        raise GrantsExpired
    return _CASE_ROW.build(values), bool(permitted)


def save_case(case: Case, fields: list[str]) -> None:
    """Write these fields, a new version and the update time of a case the caller has locked.

    What ``save(update_fields=…)`` does (each field's ``pre_save``: encrypted fields are sealed,
    ``updated_at`` stamped), in one written UPDATE: this is every transition's path, and building
    Django's query cost more than running it (docs/performance.md)."""
    case.version += 1
    written = [Case._meta.get_field(name) for name in dict.fromkeys([*fields, "version", "updated_at"])]
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in written)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CASE_TABLE} SET {assignments} WHERE {CASE_PK} = %s",  # noqa: S608 (names from the model)
            [
                *(field.get_db_prep_save(field.pre_save(case, False), connection) for field in written),
                Case._meta.pk.get_db_prep_value(case.pk, connection),
            ],
        )
        if cursor.rowcount != 1:
            raise Case.DoesNotExist("No case with this id.")


def held_case_permissions(actor: User, case: Case) -> set[str]:
    """Every case permission the actor holds on this case, in one query: a page asks once.

    The same query says whether any time-boxed grant has run out without being revoked yet; only
    then are they revoked (and the permissions read again), so that the common case is one round
    trip and an expired grant is never honoured."""
    if not actor.is_authenticated or not actor.is_active:
        return set()
    held = _held_permission_ids(actor, case, note_expired=True)
    if _EXPIRED in held:
        revoke_expired_grants()
        held = _held_permission_ids(actor, case, note_expired=False)
    return _codenames(held)


def _codenames(permission_ids: set[int]) -> set[str]:
    return {
        codename
        for codename in LEVEL_PERMISSIONS[AccessLevel.LEAD]
        if case_permission_id(codename) in permission_ids
    }


def has_case_permission(actor: User, case: Case, codename: str) -> bool:
    return codename in held_case_permissions(actor, case)


def field_groups_for(actor: User, case: Case) -> set[str]:
    """The field groups the actor may read in this case: the union of their live grants'."""
    groups: set[str] = set()
    organisations = Organisation.objects.filter(memberships__user=actor)
    for field_groups in (
        live_grants()
        .filter(case=case)
        .filter(Q(user=actor) | Q(organisation__in=organisations))
        .values_list("field_groups", flat=True)
    ):
        groups.update(field_groups)
    return groups


# A person found by search, as ``identity_visible`` weighs them: (pk, registered_by_id, created_at).
Candidate = tuple[uuid.UUID, int | None, datetime.datetime]


def identity_visible(actor: User, candidates: Sequence[Candidate]) -> list[uuid.UUID]:
    """The ids of the candidates whose identity the actor may read, newest record first: those
    their organisations registered, and those on whose case a live grant of theirs (or of their
    organisations) includes the identity group. A grant without it (a disclosure of the concern
    only, the reporter's status view) does not make a person findable by name, nor addable to a
    household. The one rule of both (``cases.selectors.search``, ``add_existing_household_member``)."""
    if not candidates:
        return []
    organisations = set(Membership.objects.filter(user=actor).values_list("organisation_id", flat=True))
    visible = {pk for pk, registered_by, _created in candidates if registered_by in organisations}
    others = [pk for pk, _registered_by, _created in candidates if pk not in visible]
    if others:
        grants = (
            live_grants()
            .filter(Q(user=actor) | Q(organisation_id__in=organisations), case__person_id__in=others)
            .values_list("case__person_id", "field_groups")
        )
        visible |= {person_id for person_id, groups in grants if FieldGroup.IDENTITY in groups}
    return [
        pk
        for pk, _registered_by, _created in sorted(candidates, key=lambda c: (c[2], c[0]), reverse=True)
        if pk in visible
    ]


def require_case_permission(actor: User, case: Case, codename: str, *, action: str) -> None:
    """Refuse (recorded in the audit trail) unless the actor holds ``codename`` on the case.

    Call it before opening the transaction of the change: the refusal is written in its own.
    """
    if not has_case_permission(actor, case, codename):
        deny(actor, action=action, case=case)


def require_role_permission(actor: User, perm: str, *, action: str, case: Case | None = None) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.has_perm(perm)):
        deny(actor, action=action, case=case)


def deny(actor: User, *, action: str, case: Case | None = None) -> NoReturn:
    """Record the refusal in its own transaction (the caller's is about to roll back), then refuse."""
    with transaction.atomic():
        audit.record(
            "case.denied",
            actor=actor if actor.is_authenticated else None,
            target=case,
            case_id=case.pk if case else "",
            params={"action": action},
        )
    error = PermissionDenied(_("この操作を行う権限がありません。"))
    error.audited = True  # the audit middleware need not record it again
    raise error


# --- the case page's reads ---------------------------------------------------------------------
# Written, not built, for the same reason as the rest: the case page asks each of these on every
# view, and the ORM's building and compiling of them cost several times their running
# (bench/pages.py, docs/performance.md). Each is one statement; the column lists come from the
# models (``Columns``), so that only the joins and conditions are written by hand.


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _pk(value: object) -> object:
    """A case-side UUID key as the database compares it (a hex string on SQLite, a UUID on PostgreSQL)."""
    return Case._meta.pk.get_db_prep_value(Case._meta.pk.to_python(value), connection)


def _named(alias: str) -> Columns:
    """A user as the page names them (``str(user)``)."""
    return Columns(User, alias, ["first_name", "last_name", "username"])


# Who or what a row names, as the page shows them: joined as "o" and "u" throughout.
_ORGANISATION_NAME = Columns(Organisation, "o", ["name"])
_USER_NAME = _named("u")
_CASE_PAGE_CASE = Columns(Case, "c")
_PERSON = Columns(Person, "p")
_DATA_KEY = Columns(DataKey, "k")
_AREA = Columns(Area, "a")
_LEAD = Columns(Organisation, "o")
_CASE_WITH_PERSON_COLUMNS = f"{_CASE_PAGE_CASE.sql}, {_PERSON.sql}, {_DATA_KEY.sql}, {_AREA.sql}, {_LEAD.sql}"
_CASE_WITH_PERSON_FROM = (
    f"FROM {CASE_TABLE} c JOIN {_table(Person)} p ON p.id = c.person_id "
    f"JOIN {_table(DataKey)} k ON k.id = p.data_key_id JOIN {_table(Area)} a ON a.id = c.area_id "
    f"LEFT JOIN {_table(Organisation)} o ON o.id = c.lead_organisation_id WHERE c.id = %s"
)


def _read_case_with_person(case_id: object, more: str = "", params: Sequence = (), extra=()) -> Case | None:
    """The case with its person, the person's data key, its area and lead organisation, and
    ``more`` columns (with their ``params``) kept as the ``extra`` attributes."""
    found = read_instances(
        f"SELECT {_CASE_WITH_PERSON_COLUMNS}{more} {_CASE_WITH_PERSON_FROM}",
        [*params, _pk(case_id)],
        _CASE_PAGE_CASE,
        extra=extra,
        person=_PERSON,
        person__data_key=_DATA_KEY,
        area=_AREA,
        lead_organisation=_LEAD,
    )
    return found[0] if found else None


def case_with_person(case_id: object) -> Case | None:
    """The case with its person, the person's data key, its area and lead organisation
    (``select_related`` of the four), or None."""
    return _read_case_with_person(case_id)


def case_held_with_person(actor: User, case_id: object) -> tuple[Case | None, set[str]]:
    """``case_with_person`` and ``held_case_permissions`` in one statement: what every page of a
    case asks first. The permissions ride as a JSON list, with whether some time-boxed grant has
    run out unrevoked; only then are the grants revoked and the permissions read again."""
    if not actor.is_authenticated or not actor.is_active:
        return case_with_person(case_id), set()
    rows, params = _permission_rows(actor, "c.id", [])
    case = _read_case_with_person(
        case_id,
        f", {json_rows('x.permission_id', f'FROM ({rows}) x')}, {_ANY_GRANT_EXPIRED}",
        [*params, connection.ops.adapt_datetimefield_value(timezone.now())],
        extra=["permission_ids", "grants_expired"],
    )
    if case is None:
        return None, set()
    if case.grants_expired:
        revoke_expired_grants()
        return case, held_case_permissions(actor, case)
    return case, _codenames({row[0] for row in rows_of_json(case.permission_ids)})


_GRANT = Columns(
    CaseAccessGrant,
    "grant_row",
    ["case_id", "organisation_id", "user_id", "level", "field_groups", "reason", "expires_at"],
)
_LIVE_GRANTS_OF_CASE = (
    f"SELECT {_GRANT.sql}, {_ORGANISATION_NAME.sql}, {_USER_NAME.sql} FROM {_GRANT_TABLE} grant_row "  # noqa: S608
    f"LEFT JOIN {_table(Organisation)} o ON o.id = grant_row.organisation_id "
    f"LEFT JOIN {_table(User)} u ON u.id = grant_row.user_id WHERE {_LIVE_GRANT} ORDER BY grant_row.id"
)


def send_live_grants_of_case(case_id: object) -> Callable[[], list[CaseAccessGrant]]:
    """``live_grants().filter(case=case)`` with each grant's organisation's name and user's names,
    in the order they were given (sent now, read when the function returned is called)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return send_instances(
        _LIVE_GRANTS_OF_CASE, [_pk(case_id), now], _GRANT, organisation=_ORGANISATION_NAME, user=_USER_NAME
    )


_CONCERN = Columns(Concern, "c")
_SIGNAL_CODES = json_rows("s.id, s.code", f"FROM {_table(ConcernSignal)} s WHERE s.concern_id = c.id")
_CATEGORY_CODES = json_rows("t.id, t.code", f"FROM {_table(ConcernCategoryTag)} t WHERE t.concern_id = c.id")
_CONCERNS_OF_CASE = (
    f"SELECT {_CONCERN.sql}, a.title, p.name, {_SIGNAL_CODES}, {_CATEGORY_CODES} FROM {_table(Concern)} c "  # noqa: S608
    f"LEFT JOIN {_table(ReportingCredential)} r ON r.id = c.credential_id "
    f"LEFT JOIN {_table(Agreement)} a ON a.id = r.agreement_id "
    f"LEFT JOIN {_table(Organisation)} p ON p.id = a.party_id "
    "WHERE c.case_id = %s ORDER BY c.created_at"
)


def send_concerns_of_case(case: Case) -> Callable[[], list[Concern]]:
    """The case's concerns, oldest first, each knowing its case (and so its person's key), the
    agreement and party a report under an agreement came with (``agreement_title``,
    ``party_name``), and its observed signals' and categories' codes in the order recorded
    (``signal_codes``, ``category_codes``): one statement, sent now, read when the function
    returned is called (``accounts.sql.sent_together``; so are the readers below named send_)."""
    sent = send_instances(
        _CONCERNS_OF_CASE,
        [_pk(case.pk)],
        _CONCERN,
        extra=["agreement_title", "party_name", "signal_codes", "category_codes"],
    )

    def concerns() -> list[Concern]:
        found = sent()
        for concern in found:
            concern.case = case
            concern.signal_codes = [code for _id, code in sorted(rows_of_json(concern.signal_codes))]
            concern.category_codes = [code for _id, code in sorted(rows_of_json(concern.category_codes))]
        return found

    return concerns


_MEETING = Columns(SupportMeeting, "m", ["case_id", "kind", "scheduled_for", "held_at", "created_at"])
_MEETINGS_OF_CASE = (
    f"SELECT {_MEETING.sql}, (SELECT d.outcome FROM {_table(Decision)} d WHERE d.meeting_id = m.id "  # noqa: S608
    f"{connection.ops.limit_offset_sql(None, 1)}) FROM {_table(SupportMeeting)} m "
    "WHERE m.case_id = %s ORDER BY m.scheduled_for"
)


def send_meetings_of_case(case: Case) -> Callable[[], list[SupportMeeting]]:
    """The case's meetings in date order, each with what it decided (``outcome``: a meeting is
    held once and records one decision then), none of their encrypted fields."""
    sent = send_instances(_MEETINGS_OF_CASE, [_pk(case.pk)], _MEETING, extra=["outcome"])

    def meetings() -> list[SupportMeeting]:
        found = sent()
        for meeting in found:
            meeting.case = case
        return found

    return meetings


_DISCLOSURE = Columns(
    Disclosure,
    "d",
    ["case_id", "recipient_id", "legal_basis_id", "disclosed_by_id", "disclosed_at", "field_groups"],
)
_BASIS = Columns(LegalBasis, "b", ["name"])
_DISCLOSURES_OF_CASE = (
    f"SELECT {_DISCLOSURE.sql}, {_ORGANISATION_NAME.sql}, {_BASIS.sql}, {_USER_NAME.sql} "  # noqa: S608
    f"FROM {_table(Disclosure)} d JOIN {_table(Organisation)} o ON o.id = d.recipient_id "
    f"LEFT JOIN {_table(LegalBasis)} b ON b.id = d.legal_basis_id "
    f"JOIN {_table(User)} u ON u.id = d.disclosed_by_id WHERE d.case_id = %s ORDER BY d.disclosed_at"
)


def send_disclosures_of_case(case: Case) -> Callable[[], list[Disclosure]]:
    """The case's disclosures in time order, with recipient, legal basis and discloser."""
    return send_instances(
        _DISCLOSURES_OF_CASE,
        [_pk(case.pk)],
        _DISCLOSURE,
        recipient=_ORGANISATION_NAME,
        legal_basis=_BASIS,
        disclosed_by=_USER_NAME,
    )


_CONSENT = Columns(
    Consent,
    "c",
    [
        "case_id",
        "purpose",
        "method",
        "obtained_by_id",
        "obtained_on",
        "valid_until",
        "recorded_at",
        "withdrawn_at",
    ],
)
_RECIPIENTS = Consent.recipients.through
_RECIPIENT_NAMES = json_rows(
    "o.kind, o.name",
    f"FROM {_table(_RECIPIENTS)} r JOIN {_table(Organisation)} o ON o.id = r.organisation_id "
    "WHERE r.consent_id = c.id",
)
_CONSENTS_OF_CASE = (
    f"SELECT {_CONSENT.sql}, {_USER_NAME.sql}, {_RECIPIENT_NAMES} FROM {_table(Consent)} c "  # noqa: S608
    f"LEFT JOIN {_table(User)} u ON u.id = c.obtained_by_id WHERE c.case_id = %s ORDER BY c.recorded_at, c.id"
)


def send_consents_of_case(case: Case) -> Callable[[], list[Consent]]:
    """The case's consents in the order recorded, with who obtained each and its recipients'
    names (``recipient_names``, in the organisations' order: kind, then name): one statement."""
    sent = send_instances(
        _CONSENTS_OF_CASE, [_pk(case.pk)], _CONSENT, obtained_by=_USER_NAME, extra=["recipient_names"]
    )

    def consents() -> list[Consent]:
        found = sent()
        for consent in found:
            consent.recipient_names = [name for _kind, name in sorted(rows_of_json(consent.recipient_names))]
        return found

    return consents


_TRANSITION = Columns(AuditEvent, "e", ["occurred_at", "actor_id", "event", "params"])
_TRANSITIONS_OF_CASE = (
    f"SELECT {_TRANSITION.sql}, {_USER_NAME.sql} FROM {_table(AuditEvent)} e "  # noqa: S608
    f"LEFT JOIN {_table(User)} u ON u.id = e.actor_id "
    "WHERE e.case_id = %s AND e.event IN ('case.transitioned', 'case.imported') ORDER BY e.occurred_at"
)


def send_transitions_of_case(case: Case) -> Callable[[], list[AuditEvent]]:
    """The case's transitions as the audit trail records them, with their actors, and only those
    (and, for a case brought in from earlier records, its import): the index audit_case_event_time
    finds them however often the case has been viewed."""
    return send_instances(_TRANSITIONS_OF_CASE, [str(case.pk)], _TRANSITION, actor=_USER_NAME)


_ENTRY = Columns(
    ProgressEntry,
    "e",
    [
        "case_id",
        "kind",
        "occurred_at",
        "counterpart",
        "counterpart_note",
        "text",
        "meeting_id",
        "referral_id",
        "written_by_id",
        "organisation_id",
        "recorded_at",
        "corrects_id",
        "correction_reason",
    ],
)
_PROGRESS_OF_CASE = (
    f"SELECT {_ENTRY.sql}, {_ORGANISATION_NAME.sql}, {_USER_NAME.sql} FROM {_table(ProgressEntry)} e "  # noqa: S608
    f"JOIN {_table(Organisation)} o ON o.id = e.organisation_id "
    f"JOIN {_table(User)} u ON u.id = e.written_by_id "
    "WHERE e.case_id = %s"
)
# A 民生委員 never reads the record: whether the reader is one is decided in the same statement.
_UNLESS_COMMISSIONER = (
    f" AND NOT EXISTS (SELECT 1 FROM {_table(Membership)} ms JOIN {_table(Organisation)} mo "  # noqa: S608
    "ON mo.id = ms.organisation_id WHERE ms.user_id = %s AND mo.kind = %s)"
)


def send_progress_entries_of_case(
    case: Case, *, unless_commissioner: User | None = None
) -> Callable[[], list[ProgressEntry]]:
    """Every version of every entry of the case, in the order recorded, with the writer and their
    organisation; none at all if ``unless_commissioner`` is a member of a commissioners' council."""
    sql, params = _PROGRESS_OF_CASE, [_pk(case.pk)]
    if unless_commissioner is not None:
        sql += _UNLESS_COMMISSIONER
        params += [unless_commissioner.pk, OrganisationKind.COMMISSIONER_COUNCIL]
    sent = send_instances(
        sql + " ORDER BY e.recorded_at",
        params,
        _ENTRY,
        organisation=_ORGANISATION_NAME,
        written_by=_USER_NAME,
    )

    def entries() -> list[ProgressEntry]:
        found = sent()
        for entry in found:
            entry.case = case  # its person's key, already read with the case
        return found

    return entries
