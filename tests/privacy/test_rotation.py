import base64
import json
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Person
from privacy.keyring import get_keyring, parse_keyring, read_keyring_file, reload_keyring
from privacy.models import DataKey
from privacy.services import rotate_keys


@pytest.fixture
def people(make_person):
    return [make_person(name=f"住民 {i}", phone=f"090000000{i}") for i in range(5)]


def identities() -> dict:
    return {p.pk: (p.name, p.phone) for p in Person.objects.select_related("data_key")}


def test_rotation_rewraps_every_key_and_the_old_key_is_no_longer_needed(people, file_keyring, capsys):
    before = identities()
    old = get_keyring().current_kek_id
    rows_before = list(Person.objects.values_list("name", "phone"))

    call_command("rotate_keys", "--batch-size", "2")

    keyring = read_keyring_file(file_keyring)
    assert keyring.current_kek_id != old
    assert old not in keyring.keks  # retired: its material is gone from the keyring
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {keyring.current_kek_id}
    assert list(Person.objects.values_list("name", "phone")) == rows_before  # rows untouched
    assert identities() == before
    out = capsys.readouterr().out
    assert "5/5" in out and f"retired: {old}" in out


def test_an_interrupted_rotation_resumes(people, file_keyring):
    before = identities()
    old = get_keyring().current_kek_id

    class Interrupted(Exception):
        pass

    def stop_after_first_batch(done, total):
        raise Interrupted

    with pytest.raises(Interrupted):
        rotate_keys(batch_size=2, progress=stop_after_first_batch)
    reload_keyring()
    kek_ids = list(DataKey.objects.values_list("kek_id", flat=True))
    assert kek_ids.count(old) == 3  # 2 re-wrapped and committed, 3 left
    assert old in read_keyring_file(file_keyring).keks  # still needed: not retired
    assert identities() == before  # readable half-way

    report = rotate_keys(batch_size=2)
    assert report.new_kek_id is None  # resumed, no third key
    assert report.rewrapped == 3 and report.retired == [old]
    assert len(read_keyring_file(file_keyring).keks) == 1
    assert identities() == before


def test_dry_run_changes_nothing(people, file_keyring, capsys):
    text = file_keyring.read_text()
    wrapped = list(DataKey.objects.values_list("wrapped", flat=True))
    call_command("rotate_keys", "--dry-run")
    assert "re-wrap 5 data keys" in capsys.readouterr().out
    assert file_keyring.read_text() == text
    assert list(DataKey.objects.values_list("wrapped", flat=True)) == wrapped


def test_a_keyring_in_the_environment_rotates_in_two_runs_through_the_output_it_is_given(
    people, tmp_path, settings, capsys
):
    before = identities()
    old = get_keyring()
    with pytest.raises(CommandError, match="--keyring-out"):
        call_command("rotate_keys")  # nowhere to put the new keyring: refused, nothing changed
    assert get_keyring().keks == old.keks

    first = tmp_path / "step1.json"
    call_command("rotate_keys", "--keyring-out", str(first))
    added = parse_keyring(first.read_text(), "test")
    assert first.stat().st_mode & 0o777 == 0o600
    assert set(added.keks) == {*old.keks, added.current_kek_id}
    # Nothing is wrapped under the new key before the servers have it.
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {old.current_kek_id}

    settings.TSUNAGU_KEYRING_JSON = first.read_text()  # the operator deploys it
    read, write = os.pipe()
    call_command("rotate_keys", "--keyring-out", f"fd:{write}")
    os.close(write)
    with os.fdopen(read) as pipe:
        final = parse_keyring(pipe.read(), "test")
    assert final.current_kek_id == added.current_kek_id
    assert set(final.keks) == {added.current_kek_id}  # the old key retired
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {final.current_kek_id}
    settings.TSUNAGU_KEYRING_JSON = final.to_json()
    reload_keyring()
    assert identities() == before
    out = capsys.readouterr().out
    for key in (*old.keks.values(), *final.keks.values()):
        assert base64.b64encode(key).decode() not in out  # key material is never printed


def test_rotation_refuses_to_write_a_keyring_owned_by_another_user(people, file_keyring, monkeypatch):
    text = file_keyring.read_text()
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(file_keyring).st_uid + 1)
    with pytest.raises(CommandError, match=r"owned by .*Run the command as the file's owner: sudo -u"):
        call_command("rotate_keys")
    assert file_keyring.read_text() == text
    assert DataKey.objects.exclude(kek_id=get_keyring().current_kek_id).count() == 0


def test_rotation_refuses_to_run_as_other_than_the_service_user(people, file_keyring, settings):
    settings.TSUNAGU_SERVICE_USER = "tsunagu-service-nobody"
    text = file_keyring.read_text()
    with pytest.raises(CommandError, match="sudo -u tsunagu-service-nobody"):
        call_command("rotate_keys")
    assert file_keyring.read_text() == text


def test_the_rotated_keyring_file_is_well_formed(people, file_keyring):
    rotate_keys()
    data = json.loads(file_keyring.read_text())
    assert data["format"] == 1 and list(data["keks"]) == [data["current_kek"]]


# --- retired keys and the backups that need them ---------------------------------------------------


def test_a_retired_key_a_recorded_backup_needs_stays_until_the_backup_is_discarded(
    people, file_keyring, capsys
):
    from django.utils import timezone

    from privacy.services import discard_backup, live_kek_ids, record_backup

    old = get_keyring().current_kek_id
    record_backup(location="/backups/a", taken_at=timezone.now(), kek_ids=live_kek_ids())

    call_command("rotate_keys")
    keyring = read_keyring_file(file_keyring)
    assert keyring.current_kek_id != old
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {keyring.current_kek_id}
    assert old in keyring.keks  # no data key uses it, but the backup does: kept
    out = capsys.readouterr().out
    assert "retired: none" in out and f"Key {old} kept" in out and "1 recorded backup" in out

    # The backup is deleted and said so: the next rotation destroys the key.
    discard_backup(location="/backups/a", at=timezone.now())
    report = rotate_keys()
    assert old in report.retired and not report.kept
    assert old not in read_keyring_file(file_keyring).keks


def test_told_otherwise_rotation_destroys_a_key_a_backup_needs(people, file_keyring):
    from django.utils import timezone

    from privacy.services import live_kek_ids, record_backup

    old = get_keyring().current_kek_id
    record_backup(location="/backups/b", taken_at=timezone.now(), kek_ids=live_kek_ids())
    call_command("rotate_keys", "--even-if-backups-need-it")
    assert old not in read_keyring_file(file_keyring).keks
