"""Written SQL: the helpers every app's written reads and bulk writes use (``Columns``,
``read_instances``, ``insert_instances``), and
accounts' own reads, all of them — what every signed-in request asks before any view runs (its
session, its user, its second-factor device) and then once (the user's group and organisation
ids, with the user's permissions and the counts other apps have riding along).

Django's ORM builds and compiles a one-row SELECT in about 150 µs and runs it in about 15
(bench/serve.py, docs/performance.md): on the three reads of every request that was a tenth of a
case page. Only table and column names from the models go into the text; values are parameters.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import cache

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role


class Columns:
    """Some of a model's columns as a written SELECT names them (``sql``, under ``alias``), and the
    instance a row's slice of them makes: what ``raw()`` does — the database's and the fields'
    converters (an encrypted field's, a SQLite datetime's), then ``from_db`` — without building a
    RawQuerySet per statement. ``names`` are attnames; the primary key is always read first, and
    a row whose key is NULL (an outer join that found nothing) makes None."""

    def __init__(self, model: type[Model], alias: str, names: Sequence[str] = ()) -> None:
        wanted = {model._meta.pk.attname, *names}
        fields = [f for f in model._meta.concrete_fields if not names or f.attname in wanted]
        fields.sort(key=lambda f: not f.primary_key)  # the key first; from_db wants model order
        self.model, self.width = model, len(fields)
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)
        self._order = sorted(range(len(fields)), key=lambda i: model._meta.concrete_fields.index(fields[i]))
        self._attnames = [fields[i].attname for i in self._order]
        self._converters = [
            (index, column, converters)
            for index, column in enumerate(f.get_col(model._meta.db_table) for f in fields)
            if (converters := connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        ]

    def build(self, row: Sequence, start: int = 0, db: BaseDatabaseWrapper | None = None) -> Model | None:
        """``db``: the connection itself, when building many (the proxy is a lookup each use)."""
        values = list(row[start : start + self.width])
        if values[0] is None:
            return None
        db = db or connections[DEFAULT_DB_ALIAS]
        for index, column, converters in self._converters:
            for convert in converters:
                values[index] = convert(values[index], column, db)
        return self.model.from_db(db.alias, self._attnames, [values[i] for i in self._order])


def read_rows(sql: str, params: Sequence) -> list[tuple]:
    return send_rows(sql, params)()


def send_rows(sql: str, params: Sequence) -> Callable[[], list[tuple]]:
    """``read_rows`` in two halves: the statement is sent now, its rows are read when the function
    returned is called (inside or after ``sent_together``)."""
    with ExitStack() as sending:  # the cursor closed if the statement cannot be sent
        cursor = sending.enter_context(connection.cursor())
        cursor.execute(sql, params)
        kept = sending.pop_all()

    def rows() -> list[tuple]:
        with kept:
            return cursor.fetchall()

    return rows


@contextmanager
def sent_together() -> Iterator[None]:
    """Statements sent inside (``send_rows``, ``send_instances``) go to PostgreSQL one after the
    other without waiting for each answer (psycopg's pipeline mode): the server works through
    them back to back and the answers come back together — one round trip instead of one each,
    which under load costs both the worker and PostgreSQL more than the statements' own work
    (docs/performance.md). Only statements that need no answer of the others belong here (a
    transaction's BEGIN is not sent with them: psycopg waits for it first). An error in one is
    raised (as Django's DatabaseError) when the block ends, or when its rows are read inside it,
    and those after it are not run. SQLite has no round trips to save: there each runs as it is sent."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor():  # connected, and checked (CONN_HEALTH_CHECKS) before, not inside
        pass
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


def json_rows(columns: str, rest: str) -> str:
    """A scalar subquery: the rows of ``SELECT columns rest`` as one JSON array of arrays, read
    back with ``rows_of_json``. A list that belongs to each row of a statement (a consent's
    recipients) rides in that statement instead of one of its own; its order is the reader's to
    make (SQLite 3.40 has no ordered aggregates)."""
    if connection.vendor == "sqlite":
        return f"(SELECT json_group_array(json_array({columns})) {rest})"
    return f"(SELECT json_agg(json_build_array({columns})) {rest})"


def rows_of_json(value: object) -> list[list]:
    """What ``json_rows`` read: a list of rows (PostgreSQL's json arrives parsed by psycopg,
    SQLite's as text; none found is NULL on PostgreSQL, "[]" on SQLite)."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def read_instances(
    sql: str, params: Sequence, main: Columns, extra: Sequence[str] = (), **related: Columns
) -> list:
    """Each row of a written SELECT as ``main``'s instance with its related ones set (relation →
    their columns, in the order the SELECT reads them; ``person__data_key`` sets the data key of
    the person just set), then any ``extra`` columns as plain attributes."""
    return send_instances(sql, params, main, extra, **related)()


def send_instances(
    sql: str, params: Sequence, main: Columns, extra: Sequence[str] = (), **related: Columns
) -> Callable[[], list]:
    """``read_instances`` in two halves, as ``send_rows``: the instances are made when the
    function returned is called."""
    rows = send_rows(sql, params)
    return lambda: _instances(rows(), main, extra, related)


def _instances(rows: list[tuple], main: Columns, extra: Sequence[str], related: dict[str, Columns]) -> list:
    found = []
    # A related row met again (the same organisation on every grant) is the instance already
    # made: rows of one statement share it, as a prefetch does.
    made: dict[str, dict] = {path: {} for path in related}
    db = connections[DEFAULT_DB_ALIAS]
    for row in rows:
        instance, at = main.build(row, db=db), main.width
        for path, columns in related.items():
            *through, name = path.split("__")
            owner = instance
            for step in through:
                owner = getattr(owner, step)
            key, kept = row[at], made[path]
            if key not in kept:
                kept[key] = columns.build(row, at, db)
            setattr(owner, name, kept[key])
            at += columns.width
        for name in extra:
            setattr(instance, name, row[at])
            at += 1
        found.append(instance)
    return found


def insert_instances(instances: Sequence[Model]) -> None:
    """INSERT these new instances of one model with one ``executemany``: the values ``bulk_create``
    would write — each field's ``pre_save`` (an encrypted field encrypts, a blind index hashes,
    ``auto_now_add`` stamps) and database preparation — without building and compiling a statement
    per few dozen rows, which costs an import more than its encryption (docs/performance.md).
    Primary keys made by the database (AutoField) are not read back."""
    if not instances:
        return
    model = type(instances[0])
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.db_returning)]
    db = connections[connection.alias]  # the connection itself: the proxy is a lookup per value
    insert_values(
        model,
        [f.attname for f in fields],
        [[f.get_db_prep_save(f.pre_save(item, True), db) for f in fields] for item in instances],
    )
    for item in instances:
        item._state.adding, item._state.db = False, connection.alias


def insert_values(model: type[Model], names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """INSERT rows of values already prepared for the database, ``names`` being attnames (guardian's
    permission rows of an import: no instance needed)."""
    columns = [model._meta.get_field(name).column for name in names]
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608 — names from the model
        f"({', '.join(connection.ops.quote_name(column) for column in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _one(sql: str, params: Sequence, columns: Columns) -> Model | None:
    return _send_one(sql, params, columns)()


def _send_one(sql: str, params: Sequence, columns: Columns) -> Callable[[], Model | None]:
    rows = send_rows(sql, params)
    return lambda: next((columns.build(row) for row in rows()), None)


_SESSION = Columns(Session, "s")
_LIVE_SESSION = (
    f"SELECT {_SESSION.sql} FROM {connection.ops.quote_name(Session._meta.db_table)} s "  # noqa: S608
    "WHERE s.session_key = %s AND s.expire_date > %s"
)


def live_session(key: str) -> Session | None:
    """``Session.objects.get(session_key=key, expire_date__gt=now)``, or None."""
    return _one(_LIVE_SESSION, [key, connection.ops.adapt_datetimefield_value(timezone.now())], _SESSION)


_USER = Columns(User, "u")


def user_with_ids(user_id: int, counts: Sequence[str]) -> tuple[User | None, list[tuple]]:
    """The signed-in user of a request and, riding in the same statement (``json_rows``), the rows
    ``ids_and_counts`` reads: every signed-in page asks for both (the menu names the user's roles),
    so a request's identity costs one statement, not two."""
    rows = read_rows(_user_with_ids_sql(tuple(counts)), [user_id] * (4 + len(counts)) + [user_id])
    if not rows:
        return None, []
    *columns, found = rows[0]
    return _USER.build(columns), [tuple(row) for row in rows_of_json(found)]


@cache
def _user_with_ids_sql(counts: tuple[str, ...]) -> str:
    return (
        f"SELECT {_USER.sql}, {json_rows('t.k, t.v, t.n', f'FROM ({_ids_sql(counts)}) t')} "  # noqa: S608
        f"FROM {connection.ops.quote_name(User._meta.db_table)} u WHERE u.id = %s"
    )


@cache
def _device_read(model: type[Model]) -> tuple[str, Columns]:
    columns = Columns(model, "d")
    table = connection.ops.quote_name(model._meta.db_table)
    return f"SELECT {columns.sql} FROM {table} d WHERE d.id = %s", columns  # noqa: S608


def send_device_by_id(model: type[Model], device_id: int) -> Callable[[], Model | None]:
    """``model.objects.filter(id=device_id).first()`` for a second-factor device model, sent now and
    read when the function returned is called (as ``send_rows``)."""
    sql, columns = _device_read(model)
    return _send_one(sql, [device_id], columns)


# Every signed-in page asks it (the audit trail names the actor's organisation, the case page
# their grants): the link tables alone, not joined to groups or organisations. The user's model
# permissions ride along as names (tags 2 and 3, as ModelBackend reads them: their own, their
# groups'), so ``has_perm`` costs no statement of its own: a role group holds some twenty.
_PERMISSION_NAME = "ct.app_label || '.' || p.codename"
_IDS = (
    f"SELECT 0 AS k, group_id AS v, NULL AS n FROM {User.groups.through._meta.db_table} WHERE user_id = %s "  # noqa: S608
    f"UNION ALL SELECT 1, organisation_id, NULL FROM {Membership._meta.db_table} WHERE user_id = %s "
    f"UNION ALL SELECT 2, NULL, {_PERMISSION_NAME} FROM {User.user_permissions.through._meta.db_table} up "
    f"JOIN {Permission._meta.db_table} p ON p.id = up.permission_id "
    f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id WHERE up.user_id = %s "
    f"UNION ALL SELECT 3, NULL, {_PERMISSION_NAME} FROM {Group.permissions.through._meta.db_table} gp "
    f"JOIN {User.groups.through._meta.db_table} ug ON ug.group_id = gp.group_id "
    f"JOIN {Permission._meta.db_table} p ON p.id = gp.permission_id "
    f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id WHERE ug.user_id = %s"
)
# The first tag of the counts (``ids_and_counts``).
FIRST_COUNT = 4


def ids_and_counts(user_id: int, counts: Sequence[str]) -> list[tuple[int, int | None, str | None]]:
    """The user's group ids (rows tagged 0), organisation ids (tagged 1), their own permissions'
    names (2), their groups' (3) and each of ``counts`` — scalar subqueries on the user's id (one
    %s each) — tagged 4, 5 … in one statement."""
    return read_rows(_ids_sql(tuple(counts)), [user_id] * (4 + len(counts)))


def _ids_sql(counts: tuple[str, ...]) -> str:
    return _IDS + "".join(
        f" UNION ALL SELECT {tag}, ({count}), NULL" for tag, count in enumerate(counts, start=FIRST_COUNT)
    )


def role_bits_sql() -> str:
    """A scalar subquery on the user's id: the sum of the distinct bits of their memberships' roles,
    one bit per role in the order of ``Role`` (SUM over the distinct bits is their OR). It rides in
    the ids' statement; roles are fixed codes, not input."""
    meta = Membership._meta
    cases = " ".join(f"WHEN '{role}' THEN {1 << bit}" for bit, role in enumerate(Role.values))
    return (
        f"SELECT COALESCE(SUM(DISTINCT CASE {meta.get_field('role').column} {cases} ELSE 0 END), 0) "  # noqa: S608
        f"FROM {meta.db_table} WHERE {meta.get_field('user').column} = %s"
    )
