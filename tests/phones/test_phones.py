"""A phone its user marks as their own at sign-in (docs/offline.md): the sign-in is kept there and
only there, until the phone has been idle too long, it signs out or it is revoked; a revoked phone
is told so and told to wipe; staff on shared terminals cannot keep one; the queue's key is given
only to a kept phone's session."""

import base64
import datetime

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.middleware import LAST_SEEN
from audit.models import AuditEvent
from phones.models import Phone
from phones.services import COOKIE, revoke_phone
from tests.api.test_tokens_and_concerns import issue
from tests.screens import browser

LOGIN = reverse("login")
THIS = "/api/v1/phones/this/"
KEY = "/api/v1/phones/this/key/"
HOME = reverse("home")


def sign_in(user, remember: bool = True) -> tuple[Client, object]:
    user.set_password(DEMO_PASSWORD)
    user.save()
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile")
    response = client.post(
        LOGIN,
        {"username": user.username, "password": DEMO_PASSWORD, **({"remember": "on"} if remember else {})},
    )
    assert response.status_code == 302
    return client, response


def test_a_commissioner_keeps_the_sign_in_on_their_own_phone(world):
    client, response = sign_in(world.commissioner)
    phone = Phone.objects.get(user=world.commissioner)
    assert phone.label == "Android Chrome" and phone.revoked_at is None
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie.value and phone.token_hash != cookie.value  # only its hash kept
    session = response.cookies["sessionid"]
    assert session["max-age"] == 14 * 24 * 60 * 60  # outlives the browser; ends after the idle period
    assert client.get(HOME).status_code == 200
    assert client.get(THIS).json()["phone"] == phone.pk
    assert AuditEvent.objects.filter(event="phone.remembered", actor=world.commissioner).exists()


def test_without_marking_the_phone_the_sign_in_ends_with_the_browser(world):
    client, response = sign_in(world.commissioner, remember=False)
    assert not Phone.objects.exists() and COOKIE not in response.cookies
    assert response.cookies["sessionid"]["max-age"] == ""  # a browser-session cookie
    assert client.get(THIS).json()["phone"] is None
    assert client.post(KEY).status_code == 403  # no kept phone, no key


def test_staff_on_shared_terminals_cannot_keep_a_sign_in(world):
    client, response = sign_in(world.staff)
    assert not Phone.objects.exists() and COOKIE not in response.cookies
    assert "ログインを保持しませんでした" in client.get(response.url, follow=True).content.decode()


def test_a_kept_session_copied_off_its_phone_signs_nobody_in(world):
    phone, _ = sign_in(world.commissioner)
    elsewhere = Client()
    elsewhere.cookies["sessionid"] = phone.cookies["sessionid"].value  # the session cookie alone
    assert elsewhere.get(HOME).status_code == 302
    assert phone.get(HOME).status_code == 302  # that session is ended for the phone too: sign in again


def test_a_kept_sign_in_ends_after_the_idle_period(world, settings):
    phone, _ = sign_in(world.commissioner)
    session = Session.objects.get()
    data = session.get_decoded()
    data[LAST_SEEN] -= 15 * 24 * 60 * 60
    Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))
    assert phone.get(HOME).status_code == 302


def test_revoking_ends_the_session_and_the_phone_is_told_to_wipe(world):
    phone, _ = sign_in(world.commissioner)
    revoke_phone(actor=world.admin, phone=Phone.objects.get())
    assert not Session.objects.exists()
    refused = phone.get(THIS)
    assert refused.status_code == 401 and refused.json()["code"] == "phone_revoked"
    assert "Clear-Site-Data" not in refused  # the script wipes on the code (a fetch could hang on it)
    assert refused.cookies[COOKIE]["max-age"] == 0  # the cookie goes with it
    assert AuditEvent.objects.filter(event="phone.revoked", actor=world.admin).exists()
    assert AuditEvent.objects.filter(event="phone.refused").count() == 1


def test_a_revoked_phone_opening_a_page_is_told_why_on_the_sign_in_page(world):
    phone, _ = sign_in(world.commissioner)
    revoke_phone(actor=world.commissioner, phone=Phone.objects.get())
    first = phone.get(HOME)
    assert first["Clear-Site-Data"] == '"cache", "storage"'  # a page: the browser wipes
    page = phone.get(first.url, follow=True)
    assert "この端末でのログインは無効にされました" in page.content.decode()


def test_only_its_user_or_an_administrator_revokes_a_phone(world, client):
    sign_in(world.commissioner)
    phone = Phone.objects.get()
    other = browser(world.agency_worker)
    assert other.post(reverse("phones:revoke", args=[phone.pk])).status_code == 403
    phone.refresh_from_db()
    assert phone.revoked_at is None
    mine = Client()
    mine.force_login(world.commissioner)
    assert mine.get(reverse("phones:mine")).status_code == 200
    assert mine.post(reverse("phones:revoke", args=[phone.pk])).status_code == 302
    phone.refresh_from_db()
    assert phone.revoked_at is not None and phone.revoked_by == world.commissioner


def test_signing_out_ends_the_kept_sign_in_and_tells_the_browser_to_wipe(world):
    phone, _ = sign_in(world.commissioner)
    response = phone.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert response.cookies[COOKIE]["max-age"] == 0
    assert Phone.objects.get().revoked_at is not None


