"""The production server under load: gunicorn, PostgreSQL, the demo data, signed-in users.

    .venv/bin/python bench/serve.py [--users 1,10,50] [--seconds 10] [--database-url postgres://…/db]

Needs wrk (`apt install wrk`) and a PostgreSQL server on which the role may create databases
(default: the one in the common setup, over TCP, postgres://tsunagu:tsunagu@127.0.0.1:5432/tsunagu;
``--database-url postgres:///tsunagu`` goes through the server's Unix socket, as docs/operations.md
installs it, as the role of the user running the bench: ``sudo -u postgres createuser --createdb
$USER`` once). Makes a database of its own on that server (``<db>_serve_bench``, dropped at the
end), a keyring in a temporary directory with ``manage.py create_keyring``, migrates, applies the
planner settings, collects the static files and seeds the demo data as bench/pages.py does (each
app's demo.py). The users are the demo plaza's staff: ``demo_plaza`` and as many colleagues of the
same plaza and role as the largest user count, each signed in with their second factor
(tests/twofactor.py).

Then starts gunicorn as deploy/systemd/tsunagu.service does (``-c deploy/gunicorn.conf.py``, its
worker settings, DEBUG off, the variables of deploy/tsunagu.env.example with the values a host
would have), bound to a free port on 127.0.0.1 only, and for each user count requests each page
for ``--seconds``: Django's admin login page (GET, anonymous: the framework's floor), home, inbox,
the case page (the demo plaza's referred case, as in bench/pages.py) and the person search (POST,
the case's person's name). Every request carries what nginx adds (deploy/nginx/tsunagu.conf: Host,
X-Forwarded-For, X-Forwarded-Proto https), so the server takes it as it would behind the proxy:
HTTPS-only cookies, the CSRF origin check, the client address from the trusted proxy.

Each user is one connection that sends its next request as soon as the last one is answered (no
think time): 50 users are 50 requests in flight. Any answer but 200 is counted and fails the run.

The load generator is wrk (C, one event loop per thread; a Lua script gives each connection its
user's session and CSRF cookies): a Python client would take a good share of the two cores from
the server it measures. Its CPU time is printed beside each figure (share of the machine's cores).

Targets on a 2-core machine: the case page at >= 100 requests/s with 10 users, p95 <= 250 ms with 50.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATE_TARGET, RATE_USERS = 100.0, 10
P95_TARGET, P95_USERS = 250.0, 50
HOST = "localhost"  # the Host header nginx passes on ($host)
WRK_THREADS = 2


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default="postgres://tsunagu:tsunagu@127.0.0.1:5432/tsunagu",
        help="PostgreSQL server to measure on (postgres:///tsunagu: this host's, through its Unix "
        "socket); a database <name>_serve_bench is made and dropped there",
    )
    parser.add_argument("--users", default="1,10,50", help="user counts, comma-separated")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per page and user count")
    parser.add_argument("--warm", type=int, default=2, help="unmeasured seconds before each measurement")
    parser.add_argument("--pages", default="", help="only these pages (comma-separated names, e.g. case)")
    parser.add_argument("--workers", type=int, default=0, help="GUNICORN_WORKERS (default: the conf's)")
    parser.add_argument(
        "--hold",
        action="store_true",
        help="after the measurements, keep the server up until Enter (to attach py-spy to a worker)",
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must name a PostgreSQL server (production's database)")
    args.user_counts = [int(n) for n in args.users.split(",")]
    if min(args.user_counts) < 1 or args.seconds < 1:
        parser.error("user counts and seconds must be at least 1")
    if not shutil.which("wrk"):
        parser.error("wrk is needed as the load generator: apt install wrk")
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the database ------------------------------------------------------------------------------


def own_database(url: str) -> str:
    """The URL of the bench's own database on the same server (made afresh)."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = (parts.path.lstrip("/") or "tsunagu") + "_serve_bench"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise SystemExit(
            f"Cannot make the bench's database on {where(url)}: {error}".strip()
            + "\n(Through the socket the bench connects as the role of your user: "
            "sudo -u postgres createuser --createdb $USER.)"
        ) from None
    # Written out: urlunsplit drops the "//" of a URL without a host (the socket's).
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{parts.query}" if parts.query else "")


def where(url: str) -> str:
    """The server as the bench prints it: never the credentials."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.split("@")[-1]
    socket_dir = urllib.parse.unquote(host) if urllib.parse.unquote(host).startswith("/") else ""
    if not host or socket_dir:
        return f"Unix socket {socket_dir or 'of this host'}"
    return f"TCP {host}"


def drop_database(server_url: str, url: str) -> None:
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(database_url: str, keyring: Path, port: int, workers: int) -> dict[str, str]:
    """deploy/tsunagu.env.example with the values a host would have (loopback, this port)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TSUNAGU_", "DATABASE_", "GUNICORN_", "DEBUG"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        TSUNAGU_KEYRING=str(keyring),
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="60",
        BEHIND_PROXY="1",
        TRUSTED_PROXIES="127.0.0.1,::1",
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        TSUNAGU_BASE_URL=f"https://{HOST}",
        # Nothing is mailed from a page view; should anything try, it goes nowhere.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_FORMAT="json",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    return env


