"""The main pages, each timed in-process for a warm signed-in user, against the framework's floor.

    .venv/bin/python bench/pages.py [--runs 60] [--views 10000] [--database-url postgres://...]

Seeds the demo data (each app's demo.py, as ``manage.py seed_demo`` does), signs the demo users in
with their second factor (tests/twofactor.py) and requests each main page through Django's test
client: home, inbox, tasks, the referral inbox (the agency's 対応中 tab, the plaza's sent list), the
case page (the demo plaza's referred case: consents, disclosures, a meeting, referrals), its
meeting, a referral, a guardianship matter and the person search (POST), the pages taken in turn
in every round. Prints each page's median and p90 in ms, its SQL
statements (transaction control aside) and those repeated (same text and parameters twice), and
its ratio to Django's admin login page (GET, anonymous) timed in the same rounds. Targets: the
case page's median within 4× the admin login's; at most 20 statements and none repeated on every
page; the case page as fast after 10,000 more views of that case (``case.viewed`` events appended
in bulk) as before (its ratio to the floor within 1.25×, or 1 ms). The test environment's
template instrumentation is switched off: rendering is timed as a server renders.
"""

import statistics
import time
from collections import Counter

import harness


def _arguments(parser) -> None:
    parser.add_argument("--runs", type=int, default=60, help="timed requests per page")
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="cpu: this process's CPU time (SQLite only: steadier on a busy machine)",
    )
    parser.add_argument("--sql", default="", help="print the statements of this page (e.g. case) and stop")
    parser.add_argument("--views", type=int, default=10_000, help="case.viewed events added (flat test)")


ARGS = harness.start(__doc__, _arguments)

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.twofactor import VerifiedClient  # noqa: E402

CLOCK = time.process_time if ARGS.clock == "cpu" else time.perf_counter
STATEMENTS = 20
CASE_RATIO = 4.0
FLAT = 1.25


def client_for(user) -> Client:
    client = VerifiedClient()
    client.force_login(user)
    return client


def pages(world: dict) -> list[tuple[str, Client, str, str, dict | None]]:
    users = world["users"]
    plaza, coordinator = client_for(users["demo_plaza"]), client_for(users["demo_coordinator"])
    agency = client_for(users["demo_agency"])
    return [
        ("admin login (floor)", Client(), "get", reverse("admin:login"), None),
        ("home", plaza, "get", reverse("home"), None),
        ("inbox", plaza, "get", reverse("cases:inbox"), None),
        ("tasks", plaza, "get", reverse("cases:my_tasks"), None),
        # The agency's referral is accepted: its 対応中 tab, where its rows are.
        ("referrals (agency)", agency, "get", reverse("referrals:inbox") + "?tab=in_progress", None),
        ("referrals (plaza)", plaza, "get", reverse("referrals:inbox"), None),
        ("case", plaza, "get", reverse("cases:case_detail", args=[world["case"].pk]), None),
        ("meeting", plaza, "get", reverse("cases:meeting_detail", args=[world["meeting"].pk]), None),
        ("referral", plaza, "get", reverse("referrals:detail", args=[world["referral"].pk]), None),
        ("matter", coordinator, "get", reverse("guardianship:matter", args=[world["matter"].pk]), None),
        ("person search (POST)", plaza, "post", reverse("cases:person_search"), {"q": world["name"]}),
    ]


def request(client: Client, method: str, url: str, data: dict | None) -> None:
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")


def timed(requests: list[tuple], runs: int) -> list[list[float]]:
    """Each request's times in ms, the requests taken in turn in every round, so that whatever
    else the machine does weighs on the floor and on the pages alike."""
    for _ in range(5):  # warm: caches, the session, compiled templates
        for asked in requests:
            request(*asked)
    times: list[list[float]] = [[] for _ in requests]
    for _ in range(runs):
        for index, asked in enumerate(requests):
            started = CLOCK()
            request(*asked)
            times[index].append((CLOCK() - started) * 1000)
    return times


