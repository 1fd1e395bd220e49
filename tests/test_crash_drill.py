"""The crash drill (docs/operations.md "The crash drill"): the production application server —
gunicorn with deploy/gunicorn.conf.py, two workers, on loopback — is killed with SIGKILL, master
and workers at once, again and again in the middle of a storm of case transitions and concern
submissions over HTTP, and started again; afterwards every case's state has the audit event that
led to it, no transition event lacks its state change, the audit chain verifies, and every
submission the client saw confirmed is there and decrypts.

The server runs against the suite's committed test database (a file on SQLite) with the suite's
keyring (TSUNAGU_KEYRING_JSON, which config/settings_test.py puts in the environment), so what
it wrote is read back here through the ORM. The storm is bounded: a fixed list of requests per
client thread, a few hundred in all, on the loopback interface.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from audit.models import AuditEvent
from audit.verify import verify_chain
from cases.models import Case, CaseState, Concern
from tests.twofactor import VerifiedClient
from tests.workflow import decided, take

ROOT = Path(__file__).resolve().parent.parent
CSRF = "c" * 32  # an unmasked CSRF secret: the cookie and the form field carry the same value
NOTICED = 48  # concerns waiting for intake: the plaza accepts them, the commissioner withdraws some
WATCHING = 8  # cases under watch: the plaza closes, reopens and withdraws each
SUBMISSIONS = 60  # per commissioner thread (two threads)
REASON = "クラッシュ訓練"
KILLS = 12  # times the server is killed during the storm
KILL_EVERY = 14  # requests between kills


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The committed test database, as the server's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        assert db["NAME"] and "memory" not in str(db["NAME"]), "the server needs the database in a file"
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def group_alive(pgid: int) -> list[int]:
    """Processes of the process group that still run (zombies waiting for init are dead)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


class Server:
    """gunicorn as deploy/systemd/tsunagu.service starts it (-c deploy/gunicorn.conf.py), in a
    process group of its own so that SIGKILL reaches the master and every worker at once."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "gunicorn.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url(),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            # Its own control socket, not one in $HOME shared with another gunicorn.
            "GUNICORN_CONTROL_SOCKET": str(tmp / "gunicorn.ctl"),
        }
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py")],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn stopped at start: {self.log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=5) as response:  # noqa: S310 (loopback http)
                    if response.status == 200 and len(self.workers()) == 2:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn not ready within 30 s: {self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        return [pid for pid in group_alive(self.process.pid) if pid != self.process.pid]

    def kill(self) -> list[int]:
        """SIGKILL to the whole process group; returns what was killed once none of it runs and
        the port no longer answers."""
        pgid = self.process.pid
        killed = group_alive(pgid)
        os.killpg(pgid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while group_alive(pgid) or self.answers():
            assert time.monotonic() < deadline, "gunicorn's workers survived SIGKILL"
            time.sleep(0.05)
        return killed

    def answers(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return False
        return True

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@contextmanager
def write_in_progress() -> Iterator[Callable[[], bool]]:
    """A probe: has one of the server's transactions written without committing yet? On SQLite
    (transactions take the write lock at BEGIN IMMEDIATE) the lock cannot be had at once; on
    PostgreSQL a server backend's transaction has a transaction id (it wrote)."""
    if connection.vendor == "sqlite":
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)

        def sqlite_writing() -> bool:
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True  # database is locked: a writer is inside its transaction
            probe.execute("ROLLBACK")
            return False

        try:
            yield sqlite_writing
        finally:
            probe.close()
        return

    def postgresql_writing() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL)"
            )
            return cursor.fetchone()[0]

    yield postgresql_writing


def committed_after(writing, aim: float) -> bool:
    """Wait for the write in progress to end (until ``aim``, a time.monotonic())."""
    while time.monotonic() < aim:
        if not writing():
            return True
    return False


# --- the clients ----------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we look at, not a page to follow


OPENER = urllib.request.build_opener(NoRedirect)


@dataclass
class Storm:
    """What the clients saw: each request confirmed, refused or lost (no answer: the server died)."""

    up: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    confirmed_transitions: list[tuple[str, str, int]] = field(default_factory=list)  # case, state, version
    confirmed_submissions: list[str] = field(default_factory=list)  # the marker in the concern
    outcomes: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def answered(self) -> int:
        """Requests sent and done with, whatever their outcome."""
        with self.lock:
            return sum(self.outcomes.values())

    def confirmed(self) -> int:
        with self.lock:
            return len(self.confirmed_transitions) + len(self.confirmed_submissions)


def post(storm: Storm, server: Server, session: str, path: str, data: dict) -> tuple[int, str] | None:
    """POST a form as a signed-in browser does; (status, Location) or None when the server died."""
    storm.up.wait(timeout=60)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF}, doseq=True).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback http)
        server.url + path,
        data=body,
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", "")
    except (OSError, ConnectionError):  # refused, reset, or cut off mid-answer: outcome unknown
        return None


