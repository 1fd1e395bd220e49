"""Database triggers that make the audit tables append-only (installed by migration 0002).

They refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) whatever issues them, so no code path
of the application can rewrite history. Someone with the database owner's rights can still drop
them; that is what the hash chain and the signed checkpoints are for.
"""

TABLES = ("audit_auditevent", "audit_auditcheckpoint")

SQLITE_INSTALL = [
    sql
    for table in TABLES
    for sql in (
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit records are append-only: UPDATE on {table} refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit records are append-only: DELETE on {table} refused'); END",
    )
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {table}_{what}" for table in TABLES for what in ("no_update", "no_delete")
]

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'raise_exception';
    END
    $$
    """,
    *[
        sql
        for table in TABLES
        for sql in (
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
        )
    ],
]
POSTGRESQL_REMOVE = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_{what} ON {table}"
        for table in TABLES
        for what in ("append_only", "no_truncate")
    ],
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
}


def _run(connection, install: bool) -> None:
    try:
        statements = STATEMENTS[connection.vendor][0 if install else 1]
    except KeyError:
        raise NotImplementedError(f"No append-only triggers for database {connection.vendor!r}.") from None
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection) -> None:
    _run(connection, install=True)


def remove(connection) -> None:
    _run(connection, install=False)
