"""Copying the database out and back in, per engine: the only module of backups that runs SQL or
a database tool of its own (docs/architecture.md).

- PostgreSQL: ``pg_dump --format=custom`` of an exported snapshot, so that what the manifest says
  (audit head, keys, migrations; read in the same snapshot) is exactly what the dump holds;
  ``pg_restore --single-transaction`` into an empty database. The password reaches the tools
  through their environment (PGPASSWORD), never their command line.
- SQLite: the online-backup API, while the application's connection holds the write lock, so the
  copy and the manifest's reads are one moment.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.db import connection, transaction

from backups.exceptions import BackupError

T = TypeVar("T")

FILE_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def engine() -> str:
    if connection.vendor not in FILE_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _pg_environment() -> dict[str, str]:
    database = connection.settings_dict
    environment = {**os.environ, "PGDATABASE": database["NAME"], "PGCONNECT_TIMEOUT": "10"}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if database.get(key):
            environment[variable] = str(database[key])
    if database.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = database["OPTIONS"]["sslmode"]
    return environment


def _run(tool: list[str]) -> None:
    try:
        # The tool is pg_dump or pg_restore, its arguments ours; no shell.
        done = subprocess.run(tool, env=_pg_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{tool[0]} is not installed: apt-get install postgresql-client") from None
    if done.returncode != 0:
        # The error lines name objects and settings; DETAIL, CONTEXT and the failed command may quote
        # a row's values (a person's data): those never reach the message.
        errors = [line for line in done.stderr.splitlines() if "error:" in line and "DETAIL" not in line]
        detail = " ".join(line.split("Command was:")[0].strip() for line in errors[-2:])
        raise BackupError(
            f"{tool[0]} failed (exit {done.returncode}): {detail or 'see its output, run by hand'}"
        )


def dump(target: Path, read_state: Callable[[], T]) -> T:
    """Copy the database to ``target`` and return ``read_state()`` as of the same moment."""
    if engine() == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            state = read_state()
            # The snapshot lives while this transaction is open: pg_dump reads exactly what we read.
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ]
            )
        return state
    # On SQLite a transaction here begins IMMEDIATE: it holds the write lock, so nothing commits
    # between the reads and the copy. The copy reads through a connection of its own (a backup from
    # the connection holding the lock would wait on itself).
    with transaction.atomic():
        state = read_state()
        _sqlite_copy(Path(connection.settings_dict["NAME"]), target)
    return state


def _sqlite_copy(source: Path, target: Path) -> None:
    original = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        original.backup(copy)
    finally:
        original.close()
        copy.close()


def is_empty() -> bool:
    return not connection.introspection.table_names()


def load(source: Path) -> None:
    """Load a backup into the configured database, which must be empty."""
    if engine() == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ]
        )
        return
    connection.close()
    _sqlite_copy(source, Path(connection.settings_dict["NAME"]))
