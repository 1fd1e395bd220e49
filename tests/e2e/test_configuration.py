"""A municipality's settings in Chromium: its administrator narrows the concern form and names the
mayor's petition on a desktop (a value out of range refused, what was typed kept), and a
commissioner's form on a phone then offers only what was kept; a plaza worker is refused."""

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, shot


def test_the_administrator_narrows_the_concern_form_and_a_commissioner_sees_it(
    people, open_as, concern, soon
):
    admin = open_as("demo_admin", DESKTOP)
    admin.goto("/")
    admin.get_by_role("link", name="自治体ごとの設定").first.click()
    admin.get_by_label("においがする").uncheck()
    admin.get_by_label("市町村長申立ての呼び方").fill("区長申立て")
    admin.get_by_label("重層的支援会議", exact=True).uncheck()
    undertaking = admin.get_by_label("会議の守秘の誓約に加える文：支援会議（社会福祉法第106条の6）")
    undertaking.fill("会議の資料は、会議の終わりにすべて回収します。")
    admin.get_by_label("指標：伏せる小さい数の基準").fill("1")
    admin.get_by_role("button", name="設定を変更する").click()
    if admin.get_by_label("指標：伏せる小さい数の基準").evaluate("el => el.validity.valid"):
        expect(admin.get_by_role("alert").first).to_be_visible()
    admin.get_by_label("指標：伏せる小さい数の基準").fill("8")
    expect(admin.get_by_label("市町村長申立ての呼び方")).to_have_value("区長申立て")
    expect(admin.get_by_label("においがする")).not_to_be_checked()
    expect(undertaking).to_have_value("会議の資料は、会議の終わりにすべて回収します。")
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

    # A meeting scheduled now: the form offers the kinds kept; its page shows the added words.
    from cases.forms import MeetingForm
    from tests.workflow import support_meeting, take

    case = take(people, concern())
    assert "multi_agency" not in dict(MeetingForm(case=case).fields["kind"].choices)
    from cases.selectors import meeting_attendees

    meeting = support_meeting(people, case, soon, attendees=meeting_attendees([people.commissioner]))
    attendee = open_as("demo_commissioner", PHONE)  # asked to acknowledge before seeing anything
    attendee.goto(f"/cases/meetings/{meeting.pk}/")
    expect(attendee.get_by_text("会議の資料は、会議の終わりにすべて回収します。")).to_be_visible()
    assert attendee.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(attendee, "configuration-meeting-undertaking-phone")

    plaza = open_as("demo_plaza", DESKTOP)
    expect(plaza.get_by_role("link", name="自治体ごとの設定")).to_have_count(0)
    assert plaza.goto("/configuration/").status == 403
