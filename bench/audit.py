"""Cost of the audit chain, against plain inserts measured in the same run, and verification speed.

    .venv/bin/python bench/audit.py [--writes 5000] [--events 1000000] [--database-url postgres://...]

Prints: events written per second through audit.record (chain head lock, hash) against plain
inserts of the same rows, each in its own transaction (target ratio ≤ 1.5×); audit_verify's speed
over N events (target ≥ 200,000 events/s) and its peak memory. Uses a throwaway database (a
temporary SQLite file unless --database-url is given, where a test_… database is made and dropped).
"""

import os
import resource
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import harness


def _arguments(parser) -> None:
    parser.add_argument("--writes", type=int, default=5000)
    parser.add_argument("--events", type=int, default=1_000_000)


ARGS = harness.start(__doc__, _arguments)

from django.db import connection, transaction  # noqa: E402

from audit import chain  # noqa: E402
from audit.models import AuditEvent  # noqa: E402
from audit.services import record  # noqa: E402
from audit.verify import verify_chain  # noqa: E402


def peak_rss_reset() -> None:
    # Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) of this process.
    Path("/proc/self/clear_refs").write_text("5")


def rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def bench_writes(n: int) -> None:
    person = str(uuid.uuid4())

    def chained() -> None:
        for i in range(n):
            with transaction.atomic():
                record("person.viewed", person_id=person, fields=["name", "kana"], params={"count": i})

    def plain() -> None:
        base = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
        for i in range(n):
            with transaction.atomic():
                AuditEvent.objects.create(
                    sequence=base + i + 1,
                    occurred_at=datetime.now(UTC),
                    action="view",
                    event="person.viewed",
                    person_id=person,
                    fields='["kana","name"]',
                    params=f'{{"count":{i}}}',
                    prev_hash="",
                    hash=uuid.uuid4().hex * 2,
                )

    # Plain first, then chained on top of it: both grow the same table by the same amount.
    start = time.perf_counter()
    plain()
    plain_time = time.perf_counter() - start
    empty_the_trail()
    start = time.perf_counter()
    chained()
    chained_time = time.perf_counter() - start
    print(f"\n1. Writing {n:,} events, one transaction each")
    for label, seconds in (("plain inserts", plain_time), ("audit.record (chained)", chained_time)):
        print(f"   {label:<26} {n / seconds:>9,.0f} events/s  ({seconds / n * 1e6:.0f} µs each)")
    print(f"   {'ratio chained/plain':<26} {chained_time / plain_time:>9.2f}×   (target ≤ 1.5×)")


def empty_the_trail() -> None:
    """Empty the table between the two measurements (the append-only triggers lifted for it)."""
    from audit import triggers

    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    triggers.install(connection)


def generate_chain(n: int) -> None:
    """n valid events, hashed exactly as audit.record hashes them, inserted in bulk."""
    columns = [*chain.CANONICAL_COLUMNS, "prev_hash", "hash"]
    sql = (
        f"INSERT INTO audit_auditevent ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    start_time = datetime(2026, 1, 1, tzinfo=UTC)
    people = [str(uuid.uuid4()) for _ in range(1000)]
    previous = chain.GENESIS
    batch = []
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for i in range(1, n + 1):
            moment = start_time + timedelta(microseconds=i * 1_234_567)
            person = people[i % len(people)]
            listed = i % 10 == 0
            values = [
                i,
                chain.canonical_time(moment),
                None,
                None,
                "view",
                "person.listed" if listed else "person.viewed",
                "cases.person",
                "" if listed else person,
                "",
                "" if listed else person,
                '["birth_date","kana","name"]',
                "search",
                chain.canonical_json({"count": 3, "people": people[:3]} if listed else {}),
                uuid.uuid4().hex,
                "192.0.2.10",
            ]
            digest = chain.link(previous, chain.encode((chain.VERSION, *values)))
            values[1] = adapt(moment)
            batch.append([*values, previous, digest])
            previous = digest
            if len(batch) == 10_000:
                with transaction.atomic():
                    cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            with transaction.atomic():
                cursor.executemany(sql, batch)


WORKERS = os.cpu_count() or 1  # as manage.py audit_verify runs by default


def bench_verify(n: int) -> None:
    start = time.perf_counter()
    generate_chain(n)
    print(f"\n2. Verifying {n:,} events (generated and inserted in {time.perf_counter() - start:.1f} s)")
    before = rss_kib("VmRSS")
    peak_rss_reset()
    start = time.perf_counter()
    report = verify_chain(workers=WORKERS)
    elapsed = time.perf_counter() - start
    if not report.ok or report.events != n:
        raise SystemExit(f"verification failed: {report.problem}")
    peak = rss_kib("VmHWM")
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the largest worker
    label = f"audit_verify ({WORKERS} proc.)"
    print(f"   {label:<26} {n / elapsed:>9,.0f} events/s  ({elapsed:.2f} s)   (target ≥ 200,000/s)")
    print(
        f"   {'peak memory, main':<26} {peak / 1024:>9,.1f} MiB resident ({(peak - before) / 1024:+.1f} MiB)"
    )
    if child_peak:
        print(f"   {'peak memory, per worker':<26} {child_peak / 1024:>9,.1f} MiB resident")


def main() -> None:
    harness.banner("audit")
    bench_writes(ARGS.writes)
    empty_the_trail()
    bench_verify(ARGS.events)


if __name__ == "__main__":
    with harness.throwaway_database(ARGS):
        main()
