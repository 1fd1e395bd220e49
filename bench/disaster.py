"""Safety checks under load: a declared disaster in a ward of 100,000 residents, through the
production server (docs/disaster.md, docs/performance.md).

    .venv/bin/python bench/disaster.py [--listed 8000] [--supporters 2000] [--in-flight 200]
                                       [--retries 10] [--database-url postgres://…/db]

Like bench/serve.py (whose server, database and load generator it uses): a database of its own on
the PostgreSQL server (dropped at the end), a keyring made with ``manage.py create_keyring``,
gunicorn with deploy/gunicorn.conf.py on a free loopback port, DEBUG off, every request with the
headers nginx adds. The demo structure's ward (14 districts) gets ``--listed`` persons on the
evacuation-support list (registered through ``disaster.services.register_for_list``: each a person
with a data key of their own, encrypted, audited), ``--supporters`` evacuation supporters with a
session each, and four persons assigned to each supporter; then a disaster is declared over the
ward.

The load: every supporter checks each of their four persons once, through
``POST /api/v1/safety/checks/`` as the checks page's script sends it (session cookie, CSRF token,
JSON with a fresh key), ``--in-flight`` requests at once (wrk: each connection sends its next
request as soon as the last is answered; the checks are dealt out to the connections in turn).
One request in ``--retries`` is sent a second time with the same key, as a phone whose answer was
lost would: it must answer 200 with the first check and write nothing.

Afterwards, from the database: exactly one check per listed person (none lost, none duplicated),
one ``safety.checked`` audit event per check, and the whole audit chain verified.

Baseline, in the same run: the same number of rows written by one plain INSERT per row batch
(``accounts.sql.insert_instances``: the same columns, encrypted as a save would, no request, no
permission check, no audit) — the ratio says what the HTTP path costs over the rows themselves.

Target on this 2-core machine: 200 requests in flight, p95 under 300 ms per check, zero lost
checks, audit chain valid.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import serve  # noqa: E402  (the production server, its database and wrk: one place)

P95_TARGET = 300.0

LUA = r"""
local checks = %(checks)s
local threads = {}
local host = %(host)s

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  created = 0
  replayed = 0
  sent = 0
  -- This thread's share of the checks: every n-th, from its offset.
  mine = {}
  local n = %(threads)d
  for i = offset + 1, #checks, n do table.insert(mine, checks[i]) end
  position = 0
end

function request()
  position = position + 1
  if position > #mine then
    wrk.thread:stop()
    position = #mine
  end
  local check = mine[position]
  sent = sent + 1
  local headers = {
    ["Host"] = host, ["X-Forwarded-For"] = "127.0.0.1", ["X-Forwarded-Proto"] = "https",
    ["Origin"] = "https://" .. host, ["Referer"] = "https://" .. host .. "/disaster/checks/",
    ["Content-Type"] = "application/json", ["Accept"] = "application/json",
    ["Cookie"] = check.cookie, ["X-CSRFToken"] = check.token,
  }
  return wrk.format("POST", %(path)s, headers, check.body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 200 then replayed = replayed + 1
  else bad = bad + 1 end
end

function done(summary, latency, requests)
  local failed, made, again = 0, 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("bad")
    made = made + thread:get("created")
    again = again + thread:get("replayed")
  end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), failed, made, again,
    e.connect + e.read + e.write + e.timeout))
