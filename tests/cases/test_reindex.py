"""manage.py reindex_people: after a change of normalisation, every person's blind indexes are
computed again, in batches that each commit, so that a run stopped halfway continues where it
stopped; the search finds through the new normalisation only once the rows are re-indexed."""

import io
import json

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from cases.models import Person
from cases.selectors.search import people_found
from cases.services.search import people_to_reindex, reindex_people
from privacy.normalise import INDEX_VERSION


class Stopped(Exception):
    """The run is killed after its first batch."""


def stale(people) -> None:
    """The rows as version 1 left them: no name-part indexes, and a name index without the fold."""
    Person.objects.filter(pk__in=[p.pk for p in people]).update(
        index_version=1,
        name_index=b"\x00" * 16,
        surname_index=None,
        given_name_index=None,
        kana_surname_index=None,
        kana_given_name_index=None,
    )


def found(actor, query: str) -> set:
    return {result.person.pk for result in people_found(actor, query).people}


@pytest.fixture
def takahashis(make_person):
    people = [
        make_person(name=f"髙橋 {given}", kana=f"たかはし {kana}")
        for given, kana in [
            ("一郎", "いちろう"),
            ("二郎", "じろう"),
            ("三郎", "さぶろう"),
            ("四郎", "しろう"),
            ("五郎", "ごろう"),
        ]
    ]
    stale(people)
    return sorted(people, key=lambda p: p.pk)


def test_an_interrupted_run_continues_where_it_stopped(world, takahashis):
    assert found(world.staff, "高橋") == set()  # stale rows: not found by the new indexes
    before = AuditEvent.objects.count()

    def stop_after_first_batch(done: int, total: int) -> None:
        raise Stopped

    with pytest.raises(Stopped):
        reindex_people(batch_size=2, progress=stop_after_first_batch)
    # The first batch (the lowest keys) committed, with its audit event; the rest wait.
    assert set(people_to_reindex().values_list("pk", flat=True)) == {p.pk for p in takahashis[2:]}
    assert found(world.staff, "高橋") == {p.pk for p in takahashis[:2]}

    out = io.StringIO()
    call_command("reindex_people", batch_size=2, stdout=out)
    assert "3/3 persons re-indexed" in out.getvalue()
    assert f"3 persons now at index version {INDEX_VERSION}" in out.getvalue()
    assert not people_to_reindex().exists()
    assert found(world.staff, "高橋") == {p.pk for p in takahashis}
    assert found(world.staff, "髙橋 三郎") == {takahashis[2].pk} == found(world.staff, "たかはし さぶろう")
    events = AuditEvent.objects.order_by("sequence")[before:]
    assert [(e.event, json.loads(e.params)["count"]) for e in events] == [
        ("people.reindexed", 2),
        ("people.reindexed", 2),
        ("people.reindexed", 1),
    ]
    assert all(e.person_id == "" and json.loads(e.fields) == [] for e in events)  # a count, never who


def test_a_run_with_nothing_to_do_changes_nothing(world, make_person):
    person = make_person(name="高橋 一郎")
    assert person.index_version == INDEX_VERSION and not people_to_reindex().exists()
    indexes = Person.objects.filter(pk=person.pk).values(*Person.INDEX_FIELDS).get()
    out = io.StringIO()
    call_command("reindex_people", stdout=out)
    assert "0 persons now at index version" in out.getvalue()
    assert Person.objects.filter(pk=person.pk).values(*Person.INDEX_FIELDS).get() == indexes


def test_a_dry_run_counts_and_changes_nothing(world, takahashis):
    out = io.StringIO()
    call_command("reindex_people", "--dry-run", stdout=out)
    assert f"5 persons have indexes older than version {INDEX_VERSION}" in out.getvalue()
    assert people_to_reindex().count() == 5


def test_the_erased_are_not_reindexed(world, make_person):
    from cases.services.people import erase_person

    person = make_person(name="高橋 一郎")
    stale([person])
    erase_person(actor=None, person=person)
    assert not people_to_reindex().exists()
    assert reindex_people() == 0
