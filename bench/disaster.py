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
JSON with a fresh key), ``--in-flight`` requests at once: as many connections, each sending its
next request as soon as the last is answered, the checks dealt out to them in turn. One request in
``--retries`` is sent a second time with the same key, as a phone whose answer was lost would: it
must answer 200 with the first check and write nothing. The load generator is a small asyncio
client in this process (its CPU share is printed): it sends exactly the checks, each once, and
times each answer — wrk, time-bound, would keep sending after the last check.

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

import serve  # noqa: E402  (the production server and its database: one place)

P95_TARGET = 300.0


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
    parser.add_argument("--in-flight", type=int, default=200, help="requests in flight (connections)")
    parser.add_argument("--retries", type=int, default=10, help="one request in N is sent twice (0: none)")
    parser.add_argument("--workers", type=int, default=0, help="GUNICORN_WORKERS (default: the conf's)")
    args = parser.parse_args()
    if args.listed != 4 * args.supporters:
        parser.error("each supporter checks four persons: --listed must be 4 × --supporters")
    if not serve.shutil.which("nginx"):
        parser.error("nginx (Debian's) is needed in front of gunicorn: apt install nginx")
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


def checks_to_send(world: dict, retries: int, connections: int) -> tuple[list[list[dict]], int]:
    """One request per (supporter, person), as the checks page's script sends it, dealt to the
    connections in turn; in each connection's queue every ``retries``-th check is sent once more,
    a few requests later, with the same key (a phone retrying after a lost answer)."""
    import json

    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    declaration = world["declaration"].pk
    secrets_of: dict[int, str] = {}
    lists: list[list[dict]] = [[] for _ in range(connections)]
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
        lists[number % connections].append(
            {"cookie": cookie, "token": secret, "body": json.dumps(body).encode()}
        )
    resent = 0
    sent = 0
    for checks in lists:
        for number in range(len(checks) - 1, -1, -1):
            if retries and (sent + number) % retries == 0:
                checks.insert(min(number + 3, len(checks)), dict(checks[number]))
                resent += 1
        sent += len(checks)
    return lists, resent


async def _send(host: str, port: int, queue: list[dict], latencies: list[float], statuses: dict) -> None:
    """One connection (kept alive by nginx) sending its checks one after another, each as soon as
    the last is answered; each answer's time from the first byte sent to the last received."""
    import asyncio

    reader, writer = await asyncio.open_connection(host, port)
    try:
        for check in queue:
            head = (
                f"POST /api/v1/safety/checks/ HTTP/1.1\r\nHost: {serve.HOST}\r\n"
                f"Origin: https://{serve.HOST}\r\nReferer: https://{serve.HOST}/disaster/checks/\r\n"
                f"Content-Type: application/json\r\nAccept: application/json\r\n"
                f"Cookie: {check['cookie']}\r\nX-CSRFToken: {check['token']}\r\n"
                f"Content-Length: {len(check['body'])}\r\n\r\n"
            ).encode() + check["body"]
            began = time.perf_counter()
            writer.write(head)
            await writer.drain()
            status_line = await reader.readline()
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            if "content-length" in headers:
                await reader.readexactly(int(headers["content-length"]))
            else:  # chunked
                while size := int((await reader.readline()).strip() or b"0", 16):
                    await reader.readexactly(size + 2)
                await reader.readline()
            latencies.append(time.perf_counter() - began)
            status = int(status_line.split()[1]) if status_line else 0
            statuses[status] = statuses.get(status, 0) + 1
            if headers.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


def _load(port: int, queues: list[list[dict]]) -> tuple[list[float], dict, float]:
    import asyncio

    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def everything() -> None:
        await asyncio.gather(*(_send("127.0.0.1", port, queue, latencies, statuses) for queue in queues))

    began = time.monotonic()
    asyncio.run(everything())
    return latencies, statuses, time.monotonic() - began


