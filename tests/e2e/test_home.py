"""Each role's home in Chromium, on a phone and on a desktop: what they have to do today, the
person named where their grant allows it and the case number where not; the menu on every page —
a row of links on a desktop, a button that opens it on a phone — and the meeting calendar."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services.sharing import open_break_glass
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.workflow import support_meeting, take

NAME = "佐々木 トメ"


@pytest.fixture
def work(people, concern):
    """A new concern for the plaza, a meeting tomorrow the agency attends (nothing of the person
    shared with it), an emergency access for the privacy officer to review."""
    waiting = concern(identity={"name": "新井 ハナ", "kana": "あらい はな", "address": "つなぐ市1-1"})
    case = take(people, concern())
    meeting = support_meeting(
        people,
        case,
        timezone.now() + timezone.timedelta(days=1),
        attendees=[(people.agency_worker, people.agency)],
    )
    open_break_glass(actor=people.ward_worker, case=case, reason="夜間の安否確認の通報があったため")
    return {"waiting": waiting, "case": case, "meeting": meeting}


# (user, the section that holds their work, what it must say, what it must never say)
HOMES = [
    ("demo_plaza", "#home-concerns", "新井 ハナ", None),
    ("demo_agency", "#home-meetings", None, NAME),
    ("demo_commissioner", "#home-my-concerns", NAME, None),
    ("demo_privacy", "#home-break-glass", "1", NAME),
    ("demo_admin", "#home-admin", "管理画面を開く", NAME),
]


@pytest.mark.parametrize(("viewport", "size"), [(PHONE, "phone"), (DESKTOP, "desktop")])
@pytest.mark.parametrize(("username", "where", "says", "never"), HOMES)
def test_each_home_shows_its_work(work, open_as, viewport, size, username, where, says, never):
    page = open_as(username, viewport)
    section = page.locator(where)
    expect(section).to_be_visible()
    if says:
        expect(section).to_contain_text(says)
    if username == "demo_agency":
        expect(section).to_contain_text(work["case"].reference)
    if never:
        expect(page.locator("main")).not_to_contain_text(never)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"home-{username}-{size}")


def test_the_menu_opens_on_a_phone_and_leads_to_the_work(work, open_as):
    page = open_as("demo_plaza", PHONE)
    inbox = page.locator("details.main-menu").get_by_role("link", name="受付・担当ケース")
    expect(page.locator("nav.main-menu.wide")).to_be_hidden()
    expect(inbox).to_be_hidden()
    page.locator("details.main-menu > summary").click()
    expect(inbox).to_be_visible()
    shot(page, "menu-open-phone")
    inbox.click()
    expect(page).to_have_url(re.compile("/cases/inbox/"))
    # The menu is on every page, the current one marked.
    page.locator("details.main-menu > summary").click()
    expect(page.locator('details.main-menu a[aria-current="page"]')).to_have_text("受付・担当ケース")


def test_the_menu_is_a_row_on_a_desktop(work, open_as):
    page = open_as("demo_privacy", DESKTOP)
    menu = page.locator("nav.main-menu.wide")
    expect(menu).to_be_visible()
    expect(page.locator("details.main-menu")).to_be_hidden()
    expect(menu.get_by_role("link", name="緊急アクセスを確認する")).to_be_visible()
    expect(menu.get_by_role("link", name="受付・担当ケース")).to_have_count(0)
    menu.get_by_role("link", name="緊急アクセスを確認する").click()
    expect(page).to_have_url(re.compile("/break-glass"))


@pytest.mark.parametrize(("viewport", "size"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_calendar_week_and_month(work, open_as, viewport, size):
    plaza = open_as("demo_plaza", viewport)
    if viewport is PHONE:
        plaza.locator("details.main-menu > summary").click()
        plaza.locator("details.main-menu").get_by_role("link", name="会議の予定").click()
    else:
        plaza.locator("nav.main-menu.wide").get_by_role("link", name="会議の予定").click()
    meeting = plaza.locator(f'a[href="/cases/meetings/{work["meeting"].pk}/"]')
    if timezone.localdate(work["meeting"].scheduled_for).weekday() == 0:  # tomorrow is next week
        plaza.get_by_role("link", name="次の週").click()
    expect(meeting).to_be_visible()
    expect(plaza.locator("main")).to_contain_text(NAME)
    assert plaza.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(plaza, f"calendar-week-{size}")
    plaza.get_by_role("link", name="月", exact=True).click()
    expect(plaza).to_have_url(re.compile("view=month"))
    shot(plaza, f"calendar-month-{size}")

    agency = open_as("demo_agency", viewport)
    agency.goto(plaza.url)
    expect(agency.locator("main")).to_contain_text(work["case"].reference)
    expect(agency.locator("main")).not_to_contain_text(NAME)

    plaza.goto("/calendar/?view=week&start=2026-99-01")
    expect(plaza.get_by_role("alert")).to_contain_text("年-月-日")
