"""The chain: written linearly, refused changes, and every kind of tampering found where it happened."""

import itertools
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit import chain, triggers
from audit.checkpoints import sign_checkpoint
from audit.models import AuditCheckpoint, AuditEvent
from audit.services import AuditParameterError, append, chained_together, new_event, record
from audit.verify import Statement, verify_chain


def write(n: int) -> list[AuditEvent]:
    return [record("keys.rewrapped", params={"count": i, "kek": "kek-test"}) for i in range(n)]


def table_sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def tamperable(db):
    """As an attacker with database access: the triggers dropped (inside the test's transaction)."""
    triggers.remove(connection)
    yield
    # the test transaction is rolled back, triggers included (DDL is transactional here)


@pytest.mark.django_db
def test_events_form_a_linked_chain():
    events = write(5)
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == chain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    report = verify_chain()
    assert report.ok and report.events == 5 and report.head == 5


@pytest.mark.django_db
def test_events_appended_together_take_consecutive_places_in_the_chain():
    first = write(1)[0]
    batch = append([new_event("keys.retired", params={"keks": [f"kek-{i}"]}) for i in range(3)])
    assert [e.sequence for e in batch] == [2, 3, 4]
    assert batch[0].prev_hash == first.hash
    assert [e.prev_hash for e in batch[1:]] == [e.hash for e in batch[:-1]]
    stored = list(AuditEvent.objects.filter(sequence__gt=1).values_list("hash", "params"))
    assert stored == [(e.hash, e.params) for e in batch]
    assert append([]) == [] and AuditEvent.objects.count() == 4
    assert verify_chain().ok


@pytest.mark.django_db
def test_events_recorded_in_a_chained_together_block_are_chained_at_its_end_in_order():
    first = write(1)[0]
    with transaction.atomic(), chained_together():
        inner = write(2)
        with chained_together():  # a nested block joins the outer one
            inner += write(1)
        assert AuditEvent.objects.count() == 1  # nothing chained yet
    assert [e.sequence for e in inner] == [2, 3, 4]
    assert inner[0].prev_hash == first.hash
    assert [e.params for e in inner] == [f'{{"count":{i},"kek":"kek-test"}}' for i in (0, 1, 0)]
    assert list(AuditEvent.objects.order_by("sequence").values_list("hash", flat=True)) == [
        first.hash,
        *[e.hash for e in inner],
    ]
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_chained_together_block_that_fails_chains_nothing_and_leaves_no_events_waiting():
    with pytest.raises(RuntimeError), transaction.atomic(), chained_together():
        write(2)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()
    assert [e.sequence for e in write(1)] == [1]  # appended at once: nothing was left held


@pytest.mark.django_db
def test_the_hash_is_sha256_of_previous_hash_and_canonical_json():
    import hashlib

    event = write(1)[0]
    encoded = json.dumps(
        [
            chain.VERSION,
            event.sequence,
            chain.canonical_time(event.occurred_at),
            None,
            None,
            "key_rotation",
            "keys.rewrapped",
            "",
            "",
            "",
            "",
            "[]",
            "",
            '{"count":0,"kek":"kek-test"}',
            "",
            "",
        ],
        separators=(",", ":"),
    ).encode()
    assert event.hash == hashlib.sha256(chain.GENESIS.encode() + encoded).hexdigest()


@pytest.mark.django_db
def test_an_event_commits_only_with_its_change():
    with pytest.raises(RuntimeError), transaction.atomic():
        record("keys.rewrapped", params={"count": 1, "kek": "k"})
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"note": "山田 花子"},
        {"note": "Yamada Hanako"},
        {"note": "a" * 65},
        {"nested": {"a": 1}},
        {"people": ["ok", "bad value"]},
    ],
)
def test_free_text_parameters_are_refused(params):
    with pytest.raises(AuditParameterError):
        record("keys.rewrapped", params=params)
    with pytest.raises(AuditParameterError):
        record("person.viewed", fields=["name", "氏名"])
    with pytest.raises(ValueError, match="Unknown audit event"):
        record("no.such.event")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_update_and_delete_fail_in_the_database():
    event = write(1)[0]
    sign_checkpoint()
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(purpose="x"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: table_sql("UPDATE audit_auditevent SET purpose = 'x'"),
        lambda: table_sql("DELETE FROM audit_auditevent"),
        lambda: AuditCheckpoint.objects.update(hash="0" * 64),
        lambda: AuditCheckpoint.objects.all().delete(),
    ]
    if connection.vendor == "postgresql":  # SQLite has no TRUNCATE: DELETE above is its only way
        # (deferred foreign-key checks first, or PostgreSQL refuses for that reason instead of ours)
        attempts.append(lambda: table_sql("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE audit_auditevent CASCADE"))
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert event.purpose == ""


def problem_of() -> tuple[int, str]:
    report = verify_chain()
    assert not report.ok
    return report.problem.sequence, report.problem.kind


def test_a_changed_field_is_found_at_its_row(tamperable):
    write(10)
    table_sql("UPDATE audit_auditevent SET actor_id = NULL, purpose = 'covered_up' WHERE sequence = 6")
    assert problem_of() == (6, "changed")


