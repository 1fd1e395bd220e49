"""Serving in production (docs/operations.md): the client's address behind a proxy, the probes, the
log lines, and the planner settings applied to the database."""

import io
import json
import logging
import multiprocessing
import re
import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.client import client_address
from accounts.demo import DEMO_PASSWORD
from audit.models import AuditEvent
from config.logging import AdminMailHandler, JsonFormatter, RequestContextFilter

PROXY = "10.0.0.5"
OFFICE = "192.0.2.10"
SPOOFED = "198.51.100.66"


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = [PROXY]
    return settings


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# --- the client's address -------------------------------------------------------------------------


def test_without_a_proxy_the_forwarded_header_is_never_read(settings):
    settings.BEHIND_PROXY = False
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(request(OFFICE, SPOOFED)) == OFFICE
    assert client_address(request(PROXY, OFFICE)) == PROXY


def test_behind_the_proxy_the_header_counts_only_from_the_proxy(behind_proxy):
    # Someone reaching the server directly cannot choose the address recorded.
    assert client_address(request(OFFICE, SPOOFED)) == OFFICE
    # Through the proxy: the address the proxy appended, not what the client wrote before it.
    assert client_address(request(PROXY, OFFICE)) == OFFICE
    assert client_address(request(PROXY, f"{SPOOFED}, {OFFICE}")) == OFFICE
    # A chain of our own proxies is walked through; a malformed hop stops the walk.
    behind_proxy.TRUSTED_PROXIES = [PROXY, "10.0.0.6"]
    assert client_address(request(PROXY, f"{OFFICE}, 10.0.0.6")) == OFFICE
    assert client_address(request(PROXY, "not-an-address")) == PROXY
    assert client_address(request(PROXY)) == PROXY
    assert client_address(request(PROXY, "2001:db8::1")) == "2001:db8::1"


