"""Sign-in throttling and lockout (django-axes, accounts/signin.py): by account and by address,
one audit event per lockout, unlocked by the sysadmin through the admin."""

import datetime
import json
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.services import unlock_sign_in
from audit.models import AuditEvent
from audit.selectors import describe
from tests.test_settings import manage, production_env

LIMIT = settings.AXES_FAILURE_LIMIT
OFFICE = "192.0.2.10"


def sign_in(client: Client, username: str, password: str, address: str = OFFICE):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, address: str = OFFICE) -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", address)
        assert response.status_code in (200, 429)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def locked_out(response) -> bool:
    return response.status_code == 429 and "ログインは一時的にロックされています" in response.content.decode()


def move_clock_past_the_lockout() -> None:
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )


def events(kind: str, after: int = 0) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=kind, sequence__gt=after).order_by("sequence"))


def head() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def test_the_limit_and_the_period_come_from_the_environment():
    assert (LIMIT, settings.AXES_COOLOFF_TIME) == (5, datetime.timedelta(minutes=30))  # the defaults
    assert settings.TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT == LIMIT
    variables = {
        "TSUNAGU_SIGNIN_FAILURE_LIMIT": "7",
        "TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT": "50",
        "TSUNAGU_SIGNIN_LOCKOUT_MINUTES": "15",
        "TSUNAGU_IDLE_TIMEOUT_OFFICE_MINUTES": "10",
        "TSUNAGU_IDLE_TIMEOUT_PERSONAL_MINUTES": "90",
    }
    result = manage("diffsettings", "--all", env=production_env(**variables))
    assert result.returncode == 0, result.stderr
    for line in (
        "AXES_FAILURE_LIMIT = 7",
        "TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT = 50",
        "AXES_COOLOFF_TIME = datetime.timedelta(seconds=900)",
        "TSUNAGU_IDLE_TIMEOUT_OFFICE_MINUTES = 10",
        "TSUNAGU_IDLE_TIMEOUT_PERSONAL_MINUTES = 90",
    ):
        assert line in result.stdout
    result = manage("check", env=production_env(TSUNAGU_SIGNIN_LOCKOUT_MINUTES="0"))
    assert result.returncode != 0
    assert "TSUNAGU_SIGNIN_LOCKOUT_MINUTES must be a whole number of at least 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_after_the_limit_the_right_password_is_refused_until_the_period_has_passed(client, demo):
    fail(client, "demo_plaza", LIMIT - 1)
    fail(client, "demo_plaza", 1)
    response = sign_in(client, "demo_plaza", DEMO_PASSWORD)
    assert locked_out(response)
    page = response.content.decode()
    assert "システム管理者に連絡してください" in page
    assert "demo_plaza" not in page
    assert "no-store" in response["Cache-Control"]
    assert "_auth_user_id" not in client.session

    move_clock_past_the_lockout()
    assert signed_in(sign_in(client, "demo_plaza", DEMO_PASSWORD))


def test_one_failure_short_of_the_limit_still_signs_in(client, demo):
    fail(client, "demo_plaza", LIMIT - 1)
    assert signed_in(sign_in(client, "demo_plaza", DEMO_PASSWORD))


def test_a_locked_account_is_locked_from_every_address(client, demo):
    for i in range(LIMIT):  # one failure from each of five addresses: no address reaches the limit
        fail(client, "demo_plaza", 1, address=f"198.51.100.{i + 1}")
    assert locked_out(sign_in(client, "demo_plaza", DEMO_PASSWORD, address="203.0.113.99"))
    assert signed_in(sign_in(Client(), "demo_ward", DEMO_PASSWORD, address="203.0.113.99"))


def test_a_locked_address_is_locked_for_every_account(client, demo):
    for name in ("demo_plaza", "demo_ward", "demo_agency", "nobody-1", "nobody-2")[:LIMIT]:
        fail(client, name, 1)
    assert locked_out(sign_in(client, "demo_coordinator", DEMO_PASSWORD))
    assert signed_in(sign_in(Client(), "demo_coordinator", DEMO_PASSWORD, address="203.0.113.7"))


def test_the_address_may_have_a_higher_limit_of_its_own(client, demo, settings):
    settings.TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT = 2 * LIMIT
    for i in range(LIMIT + 1):
        fail(client, f"nobody-{i}", 1)
    assert signed_in(sign_in(client, "demo_coordinator", DEMO_PASSWORD))
    for i in range(LIMIT - 1):
        fail(Client(), f"somebody-{i}", 1)
    assert locked_out(sign_in(Client(), "demo_ward", DEMO_PASSWORD))


def test_the_lockout_page_does_not_tell_whether_the_account_exists(client, demo):
    """A name that is no account is counted and locked like one, from every address."""

    def lock_by_name(username: str, network: str):
        for i in range(LIMIT - 1):  # one failure per address: only the name reaches the limit
            fail(client, username, 1, address=f"{network}.{i + 1}")
        return sign_in(client, username, "wrong-password", address=f"{network}.99")

    known, unknown = lock_by_name("demo_plaza", "198.51.100"), lock_by_name("no-such-person", "203.0.113")

    def page(response) -> str:
        return re.sub(r'value="[^"]+"', "", response.content.decode())  # the CSRF tokens differ

    assert locked_out(known) and locked_out(unknown)
    assert page(known) == page(unknown)


