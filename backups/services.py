"""Taking a backup and restoring one (docs/operations.md "Backups and restore").

A backup is a directory: the database file and ``manifest.json`` (time, engine, every applied
migration, the audit chain's head, the key-encryption keys its data keys need and the keyring's
fingerprints; never a key). It is recorded in the database (privacy.RecordedBackup), so that key
rotation keeps the keys it needs. A restore checks all it can before touching anything (the files
are whole, the engine matches, the code knows every migration, the keyring holds every key), loads
into an empty database only, checks the loaded chain's head against the manifest, migrates forward
if the code is newer, verifies the audit chain and its signed checkpoints, then erases again
everyone the erasure ledger names (cases/erasure_ledger.py).
"""

from __future__ import annotations

import datetime
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from audit.verify import Statement, verify_chain
from backups import engines
from backups.exceptions import BackupError
from backups.manifest import Manifest, file_sha256
from cases import erasure_ledger
from cases.services.people import reapply_erasures
from privacy.keyring import get_keyring
from privacy.services import discard_backup, live_kek_ids, record_backup


@dataclass(frozen=True)
class _State:
    migrations: list[str]
    audit_head: dict
    needed_keks: list[str]


def _audit_head() -> dict:
    head = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    return head or {"sequence": 0, "hash": ""}


def _read_state() -> _State:
    return _State(
        migrations=sorted(
            f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
        ),
        audit_head=_audit_head(),
        needed_keks=live_kek_ids(),
    )


def take_backup(parent: Path) -> tuple[Path, Manifest]:
    """Write a new backup directory under ``parent`` (private to the user running this) and record it."""
    kind = engines.engine()
    taken_at = timezone.now()
    directory = parent / f"tsunagu-{taken_at:%Y%m%dT%H%M%S%fZ}"
    parent.mkdir(parents=True, exist_ok=True)
    directory.mkdir(mode=0o700)
    target = directory / engines.FILE_NAMES[kind]
    previous = os.umask(0o077)  # the dump holds staff's addresses and every ciphertext: owner only
    try:
        state = engines.dump(target, _read_state)
    except BaseException:
        shutil.rmtree(directory)  # no half-written backup left to be mistaken for one
        raise
    finally:
        os.umask(previous)
    manifest = Manifest(
        taken_at=taken_at,
        engine=kind,
        file=target.name,
        sha256=file_sha256(target),
        migrations=state.migrations,
        audit_head=state.audit_head,
        needed_keks=state.needed_keks,
        keyring=get_keyring().fingerprints(),
    )
    manifest.write(directory)
    with transaction.atomic():
        record_backup(location=str(directory.resolve()), taken_at=taken_at, kek_ids=state.needed_keks)
        audit.record("backup.taken", params={"backup": directory.name, "keks": state.needed_keks})
    return directory, manifest


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    migrated: int  # migrations applied after loading (the code is newer than the backup)
    audit_events: int
    checkpoints: int
    erasures: int  # people erased again from the ledger


def check_restorable(directory: Path) -> Manifest:
    """Everything that can be checked before the database is touched; raises BackupError."""
    manifest = Manifest.read(directory)
    database_file = directory / manifest.file
    if not database_file.is_file():
        raise BackupError(f"The backup's database file {database_file} is missing.")
    if file_sha256(database_file) != manifest.sha256:
        raise BackupError(f"{database_file} does not match its manifest (damaged or replaced): not restored.")
    if manifest.engine != engines.engine():
        raise BackupError(
            f"This is a {manifest.engine} backup; the configured database is {engines.engine()}. "
            "Restore it into a database of the same kind."
        )
    known = {
        f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    }
    unknown = sorted(set(manifest.migrations) - known)
    if unknown:
        raise BackupError(
            f"The backup was made by a newer release ({len(unknown)} migrations this code does not know, "
            f"e.g. {unknown[0]}): restore it with that release's code."
        )
    _check_keyring(manifest)
    if not engines.is_empty():
        raise BackupError(
            "The configured database is not empty: a backup is restored into a new, empty database only "
            "(create one and point DATABASE_URL at it)."
        )
    return manifest


def _check_keyring(manifest: Manifest) -> None:
    have = get_keyring().fingerprints()
    missing = [kek for kek in manifest.needed_keks if kek not in have["keks"]]
    if missing:
        raise BackupError(
            f"The keyring lacks key-encryption key(s) {', '.join(missing)} that this backup's data is "
            "wrapped under: use a keyring that still holds them (the retired keyring kept with the backups)."
        )
    different = [
        kek for kek in manifest.needed_keks if have["keks"][kek] != manifest.keyring.get("keks", {}).get(kek)
    ]
    different += [
        name for name in ("blind_index_key", "audit_signing_key") if have[name] != manifest.keyring.get(name)
    ]
    if different:
        raise BackupError(
            f"The keyring's {', '.join(different)} differ from the keyring the backup was taken with: "
            "this is another installation's keyring, or the wrong copy."
        )


def restore_backup(directory: Path, *, statements: Iterable[Statement] = ()) -> RestoreReport:
    manifest = check_restorable(directory)
    engines.load(directory / manifest.file)

    loaded = _audit_head()
    if loaded != manifest.audit_head:
        raise BackupError(
            f"The restored audit chain ends at #{loaded['sequence']}, the manifest says "
            f"#{manifest.audit_head['sequence']}: the database file is not the one the manifest describes."
        )

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)

    report = verify_chain(statements=statements)
    if not report.ok:
        raise BackupError(
            f"The restored audit chain does not verify: {report.problem}. Do not put it into service."
        )

    # Everyone erased since (or before: re-erasing the erased changes nothing) is erased again.
    erasures = reapply_erasures(person_id for person_id, _ in erasure_ledger.entries())
    with transaction.atomic():
        audit.record(
            "backup.restored",
            params={"backup": directory.resolve().name, "erasures": erasures},
        )
    return RestoreReport(
        manifest=manifest,
        migrated=len(plan),
        audit_events=report.events,
        checkpoints=report.checkpoints,
        erasures=erasures,
    )


def discard_recorded_backup(directory: Path) -> bool:
    """The operator deleted (or is deleting) this backup: its keys need no longer be kept for it."""
    return discard_backup(location=str(directory.resolve()), at=timezone.now()) is not None


def taken_at_text(when: datetime.datetime) -> str:
    return f"{timezone.localtime(when):%Y-%m-%d %H:%M}"
