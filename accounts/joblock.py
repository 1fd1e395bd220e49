"""A named lock for a scheduled job, so that two hosts (or two timers) never run it at once.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a key derived from the
job's name, taken on the job's own connection and released when the job ends (or when its
connection closes, should the process die). SQLite lives on one host: an exclusive ``flock`` on a
file beside the database file (or in the temporary directory for an in-memory database) does the
same. Either way a second run does not wait: it is told the lock is taken and does nothing.

``accounts`` is the layer every app may import (docs/architecture.md), so the helper lives here.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def advisory_key(name: str) -> int:
    """A signed 64-bit key for the job's name, stable across hosts and Python versions."""
    digest = hashlib.sha256(f"tsunagu.job.{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_file(name: str) -> Path:
    database = str(connection.settings_dict.get("NAME") or "")
    if database and not database.startswith(("file:", ":memory:")) and Path(database).parent.is_dir():
        return Path(f"{database}.job-{name}.lock")
    tag = hashlib.sha256(database.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"tsunagu-{tag}.job-{name}.lock"


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Yield True with the job's lock held, or False at once when another run holds it."""
    if connection.vendor == "postgresql":
        key = advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    path = _lock_file(name)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def run_scheduled(
    command: BaseCommand, name: str, job: Callable[[], str], *, to_stderr: bool = False
) -> None:
    """Run a scheduled job under its lock and end with one summary line.

    ``job`` returns its summary (counts only, no personal data). A second run while the first holds
    the lock prints "already running elsewhere" and exits 0 having done nothing; a job that fails
    prints a one-line failure (the exception's class, never its message, which may hold data) and
    the command exits non-zero. ``to_stderr`` keeps the summary out of a standard output that is
    itself the job's product (audit_checkpoint's signed statement).
    """
    out = command.stderr if to_stderr else command.stdout
    with job_lock(name) as acquired:
        if not acquired:
            out.write(f"{name}: already running elsewhere; nothing done.")
            return
        try:
            summary = job()
        except (CommandError, SystemExit):
            raise
        except Exception as error:
            raise CommandError(f"{name}: failed ({type(error).__name__}).") from error
    out.write(f"{name}: {summary}")
