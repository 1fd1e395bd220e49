"""The manifest written beside each backup: what it is, and what restoring it needs. Never a key:
the keyring's fingerprints only (privacy.keyring.Keyring.fingerprints)."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from backups.exceptions import BackupError

FORMAT = 1
NAME = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    taken_at: datetime.datetime
    engine: str  # "postgresql" or "sqlite": a backup restores into the same engine only
    file: str  # the database file beside the manifest
    sha256: str
    migrations: list[str]  # "app.migration", every one applied
    audit_head: dict  # {"sequence": n, "hash": "..."}
    needed_keks: list[str]  # the key-encryption keys the backup's data keys are wrapped under
    keyring: dict  # the fingerprints of the keyring the backup was taken with

    def write(self, directory: Path) -> None:
        data = {"format": FORMAT, **asdict(self), "taken_at": self.taken_at.isoformat()}
        descriptor = os.open(directory / NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BackupError(f"{directory} is not a Tsunagu backup: it has no {NAME}.") from None
        except (OSError, ValueError):
            raise BackupError(f"{path} cannot be read as a backup manifest.") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"{path} has an unknown format (expected format {FORMAT}).")
        try:
            return cls(
                taken_at=datetime.datetime.fromisoformat(data["taken_at"]),
                engine=str(data["engine"]),
                file=Path(str(data["file"])).name,  # beside the manifest, never elsewhere
                sha256=str(data["sha256"]),
                migrations=[str(name) for name in data["migrations"]],
                audit_head={
                    "sequence": int(data["audit_head"]["sequence"]),
                    "hash": str(data["audit_head"]["hash"]),
                },
                needed_keks=[str(kek) for kek in data["needed_keks"]],
                keyring=dict(data["keyring"]),
            )
        except (KeyError, TypeError, ValueError):
            raise BackupError(f"{path} lacks a field or holds a malformed one.") from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