end
"""


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default="postgres://tsunagu:tsunagu@127.0.0.1:5432/tsunagu",
        help="PostgreSQL server to measure on; a database <name>_serve_bench is made and dropped there",
    )
    parser.add_argument("--listed", type=int, default=8000, help="persons on the list (default 8000)")
    parser.add_argument("--supporters", type=int, default=2000, help="supporters, each checking four")
    parser.add_argument("--in-flight", type=int, default=200, help="requests in flight (wrk connections)")
    parser.add_argument("--retries", type=int, default=10, help="one request in N is sent twice (0: none)")
    parser.add_argument("--workers", type=int, default=0, help="GUNICORN_WORKERS (default: the conf's)")
    args = parser.parse_args()
    if args.listed != 4 * args.supporters:
        parser.error("each supporter checks four persons: --listed must be 4 × --supporters")
    if not serve.shutil.which("wrk"):
        parser.error("wrk is needed as the load generator: apt install wrk")
    return args


def seed(listed: int, supporters: int) -> dict:
    """The ward's list, its supporters with a session each, four persons each, and a disaster."""
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from accounts import demo
    from accounts.models import Organisation, OrganisationKind, User
    from accounts.roles import Role
    from accounts.services import add_membership
    from disaster import services
    from disaster.models import CheckAssignment, ConsentMethod, ConsentStatus

    started = time.monotonic()
    structure = demo.seed()
    ward_worker = structure.users["demo_ward"]
    office = structure.organisations["高齢・障害支援課"]
    districts = structure.districts
    registrations = []
    for number in range(listed):
        registrations.append(
            services.register_for_list(
                actor=ward_worker,
                office=office,
                area=districts[number % len(districts)],
                name=f"避難 {number:05d}",
                address=f"つなぐ市はまかぜ区{number % 50 + 1}丁目{number % 30 + 1}番",
                care_level="3",
                consent=ConsentStatus.GIVEN if number % 5 else ConsentStatus.NOT_ASKED,
                **(
                    {"consent_method": ConsentMethod.WRITTEN, "consent_on": timezone.localdate()}
                    if number % 5
                    else {}
                ),
            )
        )
    print(f"  {listed} persons listed in {time.monotonic() - started:.0f} s", flush=True)
    associations = [
        Organisation.objects.create(
            name=f"{district.name}自治会（ベンチ）",
            kind=OrganisationKind.NEIGHBOURHOOD_ASSOCIATION,
            municipality=structure.municipality,
        )
        for district in districts
    ]
    for association, district in zip(associations, districts, strict=True):
        association.areas.add(district)
    with transaction.atomic():
        users = []
        for n in range(supporters):  # through the service: the role's group comes with it
            user = User.objects.create(
                username=f"bench_supporter_{n:04d}", last_name="支援者", first_name=f"{n}"
            )
            add_membership(user=user, organisation=associations[n % len(associations)], role=Role.SUPPORTER)
            users.append(user)
        # Supporter n checks persons 4n … 4n+3 (the registrations were dealt to the districts in
        # turn: whom a supporter may check is the ward office's choice, not what is measured).
        assignments, plan = [], []
        for number, registration in enumerate(registrations):
            user = users[number // 4]
            assignments.append(CheckAssignment(registration=registration, user=user, assigned_by=ward_worker))
            plan.append((user, registration))
        CheckAssignment.objects.bulk_create(assignments)  # setup, not what is measured
    print(f"  {supporters} supporters, {len(plan)} assignments", flush=True)
    declaration = services.declare_disaster(
        actor=ward_worker, kind="earthquake", title="ベンチマークの地震", area=structure.ward
    )
    sessions = {}
    for user in users:
        client = Client()
        client.force_login(user)
        sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"declaration": declaration, "plan": plan, "sessions": sessions, "ward_worker": ward_worker}


STATUSES = ["safe", "safe", "safe", "evacuated", "absent", "needs_help", "unreachable"]


