import json

import pytest
from django.core.management import call_command

from cases.models import Person
from privacy.exceptions import KeyringError
from privacy.keyring import get_keyring, read_keyring_file, reload_keyring
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


def test_a_keyring_held_in_the_environment_cannot_be_rotated_in_place(people):
    with pytest.raises(KeyringError, match="TSUNAGU_KEYRING_JSON"):
        rotate_keys()
    assert DataKey.objects.exclude(kek_id=get_keyring().current_kek_id).count() == 0


def test_the_rotated_keyring_file_is_well_formed(people, file_keyring):
    rotate_keys()
    data = json.loads(file_keyring.read_text())
    assert data["format"] == 1 and list(data["keks"]) == [data["current_kek"]]
