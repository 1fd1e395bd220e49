"""The audit trail's written SQL, all of it (docs/architecture.md): the chain's lock and head and
the one INSERT of an append, which every audited write pays (bench/audit.py), and the
verification's walk in chain order (bench/audit.py, audit_verify). The append-only triggers'
DDL lives with the migrations that install it (audit/triggers.py)."""

import zlib
from collections.abc import Iterator

from django.db import connection

from accounts.sql import read_rows, send_rows, sent_together
from audit import chain
from audit.models import AuditEvent

CHAIN_LOCK = zlib.crc32(b"tsunagu.audit.chain")

# The stored time as canonical text, computed by the database so that no row is parsed in Python.
TIME_SQL = {
    "sqlite": (
        "replace(CASE WHEN length(occurred_at) = 19 THEN occurred_at || '.000000' "
        "ELSE substr(occurred_at, 1, 26) END, ' ', 'T') || 'Z'"
    ),
    "postgresql": "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
}


_HEAD_SQL = "SELECT sequence, hash FROM audit_auditevent ORDER BY sequence DESC LIMIT 1"


def lock_chain_head() -> tuple[int, str]:
    """Take the chain's lock until the transaction ends, and read its head (sequence, hash)."""
    if connection.vendor == "postgresql":
        # The lock and the read in one round trip (psycopg sends the transaction's BEGIN before
        # them, and waits for it); in READ COMMITTED the read takes its snapshot after the lock is
        # held, so it sees the head the previous holder committed.
        with sent_together():
            locked = send_rows("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            head = send_rows(_HEAD_SQL, [])
        locked()
        found = head()
    else:
        # SQLite: every transaction begins IMMEDIATE (settings), holding the database's write lock.
        found = read_rows(_HEAD_SQL, [])
    return found[0] if found else (0, chain.GENESIS)


_COLUMNS = AuditEvent._meta.concrete_fields
_INSERT_SQL = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 (names from the model)
    AuditEvent._meta.db_table, ", ".join(connection.ops.quote_name(field.column) for field in _COLUMNS)
)
_ROW = "({})".format(", ".join(["%s"] * len(_COLUMNS)))


def insert_events(events: list[AuditEvent]) -> None:
    """One INSERT of every column (the sequence included) of every event: what
    ``bulk_create`` sends, without building the statement anew for each of the trail's events."""
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SQL + ", ".join([_ROW] * len(events)),
            [
                field.get_db_prep_save(getattr(item, field.attname), connection)
                for item in events
                for field in _COLUMNS
            ],
        )


def events_from(first: int, batch: int) -> Iterator[tuple[tuple, tuple | None]]:
    """Each event from ``first`` on, in sequence order, with the one stored after it (or None)."""
    columns = [
        TIME_SQL[connection.vendor] if column == "occurred_at" else column
        for column in chain.CANONICAL_COLUMNS
    ]
    # The encoding's version first: a row's first 16 values are the event exactly as chain.encode takes it.
    sql = (
        f"SELECT {chain.VERSION}, {', '.join(columns)}, prev_hash, hash FROM audit_auditevent "  # noqa: S608
        "WHERE sequence >= %s ORDER BY sequence"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [first])
        rows = cursor.fetchmany(batch)
        while rows:
            after = cursor.fetchmany(batch)
            yield from zip(rows, [*rows[1:], after[0] if after else None], strict=True)
            rows = after


def preceding(first: int) -> list[tuple[int, str]]:
    """The two events before ``first`` (a walker starting mid-chain checks its links to them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequence, hash FROM audit_auditevent WHERE sequence < %s ORDER BY sequence DESC LIMIT 2",
            [first],
        )
        return cursor.fetchall()