def checks_to_send(world: dict, retries: int) -> tuple[list[dict], int]:
    """One request per (supporter, person), as the checks page's script sends it; every
    ``retries``-th sent once more, 500 requests later, with the same key (a lost answer's retry)."""
    import json

    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    declaration = world["declaration"].pk
    secrets_of: dict[int, str] = {}
    checks = []
    for number, (user, registration) in enumerate(world["plan"]):
        secret = secrets_of.setdefault(user.pk, _get_new_csrf_string())
        body = {
            "declaration": declaration,
            "registration": str(registration.pk),
            "status": STATUSES[number % len(STATUSES)],
            "note": "玄関先で会えた。" if number % 3 == 0 else "",
            "key": uuid.uuid4().hex,
        }
        session = world["sessions"][user.pk]
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={secret}"
        checks.append({"cookie": cookie, "token": secret, "body": json.dumps(body)})
    resent = 0
    if retries:
        for number in range(len(checks) - 1, -1, -1):
            if number % retries == 0:
                checks.insert(min(number + 500, len(checks)), dict(checks[number]))
                resent += 1
    return checks, resent


def lua(path: Path, checks: list[dict], threads: int) -> None:
    lua_string = serve.lua_string
    table = (
        "{"
        + ",".join(
            "{" + ", ".join(f"{name}={lua_string(c[name])}" for name in ("cookie", "token", "body")) + "}"
            for c in checks
        )
        + "}"
    )
    path.write_text(
        LUA
        % {
            "checks": table,
            "host": lua_string(serve.HOST),
            "path": lua_string("/api/v1/safety/checks/"),
            "threads": threads,
        }
    )


def run(port: int, script: Path, in_flight: int, threads: int, master: int) -> dict:
    import re
    import subprocess

    command = ["wrk", f"-t{threads}", f"-c{in_flight}", "-d600s", "--timeout=60s", "-s", str(script)]
    command.append(f"http://127.0.0.1:{port}/")
    busy0, total0 = serve.cpu_busy()
    server0, database0 = serve.cpu_of(master)
    began = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    wall = time.monotonic() - began
    busy1, total1 = serve.cpu_busy()
    server1, database1 = serve.cpu_of(master)
    found = re.search(r"^RESULT " + " ".join([r"(\d+)"] * 9) + "$", out, re.M)
    if not found:
        raise SystemExit(f"wrk failed:\n{out}")
    requests, duration, p50, p95, p99, failed, created, replayed, errors = (int(x) for x in found.groups())
    return {
        "requests": requests,
        "seconds": duration / 1e6,
        "wall": wall,
        "rate": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "failed": failed,
        "created": created,
        "replayed": replayed,
        "errors": errors,
        "busy": (busy1 - busy0) / (total1 - total0),
        "server_ms": (server1 - server0) * 1000 / max(requests, 1),
        "database_ms": (database1 - database0) * 1000 / max(requests, 1),
    }


def verify(world: dict) -> dict:
    """What the database holds after the load."""
    from django.db.models import Count

    from audit.models import AuditEvent
    from audit.verify import verify_chain
    from disaster.models import SafetyCheck

    checks = SafetyCheck.objects.filter(declaration=world["declaration"])
    per_person = checks.values("registration").annotate(n=Count("pk"))
    started = time.monotonic()
    verdict = verify_chain()
    return {
        "checks": checks.count(),
        "persons_checked": per_person.count(),
        "persons_twice": per_person.filter(n__gt=1).count(),
        "events": AuditEvent.objects.filter(event="safety.checked").count(),
        "chain": verdict,
        "verify_seconds": time.monotonic() - started,
    }


