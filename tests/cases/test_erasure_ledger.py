"""Erasures are written to a ledger apart from the database (id and time only), once committed."""

import json

import pytest
from django.db import transaction

from cases import erasure_ledger
from cases.services.people import erase_person


@pytest.fixture
def ledger(tmp_path, settings):
    settings.TSUNAGU_ERASURE_LEDGER = str(tmp_path / "erasures.jsonl")
    return tmp_path / "erasures.jsonl"


def test_an_erasure_is_appended_with_the_id_and_time_only(
    make_person, ledger, django_capture_on_commit_callbacks
):
    kept, erased = make_person(name="残る 人"), make_person(name="消去 太郎", phone="09011112222")
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(actor=None, person=erased)
    text = ledger.read_text()
    assert json.loads(text) == {"person": str(erased.pk), "erased_at": json.loads(text)["erased_at"]}
    assert "消去" not in text and "09011112222" not in text and str(kept.pk) not in text
    assert ledger.stat().st_mode & 0o777 == 0o600
    assert [person for person, _when in erasure_ledger.entries()] == [erased.pk]


def test_a_rolled_back_erasure_is_not_in_the_ledger(make_person, ledger, django_capture_on_commit_callbacks):
    person = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                erase_person(actor=None, person=person)
                raise RuntimeError
        except RuntimeError:
            pass
    assert not ledger.exists()


def test_entries_since_a_time_and_a_torn_last_line_is_skipped(
    make_person, ledger, django_capture_on_commit_callbacks
):
    first, second = make_person(), make_person()
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(actor=None, person=first)
    when = next(iter(erasure_ledger.entries()))[1]
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(actor=None, person=second)
    with ledger.open("a") as handle:
        handle.write('{"person": "torn')
    later = [p for p, w in erasure_ledger.entries(since=when) if w > when]
    assert later == [second.pk]
