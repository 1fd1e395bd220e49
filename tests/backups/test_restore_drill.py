"""The restore drill (docs/operations.md "Backups and restore"): seed, back up, erase a person,
restore into a fresh database; the audit chain verifies, the erased person stays erased, everyone
else decrypts. The restore runs as an operator runs it: ``manage.py restore`` in a process of its
own, against a new database named by DATABASE_URL."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from audit.checkpoints import sign_checkpoint
from backups.exceptions import BackupError
from backups.manifest import Manifest
from backups.services import check_restorable
from cases.models import Person
from cases.services.people import erase_person
from privacy.keyring import generate_keyring
from privacy.models import RecordedBackup

ROOT = Path(__file__).resolve().parents[2]

PEOPLE = """
import json
from cases.models import Person
print(json.dumps({str(p.pk): None if p.is_erased else [p.name, p.phone] for p in Person.objects.all()}))
"""


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database of the suite's engine, as a DATABASE_URL for the operator's commands."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    server = f"{settings['HOST']}:{settings['PORT'] or 5432}"
    yield f"postgres://{settings['USER']}:{settings['PASSWORD']}@{server}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(
    *arguments: str, database_url: str, ledger: Path, **environment: str
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database_url,
        "TSUNAGU_ERASURE_LEDGER": str(ledger),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def seeded(committed_db, make_person, tmp_path, settings):
    settings.TSUNAGU_ERASURE_LEDGER = str(tmp_path / "erasures.jsonl")
    people = [make_person(name=f"復元 太郎{i}", phone=f"0451234{i:04d}") for i in range(6)]
    sign_checkpoint()
    return people


def test_a_restored_backup_verifies_keeps_the_erased_erased_and_everyone_else_decrypts(
    seeded, tmp_path, fresh_database
):
    ledger = tmp_path / "erasures.jsonl"
    erased_before, erased_after, *others = seeded
    erase_person(actor=None, person=erased_before)  # before the backup: erased in it already

    out = StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    (directory,) = (tmp_path / "backups").iterdir()
    assert out.getvalue().startswith(f"backup: {directory} written")
    manifest = Manifest.read(directory)
    assert oct(directory.stat().st_mode & 0o777) == "0o700"
    assert all(oct(f.stat().st_mode & 0o777) == "0o600" for f in directory.iterdir())
    assert RecordedBackup.objects.get().kek_ids == manifest.needed_keks
    # The manifest holds fingerprints, never a key.
    from privacy.keyring import get_keyring

    text = (directory / "manifest.json").read_text()
    keyring = get_keyring()
    assert all(key.hex() not in text for key in keyring.keks.values())

    erase_person(actor=None, person=erased_after)  # after the backup: only the ledger knows
    expected = {str(p.pk): [p.name, p.phone] for p in Person.objects.filter(pk__in=[o.pk for o in others])}
    assert len(expected) == 4

    from audit.models import AuditCheckpoint

    kept = AuditCheckpoint.objects.get()  # as audit_checkpoint printed it, kept outside the database
    statement = json.dumps({"sequence": kept.sequence, "hash": kept.hash, "signature": kept.signature})
    restored = manage(
        "restore", str(directory), "--statement", statement, database_url=fresh_database, ledger=ledger
    )
    assert restored.returncode == 0, restored.stderr
    assert "1 people erased again from the erasure ledger" in restored.stdout
    assert "audit chain intact" in restored.stdout

    verified = manage("audit_verify", database_url=fresh_database, ledger=ledger)
    assert verified.returncode == 0, verified.stderr
    assert "1 signed checkpoint(s) verified" in verified.stdout

    shown = manage("shell", "-v", "0", "-c", PEOPLE, database_url=fresh_database, ledger=ledger)
    assert shown.returncode == 0, shown.stderr
    people = json.loads(shown.stdout)
    assert people[str(erased_before.pk)] is None
    assert people[str(erased_after.pk)] is None  # the backup had them; the ledger erased them again
    assert {pk: people[pk] for pk in expected} == expected

    # A second restore into the now-used database is refused and changes nothing.
    again = manage("restore", str(directory), database_url=fresh_database, ledger=ledger)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_restore_without_the_keys_the_backup_needs_is_refused_before_anything_is_loaded(
    seeded, tmp_path, fresh_database
):
    call_command("backup", str(tmp_path / "backups"), stdout=StringIO())
    (directory,) = (tmp_path / "backups").iterdir()
    manifest = Manifest.read(directory)
    other = generate_keyring()
    refused = manage(
        "restore",
        str(directory),
        database_url=fresh_database,
        ledger=tmp_path / "erasures.jsonl",
        TSUNAGU_KEYRING_JSON=other.to_json(),
    )
    assert refused.returncode != 0
    assert f"lacks key-encryption key(s) {manifest.needed_keks[0]}" in refused.stderr
    # Nothing was loaded: the database is still empty, so the right keyring can restore into it.
    restored = manage(
        "restore", str(directory), database_url=fresh_database, ledger=tmp_path / "erasures.jsonl"
    )
    assert restored.returncode == 0, restored.stderr


def test_a_restore_without_the_erasure_ledger_must_be_asked_for(seeded, tmp_path, fresh_database):
    call_command("backup", str(tmp_path / "backups"), stdout=StringIO())
    (directory,) = (tmp_path / "backups").iterdir()
    refused = manage(
        "restore", str(directory), database_url=fresh_database, ledger=Path(""), TSUNAGU_ERASURE_LEDGER=""
    )
    assert refused.returncode != 0 and "TSUNAGU_ERASURE_LEDGER is not set" in refused.stderr


def test_a_damaged_backup_is_refused(seeded, tmp_path):
    call_command("backup", str(tmp_path / "backups"), stdout=StringIO())
    (directory,) = (tmp_path / "backups").iterdir()
    database_file = directory / Manifest.read(directory).file
    data = bytearray(database_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database_file.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="does not match its manifest"):
        check_restorable(directory)
    (directory / "manifest.json").unlink()
    with pytest.raises(BackupError, match="is not a Tsunagu backup"):
        check_restorable(directory)


def test_a_database_tool_failure_is_told_without_the_row_it_quotes():
    from backups.engines import _run

    failing = (
        "echo 'pg_restore: error: could not execute query: ERROR:  duplicate key value violates unique "
        "constraint \"cases_person_pkey\"' >&2; echo 'DETAIL:  Key (name)=(山田 花子) already exists.' >&2; "
        "echo 'Command was: INSERT INTO cases_person VALUES (山田 花子);' >&2; exit 1"
    )
    with pytest.raises(BackupError) as raised:
        _run(["sh", "-c", failing])
    message = str(raised.value)
    assert "cases_person_pkey" in message and "exit 1" in message
    assert "山田" not in message