def plain_insert(world: dict) -> float:
    """Seconds to write the same number of check rows with plain INSERTs (encrypted as a save
    would, no request, no permission check, no audit), under a second declaration."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.sql import insert_instances
    from disaster.models import Declaration, SafetyCheck

    other = Declaration.objects.create(
        kind="earthquake",
        title="ベースライン",
        office=world["declaration"].office,
        area=world["declaration"].area,
        declared_by=world["ward_worker"],
    )
    rows = [
        SafetyCheck(
            declaration=other,
            registration=registration,
            status=STATUSES[number % len(STATUSES)],
            note="玄関先で会えた。" if number % 3 == 0 else "",
            checked_at=timezone.now(),
            checked_by=user,
            key=uuid.uuid4().hex,
        )
        for number, (user, registration) in enumerate(world["plan"])
    ]
    started = time.monotonic()
    with transaction.atomic():
        for first in range(0, len(rows), 1000):
            insert_instances(rows[first : first + 1000])
    return time.monotonic() - started


def report(result: dict, found: dict, baseline: float, expected: int) -> None:
    chain = found["chain"]
    lines = [
        ("requests answered", f"{result['requests']} in {result['seconds']:.1f} s: {result['rate']:.0f} /s"),
        (
            "answers",
            f"201 created {result['created']}, 200 replayed {result['replayed']}, "
            f"other {result['failed']}, socket errors {result['errors']}",
        ),
        (
            "latency",
            f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms "
            f"(target p95 < {P95_TARGET:.0f})",
        ),
        (
            "CPU",
            f"machine {result['busy']:.0%}; server {result['server_ms']:.1f} ms, "
            f"PostgreSQL {result['database_ms']:.1f} ms per request",
        ),
        (
            "in the database",
            f"{found['checks']} checks for {found['persons_checked']} of {expected} persons, "
            f"{found['persons_twice']} checked twice",
        ),
        (
            "audit",
            f"{found['events']} safety.checked events; chain "
            f"{'intact' if chain.ok else 'BROKEN at ' + str(chain.problem)}, {chain.events} events "
            f"(verified in {found['verify_seconds']:.1f} s)",
        ),
        (
            "baseline",
            f"plain INSERT of {expected} rows: {baseline:.2f} s ({expected / baseline:.0f} rows/s); "
            f"the HTTP path took {result['seconds'] / baseline:.0f}× as long",
        ),
    ]
    print()
    for label, text in lines:
        print(f"  {label:<18} {text}")


def main() -> None:
    args = arguments()
    workdir = Path(tempfile.mkdtemp(prefix="tsunagu-disaster-bench-"))
    keyring = workdir / "keyring.json"
    port = serve.free_port()
    database_url = serve.own_database(args.database_url)
    env = serve.server_environment(database_url, keyring, port, args.workers)
    server = None
    try:
        import subprocess

        subprocess.run(
            [sys.executable, "manage.py", "create_keyring", str(keyring)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        call_command("apply_planner_settings", verbosity=0, stdout=open(os.devnull, "w"))
        call_command("collectstatic", verbosity=0, interactive=False)
        print(f"Tsunagu disaster benchmark — PostgreSQL, {os.cpu_count()} cores; seeding…", flush=True)
        world = seed(args.listed, args.supporters)
        checks, resent = checks_to_send(world, args.retries)
        threads = min(serve.WRK_THREADS, args.in_flight)
        script = workdir / "checks.lua"
        lua(script, checks, threads)
        connections.close_all()
        server = serve.start_server(env, workdir / "gunicorn.log", port)
        print(
            f"  {len(checks)} requests ({len(checks) - resent} checks + {resent} resent with their key), "
            f"{args.in_flight} in flight, gunicorn workers: {len(serve.workers_of(server))}",
            flush=True,
        )
        result = run(port, script, args.in_flight, threads, server.pid)
        serve.stop_server(server)
        server = None
        found = verify(world)
        baseline = plain_insert(world)
        expected = len(world["plan"])
        ok = (
            result["p95"] < P95_TARGET
            and result["failed"] == 0
            and result["errors"] == 0
            and found["checks"] == expected
            and found["persons_checked"] == expected
            and found["persons_twice"] == 0
            and found["events"] == expected
            and found["chain"].ok
        )
        report(result, found, baseline, expected)
        print(f"  {'✓' if ok else '✗'} target")
        sys.exit(0 if ok else 1)
    finally:
        if server is not None:
            serve.stop_server(server)
        from django.db import connections

        connections.close_all()
        serve.drop_database(args.database_url, database_url)


if __name__ == "__main__":
    main()
