"""A municipality's settings in Chromium: its administrator narrows the concern form and names the
mayor's petition on a desktop (a value out of range refused, what was typed kept), and a
commissioner's form on a phone then offers only what was kept; a plaza worker is refused."""

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, shot


def test_the_administrator_narrows_the_concern_form_and_a_commissioner_sees_it(people, open_as):
    admin = open_as("demo_admin", DESKTOP)
    admin.goto("/")
    admin.get_by_role("link", name="自治体ごとの設定").first.click()
    admin.get_by_label("においがする").uncheck()
    admin.get_by_label("市町村長申立ての呼び方").fill("区長申立て")
    admin.get_by_label("指標：伏せる小さい数の基準").fill("1")
    admin.get_by_role("button", name="設定を変更する").click()
    if admin.get_by_label("指標：伏せる小さい数の基準").evaluate("el => el.validity.valid"):
        expect(admin.get_by_role("alert").first).to_be_visible()
    admin.get_by_label("指標：伏せる小さい数の基準").fill("8")
    expect(admin.get_by_label("市町村長申立ての呼び方")).to_have_value("区長申立て")
    expect(admin.get_by_label("においがする")).not_to_be_checked()
    admin.get_by_role("button", name="設定を変更する").click()
    expect(admin.locator("#configuration h2")).to_contain_text("第1版")
    expect(admin.locator("#configuration-history")).to_contain_text("気付きの記録：気付いたこと")
    shot(admin, "configuration-desktop")

    phone = open_as("demo_commissioner", PHONE)
    phone.goto("/cases/concerns/new/")
    expect(phone.get_by_label("郵便物や新聞がたまっている")).to_be_visible()
    expect(phone.get_by_label("においがする")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "configuration-concern-phone")

    admin_phone = open_as("demo_admin", PHONE)
    admin_phone.goto("/configuration/")
    assert admin_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(admin_phone, "configuration-phone")

    plaza = open_as("demo_plaza", DESKTOP)
    expect(plaza.get_by_role("link", name="自治体ごとの設定")).to_have_count(0)
    assert plaza.goto("/configuration/").status == 403
