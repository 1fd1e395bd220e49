"""Two-factor authentication: staff roles cannot reach any page before their second factor; codes,
recovery codes, throttling and the administrator's reset, each audited (accounts/twofactor.py)."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import demo as accounts_demo
from accounts import twofactor
from audit.models import AuditEvent
from tests.twofactor import VerifiedClient, authenticator, code_from_secret, current_code

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def signed_in_with_password_only(user) -> Client:
    """A session after the password step: logged in, no second factor given yet."""
    client = Client()
    client.force_login(user)
    return client


def secret_shown(html: str) -> str:
    return re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', html)[1]


def recovery_codes_shown(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", html)


def enrolled(user) -> list[str]:
    """Enrol the user through the service, with the code their app would show; the recovery codes."""
    device = twofactor.pending_device(user)
    _device, codes = twofactor.enrol(user=user, code=current_code(device))
    return codes


def events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=name).order_by("sequence"))


@pytest.fixture
def case(world, concern):
    from cases.services import intake

    return intake.accept_intake(actor=world.staff, case=concern(), expected_version=1)


@pytest.mark.parametrize(
    "member", ["staff", "ward_worker", "coordinator", "agency_worker", "privacy", "admin"]
)
def test_every_staff_role_without_a_device_is_sent_to_setup_from_any_page(world, member):
    client = signed_in_with_password_only(getattr(world, member))
    for url in (reverse("home"), reverse("cases:inbox"), reverse("audit:event_search"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == f"{SETUP}?next={url.replace('/', '%2F')}"
    assert client.get(SETUP).status_code == 200


def test_a_required_role_without_a_device_is_redirected_to_setup_from_a_case_page(world, case):
    client = signed_in_with_password_only(world.staff)
    url = reverse("cases:case_detail", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(SETUP + "?next=")
    assert "佐々木" not in response.content.decode()
    # A form posted meanwhile goes to setup too, without a next to replay.
    assert client.post(reverse("cases:person_search"), {"q": "ささき"}).headers["Location"] == SETUP


def test_a_user_with_a_device_who_has_not_given_a_code_is_redirected_to_verify(world, case):
    authenticator(world.staff)
    client = signed_in_with_password_only(world.staff)
    url = reverse("cases:case_detail", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(VERIFY + "?next=")
    # Nor may they set up another authenticator with the password alone.
    assert client.get(SETUP).headers["Location"] == VERIFY
    assert client.get(reverse("accounts:two_factor_qr")).status_code == 404
    assert TOTPDevice.objects.filter(user=world.staff).count() == 1


def test_the_admin_site_needs_the_second_factor_too(world):
    client = signed_in_with_password_only(world.admin)
    assert client.get("/admin/accounts/user/").headers["Location"].startswith(SETUP)
    authenticator(world.admin)
    assert client.get("/admin/accounts/user/").headers["Location"].startswith(VERIFY)


def test_signing_out_and_the_language_switch_stay_open(world):
    client = signed_in_with_password_only(world.staff)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).headers["Location"] == reverse("login")
    assert client.get(reverse("home")).headers["Location"].startswith(reverse("login"))


def test_commissioners_may_go_without_a_second_factor_but_once_enrolled_must_give_it(world):
    client = signed_in_with_password_only(world.commissioner)
    assert client.get(reverse("home")).status_code == 200
    assert "二要素認証" in client.get(SETUP).content.decode()  # they may enrol from the settings page
    authenticator(world.commissioner)
    assert client.get(reverse("home")).headers["Location"].startswith(VERIFY)


def test_setting_up_with_the_secret_shown_verifies_the_session_and_shows_recovery_codes_once(world, case):
    client = signed_in_with_password_only(world.staff)
    response = client.get(SETUP + "?next=/cases/")
    assert "no-store" in response.headers["Cache-Control"]
    html = response.content.decode()
    secret = secret_shown(html)
    assert client.get(SETUP).content.decode().count(secret) == 1  # a reload keeps the secret scanned
    qr = client.get(reverse("accounts:two_factor_qr"))
    assert qr.headers["Content-Type"] == "image/svg+xml" and "no-store" in qr.headers["Cache-Control"]
    assert qr.content.startswith(b"<?xml") and b"<svg" in qr.content

    response = client.post(SETUP, {"code": code_from_secret(secret), "next": "/cases/"})
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    codes = recovery_codes_shown(response.content.decode())
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT == len(set(codes))
    assert 'href="/cases/"' in response.content.decode()
    assert TOTPDevice.objects.get(user=world.staff).confirmed
    assert set(StaticToken.objects.filter(device__user=world.staff).values_list("token", flat=True)) == set(
        codes
    )
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    # Afterwards the settings page shows how many are left, never the codes or the secret again.
    settings_page = client.get(SETUP).content.decode()
    assert "残りの回復コード: 10 個" in settings_page
    assert not set(codes) & set(recovery_codes_shown(settings_page)) and secret not in settings_page
    assert client.get(reverse("accounts:two_factor_qr")).status_code == 404
    [event] = events("auth.otp_enrolled")
    assert (event.actor_id, event.target_id, json.loads(event.params)) == (
        world.staff.pk,
        str(world.staff.pk),
        {},
    )


def test_a_wrong_setup_code_confirms_nothing(world):
    client = signed_in_with_password_only(world.staff)
    secret = secret_shown(client.get(SETUP).content.decode())
    wrong = str((int(code_from_secret(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post(SETUP, {"code": wrong})
    assert "コードが正しくありません" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.staff, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=world.staff).exists()
    assert TOTPDevice.objects.get(user=world.staff).throttling_failure_count == 1  # kept, not rolled back
    assert client.get(reverse("home")).headers["Location"].startswith(SETUP)
    assert not events("auth.otp_enrolled")


def test_the_password_then_the_code_from_the_app_signs_in(world, case):
    device = authenticator(world.staff)
    client = Client()
    response = client.post(
        reverse("login"), {"username": "demo_plaza", "password": accounts_demo.DEMO_PASSWORD}
    )
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == f"{VERIFY}?next=%2F"
    page = client.get(f"{VERIFY}?next=%2F")
    assert "確認コードの入力" in page.content.decode() and "no-store" in page.headers["Cache-Control"]
    url = reverse("cases:case_detail", args=[case.pk])
    response = client.post(VERIFY, {"code": current_code(device), "next": url})
    assert response.headers["Location"] == url
    assert client.get(url).status_code == 200


def test_a_code_is_accepted_once(world):
    device = authenticator(world.staff)
    code = current_code(device)
    first = signed_in_with_password_only(world.staff)
    assert first.post(VERIFY, {"code": code}).headers["Location"] == "/"
    second = signed_in_with_password_only(world.staff)
    assert "コードが正しくありません" in second.post(VERIFY, {"code": code}).content.decode()


def test_wrong_codes_are_throttled(world):
    device = authenticator(world.staff)
    client = signed_in_with_password_only(world.staff)
    wrong = str((int(current_code(device)) + 1) % 1_000_000).zfill(6)
    assert "コードが正しくありません" in client.post(VERIFY, {"code": wrong}).content.decode()
    # The right code straight after is refused: the device waits before it tries again.
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response.status_code == 200
    assert "しばらく入力できません" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert client.get(reverse("home")).headers["Location"].startswith(VERIFY)


def test_a_mistyped_app_code_does_not_throttle_the_recovery_codes(world):
    codes = enrolled(world.staff)
    client = signed_in_with_password_only(world.staff)
    wrong = str((int(current_code(TOTPDevice.objects.get(user=world.staff))) + 1) % 1_000_000).zfill(6)
    assert "コードが正しくありません" in client.post(VERIFY, {"code": wrong}).content.decode()
    assert StaticDevice.objects.get(user=world.staff).throttling_failure_count == 0
    assert client.post(VERIFY, {"code": codes[0]}).headers["Location"] == "/"


def test_a_recovery_code_signs_in_once_and_is_audited(world):
    codes = enrolled(world.staff)
    client = signed_in_with_password_only(world.staff)
    response = client.post(VERIFY, {"code": codes[3].upper()[:4] + "-" + codes[3].upper()[4:]}, follow=True)
    assert response.status_code == 200
    assert "残りは 9 個です" in response.content.decode()
    [event] = events("auth.otp_recovery_used")
    assert (event.actor_id, json.loads(event.params)) == (world.staff.pk, {"remaining": 9})
    assert codes[3] not in str(event.params) + event.target_id
    again = signed_in_with_password_only(world.staff)
    assert "コードが正しくありません" in again.post(VERIFY, {"code": codes[3]}).content.decode()


def test_recovery_codes_can_be_made_anew_by_their_user(world):
    old = enrolled(world.staff)
    client = VerifiedClient()
    client.force_login(world.staff)
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    new = recovery_codes_shown(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "no-store" in response.headers["Cache-Control"]
    assert twofactor.verify(user=world.staff, code=new[0]) is not None
    assert twofactor.verify(user=world.staff, code=old[0]) is None
    assert [json.loads(e.params) for e in events("auth.otp_recovery_regenerated")] == [{"count": 10}]


def test_making_recovery_codes_anew_needs_the_second_factor(world):
    old = enrolled(world.staff)
    client = signed_in_with_password_only(world.staff)
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    assert response.headers["Location"].startswith(VERIFY)
    assert set(StaticToken.objects.filter(device__user=world.staff).values_list("token", flat=True)) == set(
        old
    )


def test_verify_goes_only_to_pages_of_this_site(world):
    device = authenticator(world.staff)
    client = signed_in_with_password_only(world.staff)
    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_a_sysadmin_resets_a_lost_phone_through_the_admin_and_it_is_audited(world):
    enrolled(world.staff)
    admin = VerifiedClient()
    admin.force_login(world.admin)
    change_page = admin.get(reverse("admin:accounts_user_change", args=[world.staff.pk])).content.decode()
    assert "二要素認証" in change_page and "設定済み" in change_page
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [world.staff.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.staff).exists()
    assert not StaticDevice.objects.filter(user=world.staff).exists()
    [event] = events("auth.otp_reset")
    assert (event.actor_id, event.target_type, event.target_id) == (
        world.admin.pk,
        "accounts.user",
        str(world.staff.pk),
    )
    assert json.loads(event.params) == {"user": world.staff.pk, "devices": 2}
    # At the next sign-in the user sets up again.
    assert signed_in_with_password_only(world.staff).get("/").headers["Location"].startswith(SETUP)


def test_only_an_administrator_of_users_may_reset(world):
    enrolled(world.staff)
    with pytest.raises(PermissionDenied):
        twofactor.reset_second_factor(actor=world.privacy, user=world.staff)
    assert TOTPDevice.objects.filter(user=world.staff, confirmed=True).exists()
    assert not events("auth.otp_reset")


def test_devices_are_not_edited_in_the_admin(world):
    admin = VerifiedClient()
    admin.force_login(world.admin)
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert admin.get("/admin/otp_static/staticdevice/").status_code == 404


@pytest.mark.parametrize("screen", ["setup", "verify", "settings", "recovery_codes"])
def test_the_screens_read_in_english_without_japanese_left(world, screen):
    user = world.staff
    client = signed_in_with_password_only(user)
    if screen == "setup":
        response = client.get(SETUP, headers={"accept-language": "en"})
    elif screen == "verify":
        authenticator(user)
        response = client.get(VERIFY, headers={"accept-language": "en"})
    else:
        client = VerifiedClient()
        client.force_login(user)
        response = (
            client.get(SETUP, headers={"accept-language": "en"})
            if screen == "settings"
            else client.post(reverse("accounts:two_factor_recovery_codes"), headers={"accept-language": "en"})
        )
    assert response.status_code == 200
    html = re.sub(r"<[^>]+>", " ", response.content.decode()).replace("日本語", "").replace(str(user), "")
    assert not JAPANESE.search(html), JAPANESE.findall(html)


def test_the_operator_resets_the_last_administrators_phone_from_the_server(world):
    from django.core.management import call_command

    enrolled(world.admin)
    call_command("reset_two_factor", "demo_admin")
    assert not TOTPDevice.objects.filter(user=world.admin).exists()
    [event] = events("auth.otp_reset")
    assert (event.actor_id, event.target_id) == (None, str(world.admin.pk))