def test_a_name_that_is_no_account_is_kept_only_as_a_keyed_digest(client, demo):
    """It may be a password typed into the wrong field."""
    fail(client, "Correct-Horse-Battery", 2)
    fail(client, "demo_plaza", 1)
    stored = list(AccessAttempt.objects.values_list("username", "post_data", "get_data"))
    assert {row[0] for row in stored} >= {"demo_plaza"}
    assert "Correct-Horse-Battery" not in json.dumps(stored)
    assert "wrong-password" not in json.dumps(stored)


def test_one_audit_event_per_lockout_however_many_failures_follow(client, demo):
    start = head()
    fail(client, "demo_plaza", LIMIT - 1)
    assert events("auth.locked_out", start) == []
    fail(client, "demo_plaza", 1)
    fail(client, "demo_plaza", 7)
    sign_in(client, "demo_plaza", DEMO_PASSWORD)
    [event] = events("auth.locked_out", start)
    assert event.target_type == "accounts.user"
    assert event.target_id == str(demo.users["demo_plaza"].pk)
    assert event.actor_id is None
    assert json.loads(event.params) == {"locked": ["account", "address"], "minutes": 30}
    assert event.client_address == OFFICE
    assert describe(event) == "ログインを一時的にロックしました（アカウント, 接続元アドレス、30 分間）"
    # Failures themselves stay out of the trail.
    assert AuditEvent.objects.filter(sequence__gt=start).exclude(event="auth.locked_out").count() == 0

    move_clock_past_the_lockout()
    fail(client, "demo_plaza", LIMIT)
    assert len(events("auth.locked_out", start)) == 2  # a new lockout, a new event


def test_the_lockout_of_a_name_that_is_no_account_names_nobody(client, demo):
    start = head()
    for i in range(LIMIT + 2):
        fail(client, "intruder-guess", 1, address=f"198.51.100.{i + 1}")
    [event] = events("auth.locked_out", start)
    assert (event.target_id, event.actor_id) == ("", None)
    assert json.loads(event.params)["locked"] == ["account"]
    assert "intruder-guess" not in event.params + event.target_id + event.target_type


def lock(client: Client, username: str = "demo_plaza") -> None:
    fail(client, username, LIMIT)
    assert locked_out(sign_in(client, username, DEMO_PASSWORD))


def test_the_sysadmin_sees_the_lockouts_in_the_admin_and_unlocks_with_its_delete_action(client, demo):
    # The sysadmin signs in with pytest-django's client (whose force_login gives whatever else a
    # sign-in needs); the locked-out user tries from a terminal of their own.
    terminal = Client()
    lock(terminal)
    admin = client
    admin.force_login(demo.users["demo_admin"])
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = admin.get(changelist)
    assert listing.status_code == 200
    assert "demo_plaza" in listing.content.decode()
    attempt = AccessAttempt.objects.get()
    start = head()

    confirm = admin.post(changelist, {"action": "delete_selected", "_selected_action": [attempt.pk]})
    assert confirm.status_code == 200  # the confirmation page
    done = admin.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert done.status_code == 302
    assert not AccessAttempt.objects.exists()

    [event] = AuditEvent.objects.filter(sequence__gt=start)
    assert event.event == "auth.unlocked"
    assert event.actor == demo.users["demo_admin"]
    assert event.target_id == str(demo.users["demo_plaza"].pk)
    assert json.loads(event.params) == {"failures": LIMIT, "address": OFFICE}
    assert signed_in(sign_in(terminal, "demo_plaza", DEMO_PASSWORD))


def test_the_sysadmin_unlocks_one_lockout_from_its_own_page(client, demo):
    terminal = Client()
    lock(terminal)
    attempt = AccessAttempt.objects.get()
    admin = client
    admin.force_login(demo.users["demo_admin"])
    assert admin.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).status_code == 200
    start = head()
    response = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert [e.event for e in AuditEvent.objects.filter(sequence__gt=start)] == ["auth.unlocked"]
    assert signed_in(sign_in(terminal, "demo_plaza", DEMO_PASSWORD))


@pytest.mark.parametrize("username", ["demo_privacy", "demo_plaza"])
def test_nobody_but_the_sysadmin_unlocks(client, demo, username):
    lock(client)
    other = Client()
    other.force_login(demo.users[username])
    assert other.get(reverse("admin:axes_accessattempt_changelist")).status_code in (302, 403)
    start = head()
    with pytest.raises(PermissionDenied):
        unlock_sign_in(actor=demo.users[username], attempts=AccessAttempt.objects.all())
    assert AccessAttempt.objects.count() == 1
    assert not events("auth.unlocked", start)


def test_axes_reset_commands_unlock_audited_as_the_system(client, demo):
    lock(client)
    start = head()
    call_command("axes_reset_username", "demo_plaza")
    [event] = AuditEvent.objects.filter(sequence__gt=start)
    assert (event.event, event.actor_id, event.target_id) == (
        "auth.unlocked",
        None,
        str(demo.users["demo_plaza"].pk),
    )
    assert signed_in(sign_in(client, "demo_plaza", DEMO_PASSWORD))


def test_the_lockout_page_is_translated_for_english_readers(client, demo):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fail(client, "demo_plaza", LIMIT)
    page = sign_in(client, "demo_plaza", DEMO_PASSWORD).content.decode()
    assert "Sign-in is temporarily locked" in page
    assert "Please try again in about 30 minutes." in page
    assert "contact the system administrator" in page
