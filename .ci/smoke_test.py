"""The production smoke test, run by .ci/smoke (never collected by `make test`: testpaths is tests/).

.ci/smoke has set up a production host in miniature — DEBUG off, a keyring from create_keyring,
PostgreSQL behind PgBouncer in transaction mode, gunicorn with deploy/gunicorn.conf.py behind nginx
with deploy/nginx/tsunagu.conf and a self-signed certificate — and runs this file with that host's
environment (the generated tsunagu.env), so the ORM here reads the same database through PgBouncer.

Debian's Chromium runs in a network namespace of its own (SMOKE_CHROMIUM is a wrapper around
`ip netns exec … /usr/bin/chromium`): it reaches nginx from another address (SMOKE_CLIENT_ADDRESS)
than the one nginx uses to reach gunicorn (127.0.0.1), so the audit trail can only record the
client's address if BEHIND_PROXY and TRUSTED_PROXIES work as docs/operations.md says.
"""

import os
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Playwright's sync API runs an event loop in this thread; the ORM calls here stay sequential.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Max  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from accounts.demo import DEMO_PASSWORD  # noqa: E402
from accounts.models import User  # noqa: E402
from audit.models import AuditEvent  # noqa: E402
from cases.models import Case  # noqa: E402
from tests.twofactor import authenticator, current_code  # noqa: E402

SITE = os.environ["SMOKE_SITE"]  # https://tsunagu.example.jp:<port>
NGINX_ADDRESS = os.environ["SMOKE_NGINX_ADDRESS"]  # where the browser's name resolves to
CLIENT_ADDRESS = os.environ["SMOKE_CLIENT_ADDRESS"]  # the browser's address, as nginx sees it
SPKI = os.environ["SMOKE_SPKI"]  # base64 SHA-256 of the certificate's public key
ARTIFACTS = Path(os.environ["SMOKE_ARTIFACTS"])
HOST = SITE.split("://", 1)[1].split(":", 1)[0]
PHONE = {"width": 390, "height": 844}
DETAILS = "スモークテスト: 郵便受けがあふれている。"


def launch(playwright):
    """Debian's Chromium with the e2e suite's flags (tests/e2e/conftest.py), in its own network
    namespace; the site's name maps to nginx, and only this certificate's key is trusted."""
    return playwright.chromium.launch(
        executable_path=os.environ["SMOKE_CHROMIUM"],
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--host-resolver-rules=MAP {HOST} {NGINX_ADDRESS}",
            f"--ignore-certificate-errors-spki-list={SPKI}",
        ],
    )


def test_preconditions_of_a_production_host():
    """What the rest relies on: this is the production configuration, through PgBouncer."""
    assert not settings.DEBUG
    assert settings.BEHIND_PROXY
    assert settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold", "unset") is None
    assert str(settings.DATABASES["default"]["PORT"]) == os.environ["SMOKE_PGBOUNCER_PORT"]


def test_a_commissioner_signs_in_over_https_records_a_concern_and_reads_it_back():
    user = User.objects.get(username="demo_commissioner")
    # Her second factor is optional; she has enrolled one, so the sign-in asks for its code.
    device = authenticator(user)
    before = AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport=PHONE, locale="ja-JP", base_url=SITE)
        context.set_default_timeout(20_000)
        page = context.new_page()

        response = page.goto("/accounts/login/")
        assert response.status == 200
        tls = response.security_details()
        assert tls and tls["protocol"] in ("TLS 1.2", "TLS 1.3"), tls
        assert tls["subjectName"] == HOST, tls
        assert "max-age=" in response.headers.get("strict-transport-security", "")
        page.get_by_label("ユーザー名").fill(user.username)
        page.get_by_label("パスワード").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
        page.get_by_label("確認コード").fill(current_code(device))
        page.get_by_role("button", name="確認する").click()
        page.wait_for_url(f"{SITE}/")
        session = next(c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
        assert session["secure"] and session["httpOnly"], session

        page.locator("#main").get_by_role("link", name="気付きを記録する", exact=True).click()
        page.get_by_label("郵便物や新聞がたまっている").check()
        area = page.get_by_label("地区")
        if not area.input_value():
            area.select_option(index=1)
        page.get_by_label("様子（自由記入）").fill(DETAILS)
        page.get_by_role("button", name="プラザに送る").click()
        # The service redirects to her own concerns, which show her words back (a read, audited).
        page.wait_for_url(re.compile(r"/concerns/mine/"))
        expect(page.locator("main")).to_contain_text(DETAILS)
        expect(page.locator("main")).to_contain_text("気付きを受け付けました")

        # A static file, as nginx serves it (not gunicorn): long-lived and immutable.
        # (fetched by the page: the browser resolves the site's name, Playwright's own client does not)
        stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
        code, cache = page.evaluate(
            "async (url) => { const r = await fetch(url);"
            " return [r.status, r.headers.get('cache-control') || '']; }",
            stylesheet,
        )
        assert code == 200 and "immutable" in cache, (stylesheet, code, cache)

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "smoke-my-concerns-https.png"))
        browser.close()

    events = AuditEvent.objects.filter(sequence__gt=before, actor=user).order_by("sequence")
    signed_in = events.filter(action="login")
    reported = events.filter(event="case.reported")
    assert signed_in.exists(), "no sign-in event"
    assert reported.count() == 1, list(events.values_list("event", flat=True))
    write = reported.get()
    case = Case.objects.get(pk=write.case_id)
    person = str(case.person_id)
    read = [
        event
        for event in events.filter(action="view", sequence__gt=write.sequence)
        if event.person_id == person or person in event.params
    ]
    assert read, "reading the concern back recorded no event naming the person"
    for event in [*signed_in, write, *read]:
        assert event.client_address == CLIENT_ADDRESS, (
            f"{event.event} recorded {event.client_address!r}, not the client's {CLIENT_ADDRESS}"
            " (BEHIND_PROXY / TRUSTED_PROXIES)"
        )
    print(
        f"\naudit: {signed_in.count()} sign-in, 1 write ({write.event}), {len(read)} read"
        f" ({', '.join(sorted({e.event for e in read}))}) from {CLIENT_ADDRESS}"
    )


def status(url: str) -> tuple[int, dict]:
    """The status and headers of a plain-HTTP answer, redirects not followed."""
    request = urllib.request.Request(url)  # noqa: S310 (http(s) URLs of this test only)
    opener = urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_plain_http_redirects_to_https_and_the_probes_are_for_this_host_only():
    port = os.environ["SMOKE_HTTP_PORT"]
    # From the host itself (127.0.0.1): the probe answers over plain HTTP.
    code, _headers = status(f"http://127.0.0.1:{port}/healthz")
    assert code == 200
    # From any other address (here the host's address on the client's network): refused by nginx.
    code, _headers = status(f"http://{NGINX_ADDRESS}:{port}/readyz")
    assert code == 403
    code, headers = status(f"http://{NGINX_ADDRESS}:{port}/accounts/login/")
    assert code == 301 and headers["Location"] == f"https://{HOST}/accounts/login/", headers
