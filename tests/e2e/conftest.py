"""The browser suite: Debian's Chromium driven by Playwright against a live server on the test
database. Without /usr/bin/chromium the suite is skipped with one line saying so — unless
TSUNAGU_E2E_REQUIRED is set (CI sets it), which turns the skip into a failure."""

import os
import re
import sys
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous and sequential, which is what Django's guard is about.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items) -> None:
    if CHROMIUM.exists():
        return
    ours = [item for item in items if Path(str(item.fspath)).is_relative_to(Path(__file__).parent)]
    if not ours:
        return
    if os.environ.get("TSUNAGU_E2E_REQUIRED"):
        raise pytest.UsageError(
            f"{CHROMIUM} is missing and TSUNAGU_E2E_REQUIRED is set: apt install chromium"
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt install chromium chromium-driver)")
    for item in ours:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; no background traffic on a closed network."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# Every page reports what its Content-Security-Policy blocked: the event's details go to a function
# the test exposes (it survives navigation), so no violation on any page of a journey goes unseen.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${event.documentURI}`
    + ` (${event.sourceFile}:${event.lineNumber}) ${event.sample}`
  );
});
"""


@pytest.fixture(autouse=True)
def csp_violations() -> list[str]:
    """What the pages of this test's browser contexts (made by ``new_context``) had refused."""
    return []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test whose pages reported a CSP violation fails, after its own assertions passed."""
    violations = item.funcargs.get("csp_violations", [])
    try:
        result = yield
    except BaseException:
        if violations:  # often the cause of what failed: a refused script did not run
            sys.stderr.write("Content-Security-Policy violations:\n" + "\n".join(violations) + "\n")
        raise
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
    return result


@pytest.fixture
def new_context(browser, live_server, csp_violations):
    """A browser context on the live server whose pages report every CSP violation (the policy is
    enforced, never bypassed), both through the DOM event and through Chromium's console."""
    contexts = []

    def report(violation: str) -> None:
        csp_violations.append(violation)

    def make(viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, locale="ja-JP", base_url=live_server.url)
        context.set_default_timeout(15_000)
        context.expose_function("reportCspViolation", report)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on(
            "console",
            lambda message: (
                csp_violations.append(f"console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def people(world, committed_db):
    """The demo people, able to log in with the demo password."""
    return world


@pytest.fixture
def open_as(new_context, live_server):
    """A logged-in page for a user, through the login form, on a phone or a desktop screen.

    A user whose role requires a second factor has an authenticator (created once, as enrolment
    leaves it; tests/twofactor.py): after the password the page asks for its code, and the
    code the app would show now is typed in.
    """
    from accounts import twofactor
    from accounts.models import User
    from tests.twofactor import authenticator, current_code

    def open_page(username: str, viewport: dict = DESKTOP):
        user = User.objects.get(username=username)
        device = authenticator(user) if twofactor.second_factor_required(user) else None
        page = new_context(viewport).new_page()
        sign_in_with_password(page, username)
        if device is not None:
            page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
            page.get_by_label("確認コード").fill(current_code(device))
            page.get_by_role("button", name="確認する").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return open_page


def sign_in_with_password(page, username: str) -> None:
    from accounts.demo import DEMO_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
