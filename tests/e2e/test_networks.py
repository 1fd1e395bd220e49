"""The network registry in Chromium: a plaza worker registers their plaza's network on a phone
(a wrong date refused with what was typed kept), sees it listed on a desktop and ends it; a ward
caseworker has no entry to it and is refused at its address."""

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, shot


def test_a_plaza_worker_registers_and_ends_a_network_and_a_ward_caseworker_is_refused(people, open_as):
    phone = open_as("demo_plaza", PHONE)
    phone.goto("/")
    phone.locator("summary", has_text="メニュー").click()
    phone.get_by_role("link", name="地域のネットワーク").first.click()
    phone.get_by_label("ネットワークの名称").fill("はまかぜ見守りネットワーク")
    phone.get_by_label("地区").select_option(index=1)
    phone.get_by_label("目的・活動").fill("町内会と介護事業所で見守りを話し合う")
    phone.get_by_label("参加している団体・機関の数").fill("12")
    phone.get_by_label("事務局を担い始めた日").fill("2099-04-01")
    phone.get_by_role("button", name="登録する").click()
    expect(phone.get_by_role("alert").first).to_contain_text("今日より後の日付は入力できません")
    expect(phone.get_by_label("ネットワークの名称")).to_have_value("はまかぜ見守りネットワーク")
    expect(phone.get_by_label("目的・活動")).to_have_value("町内会と介護事業所で見守りを話し合う")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "networks-refused-phone")
    phone.get_by_label("事務局を担い始めた日").fill("令和6年4月1日")
    phone.get_by_role("button", name="登録する").click()
    expect(phone.locator("#networks")).to_contain_text("はまかぜ見守りネットワーク")
    shot(phone, "networks-phone")

    desktop = open_as("demo_plaza", DESKTOP)
    desktop.goto("/networks/")
    desktop.get_by_role("link", name="はまかぜ見守りネットワーク").click()
    desktop.get_by_label("事務局を終えた日").fill("2025-03-31")
    desktop.get_by_role("button", name="変更を保存する").click()
    expect(desktop.locator("#networks")).to_contain_text("2024-04-01〜2025-03-31")
    shot(desktop, "networks-desktop")

    ward = open_as("demo_ward", DESKTOP)
    expect(ward.get_by_role("link", name="地域のネットワーク")).to_have_count(0)
    assert ward.goto("/networks/").status == 403
