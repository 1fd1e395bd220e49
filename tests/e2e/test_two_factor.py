"""Two-factor authentication in Chromium: a staff member's first sign-in sets up the authenticator
on the real screen (the secret read off the page, the code computed as an app would), then the
next sign-in asks for a code. Screenshots of both screens, phone and desktop, go to artifacts/."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from audit.models import AuditEvent
from tests.e2e.conftest import DESKTOP, PHONE, shot, sign_in_with_password
from tests.twofactor import code_from_secret, current_code


def serious_axe_violations(page) -> list[str]:
    return [
        f"{violation['id']} at {[node['target'] for node in violation['nodes']][:3]}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    ("username", "viewport", "screen"), [("demo_agency", PHONE, "phone"), ("demo_ward", DESKTOP, "desktop")]
)
def test_first_sign_in_sets_up_the_authenticator_and_the_next_asks_for_its_code(
    people, new_context, live_server, username, viewport, screen
):
    user = getattr(people, {"demo_agency": "agency_worker", "demo_ward": "ward_worker"}[username])
    context = new_context(viewport)  # its pages report any CSP violation
    page = context.new_page()
    sign_in_with_password(page, username)
    page.wait_for_url(re.compile(r"/accounts/two-factor/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("二要素認証の設定")
    # The QR code is drawn by our own view, and the browser could load it.
    qr = page.get_by_role("img", name="認証アプリに登録するQRコード")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    # Nothing else is reachable before the setup is done.
    page.goto("/referrals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("二要素認証の設定")
    assert not serious_axe_violations(page)
    shot(page, f"two-factor-setup-{screen}")

    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("確認コード（6桁）").fill(code_from_secret(secret))
    page.get_by_role("button", name="設定を完了する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("回復コード")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    shot(page, f"two-factor-recovery-codes-{screen}")
    page.get_by_role("link", name="保管しました。続ける").click()
    page.wait_for_url(f"{live_server.url}/referrals/")
    assert AuditEvent.objects.filter(event="auth.otp_enrolled", actor=user).count() == 1

    # The next sign-in asks for the code after the password.
    context.close()
    context = new_context(viewport)  # its pages report any CSP violation
    page = context.new_page()
    sign_in_with_password(page, username)
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("確認コードの入力")
    assert not serious_axe_violations(page)
    shot(page, f"two-factor-verify-{screen}")
    page.get_by_label("確認コード").fill(current_code(TOTPDevice.objects.get(user=user, confirmed=True)))
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("確認コードの入力")
    context.close()
