"""Computing the indicators over a city's years of records, against a naive per-row count in the
same run.

    .venv/bin/python bench/indicators.py [--rows 5000000] [--districts 50] [--database-url postgres://...]

Today the indicators are ⑧ (cases.selectors.figures.contact_counts): the commissioners'
consultations and liaisons of one fiscal year by district, month and counterpart. The benchmark
writes ``--rows`` contact-log rows spread over three fiscal years and ``--districts`` districts
(set-based SQL of its own: the ORM would take longer to load them than everything it measures),
then times the selector for the middle year (the median of 5) against reading the same year's
rows into Python and counting them there. Target (issue 22): every indicator of a year under 2 s
on PostgreSQL over 5,000,000 contact-log rows.
"""

import statistics
import time
from collections import Counter

import harness


def _arguments(parser) -> None:
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--districts", type=int, default=50)


ARGS = harness.start(__doc__, _arguments)

import datetime  # noqa: E402

from django.db import connection  # noqa: E402

from accounts.models import Area, User  # noqa: E402
from cases.models import ContactLog  # noqa: E402
from cases.selectors.figures import contact_counts  # noqa: E402

YEAR = 2025  # the middle one of the three written
COMMISSIONERS = 1000

# n: 1 … rows. Each row's district, commissioner, day (within three fiscal years from April 2024),
# kind and counterpart follow from n by multiplying with primes: spread, and the same every run.
SELECT_ROWS = {
    "postgresql": """
        INSERT INTO cases_contactlog (commissioner_id, occurred_on, kind, counterpart, category, district_id,
                                      created_at)
        SELECT %(first_user)s + (n * 7919) %% %(users)s,
               DATE '2024-04-01' + ((n * 104729) %% 1095)::int,
               CASE WHEN n %% 3 = 0 THEN 'liaison' ELSE 'consultation' END,
               (ARRAY['fellow_commissioner', 'agency', 'other'])[1 + (n * 31) %% 3],
               '', %(first_district)s + (n * 13) %% %(districts)s, now()
        FROM generate_series(1::bigint, %(rows)s) AS n
    """,
    "sqlite": """
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %(rows)s)
        INSERT INTO cases_contactlog (commissioner_id, occurred_on, kind, counterpart, category, district_id,
                                      created_at)
        SELECT %(first_user)s + (n * 7919) %% %(users)s,
               date('2024-04-01', '+' || ((n * 104729) %% 1095) || ' days'),
               CASE WHEN n %% 3 = 0 THEN 'liaison' ELSE 'consultation' END,
               CASE (n * 31) %% 3 WHEN 0 THEN 'fellow_commissioner' WHEN 1 THEN 'agency' ELSE 'other' END,
               '', %(first_district)s + (n * 13) %% %(districts)s, datetime('now')
        FROM g
    """,
}


def write_rows(rows: int, districts: int) -> list[Area]:
    city = Area.objects.create(level=Area.Level.MUNICIPALITY, name="ベンチ市", code="141003")
    ward = Area.objects.create(level=Area.Level.WARD, name="ベンチ区", parent=city, code="141011")
    made = Area.objects.bulk_create(
        [Area(level=Area.Level.DISTRICT, name=f"地区{i:03}", parent=ward) for i in range(districts)]
    )
    users = User.objects.bulk_create([User(username=f"bench_commissioner_{i}") for i in range(COMMISSIONERS)])
    made = list(Area.objects.filter(level=Area.Level.DISTRICT).order_by("pk"))
    first_user = min(u.pk for u in User.objects.filter(username__startswith="bench_commissioner_"))
    if len(users) != COMMISSIONERS or [a.pk for a in made] != list(range(made[0].pk, made[0].pk + districts)):
        raise SystemExit("the districts' ids are not consecutive: the rows' SQL assumes they are")
    with connection.cursor() as cursor:
        cursor.execute(
            SELECT_ROWS[connection.vendor],
            {
                "rows": rows,
                "users": COMMISSIONERS,
                "first_user": first_user,
                "districts": districts,
                "first_district": made[0].pk,
            },
        )
        cursor.execute("ANALYZE")
    return made


def selector(districts: list[Area]) -> dict:
    return contact_counts(districts, datetime.date(YEAR, 4, 1), datetime.date(YEAR + 1, 3, 31))


def naive(districts: list[Area]) -> Counter:
    """Every row of the year read into Python and counted there."""
    counted = Counter()
    rows = ContactLog.objects.filter(
        district__in=districts,
        occurred_on__gte=datetime.date(YEAR, 4, 1),
        occurred_on__lte=datetime.date(YEAR + 1, 3, 31),
    ).values_list("district_id", "occurred_on", "counterpart")
    for district, day, counterpart in rows.iterator(chunk_size=20_000):
        counted[(district, day.month, counterpart)] += 1
    return counted


def timed(function, *args, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


with harness.throwaway_database(ARGS):
    harness.banner("indicators")
    start = time.perf_counter()
    districts = write_rows(ARGS.rows, ARGS.districts)
    written = time.perf_counter() - start
    print(f"{ARGS.rows:,} contact-log rows in {ARGS.districts} districts written in {written:.1f} s")
    fast, counts = timed(selector, districts)
    slow, counted = timed(naive, districts, runs=1)
    if counts != dict(counted):
        raise SystemExit("the selector and the naive count disagree")
    year_rows = sum(counts.values())
    print(f"\n⑧ for fiscal {YEAR} ({year_rows:,} rows of the year, {len(counts):,} figures)")
    verdict = "met" if fast < 2 else "NOT met"
    print(f"  contact_counts (median of 5):   {fast * 1000:8.0f} ms   target < 2000 ms: {verdict}")
    print(f"  naive per-row count in Python: {slow * 1000:8.0f} ms")
    print(f"  ratio naive / selector:        {slow / fast:8.1f}×")
