"""Eight writers at once leave one valid chain with no gaps, on SQLite and PostgreSQL alike."""

import threading

from django.db import connections, transaction

from audit.models import AuditEvent
from audit.services import record
from audit.verify import verify_chain

WRITERS = 8
EVENTS_EACH = 25


def test_concurrent_writers_leave_one_valid_chain(committed_db):
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for i in range(EVENTS_EACH):
                with transaction.atomic():  # each event with its own (pretend) change
                    record("keys.rewrapped", params={"count": i, "kek": f"writer-{number}"})
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    total = WRITERS * EVENTS_EACH
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, total + 1)
    )
    report = verify_chain()
    assert report.ok, report.problem
    assert report.events == total
    # Every writer's events are all there.
    params = AuditEvent.objects.values_list("params", flat=True)
    for number in range(WRITERS):
        assert sum(f'"writer-{number}"' in p for p in params) == EVENTS_EACH


def test_parallel_verification_agrees_and_finds_the_first_problem(committed_db):
    from django.db import connection

    from audit import triggers

    for i in range(40):
        record("keys.rewrapped", params={"count": i, "kek": "k"})
    single = verify_chain()
    parallel = verify_chain(workers=2, min_stretch=5)
    assert (
        (single.ok, single.events, single.head)
        == (parallel.ok, parallel.events, parallel.head)
        == (True, 40, 40)
    )

    triggers.remove(connection)  # as an attacker: two changes, one in each half
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'x' WHERE sequence IN (13, 31)")
        cursor.execute(
            "DELETE FROM audit_auditevent WHERE sequence = 21"
        )  # right at the second stretch's start
    for workers in (1, 2):
        report = verify_chain(workers=workers, min_stretch=5)
        assert (report.problem.sequence, report.problem.kind) == (13, "changed"), workers
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence < 21")
    report = verify_chain(workers=2, min_stretch=5)
    assert (report.problem.sequence, report.problem.kind) == (1, "missing")
