"""The ward council's meetings in Chromium: a ward caseworker records one on a phone (a day
to come refused, what was typed kept), the indicators page counts it on a
desktop; a plaza worker has no entry and is refused at its address."""

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, shot


def test_a_ward_caseworker_records_a_council_meeting_that_the_indicators_count(people, open_as):
    phone = open_as("demo_ward", PHONE)
    phone.goto("/")
    phone.locator("summary", has_text="メニュー").click()
    phone.get_by_role("link", name="区協議会の開催").first.click()
    phone.get_by_label("開催日").fill("2099-06-10")
    phone.get_by_label("参加者数").fill("36")
    phone.get_by_label("テーマ").fill("意思決定支援の研修")
    phone.get_by_role("button", name="記録する").click()
    expect(phone.get_by_role("alert").first).to_contain_text("今日より後の日付は入力できません")
    expect(phone.get_by_label("テーマ")).to_have_value("意思決定支援の研修")
    expect(phone.get_by_label("参加者数")).to_have_value("36")
    phone.get_by_label("開催日").fill("令和7年6月10日")
    phone.get_by_role("button", name="記録する").click()
    expect(phone.locator("#council-meetings")).to_contain_text("2025-06-10")
    shot(phone, "council-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    desktop = open_as("demo_ward", DESKTOP)
    desktop.goto("/indicators/?year=2025")
    expect(desktop.locator("#council-table tfoot")).to_contain_text("36")
    desktop.locator("#indicator-council").scroll_into_view_if_needed()
    shot(desktop, "council-indicator-desktop")

    plaza = open_as("demo_plaza", DESKTOP)
    expect(plaza.get_by_role("link", name="区協議会の開催")).to_have_count(0)
    assert plaza.goto("/guardianship/council/").status == 403
