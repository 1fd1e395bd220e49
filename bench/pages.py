"""The main pages, each timed in-process for a warm signed-in user, against the framework's floor.

    .venv/bin/python bench/pages.py [--runs 60] [--views 10000] [--database-url postgres://...]

Seeds the demo data (each app's demo.py, as ``manage.py seed_demo`` does), signs the demo users in
with their second factor (tests/twofactor.py) and requests each main page through Django's test
client: home, inbox, tasks, the case page (the demo plaza's referred case: consents, disclosures,
a meeting, referrals), its meeting, a referral, a guardianship matter and the person search
(POST). Prints each page's median and p90 in ms, its SQL statements and those repeated (same
text and parameters twice), and its ratio to Django's admin login page (GET, anonymous) timed in
the same run. Targets: the case page's median within 4× the admin login's; at most 20
statements and none repeated on every page; the case page as fast after 10,000 more views of
that case (``case.viewed`` events appended in bulk) as before (median within 1.25×, or 1 ms).
"""

import statistics
import time
from collections import Counter

import harness


def _arguments(parser) -> None:
    parser.add_argument("--runs", type=int, default=60, help="timed requests per page")
    parser.add_argument("--sql", default="", help="print the statements of this page (e.g. case) and stop")
    parser.add_argument("--views", type=int, default=10_000, help="case.viewed events added (flat test)")


ARGS = harness.start(__doc__, _arguments)

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.twofactor import VerifiedClient  # noqa: E402

STATEMENTS = 20
CASE_RATIO = 4.0
FLAT = 1.25


def seed() -> dict:
    """The demo data, as ``manage.py seed_demo`` loads it (without its DEBUG guard: a throwaway
    database), and what each page is opened on."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    from accounts import demo
    from cases.models import Case, CaseState, SupportMeeting
    from guardianship.models import GuardianshipMatter
    from referrals.models import Referral

    with transaction.atomic():
        structure = demo.seed()
        for app_config in apps.get_app_configs():
            if app_config.name != "accounts" and module_has_submodule(app_config.module, "demo"):
                import_module(f"{app_config.name}.demo").seed(structure)
    plaza = structure.plazas[0]
    case = (
        Case.objects.filter(state=CaseState.REFERRED, lead_organisation=plaza)
        .select_related("person__data_key")
        .order_by("created_at")
        .first()
    )
    return {
        "users": structure.users,
        "case": case,
        "meeting": SupportMeeting.objects.filter(case=case).first(),
        "referral": Referral.objects.filter(case=case, state="accepted").first(),
        "matter": GuardianshipMatter.objects.order_by("opened_at").first(),
        "name": case.person.name,
    }


def client_for(user) -> Client:
    client = VerifiedClient()
    client.force_login(user)
    return client


def pages(world: dict) -> list[tuple[str, Client, str, str, dict | None]]:
    users = world["users"]
    plaza, coordinator = client_for(users["demo_plaza"]), client_for(users["demo_coordinator"])
    return [
        ("admin login (floor)", Client(), "get", reverse("admin:login"), None),
        ("home", plaza, "get", reverse("home"), None),
        ("inbox", plaza, "get", reverse("cases:inbox"), None),
        ("tasks", plaza, "get", reverse("cases:my_tasks"), None),
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


def timed(client: Client, method: str, url: str, data: dict | None, runs: int) -> list[float]:
    for _ in range(5):  # warm: caches, the session, compiled templates
        request(client, method, url, data)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        request(client, method, url, data)
        times.append((time.perf_counter() - started) * 1000)
    return times


def statements(client: Client, method: str, url: str, data: dict | None) -> tuple[int, int]:
    """Statements of one request, and how many of them repeat one before (same SQL and parameters:
    the captured text has the parameters in it)."""
    with CaptureQueriesContext(connection) as ctx:
        request(client, method, url, data)
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
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


def main() -> None:
    harness.banner("pages")
    world = seed()
    rows = []
    for name, client, method, url, data in pages(world):
        if ARGS.sql:
            if name.startswith(ARGS.sql):
                request(client, method, url, data)
                with CaptureQueriesContext(connection) as ctx:
                    request(client, method, url, data)
                for query in ctx.captured_queries:
                    print(f"{query['time']}s {query['sql'][:400]}")
            continue
        times = timed(client, method, url, data, ARGS.runs)
        count, repeated = statements(client, method, url, data)
        asked = (client, method, url, data)
        rows.append((name, statistics.median(times), p90(times), count, repeated, asked))
    if ARGS.sql:
        return
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
    client, method, url, data = case_row[5]
    before = statistics.median(timed(client, method, url, data, ARGS.runs))
    started = time.perf_counter()
    add_views(world["case"], ARGS.views, world["users"]["demo_plaza"])
    added = time.perf_counter() - started
    after = statistics.median(timed(client, method, url, data, ARGS.runs))
    flat = after <= max(before * FLAT, before + 1.0)
    print(
        f"  {mark(flat)} case page flat: median {before:.1f} ms at 0 more views, {after:.1f} ms after "
        f"{ARGS.views:,} more case.viewed events (added in {added:.1f} s; target ≤ {FLAT}× or +1 ms)"
    )


if __name__ == "__main__":
    with harness.throwaway_database(ARGS):
        main()