def case_path(case_id: str, action: str = "") -> str:
    return f"/cases/{case_id}/" + (f"{action}/" if action else "")


def transitions(storm: Storm, server: Server, session: str, steps: list[tuple[str, int, list]]) -> None:
    """Walk each case through its steps ((action, form, state after, page after)); a step whose
    outcome is unknown or refused ends that case's walk (its version is no longer known)."""
    try:
        for case_id, version, walk in steps:
            for action, form, state, after in walk:
                answer = post(
                    storm, server, session, case_path(case_id, action), {"version": version, **form}
                )
                kind = classify(answer, after or case_path(case_id))
                with storm.lock:
                    storm.outcomes[kind] += 1
                    if kind == "confirmed":
                        version += 1
                        storm.confirmed_transitions.append((case_id, state, version))
                    elif kind == "error":
                        storm.errors.append(f"POST {action}: {answer}")
                if kind != "confirmed":
                    break
    except BaseException as exc:
        storm.errors.append(repr(exc))


def submissions(storm: Storm, server: Server, session: str, area: int, prefix: str) -> None:
    try:
        for i in range(SUBMISSIONS):
            marker = f"{prefix}-{i:03d}"
            answer = post(
                storm,
                server,
                session,
                "/cases/concerns/new/",
                {
                    "signals": ["mail_piling_up"],
                    "categories": ["social_isolation"],
                    "urgency": "routine",
                    "area": area,
                    "name": f"訓練 {marker}",
                    "address": "つなぐ市はまかぜ区1-2-3",
                    "details": f"様子 {marker}",
                    "reporter_kind": "commissioner",
                },
            )
            kind = classify(answer, "/cases/concerns/mine/")
            with storm.lock:
                storm.outcomes[kind] += 1
                if kind == "confirmed":
                    storm.confirmed_submissions.append(marker)
                elif kind != "lost":
                    storm.errors.append(f"POST concern: {answer}")
    except BaseException as exc:
        storm.errors.append(repr(exc))


def classify(answer: tuple[int, str] | None, success: str) -> str:
    """A redirect to the page a success leads to is the server's confirmation; the form shown
    again (200: a conflict, a rule) or a 403 is a refusal; no answer is a lost request."""
    if answer is None:
        return "lost"
    status, location = answer
    if status == 302 and urllib.parse.urlsplit(location).path == success:
        return "confirmed"
    if status in (200, 403):
        return "refused"
    return "error"


# --- the drill ------------------------------------------------------------------------------------


def session_of(user) -> str:
    client = VerifiedClient()
    client.force_login(user)  # the password and the second factor, as the sign-in screens leave it
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def transition_events(case_id: str, *, after: int) -> list[dict]:
    """The case's transitions recorded after the event ``after``, in order: from, to, transition."""
    return [
        json.loads(params)
        for params in AuditEvent.objects.filter(
            case_id=case_id, event="case.transitioned", sequence__gt=after
        )
        .order_by("sequence")
        .values_list("params", flat=True)
    ]