def test_a_changed_link_is_found(tamperable):
    write(10)
    table_sql("UPDATE audit_auditevent SET prev_hash = %s WHERE sequence = 4", ["f" * 64])
    assert problem_of() == (4, "changed")


def test_a_deleted_row_is_found(tamperable):
    write(10)
    table_sql("DELETE FROM audit_auditevent WHERE sequence = 7")
    assert problem_of() == (7, "missing")


def test_an_inserted_row_is_found(tamperable):
    events = write(10)
    # Make room at 5 (highest first, to keep sequences unique) and forge a self-consistent event.
    for sequence in range(10, 4, -1):
        table_sql("UPDATE audit_auditevent SET sequence = sequence + 1 WHERE sequence = %s", [sequence])
    forged = AuditEvent(
        **{f.attname: getattr(events[4], f.attname) for f in AuditEvent._meta.concrete_fields}
    )
    forged.sequence, forged.prev_hash, forged.purpose = 5, events[3].hash, "forged"
    from audit.services import canonical_event

    forged.hash = chain.link(forged.prev_hash, chain.encode(canonical_event(forged)))
    forged.save(force_insert=True)
    assert problem_of() == (5, "inserted")


def test_two_swapped_rows_are_found(tamperable):
    write(10)
    table_sql("UPDATE audit_auditevent SET sequence = 999999 WHERE sequence = 3")
    table_sql("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = 4")
    table_sql("UPDATE audit_auditevent SET sequence = 4 WHERE sequence = 999999")
    assert problem_of() == (3, "reordered")


def rewrite_from(sequence: int) -> None:
    """The attacker's full rewrite: change an event, then recompute every hash after it."""
    from audit.services import canonical_event

    table_sql("UPDATE audit_auditevent SET purpose = 'rewritten' WHERE sequence = %s", [sequence])
    previous = AuditEvent.objects.get(sequence=sequence - 1).hash
    for event in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
        new_hash = chain.link(previous, chain.encode(canonical_event(event)))
        table_sql(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE sequence = %s",
            [previous, new_hash, event.sequence],
        )
        previous = new_hash


def test_recomputing_every_hash_after_a_change_is_caught_by_the_signed_checkpoint(tamperable):
    write(10)
    sign_checkpoint()
    write(3)
    rewrite_from(4)
    assert problem_of() == (10, "rewritten")


def test_without_a_checkpoint_a_full_rewrite_is_invisible_which_is_why_checkpoints_exist(tamperable):
    write(10)
    rewrite_from(4)
    assert verify_chain().ok


def test_events_removed_after_a_checkpoint_are_found(tamperable):
    write(10)
    sign_checkpoint()
    table_sql("DELETE FROM audit_auditevent WHERE sequence > 8")
    assert problem_of() == (9, "missing")


def test_a_forged_checkpoint_signature_is_found(tamperable):
    write(5)
    checkpoint = sign_checkpoint()
    table_sql("UPDATE audit_auditcheckpoint SET signature = %s", ["00" * 64])
    assert problem_of() == (checkpoint.sequence, "signature")


def test_an_external_statement_catches_what_the_database_no_longer_shows(tamperable):
    write(6)
    checkpoint = sign_checkpoint()
    statement = Statement(checkpoint.sequence, checkpoint.hash, checkpoint.signature)
    rewrite_from(3)
    table_sql("DELETE FROM audit_auditcheckpoint")  # the attacker also removes the evidence
    assert verify_chain().ok
    report = verify_chain(statements=[statement])
    assert (report.problem.sequence, report.problem.kind) == (6, "rewritten")


def test_audit_verify_and_checkpoint_commands(tamperable, capsys):
    write(4)
    call_command("audit_checkpoint")
    statement = capsys.readouterr().out.strip()
    assert json.loads(statement)["sequence"] == 4
    call_command("audit_verify", "--statement", statement)
    assert "intact: 4 events" in capsys.readouterr().out
    table_sql("UPDATE audit_auditevent SET purpose = 'x' WHERE sequence = 2")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    assert exit_info.value.code == 1
    assert "sequence 2: changed" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_verifier_works_in_constant_memory_batches():
    write(23)
    assert verify_chain(batch=4).events == 23


@pytest.mark.parametrize(
    "values",
    [
        (1, "2026-01-01T00:00:00.000000Z", None, 3, "view", "e", "", "", "", "", "[]", "", "{}", "", ""),
        (
            2,
            "t",
            5,
            None,
            'a"b\\c',
            "ü漢字\u2028",
            "x",
            "y",
            "z",
            "w",
            '["a"]',
            "p",
            '{"k":[1,2]}',
            "r",
            "::1",
        ),
    ],
)
def test_the_fast_encoder_agrees_with_the_standard_one(values):
    standard = json.dumps([chain.VERSION, *values], ensure_ascii=True, separators=(",", ":")).encode("ascii")
    assert chain.encode((chain.VERSION, *values)) == standard


@pytest.mark.django_db
def test_purposes_come_from_the_registry():
    with pytest.raises(AuditParameterError):
        record("person.viewed", purpose="curiosity")
    event = record("person.viewed", purpose="disclosure_request")
    assert event.purpose_label == "開示請求への対応"