def prepare(env: dict[str, str], keyring: Path, user_count: int) -> dict:
    """Keyring, schema, planner settings, static files, demo data, users and their sessions."""
    set_up(env, keyring)
    world = seed(user_count)
    from django.db import connections

    connections.close_all()
    return world


def set_up(env: dict[str, str], keyring: Path) -> None:
    """What a host has before it serves: the keyring, the schema, the planner settings and the
    static files; Django set up in this process with the server's environment."""
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

    call_command("migrate", verbosity=0)
    call_command("apply_planner_settings", verbosity=0, stdout=open(os.devnull, "w"))
    call_command("collectstatic", verbosity=0, interactive=False)


def seed(user_count: int) -> dict:
    """The demo data as bench/pages.py seeds it, the plaza's staff, and a session for each."""
    from django.conf import settings
    from django.db import transaction
    from django.urls import reverse
    from harness import seed_demo

    from accounts.demo import DEMO_PASSWORD
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import add_membership
    from tests.twofactor import VerifiedClient

    world = seed_demo()
    plaza_user = world["users"]["demo_plaza"]
    plaza = world["plaza"]
    users = [plaza_user]
    with transaction.atomic():
        for number in range(1, user_count):
            colleague = User(username=f"bench_plaza_{number}", last_name="ベンチ", first_name=f"{number}")
            colleague.set_password(DEMO_PASSWORD)
            colleague.save()
            add_membership(user=colleague, organisation=plaza, role=Role.PLAZA_STAFF)
            users.append(colleague)
    sessions = []
    for user in users:
        client = VerifiedClient()
        client.force_login(user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    world["sessions"] = sessions
    world["urls"] = {
        "admin login (floor)": reverse("admin:login"),
        "home": reverse("home"),
        "inbox": reverse("cases:inbox"),
        "case": reverse("cases:case_detail", args=[world["case"].pk]),
        "person search (POST)": reverse("cases:person_search"),
    }
    return world


# --- the server --------------------------------------------------------------------------------


def start_server(env: dict[str, str], log: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode}); its log: {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer /readyz within 60 s; its log: {log}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def workers_of(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


PROXY_HEADERS = {"Host": HOST, "X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "https"}


def csrf_of(port: int, session: str, url: str) -> tuple[str, str]:
    """The CSRF cookie and form token a browser gets with the search page (and a check that the
    session is signed in with its second factor: anything but 200 stops the bench)."""
    opener = urllib.request.build_opener(NoRedirect)
    asked = urllib.request.Request(
        f"http://127.0.0.1:{port}{url}", headers={**PROXY_HEADERS, "Cookie": f"sessionid={session}"}
    )
    try:
        answer = opener.open(asked, timeout=30)
    except urllib.error.HTTPError as error:
        raise SystemExit(
            f"{url} answered {error.code} for a signed-in user: the sessions do not work"
        ) from None
    with answer:
        page = answer.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", answer.headers.get("Set-Cookie", "") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not (cookie and token):
        raise SystemExit(f"{url}: no CSRF cookie or token in the answer")
    return cookie.group(1), token.group(1)


# --- the load ----------------------------------------------------------------------------------

LUA = r"""
local users = %(users)s
local method, path, form = %(method)s, %(path)s, %(form)s
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  counter = offset
end

function request()
  counter = counter %% #users + 1
  local user = users[counter]
  local headers = {
    ["Host"] = %(host)s, ["X-Forwarded-For"] = "127.0.0.1", ["X-Forwarded-Proto"] = "https",
  }
  if user.cookie ~= "" then headers["Cookie"] = user.cookie end
  local body = nil
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Origin"] = "https://" .. %(host)s
    headers["Referer"] = "https://" .. %(host)s .. path
    body = form .. "&csrfmiddlewaretoken=" .. user.token
  end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), failed, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII is a Lua string literal too


def script(path: Path, url: str, users: list[dict], form: str | None) -> None:
    table = (
        "{"
        + ",".join(f"{{cookie={lua_string(u['cookie'])}, token={lua_string(u['token'])}}}" for u in users)
        + "}"
    )
    values = {"method": "POST" if form is not None else "GET", "path": url, "form": form or "", "host": HOST}
    path.write_text(LUA % {"users": table, **{key: lua_string(value) for key, value in values.items()}})


def cpu_busy() -> tuple[float, float]:
    """The machine's busy and total CPU time so far (seconds, all cores)."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def process_cpu(pid: int, *, reaped: bool = False) -> float:
    """A process's CPU seconds (with its ended children's when ``reaped``); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(x) for x in fields[11 : 15 if reaped else 13])  # utime stime [cutime cstime]
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_of(master: int) -> tuple[float, float]:
    """CPU seconds so far of the application server (gunicorn's master, its workers, those it
    replaced) and of PostgreSQL (the postmaster, its backends, those that ended)."""
    server = process_cpu(master, reaped=True) + sum(
        process_cpu(int(pid)) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()
    )
    database = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            parent = int(text.rsplit(")", 1)[1].split()[1])
            database += process_cpu(int(stat.parent.name), reaped=parent == 1)
    return server, database


def run_wrk(port: int, lua: Path, users: int, seconds: int, master: int) -> dict:
    command = [
        "wrk",
        f"-t{min(WRK_THREADS, users)}",
        f"-c{users}",
        f"-d{seconds}s",
        "--timeout=30s",
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}/",
    ]
    busy0, total0 = cpu_busy()
    server0, database0 = cpu_of(master)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    busy1, total1 = cpu_busy()
    server1, database1 = cpu_of(master)
    found = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.M)
    if process.returncode or not found:
        raise SystemExit(f"wrk failed:\n{out}")
    requests, duration, p50, p95, failed, errors = (int(x) for x in found.groups())
    wall = duration / 1e6
    return {
        "requests": requests,
        "rate": requests / wall,
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "failed": failed,
        "errors": errors,
        # Shares of the machine (all cores): the load generator's, and everything's.
        "wrk_cpu": (usage.ru_utime + usage.ru_stime) / (total1 - total0),
        "busy": (busy1 - busy0) / (total1 - total0),
        # CPU milliseconds per request: the server's, PostgreSQL's.
        "server_ms": (server1 - server0) * 1000 / max(requests, 1),
        "database_ms": (database1 - database0) * 1000 / max(requests, 1),
    }


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def main() -> None:
    args = arguments()
    tmp = Path(tempfile.mkdtemp(prefix="tsunagu-serve-"))
    port = free_port()
    database_url = own_database(args.database_url)
    server = None
    try:
        keyring = tmp / "keyring.json"
        env = server_environment(database_url, keyring, port, args.workers)
        world = prepare(env, keyring, max(args.user_counts))
        server = start_server(env, tmp / "gunicorn.log", port)
        urls = world["urls"]
        users = []
        for session in world["sessions"]:
            cookie, token = csrf_of(port, session, urls["person search (POST)"])
            users.append({"cookie": f"sessionid={session}; csrftoken={cookie}", "token": token})
        anonymous = [{"cookie": "", "token": ""}]
        form = urllib.parse.urlencode({"q": world["name"]})
        pages = [(name, url, form if "POST" in name else None) for name, url in urls.items()]
        if args.pages:
            wanted = args.pages.split(",")
            pages = [p for p in pages if p[0].startswith("admin") or any(p[0].startswith(w) for w in wanted)]
        print(
            f"Tsunagu serve benchmark — gunicorn ({len(workers_of(server))} sync workers, "
            "deploy/gunicorn.conf.py), "
            f"PostgreSQL ({where(args.database_url)}), {os.cpu_count()} cores, "
            f"Python {sys.version.split()[0]}; "
            f"wrk, {args.seconds} s per page"
        )
        print(
            f"\n{'page':<22} {'users':>5} {'req/s':>8} {'p50':>9} {'p95':>9} {'× floor':>8} "
            f"{'wrk CPU':>8} {'busy':>6} {'CPU ms/req: app':>16} {'PG':>5}"
        )
        results = {}
        all_ok = True
        for count in args.user_counts:
            floor = None
            for name, url, body in pages:
                lua = tmp / "load.lua"
                script(lua, url, anonymous if name.startswith("admin") else users[:count], body)
                if args.warm:
                    run_wrk(port, lua, count, args.warm, server.pid)
                result = run_wrk(port, lua, count, args.seconds, server.pid)
                results[name, count] = result
                floor = floor or result["rate"]
                bad = result["failed"] + result["errors"]
                all_ok &= not bad
                print(
                    f"{name:<22} {count:>5} {result['rate']:8.1f} "
                    f"{result['p50']:7.1f}ms {result['p95']:7.1f}ms "
                    f"{floor / result['rate']:7.1f}× {result['wrk_cpu']:7.1%} {result['busy']:6.0%}"
                    f" {result['server_ms']:16.1f} {result['database_ms']:5.1f}"
                    + (f"  ✗ {result['failed']} not 200, {result['errors']} socket errors" if bad else "")
                )
        print("\nTargets")
        print(f"  {mark(all_ok)} every answer 200, no socket error")
        if ("case", RATE_USERS) in results:
            rate = results["case", RATE_USERS]["rate"]
            print(
                f"  {mark(rate >= RATE_TARGET)} case page {rate:.1f} requests/s with {RATE_USERS} users "
                f"(target ≥ {RATE_TARGET:.0f})"
            )
        if ("case", P95_USERS) in results:
            p95 = results["case", P95_USERS]["p95"]
            print(
                f"  {mark(p95 <= P95_TARGET)} case page p95 {p95:.0f} ms with {P95_USERS} users "
                f"(target ≤ {P95_TARGET:.0f} ms)"
            )
        if args.hold:
            print(f"\nServer up on 127.0.0.1:{port}, workers {workers_of(server)}; Enter stops it.")
            input()
    finally:
        if server:
            stop_server(server)
        drop_database(args.database_url, database_url)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
