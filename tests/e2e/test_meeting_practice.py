"""A 支援会議 as practice holds it, in Chromium: the plaza adds a commissioner and a guest without an
account (her paper undertaking recorded); the commissioner acknowledges confidentiality on a phone;
the plaza records the meeting with an action item for the commissioner, amends the minutes (the
earlier version stays), prints the record (its text holds the amended minutes, the guest and the
printing user); the commissioner completes the item with a result, takes it back, and records the
watch visit she was given."""

import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import CaseState, MinutesAmendment
from cases.services import lifecycle
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.workflow import support_meeting, take


def test_a_meeting_with_a_commissioner_and_a_guest_from_invitation_to_watch_visit(
    people, open_as, concern, soon
):
    world = people
    case = take(world, concern())
    meeting = support_meeting(world, case, soon)
    url = f"/cases/meetings/{meeting.pk}/"

    plaza = open_as("demo_plaza", DESKTOP)
    plaza.goto(url)
    plaza.get_by_text("出席者を追加する（職員・民生委員）").click()
    plaza.locator("select[name=add_attendee-attendee]").select_option(str(world.commissioner.pk))
    plaza.locator("button[name=add_attendee]").click()
    expect(plaza.locator(".message.success")).to_contain_text("出席者を追加しました")
    attendees = plaza.locator("#attendees")
    expect(attendees).to_contain_text(str(world.commissioner))
    expect(attendees).to_contain_text("守秘義務の確認待ち")

    # A guest: the form keeps what was typed when the relation is missing.
    plaza.get_by_text("アカウントのない出席者を記録する").click()
    plaza.get_by_label("氏名").fill("佐々木 花子")
    plaza.get_by_label("住民（家族・近隣・知人など）").check()  # she sits as a resident (indicator 1-(2))
    plaza.get_by_label("本人との関係・役割").fill(" ")  # the browser lets it through; the server does not
    plaza.locator("button[name=add_guest]").click()
    expect(plaza.get_by_label("氏名")).to_have_value("佐々木 花子")
    expect(plaza.get_by_label("住民（家族・近隣・知人など）")).to_be_checked()
    expect(plaza.locator("#attendees .error")).to_have_count(1)
    plaza.get_by_label("本人との関係・役割").fill("長女")
    plaza.locator("button[name=add_guest]").click()
    expect(attendees.locator("li.guest")).to_contain_text("佐々木 花子（長女）")
    expect(attendees.locator("li.guest")).to_contain_text("誓約書（紙）の受領待ち")
    plaza.get_by_role("button", name="誓約書を受け取った").click()
    expect(plaza.locator("#attendees li.guest")).to_contain_text("誓約書（紙）受領済み")
    shot(plaza, "meeting-attendees-desktop")

    # The commissioner, on her phone, from her tasks.
    commissioner = open_as("demo_commissioner", PHONE)
    commissioner.goto("/cases/tasks/")
    commissioner.locator("#meetings ul a").first.click()
    expect(commissioner.locator(".card.alert")).to_contain_text("社会福祉法第106条の6")
    expect(commissioner.locator("#attendees")).to_have_count(0)
    shot(commissioner, "meeting-acknowledge-phone")
    commissioner.get_by_role("button", name="確認しました").click()
    expect(commissioner.locator("#attendees")).to_contain_text("守秘義務を確認済み")
    assert commissioner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(commissioner, "meeting-acknowledged-phone")

    # The plaza records the meeting, with an item for the commissioner.
    plaza.goto(url)
    plaza.get_by_label("議事録", exact=True).fill("長女から生活の様子を聞いた。")
    plaza.get_by_label("決定", exact=True).select_option(CaseState.WATCHING)
    plaza.get_by_label("決定の理由").fill("当面は見守りで足りる")
    plaza.get_by_label("役割分担（任意）").fill("郵便受けの様子を見る")
    plaza.locator("select[name=action_owner]").select_option(str(world.commissioner.pk))
    plaza.get_by_label("期限").fill((timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    plaza.get_by_role("button", name="記録する").last.click()
    expect(plaza.locator(".message.success")).to_contain_text("会議の記録を保存しました")

    # Amended: the earlier version stays.
    plaza.goto(url)
    plaza.get_by_text("議事録を修正する").click()
    plaza.get_by_label("修正後の議事録").fill("長女と長男から生活の様子を聞いた。")
    plaza.get_by_label("修正の理由").fill("出席者の記載漏れ")
    plaza.get_by_role("button", name="修正を保存する").click()
    expect(plaza.locator(".message.success")).to_contain_text("議事録を修正しました")
    expect(plaza.locator("#minutes .minutes")).to_contain_text("長女と長男から生活の様子を聞いた。")
    plaza.get_by_text("以前の版").click()
    expect(plaza.locator("#minutes .previous-minutes")).to_contain_text("長女から生活の様子を聞いた。")
    expect(plaza.locator("#minutes .versions")).to_contain_text("出席者の記載漏れ")
    shot(plaza, "meeting-minutes-amended-desktop")
    assert MinutesAmendment.objects.get(meeting=meeting).previous_minutes == "長女から生活の様子を聞いた。"

    # The record, printed.
    pdf = plaza.request.get(f"{url}record.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace("\n", "")
    assert "長女と長男から生活の様子を聞いた。" in text and "修正されています" in text
    assert "佐々木 花子" in text and "郵便受けの様子を見る" in text
    assert f"印刷者: {world.staff}" in text

    # The commissioner's item: a result, taken back, done again.
    commissioner.goto("/cases/tasks/")
    item = commissioner.locator("#items li.task-item")
    expect(item).to_contain_text("郵便受けの様子を見る")
    item.get_by_text("完了にする").first.click()
    item.get_by_label("結果（一行）").fill("郵便物はたまっていない")
    item.get_by_role("button", name="完了にする").click()
    expect(commissioner.locator(".message.success")).to_contain_text("1日以内なら取り消せます")
    commissioner.goto("/cases/tasks/?items=done")
    done = commissioner.locator("#items li.task-item")
    expect(done).to_contain_text("郵便物はたまっていない")
    assert commissioner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(commissioner, "tasks-item-done-phone")
    # The done items taken away: the file holds what the page shows.
    with commissioner.expect_download() as downloading:
        commissioner.locator("#items").get_by_role("link", name="Excelで書き出す").click()
    rows = list(load_workbook(io.BytesIO(downloading.value.path().read_bytes())).worksheets[0].values)
    assert [(row[1], row[6]) for row in rows[1:]] == [("郵便受けの様子を見る", "郵便物はたまっていない")]
    done.get_by_role("button", name="完了を取り消す").click()
    expect(commissioner.locator(".message.success")).to_contain_text("完了を取り消しました")

    # Watching: the plaza gives her the watch visit; she records it on her phone.
    case.refresh_from_db()
    case = lifecycle.decide(
        actor=world.staff, case=case, expected_version=case.version, outcome=CaseState.WATCHING
    )
    visit = lifecycle.schedule_watch_visit(
        actor=world.staff, case=case, due_on=timezone.localdate(), assigned_to=world.commissioner
    )
    commissioner.goto("/cases/tasks/")
    visits = commissioner.locator("#visits")
    expect(visits).to_contain_text("見守り訪問を記録する")
    visits.get_by_label("見守りの記録").fill("元気そうだった")
    visits.get_by_role("button", name="記録する").click()
    expect(commissioner.locator(".message.success")).to_contain_text("見守り訪問を記録しました")
    assert commissioner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(commissioner, "tasks-visit-recorded-phone")
    visit.refresh_from_db()
    assert visit.visited_on == timezone.localdate() and visit.note == "元気そうだった"
