"""The erasure ledger: an append-only file, kept apart from the database, of who was erased when.

A restored backup predates the erasures made after it; replaying this ledger after a restore
erases those people again, so that a restore never brings an erased person back (issue 20). Each
line is JSON with the person's id and the time of the erasure, nothing else: no personal data.
Its path is the setting TSUNAGU_ERASURE_LEDGER (empty: no ledger is kept). The line is written
once the erasure has committed, and fsynced.
"""

from __future__ import annotations

import datetime
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings


def ledger_path() -> Path | None:
    path = getattr(settings, "TSUNAGU_ERASURE_LEDGER", "")
    return Path(path) if path else None


def append(*, person_id: uuid.UUID, erased_at: datetime.datetime) -> None:
    path = ledger_path()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"person": str(person_id), "erased_at": erased_at.isoformat()}) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def entries(*, since: datetime.datetime | None = None) -> Iterator[tuple[uuid.UUID, datetime.datetime]]:
    """The ledger's erasures (at or after ``since``), oldest first; a torn last line is skipped."""
    path = ledger_path()
    if path is None or not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                data = json.loads(line)
                person, when = uuid.UUID(data["person"]), datetime.datetime.fromisoformat(data["erased_at"])
            except (ValueError, KeyError, TypeError):
                continue
            if since is None or when >= since:
                yield person, when
