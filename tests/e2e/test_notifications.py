"""The bell in Chromium, on a phone and on a desktop: a commissioner reports a concern; the plaza
worker's bell counts it, the list says what arrived and of which case, marking one read lowers the
count, opening one marks it read and goes to the case, and a daily digest is chosen instead of an
e-mail each time; the commissioner's own bell hears when it is taken up — with the case number and
never the name, which the reporter's grant does not include."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, shot


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_bell_counts_opens_and_marks_read(people, open_as, concern, viewport, name):
    first = concern()
    second = concern(identity={"name": "別人 一郎"}, urgency="urgent")
    plaza = open_as("demo_plaza", viewport)

    bell = plaza.locator("a.bell")
    expect(bell.locator(".bell-count")).to_have_text("2件の未読")
    assert plaza.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(plaza, f"notifications-bell-{name}")
    bell.click()
    expect(plaza).to_have_url(re.compile("/notifications/$"))
    rows = plaza.locator("li.notification")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("至急の気付きが届きました")  # newest first
    expect(rows.nth(0)).to_contain_text(second.reference)
    expect(rows.nth(1)).to_contain_text("新しい気付きが届きました")
    expect(rows.nth(1)).to_contain_text("佐々木 トメ")  # the intake grant includes identity
    assert plaza.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(plaza, f"notifications-list-{name}")

    # Marked read where it stands: the bell counts one.
    rows.nth(0).get_by_role("button", name="既読にする").click()
    expect(plaza.locator("a.bell .bell-count")).to_have_text("1件の未読")
    expect(plaza.locator("li.notification.unread")).to_have_count(1)

    # Opened: read, and on to the case.
    plaza.locator("li.notification.unread").get_by_role("button", name="新しい気付きが届きました").click()
    expect(plaza).to_have_url(re.compile(f"/cases/{first.pk}/$"))
    expect(plaza.locator("a.bell .bell-count")).to_have_count(0)
    plaza.get_by_role("button", name="主担当として受け付ける").click()

    # The e-mail settings: a daily digest instead.
    plaza.locator("a.bell").click()
    plaza.get_by_role("link", name="通知の設定（メール）").click()
    plaza.get_by_label("1日1回まとめて送る").check()
    plaza.get_by_role("button", name="保存する").click()
    expect(plaza.locator(".message.success")).to_contain_text("通知の設定を保存しました")
    expect(plaza.get_by_label("1日1回まとめて送る")).to_be_checked()
    assert plaza.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(plaza, f"notifications-settings-{name}")

    # The reporter hears it was taken up: the case number, not the name.
    commissioner = open_as("demo_commissioner", viewport)
    expect(commissioner.locator("a.bell .bell-count")).to_have_text("1件の未読")
    commissioner.locator("a.bell").click()
    row = commissioner.locator("li.notification")
    expect(row).to_contain_text("報告した気付きが受け付けられました")
    expect(row).to_contain_text(first.reference)
    expect(row).not_to_contain_text("佐々木")
    shot(commissioner, f"notifications-reporter-{name}")
    commissioner.get_by_role("button", name="すべて既読にする").click()
    expect(commissioner.locator(".message.success")).to_contain_text("1件を既読にしました")
    expect(commissioner.locator("a.bell .bell-count")).to_have_count(0)

    # The reporter's own settings ask about what reaches a commissioner, not about lockouts.
    commissioner.get_by_role("link", name="通知の設定（メール）").click()
    choices = commissioner.locator("input[name=email_kinds]")
    expect(commissioner.get_by_label("報告した気付きの受付")).to_be_visible()
    expect(commissioner.get_by_label("サインインのロック")).to_have_count(0)
    assert choices.count() < 8
    shot(commissioner, f"notifications-settings-commissioner-{name}")