def run(port: int, queues: list[list[dict]], master: int) -> dict:
    """Every queue on a connection of its own, all at once (the in-flight count); the figures."""
    busy0, total0 = serve.cpu_busy()
    server0, database0 = serve.cpu_of(master)
    own0 = time.process_time()
    latencies, statuses, wall = _load(port, queues)
    own = time.process_time() - own0
    busy1, total1 = serve.cpu_busy()
    server1, database1 = serve.cpu_of(master)
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    requests = len(latencies)
    return {
        "requests": requests,
        "seconds": wall,
        "rate": requests / wall,
        "p50": percentile(0.50),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "created": statuses.get(201, 0),
        "replayed": statuses.get(200, 0),
        "failed": sum(n for status, n in statuses.items() if status not in (200, 201)),
        "statuses": statuses,
        "busy": (busy1 - busy0) / (total1 - total0),
        "client": own / (total1 - total0),
        "server_ms": (server1 - server0) * 1000 / max(requests, 1),
        "database_ms": (database1 - database0) * 1000 / max(requests, 1),
    }


NGINX = """
user root;
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream tsunagu {{ server 127.0.0.1:{upstream} fail_timeout=0; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 2m;
        location / {{
            proxy_pass http://tsunagu;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host {host};
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def start_nginx(workdir: Path, upstream: int) -> tuple:
    """nginx in front of gunicorn as deploy/nginx/tsunagu.conf puts it (the proxy headers,
    request buffering: a client's open, idle connection never holds a sync worker), on plain HTTP
    on loopback: TLS is left out of the measurement."""
    import subprocess

    port = serve.free_port()
    config = workdir / "nginx.conf"
    config.write_text(NGINX.format(dir=workdir, upstream=upstream, port=port, host=serve.HOST))
    process = subprocess.Popen([serve.shutil.which("nginx"), "-c", str(config)], stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with serve.socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"nginx did not start; see {workdir}/nginx-error.log")


def warm(port: int, world: dict) -> None:
    """Each worker answers a few checks pages before the measurement (imports, connections)."""
    import urllib.request

    from django.conf import settings

    user, _registration = world["plan"][0]
    cookie = f"{settings.SESSION_COOKIE_NAME}={world['sessions'][user.pk]}"
    for _ in range(20):
        asked = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/safety/", headers={**serve.PROXY_HEADERS, "Cookie": cookie}
        )
        with urllib.request.urlopen(asked, timeout=30) as answer:  # noqa: S310 (loopback, http)
            if answer.status != 200:
                raise SystemExit(f"warming up: /api/v1/safety/ answered {answer.status}")


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
            f"other {result['failed']} {dict(sorted(result['statuses'].items()))}",
        ),
        (
            "latency",
            f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms "
            f"(target p95 < {P95_TARGET:.0f})",
        ),
        (
            "CPU",
            f"machine {result['busy']:.0%} (the load generator {result['client']:.0%}); per request: "
            f"server {result['server_ms']:.1f} ms, PostgreSQL {result['database_ms']:.1f} ms",
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
    server = proxy = None
    try:
        serve.set_up(env, keyring)
        from django.db import connections

        print(f"Tsunagu disaster benchmark — PostgreSQL, {os.cpu_count()} cores; seeding…", flush=True)
        world = seed(args.listed, args.supporters)
        queues, resent = checks_to_send(world, args.retries, args.in_flight)
        connections.close_all()
        server = serve.start_server(env, workdir / "gunicorn.log", port)
        proxy, front = start_nginx(workdir, port)
        warm(front, world)
        sent = sum(len(queue) for queue in queues)
        print(
            f"  {sent} requests ({sent - resent} checks + {resent} sent again with their key), "
            f"{args.in_flight} in flight, gunicorn workers: {len(serve.workers_of(server))}",
            flush=True,
        )
        result = run(front, queues, server.pid)
        proxy.terminate()
        proxy.wait()
        serve.stop_server(server)
        server = None
        found = verify(world)
        baseline = plain_insert(world)
        expected = len(world["plan"])
        ok = (
            result["p95"] < P95_TARGET
            and result["failed"] == 0
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
        if proxy is not None and proxy.poll() is None:
            proxy.terminate()
        if server is not None:
            serve.stop_server(server)
        from django.db import connections

        connections.close_all()
        serve.drop_database(args.database_url, database_url)


if __name__ == "__main__":
    main()