def test_the_audit_trail_records_the_forwarded_address_only_through_the_proxy(behind_proxy, demo):
    start = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    direct = Client()
    direct.post(
        reverse("login"),
        {"username": "demo_plaza", "password": DEMO_PASSWORD},
        REMOTE_ADDR=OFFICE,
        HTTP_X_FORWARDED_FOR=SPOOFED,
    )
    proxied = Client()
    proxied.post(
        reverse("login"),
        {"username": "demo_ward", "password": DEMO_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {OFFICE}",
    )
    logins = AuditEvent.objects.filter(event="auth.login", sequence__gt=start).order_by("sequence")
    assert [event.client_address for event in logins] == [OFFICE, OFFICE]


def test_the_sign_in_throttle_counts_the_same_address(behind_proxy, demo):
    Client().post(
        reverse("login"),
        {"username": "demo_plaza", "password": "wrong-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=OFFICE,
    )
    Client().post(
        reverse("login"),
        {"username": "demo_plaza", "password": "wrong-password"},
        REMOTE_ADDR=OFFICE,
        HTTP_X_FORWARDED_FOR=SPOOFED,
    )
    # Both failures counted against the office's address; none against the proxy or the spoofed one.
    counted = dict(AccessAttempt.objects.values_list("ip_address", "failures_since_start"))
    assert counted == {OFFICE: 2}


def test_the_scheme_is_believed_only_from_the_proxy(behind_proxy, demo):
    behind_proxy.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy.SECURE_SSL_REDIRECT = True
    login = reverse("login")
    direct = Client().get(login, REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301 and direct["Location"].startswith("https://")
    proxied = Client().get(login, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


# --- the probes -----------------------------------------------------------------------------------


def test_healthz_answers_without_the_database(settings):
    # No database access is allowed in this test: a query would fail it.
    settings.SECURE_SSL_REDIRECT = True  # over plain HTTP from the proxy's host too
    response = Client().get("/healthz", HTTP_HOST="10.0.0.9")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_says_ready_and_records_nothing(settings):
    settings.SECURE_SSL_REDIRECT = True
    before = AuditEvent.objects.count()
    response = Client().get("/readyz", HTTP_HOST="10.0.0.9")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}
    assert not response.cookies
    assert AuditEvent.objects.count() == before
    assert reverse("readyz") == "/readyz"


@pytest.mark.django_db
def test_readyz_is_not_ready_without_the_keyring(settings, monkeypatch):
    def no_keyring():
        raise RuntimeError("/etc/tsunagu/keyring.json: not readable")

    monkeypatch.setattr("config.health.get_keyring", no_keyring)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "keyring not loaded"}


@pytest.mark.django_db
def test_readyz_is_not_ready_with_unapplied_migrations(monkeypatch):
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", lambda self, targets: [("x", False)]
    )
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "unapplied migrations"


@pytest.mark.django_db
def test_readyz_is_not_ready_when_the_database_does_not_answer(monkeypatch):
    def refuse(self):
        raise OSError("connection refused")

    monkeypatch.setattr(type(connections["default"]), "ensure_connection", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database unreachable"}


def test_a_signed_in_user_without_their_second_factor_is_not_redirected_from_the_probes(client, demo):
    # The probes answer before the second-factor middleware: a monitoring tool's session (or a
    # browser's) never turns them into a redirect.
    plain = Client()
    plain.force_login(demo.users["demo_admin"])
    assert plain.get("/healthz").status_code == 200
    assert plain.get("/readyz").status_code == 200


# --- log lines ------------------------------------------------------------------------------------


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.addFilter(RequestContextFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def captured():
    handler = Capture()
    logger = logging.getLogger("tsunagu.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)


def test_a_request_logs_one_json_line_with_its_request_id_and_user_id(client, demo, captured):
    user = demo.users["demo_plaza"]
    client.force_login(user)
    response = client.get(reverse("home") + "?q=山田太郎")
    assert response.status_code == 200
    [line] = captured.lines
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message", "request_id", "user_id"}
    assert entry["level"] == "INFO"
    assert entry["logger"] == "tsunagu.request"
    assert entry["request_id"] == response["X-Request-ID"]  # the audit trail's id
    assert entry["user_id"] == str(user.pk)
    assert entry["message"].startswith("GET home 200 ")
    assert "山田" not in line and "q=" not in line  # the view's name, never the query string


def test_an_anonymous_request_logs_no_user(demo, captured):
    Client().get(reverse("login"))
    [entry] = [json.loads(line) for line in captured.lines]
    assert entry["user_id"] == ""
    assert len(entry["request_id"]) == 32


def test_an_exception_is_logged_as_its_place_without_its_message():
    try:
        raise ValueError("山田太郎 090-1234-5678")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
        import sys

        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["exception"].startswith("builtins.ValueError\n")
    assert "test_an_exception_is_logged_as_its_place_without_its_message" in entry["exception"]
    assert "山田" not in entry["exception"]


def test_errors_are_mailed_to_the_administrators_only_when_named(settings):
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Server Error", None, None)
    settings.ADMINS = []
    AdminMailHandler().emit(record)
    assert mail.outbox == []
    settings.ADMINS = [("ops", "ops@example.jp")]
    AdminMailHandler().emit(record)
    [message] = mail.outbox
    assert message.to == ["ops@example.jp"]
    assert "request_id" in message.body


# --- planner settings -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_apply_planner_settings_sets_them_on_the_database_once():
    out = io.StringIO()
    call_command("apply_planner_settings", stdout=out)
    if connection.vendor != "postgresql":
        assert "no planner settings to apply" in out.getvalue()
        return
    from accounts.management.commands.apply_planner_settings import current_settings

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        name = cursor.fetchone()[0]
        stored = current_settings(cursor, name)
    assert stored == {"random_page_cost": "1.1", "effective_io_concurrency": "200", "jit": "off"}
    assert "Set on database" in out.getvalue()
    again = io.StringIO()
    call_command("apply_planner_settings", stdout=again)
    assert "already has" in again.getvalue()


# --- what an operator installs --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
READ = re.compile(r"""(?:os\.environ(?:\.get)?\(|os\.environ\[|env_\w+\()\s*"([A-Z][A-Z0-9_]+)\"""")


def test_the_environment_template_lists_every_variable_settings_read():
    read = set(READ.findall((ROOT / "config/settings.py").read_text())) | {"DATABASE_URL"}
    assert {"SECRET_KEY", "TSUNAGU_KEYRING", "EMAIL_BACKEND", "TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT"} <= read
    template = (ROOT / "deploy/tsunagu.env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", template, flags=re.MULTILINE))
    assert read - listed == set()
    gunicorn = set(re.findall(r"\"(GUNICORN_[A-Z_]+)\"", (ROOT / "deploy/gunicorn.conf.py").read_text()))
    assert gunicorn and gunicorn <= listed


def test_every_scheduled_job_has_a_service_and_a_timer_running_it_as_the_service_user():
    for command in (
        "send_reminders",
        "send_digest",
        "audit_checkpoint",
        "apply_retention",
        "clearsessions",
        "audit_verify",
        "backup /var/backups/tsunagu",
        "escalate_safety_checks",
    ):
        name = command.split()[0].replace("_", "-")
        service = (ROOT / f"deploy/systemd/tsunagu-{name}.service").read_text()
        timer = (ROOT / f"deploy/systemd/tsunagu-{name}.timer").read_text()
        assert f"manage.py {command}\n" in service
        assert "User=tsunagu" in service and "EnvironmentFile=/etc/tsunagu/tsunagu.env" in service
        assert "Type=oneshot" in service
        assert "OnCalendar=" in timer and "Persistent=true" in timer
    app = (ROOT / "deploy/systemd/tsunagu.service").read_text()
    assert "User=tsunagu" in app and "gunicorn -c /opt/tsunagu/app/deploy/gunicorn.conf.py" in app


def test_the_gunicorn_configuration_is_the_documented_worker_model():
    config = runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))
    assert config["worker_class"] == "sync"
    assert config["workers"] == max(2, multiprocessing.cpu_count())  # one per core (docs/operations.md)
    assert config["wsgi_app"] == "config.wsgi:application"
    assert config["accesslog"] is None  # URLs with query strings stay out of the logs
    assert config["max_requests"] > 0 and config["timeout"] > 0