def test_a_killed_server_leaves_every_state_with_its_event_and_every_confirmed_submission(
    committed_db, world, concern, soon, tmp_path
):
    # Before the storm, through the services: concerns waiting for intake, and cases under watch.
    noticed = [concern(details=f"訓練前 {i}") for i in range(NOTICED)]
    watching = []
    for i in range(WATCHING):
        case = take(world, concern(details=f"見守り {i}"))
        watching.append(decided(world, case, CaseState.WATCHING, soon))
    before = {str(c.pk): (c.state, c.version) for c in Case.objects.all()}
    assert Counter(state for state, _ in before.values()) == {"noticed": NOTICED, "watching": WATCHING}
    start = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()

    # Two plaza sessions accept the waiting concerns from either end and withdraw every other
    # one they took; the commissioner withdraws the concerns she reported, racing the plaza's
    # intake (one of each pair wins, the other is shown a conflict); a third plaza session walks
    # the watched cases through close, reopen and withdraw; two commissioner sessions report.
    withdraw = {"reason": REASON, "kind": "in_error"}
    home = "/"

    def intake_walk(cases, withdraw_every_other: bool):
        steps = []
        for i, case in enumerate(cases):
            walk = [("accept", {}, CaseState.SHARING, None)]
            if withdraw_every_other and i % 2 == 0:
                walk.append(("withdraw", withdraw, CaseState.WITHDRAWN, None))
            steps.append((str(case.pk), case.version, walk))
        return steps

    half = NOTICED // 2
    clients = [
        (transitions, session_of(world.staff), intake_walk(noticed[:half], True)),
        (transitions, session_of(world.staff), intake_walk(list(reversed(noticed[half:])), True)),
        (
            transitions,
            session_of(world.commissioner),
            [
                (str(c.pk), c.version, [("withdraw", withdraw, CaseState.WITHDRAWN, home)])
                for c in noticed[half // 2 : half + half // 2]
            ],
        ),
        (
            transitions,
            session_of(world.staff),
            [
                (
                    str(c.pk),
                    c.version,
                    [
                        ("close", {}, CaseState.CLOSED, None),
                        ("reopen", {}, CaseState.SHARING, None),
                        ("withdraw", withdraw, CaseState.WITHDRAWN, None),
                    ],
                )
                for c in watching
            ],
        ),
        (submissions, session_of(world.commissioner), world.district.pk, "a"),
        (submissions, session_of(world.commissioner), world.district.pk, "b"),
    ]
    server = Server(tmp_path)
    storm = Storm()
    killed, confirmed_at_kill, hits = [], [], []
    with write_in_progress() as writing:
        try:
            server.start()
            storm.up.set()
            threads = [threading.Thread(target=run, args=(storm, server, *args)) for run, *args in clients]
            for thread in threads:
                thread.start()

            # In the middle of the storm, every KILL_EVERY requests, KILLS times: new requests wait,
            # those in flight die with the server, which is started again. Each kill is aimed, in
            # turn, at a moment when one of the server's transactions has written and not committed
            # (all of it must vanish), and at the moment just after such a transaction committed
            # (whatever a request writes after its commit — an audit event, say — is lost there).
            deadline = time.monotonic() + 60
            for number in range(1, KILLS + 1):
                while storm.answered() < KILL_EVERY * number:
                    assert any(thread.is_alive() for thread in threads), "the storm ended before the kills"
                    assert time.monotonic() < deadline and not storm.errors, (storm.outcomes, storm.errors)
                    time.sleep(0.002)
                aim = time.monotonic() + 2
                hit = False
                while not hit and time.monotonic() < aim:
                    hit = writing() and (number % 2 or committed_after(writing, aim))
                hits.append(bool(hit))
                storm.up.clear()
                killed.append(server.kill())
                confirmed_at_kill.append(storm.confirmed())
                server.start()
                storm.up.set()

            for thread in threads:
                thread.join(timeout=120)
            assert not any(thread.is_alive() for thread in threads)
        finally:
            storm.up.set()
            server.stop()

    assert [len(group) for group in killed] == [3] * KILLS  # the master and its two workers, each time
    assert server.starts == KILLS + 1
    assert not storm.errors, storm.errors
    # Confirmations before each kill and after it; requests in flight when the server died.
    assert 0 < confirmed_at_kill[0] and sorted(set(confirmed_at_kill)) == confirmed_at_kill
    assert storm.confirmed() > confirmed_at_kill[-1]
    assert storm.outcomes["lost"] >= KILLS
    assert storm.outcomes["refused"] >= 1  # the races were real: some lost to a conflict
    assert sum(hits) >= KILLS // 2, hits  # most kills found the moment they were aimed at

    # Every case: its transition events since the storm began are one unbroken path from its
    # state then to its state now, one event per version it went up — no state without the event
    # that led to it, no event without its state change. (Cases reported in the storm start at
    # noticed, version 1.)
    cases = {str(c.pk): c for c in Case.objects.all()}
    for case_id, case in cases.items():
        state, version = before.get(case_id, (CaseState.NOTICED, 1))
        events = transition_events(case_id, after=start)
        assert len(events) == case.version - version, (case_id, state, version, events, case.state)
        path = [state, *(event["to"] for event in events)]
        assert [event["from"] for event in events] == path[:-1], (case_id, events)
        assert path[-1] == case.state, (case_id, state, events, case.state)
        reported = AuditEvent.objects.filter(case_id=case_id, event="case.reported").count()
        assert reported == 1, (case_id, "case.reported", reported)

    # Every transition the client saw confirmed is in the database, with its event.
    for case_id, state, version in storm.confirmed_transitions:
        events = transition_events(case_id, after=start)
        assert cases[case_id].version >= version
        assert events[version - before[case_id][1] - 1]["to"] == state

    # Every submission the client saw confirmed exists once, and decrypts with the suite's keyring.
    concerns = Concern.objects.filter(reported_by=world.commissioner).select_related("case__person")
    found = Counter()
    for item in concerns:
        if item.details.startswith("様子 "):
            marker = item.details.removeprefix("様子 ")
            assert item.case.person.name == f"訓練 {marker}"
            assert item.reported_name == f"訓練 {marker}"
            found[marker] += 1
    assert set(storm.confirmed_submissions) <= set(found)
    assert all(count == 1 for count in found.values())

    # The chain verifies, here and as the operator's daily job runs it.
    assert verify_chain().ok
    verified = subprocess.run(
        [sys.executable, "manage.py", "audit_verify", "--workers", "1"],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stderr
    assert "Audit chain intact" in verified.stdout