def test_the_queue_key_is_given_to_a_kept_phone_only_and_not_kept(world):
    phone, _ = sign_in(world.commissioner)
    this = phone.get(THIS).json()
    assert this["keep_hours"] == 72 and this["csrf"]
    given = phone.post(KEY)
    assert given.status_code == 201 and len(base64.b64decode(given.json()["key"])) == 32
    again = phone.post(KEY).json()["key"]
    assert again != given.json()["key"]  # a new one each time asked: the server keeps none
    phone = Phone.objects.get()
    assert phone.key_issued_at is not None
    assert given.json()["key"] not in str(Phone.objects.values().get())
    event = AuditEvent.objects.filter(event="phone.key_issued").last()
    assert given.json()["key"] not in event.params


def test_a_token_is_no_phone(world):
    _token, key = issue(world, world.commissioner, name="窓口")
    for method, url in (("get", THIS), ("post", KEY)):
        answer = getattr(Client(), method)(url, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert answer.status_code == 403


def test_unused_phones_keep_their_sign_in_until_the_period_ends(world, settings):
    settings.TSUNAGU_PHONE_IDLE_DAYS = 3
    _phone, response = sign_in(world.commissioner)
    assert response.cookies["sessionid"]["max-age"] == 3 * 24 * 60 * 60
    assert Session.objects.get().expire_date > timezone.now() + datetime.timedelta(days=2, hours=23)


def test_revoking_the_phone_in_hand_signs_out_of_it_and_wipes_it(world):
    phone, _ = sign_in(world.commissioner)
    kept = Phone.objects.get()
    assert phone.get(reverse("phones:mine")).status_code == 200
    response = phone.post(reverse("phones:revoke", args=[kept.pk]))
    assert response.status_code == 302 and response["Clear-Site-Data"] == '"cache", "storage"'
    kept.refresh_from_db()
    assert kept.revoked_at is not None and phone.get(HOME).status_code == 302


def test_revoking_the_phone_in_hand_after_a_quiet_minute_still_signs_out(world):
    """The request that revokes also writes the session's last-seen time: it must not write a
    session it has just deleted."""
    phone, _ = sign_in(world.commissioner)
    session = Session.objects.get()
    data = session.get_decoded()
    data[LAST_SEEN] -= 120
    Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))
    response = phone.post(reverse("phones:revoke", args=[Phone.objects.get().pk]))
    assert response.status_code == 302 and response["Clear-Site-Data"] == '"cache", "storage"'


def test_signing_in_again_where_a_revoked_phone_was_keeps_the_new_phone(world):
    phone, _ = sign_in(world.commissioner)
    revoke_phone(actor=world.admin, phone=Phone.objects.get())
    response = phone.post(
        LOGIN, {"username": world.commissioner.username, "password": DEMO_PASSWORD, "remember": "on"}
    )
    assert response.status_code == 302 and response.cookies[COOKIE].value  # not deleted after being set
    assert phone.get(HOME).status_code == 200
    assert Phone.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_kept_sign_in_that_ends_without_a_sign_out_ends_the_phone_and_wipes_it(world):
    phone, _ = sign_in(world.commissioner)
    type(world.commissioner).objects.filter(pk=world.commissioner.pk).update(is_active=False)
    answer = phone.get(THIS)
    assert answer.status_code == 401 and answer.json()["code"] == "phone_ended"
    assert answer.cookies[COOKIE]["max-age"] == 0
    ended = Phone.objects.get()
    assert ended.revoked_at is not None and ended.revoked_by is None
    assert AuditEvent.objects.filter(event="phone.ended").count() == 1


def test_another_user_cannot_revoke_a_phone_through_the_service(world):
    import pytest
    from django.core.exceptions import PermissionDenied

    sign_in(world.commissioner)
    with pytest.raises(PermissionDenied):
        revoke_phone(actor=world.agency_worker, phone=Phone.objects.get())
    assert Phone.objects.get().revoked_at is None


def test_the_administrator_revokes_in_the_admin_and_only_with_the_permission(world):
    sign_in(world.commissioner)
    kept = Phone.objects.get()
    admin = browser(world.admin)
    changelist = reverse("admin:phones_phone_changelist")
    assert admin.get(changelist).status_code == 200
    admin.post(changelist, {"action": "revoke", "_selected_action": [kept.pk]})
    kept.refresh_from_db()
    assert kept.revoked_at is not None and kept.revoked_by == world.admin
    assert browser(world.staff).get(changelist).status_code in (302, 403)


def test_the_shell_names_nobody_and_the_worker_and_manifest_are_served(world):
    phone, _ = sign_in(world.commissioner)
    shell = phone.get(reverse("cases:concern_new"), HTTP_X_TSUNAGU_SHELL="1").content.decode()
    page = phone.get(reverse("cases:concern_new")).content.decode()
    name = str(world.commissioner)
    assert name in page and name not in shell and "data-offline-kind" in shell
    worker = phone.get("/sw.js")
    assert worker["Content-Type"].startswith("text/javascript") and "no-store" in worker["Cache-Control"]
    assert b"const CONFIG" in worker.content and b"/cases/concerns/new/" in worker.content
    # In the language of the page that registered it, whatever the worker's own request says.
    english = phone.get("/sw.js?lang=en", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    japanese = phone.get("/sw.js?lang=ja", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No network" in english and "電波がありません" in japanese
    manifest = phone.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == reverse("cases:concern_new")
    # Staff pages load no offline script and keep no worker.
    staff_page = browser(world.staff).get(HOME).content.decode()
    assert "offline.js" not in staff_page and 'rel="manifest"' not in staff_page
    assert "offline.js" in page
