"""Sessions end after a while without a request — sooner for staff on shared office terminals —
and 8 hours after signing in whatever happens (accounts/middleware.py)."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.middleware import IDLE_TIMEOUT, LAST_SEEN, SIGNED_IN_AT, now
from accounts.models import User
from audit.models import AuditEvent
from tests.twofactor import verify_session

MINUTE = 60


def signed_in_client(username: str) -> Client:
    """Signed in with the password, and the second factor given where the role asks for one."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    verify_session(client, User.objects.get(username=username))
    return client


def idle_for(client: Client, seconds: int) -> None:
    """Move the clock: the last request was this long ago."""
    session = client.session
    session[LAST_SEEN] = now() - seconds
    session.save()


def still_signed_in(client: Client, **headers) -> bool:
    response = client.get(reverse("home"), **headers)
    if response.status_code == 302 and response.url == f"{reverse('login')}?next={reverse('home')}":
        assert "_auth_user_id" not in client.session
        return False
    # The home page, or the second-factor step where a role has one: the session goes on.
    assert response.status_code in (200, 302), response.status_code
    assert "_auth_user_id" in client.session
    return True


def test_the_periods_come_from_the_environment():
    assert (settings.TSUNAGU_IDLE_TIMEOUT_OFFICE_MINUTES, settings.TSUNAGU_IDLE_TIMEOUT_PERSONAL_MINUTES) == (
        30,
        120,
    )
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * MINUTE


OFFICE_ROLES = ["demo_plaza", "demo_ward", "demo_coordinator", "demo_agency", "demo_privacy", "demo_admin"]


@pytest.mark.parametrize("username", OFFICE_ROLES)
def test_staff_on_shared_terminals_are_signed_out_after_30_idle_minutes(demo, username):
    client = signed_in_client(username)
    assert client.session[IDLE_TIMEOUT] == 30 * MINUTE
    idle_for(client, 29 * MINUTE)
    assert still_signed_in(client)
    idle_for(client, 30 * MINUTE + 1)
    assert not still_signed_in(client)


def test_commissioners_on_their_own_phones_have_two_hours(demo):
    client = signed_in_client("demo_commissioner")
    assert client.session[IDLE_TIMEOUT] == 120 * MINUTE
    idle_for(client, 31 * MINUTE)
    assert still_signed_in(client)
    idle_for(client, 119 * MINUTE)
    assert still_signed_in(client)
    idle_for(client, 120 * MINUTE + 1)
    assert not still_signed_in(client)


def test_an_appointed_guardian_without_a_staff_role_has_two_hours(demo):
    from accounts.models import User

    guardian = User.objects.create(username="citizen_guardian")
    guardian.set_password(DEMO_PASSWORD)
    guardian.save()
    client = signed_in_client("citizen_guardian")
    assert client.session[IDLE_TIMEOUT] == 120 * MINUTE


def test_signed_out_for_idleness_the_user_reads_why_in_japanese_and_it_is_audited(demo):
    client = signed_in_client("demo_plaza")
    idle_for(client, 31 * MINUTE)
    start = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    response = client.get(reverse("home"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "一定時間操作がなかったため、ログアウトしました。" in page
    assert "_auth_user_id" not in client.session
    [event] = AuditEvent.objects.filter(sequence__gt=start)
    assert (event.event, event.actor_id, json.loads(event.params)) == (
        "auth.session_ended",
        demo.users["demo_plaza"].pk,
        {"session_limit": "idle"},
    )
    # Signing in again starts a new clock.
    assert (
        client.post(reverse("login"), {"username": "demo_plaza", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    verify_session(client, demo.users["demo_plaza"])
    assert still_signed_in(client)


def test_the_message_is_translated_for_english_readers(demo):
    client = signed_in_client("demo_plaza")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    idle_for(client, 31 * MINUTE)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert "You were signed out after a period without activity." in page


def test_each_request_moves_the_idle_clock_on(demo):
    client = signed_in_client("demo_plaza")
    idle_for(client, 20 * MINUTE)
    assert still_signed_in(client)
    assert now() - client.session[LAST_SEEN] < MINUTE
    idle_for(client, 20 * MINUTE)  # 40 minutes since sign-in, 20 since the last request
    assert still_signed_in(client)


def test_after_eight_hours_the_session_ends_however_busy(demo):
    client = signed_in_client("demo_commissioner")
    session = client.session
    session[SIGNED_IN_AT] = now() - 8 * 60 * MINUTE - 1
    session.save()
    assert not still_signed_in(client)
    assert json.loads(AuditEvent.objects.order_by("-sequence").first().params) == {
        "session_limit": "absolute"
    }


def test_an_htmx_request_is_sent_to_the_login_page_whole(demo):
    client = signed_in_client("demo_plaza")
    idle_for(client, 31 * MINUTE)
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"{reverse('login')}?next={reverse('home')}"


def test_the_api_tells_a_program_the_session_ended(demo):
    client = signed_in_client("demo_plaza")
    assert client.get(reverse("api:cases")).status_code == 200
    idle_for(client, 31 * MINUTE)
    response = client.get(reverse("api:cases"))
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "session_ended"
    assert "_auth_user_id" not in client.session


def test_a_form_sent_after_the_period_is_not_acted_on(demo):
    client = signed_in_client("demo_plaza")
    idle_for(client, 31 * MINUTE)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")  # no way back to a POST
    # The session ended for idleness before the logout view ran.
    assert AuditEvent.objects.order_by("-sequence").first().event == "auth.session_ended"


def test_the_periods_are_configurable(demo, settings):
    settings.TSUNAGU_IDLE_TIMEOUT_OFFICE_MINUTES = 5
    settings.TSUNAGU_IDLE_TIMEOUT_PERSONAL_MINUTES = 45
    assert signed_in_client("demo_ward").session[IDLE_TIMEOUT] == 5 * MINUTE
    assert signed_in_client("demo_commissioner").session[IDLE_TIMEOUT] == 45 * MINUTE