# Transaction control is no question asked (and on PostgreSQL the driver does not even log it).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def statements(client: Client, method: str, url: str, data: dict | None) -> tuple[int, int]:
    """Statements of one request, and how many of them repeat one before (same SQL and parameters:
    the captured text has the parameters in it)."""
    with CaptureQueriesContext(connection) as ctx:
        request(client, method, url, data)
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    return len(sql), sum(n - 1 for n in Counter(sql).values())


def p90(times: list[float]) -> float:
    return statistics.quantiles(times, n=10)[-1]


def add_views(case, count: int, actor) -> None:
    """``count`` more ``case.viewed`` events of the case, appended to the chain in batches (as
    many page views would leave them, without loading the page that many times)."""
    from audit import services as audit

    for start in range(0, count, 1000):
        with transaction.atomic():
            audit.append(
                [
                    audit.new_event(
                        "case.viewed",
                        actor=actor,
                        target=case,
                        case_id=case.pk,
                        person_id=case.person_id,
                        fields=["name"],
                        purpose="case_work",
                    )
                    for _ in range(min(1000, count - start))
                ]
            )


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def without_template_instrumentation() -> None:
    """The test environment sends a signal for every template rendered, and the test client copies
    the context on each (for assertTemplateUsed): a cost per template that no server pays, and
    most of all on pages of many widgets. Rendering is timed as production renders."""
    from django.template import Template
    from django.test import utils

    Template._render = utils._TestState.saved_data.template_render


def main() -> None:
    harness.banner("pages")
    without_template_instrumentation()
    world = harness.seed_demo()
    asked = pages(world)
    if ARGS.sql:
        for name, *page in asked:
            if name.startswith(ARGS.sql):
                request(*page)
                with CaptureQueriesContext(connection) as ctx:
                    request(*page)
                for query in ctx.captured_queries:
                    print(f"{query['time']}s {query['sql'][:400]}")
        return
    times = timed([page for _name, *page in asked], ARGS.runs)
    rows = []
    for (name, *page), taken in zip(asked, times, strict=True):
        count, repeated = statements(*page)
        rows.append((name, statistics.median(taken), p90(taken), count, repeated, page))
    floor = rows[0][1]
    print(f"\n{'page':<22} {'median':>8} {'p90':>8} {'× floor':>8} {'SQL':>4} {'repeated':>8}")
    all_ok = True
    for name, median, ninety, count, repeated, _request in rows:
        is_floor = name.startswith("admin")
        ok = is_floor or (count <= STATEMENTS and not repeated)
        all_ok &= ok
        print(
            f"{name:<22} {median:7.1f}ms {ninety:7.1f}ms {median / floor:7.1f}× {count:>4} {repeated:>8}"
            f"  {'' if is_floor else mark(ok)}"
        )
    case_row = next(row for row in rows if row[0] == "case")
    ratio = case_row[1] / floor
    print("\nTargets")
    print(
        f"  {mark(ratio <= CASE_RATIO)} case page median {ratio:.1f}× the admin login's "
        f"(target ≤ {CASE_RATIO:.0f}×)"
    )
    print(f"  {mark(all_ok)} every main page ≤ {STATEMENTS} statements, none repeated")
    floor_page, case_page = rows[0][5], case_row[5]
    floor_before, before = (statistics.median(t) for t in timed([floor_page, case_page], ARGS.runs))
    started = time.perf_counter()
    add_views(world["case"], ARGS.views, world["users"]["demo_plaza"])
    added = time.perf_counter() - started
    floor_after, after = (statistics.median(t) for t in timed([floor_page, case_page], ARGS.runs))
    # Against the floor of the same rounds: the machine may be busier in one set than the other.
    before_ratio, after_ratio = before / floor_before, after / floor_after
    flat = after_ratio <= before_ratio * FLAT or after <= before + 1.0
    print(
        f"  {mark(flat)} case page flat: median {before:.1f} ms ({before_ratio:.1f}× the floor) at 0 more "
        f"views, {after:.1f} ms ({after_ratio:.1f}×) after {ARGS.views:,} more case.viewed events "
        f"(added in {added:.1f} s; target ≤ {FLAT}× as slow, or +1 ms)"
    )


if __name__ == "__main__":
    with harness.throwaway_database(ARGS):
        main()
