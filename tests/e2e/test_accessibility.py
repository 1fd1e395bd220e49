"""Every main page: a title, labelled controls, visible focus, usable with the keyboard, and an
axe-core scan (bundled with axe-playwright-python; no network) with no serious or critical
violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings
from playwright.sync_api import expect

from cases.models import Case, HouseholdMember, SupportMeeting
from guardianship.models import GuardianshipMatter, MatchingMeeting
from networks.models import Network
from referrals.models import Referral
from tests.e2e.conftest import DESKTOP, PHONE

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.getAttribute('aria-labelledby'))
    .map(el => el.name || el.id)"""


@pytest.fixture
def demo_data(people):
    """The demo's cases, referrals and guardianship matters, made through the services."""
    from cases import demo as cases_demo
    from guardianship import demo as guardianship_demo
    from networks import demo as networks_demo
    from referrals import demo as referrals_demo

    with override_settings(DEBUG=True):
        for module in (cases_demo, referrals_demo, guardianship_demo, networks_demo):
            module.seed(people.demo)
    return people


def main_pages() -> list[tuple[str, str, dict]]:
    case = Case.objects.filter(state="referred").first()
    referral = Referral.objects.filter(state="accepted").first()
    matter = GuardianshipMatter.objects.filter(state="candidate_matching").first()
    first_meeting = MatchingMeeting.objects.order_by("scheduled_for").first()
    # The household whose son moved out: its case, and its member living there now.
    moved_out = HouseholdMember.objects.get(ended_on__isnull=False)
    living = HouseholdMember.objects.filter(household=moved_out.household, ended_on__isnull=True)
    household_case = Case.objects.get(person__in=[member.person_id for member in living])
    member = living.exclude(person=household_case.person).first()
    return [
        ("demo_commissioner", "/", PHONE),
        ("demo_commissioner", "/cases/concerns/new/", PHONE),
        ("demo_commissioner", "/cases/concerns/mine/", PHONE),
        ("demo_commissioner", "/cases/contacts/", PHONE),
        ("demo_plaza", "/cases/inbox/", DESKTOP),
        ("demo_plaza", f"/cases/{case.pk}/", DESKTOP),
        ("demo_plaza", f"/cases/meetings/{SupportMeeting.objects.filter(case=case).first().pk}/", DESKTOP),
        ("demo_plaza", "/cases/tasks/", PHONE),
        ("demo_plaza", "/cases/people/search/", DESKTOP),
        ("demo_plaza", f"/cases/{household_case.pk}/", PHONE),
        ("demo_plaza", f"/cases/{household_case.pk}/household/existing/", PHONE),
        ("demo_plaza", f"/cases/{household_case.pk}/household/{member.pk}/end/", DESKTOP),
        ("demo_plaza", "/referrals/", PHONE),
        ("demo_agency", f"/referrals/{referral.pk}/", PHONE),
        ("demo_coordinator", "/guardianship/", DESKTOP),
        ("demo_coordinator", f"/guardianship/matters/{matter.pk}/", DESKTOP),
        ("demo_coordinator", f"/guardianship/meetings/{first_meeting.pk}/", DESKTOP),
        ("demo_coordinator", "/guardianship/candidates/", DESKTOP),
        ("demo_privacy", "/audit/", DESKTOP),
        ("demo_privacy", f"/audit/people/{case.person_id}/", DESKTOP),
        ("demo_privacy", "/audit/chain/", DESKTOP),
        ("demo_privacy", "/cases/people/lookup-for-report/", DESKTOP),
        ("demo_plaza", "/notifications/", PHONE),
        ("demo_plaza", "/notifications/settings/", DESKTOP),
        ("demo_ward", "/indicators/", DESKTOP),
        ("demo_ward", "/indicators/trends/", PHONE),
        ("demo_coordinator", "/indicators/", PHONE),
        ("demo_ward", "/guardianship/council/", PHONE),
        ("demo_plaza", "/networks/", PHONE),
        ("demo_plaza", f"/networks/{Network.objects.first().pk}/", DESKTOP),
    ]


def test_main_pages_have_titles_labels_and_no_serious_axe_violation(demo_data, open_as):
    axe = Axe()
    problems = []
    pages = {}
    for username, url, viewport in main_pages():
        page = pages.get((username, viewport["width"])) or open_as(username, viewport)
        pages[(username, viewport["width"])] = page
        response = page.goto(url)
        assert response.status == 200, url
        title = page.title()
        if not title.endswith("| つなぐ") or title.startswith(" |") or title == "| つなぐ":
            problems.append(f"{url}: title {title!r}")
        for details in page.locator("details").all():  # scan the collapsed forms too
            details.evaluate("el => el.open = true")
        unlabelled = page.evaluate(UNLABELLED)
        if unlabelled:
            problems.append(f"{url}: unlabelled controls {unlabelled}")
        violations = axe.run(page).response["violations"]
        for violation in violations:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{url}: axe {violation['id']} ({violation['impact']}) at {targets}")
    assert not problems, "\n".join(problems)


def test_the_keyboard_alone_logs_in_and_focus_is_visible(people, new_context, live_server):
    from accounts.demo import DEMO_PASSWORD

    page = new_context(PHONE).new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_label("ユーザー名")).to_be_focused()  # the login form starts where you type
    page.keyboard.type("demo_commissioner")
    page.keyboard.press("Tab")
    expect(page.get_by_label("パスワード")).to_be_focused()
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] != "none" and outline[1] != "0px"  # focus is visible
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.keyboard.press("Tab")  # the skip link comes first, and shows itself
    expect(page.locator(".skip-link")).to_be_focused()
    assert page.locator(".skip-link").bounding_box()["x"] >= 0
    # On through the page to the first action, opened with Enter.
    for _ in range(40):
        if page.evaluate("() => document.activeElement.textContent.trim()") == "気付きを記録する":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("気付きを記録")
