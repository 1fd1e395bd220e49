"""The whole journey as the people who use Tsunagu click through it, in Chromium.

From a commissioner's concern on a phone, through the plaza's consent, sharing and support-team
meeting, to the agency's referral and the guardianship centre's matching and appointment, and the
privacy officer's access report. Screenshots of the key screens go to tests/e2e/artifacts/.
"""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case
from guardianship import services as guardianship
from guardianship.models import Appointment, GuardianshipMatter
from privacy.normalise import wareki
from referrals.models import Referral
from tests.e2e.conftest import PHONE, shot

NAME = "佐々木 トメ"


def action(page: Page, title: str):
    """An action form of a page (a <details> card): opened, and returned to fill in."""
    box = page.locator("details.action").filter(has=page.locator("summary", has_text=title))
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def recorded(page: Page, said: str = "記録しました") -> None:
    expect(page.locator(".message.success")).to_contain_text(said)


def pool(world) -> User:
    """The centre's candidate pool: a citizen guardian of the bank (who has an account) and others."""
    guardian = User.objects.create(username="guardian_e2e", last_name="港", first_name="花子")
    from accounts.demo import DEMO_PASSWORD

    guardian.set_password(DEMO_PASSWORD)
    guardian.save()
    bank = {"training_completed_on": datetime.date(2024, 3, 1), "registered_on": datetime.date(2024, 4, 1)}
    guardianship.register_candidate(
        actor=world.coordinator,
        kind="citizen",
        name="港 花子",
        user=guardian,
        areas=[world.district],
        max_caseload=2,
        specialisms=["dementia"],
        **bank,
    )
    guardianship.register_candidate(
        actor=world.coordinator,
        kind="social_worker",
        name="山手 一郎",
        areas=[world.demo.ward],
        max_caseload=8,
        caseload=5,
    )
    guardianship.register_candidate(
        actor=world.coordinator,
        kind="corporate",
        name="NPO後見ネット",
        organisation=world.demo.organisations["professional_association"],
        areas=[world.demo.ward],
        max_caseload=20,
    )
    return guardian


def test_the_whole_journey(people, open_as, live_server):
    world = people
    guardian = pool(world)

    # 1. The commissioner, on a phone, records a concern about an elderly neighbour.
    commissioner = open_as("demo_commissioner", PHONE)
    commissioner.locator("#main").get_by_role("link", name="気付きを記録する", exact=True).click()
    commissioner.get_by_label("郵便物や新聞がたまっている").check()
    commissioner.get_by_label("8050（高齢の親とひきこもりの子）").check()
    commissioner.get_by_label("地区").select_option(label=world.district.name)
    commissioner.get_by_label("氏名（分かれば）").fill(NAME)
    commissioner.get_by_label("様子（自由記入）").fill("息子さんと二人暮らし。郵便受けがあふれている。")
    shot(commissioner, "01-commissioner-concern-phone")
    commissioner.get_by_role("button", name="プラザに送る").click()
    expect(commissioner.locator("main")).to_contain_text("受付済み")
    case = Case.objects.get()

    # 2. The plaza: inbox, intake, oral consent, sharing, a support-team meeting with two organisations.
    plaza = open_as("demo_plaza")
    plaza.locator("#main").get_by_role("link", name="受付・担当ケース", exact=True).click()
    plaza.locator(f"a[href='/cases/{case.pk}/']").click()
    plaza.get_by_role("button", name="主担当として受け付ける").click()
    recorded(plaza)
    consent = action(plaza, "同意を記録する")
    consent.get_by_label("目的").select_option(label="支援のための情報共有")
    consent.get_by_label(world.agency.name).check()
    consent.get_by_label(world.centre.name).check()
    consent.get_by_label("口頭").check()
    consent.get_by_role("button", name="記録する").click()
    recorded(plaza)
    share = action(plaza, "関係機関と情報を共有する")
    share.get_by_label("共有先").select_option(label=world.centre.name)
    share.get_by_label("本人確認（氏名・ふりがな・生年月日）").check()
    share.get_by_label("権利擁護・成年後見").check()
    share.get_by_label("根拠", exact=True).select_option(label="本人（または代理人）の同意")
    share.get_by_label("同意（同意による場合）").select_option(index=1)
    share.get_by_role("button", name="共有する").click()
    recorded(plaza)
    meeting = action(plaza, "支援会議を設定する")
    meeting.get_by_label("会議の種類").select_option(label="支援会議（社会福祉法第106条の6）")
    meeting.get_by_label("根拠", exact=True).select_option(label="支援会議での情報共有（構成員に守秘義務）")
    meeting.get_by_label("根拠の参照").fill("第12回 支援会議")
    # Tomorrow: attendees may see the case only until 72 hours after the meeting.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting.get_by_label("日時").fill(f"{tomorrow.isoformat()}T14:00")
    meeting.get_by_label(re.compile(f"{world.agency.name}$")).check()
    meeting.get_by_label(re.compile(f"{world.centre.name}$")).check()
    meeting.get_by_label("議題").fill("今後の支援と成年後見の検討")
    meeting.get_by_role("button", name="設定する").click()
    recorded(plaza)
    shot(plaza, "02-plaza-case-page")

    for username in ("demo_agency", "demo_coordinator"):  # each attendee acknowledges first
        attendee = open_as(username)
        attendee.locator("#main").get_by_role("link", name="出席する会議と役割分担", exact=True).click()
        attendee.get_by_role("link", name=re.compile("支援会議")).click()
        expect(attendee.locator("main")).not_to_contain_text(
            "今後の支援と成年後見の検討"
        )  # not before acknowledging
        attendee.get_by_role("button", name="確認しました").click()
        attendee.get_by_role("link", name="ケースに戻る").click()
        expect(attendee.locator("main")).to_contain_text(NAME)

    plaza.get_by_role("link", name=re.compile("支援会議（社会福祉法")).first.click()
    plaza.get_by_label("議事録").fill(
        "ご本人の希望を確認。金銭管理に支援が必要。基幹相談支援センターにつなぎ、成年後見を検討する。"
    )
    plaza.get_by_label("決定", exact=True).select_option(label="成年後見")
    plaza.get_by_label("決定の理由").fill("判断能力の低下と金銭管理の困難")
    plaza.get_by_role("button", name="記録する").click()
    plaza.goto(f"/cases/{case.pk}/")
    decide = action(plaza, "会議の決定に沿って進める")
    decide.get_by_label("次の段階").select_option(label="成年後見")
    decide.get_by_role("button", name="進める").click()
    recorded(plaza)
    # A referral rests on consent to referrals: the consent to sharing above does not cover it.
    consent = action(plaza, "同意を記録する")
    consent.get_by_label("目的").select_option(label="関係機関へのつなぎ")
    consent.get_by_label(world.agency.name).check()
    consent.get_by_label("書面").check()
    consent.get_by_role("button", name="記録する").click()
    recorded(plaza)
    refer = action(plaza, "関係機関につなぐ")
    refer.get_by_label("つなぎ先").select_option(label=world.agency.name)
    refer.get_by_label("つなぐ目的・依頼したいこと").fill("息子さんの相談支援をお願いしたい。")
    refer.get_by_label("本人確認（氏名・ふりがな・生年月日）").check()
    refer.get_by_label("根拠", exact=True).select_option(label="本人（または代理人）の同意")
    refer.get_by_label("同意（同意による場合）").select_option(index=1)
    refer.get_by_role("button", name="下書きを作る").click()
    plaza.get_by_role("button", name="つなぎ先に送る").click()
    recorded(plaza, "つなぎ先に送りました")
    assert Referral.objects.get().state == "sent"

    # 3. The agency sees only the shared fields, accepts and completes.
    agency = open_as("demo_agency")
    agency.locator("#main").get_by_role("link", name="つなぎの受付", exact=True).click()
    agency.locator(".referral-list li").filter(has_text="返事待ち").get_by_role(
        "link", name=re.compile(re.escape(NAME))
    ).click()
    expect(agency.locator("main")).to_contain_text(NAME)
    expect(agency.locator("main")).not_to_contain_text("郵便受けがあふれている")  # the concern was not shared
    shot(agency, "03-agency-referral")
    accept = action(agency, "引き受ける")
    accept.get_by_label("担当者").select_option(index=1)
    accept.get_by_role("button", name="引き受ける").click()
    recorded(agency, "引き受けました")
    complete = action(agency, "完了を記録する")
    complete.get_by_label("支援の結果").fill("相談支援を開始した。")
    complete.get_by_role("button", name="完了にする").click()
    recorded(agency, "完了を記録しました")
    commissioner.get_by_role("link", name="つなぐ").click()
    commissioner.locator("#main").get_by_role("link", name="報告した気付きの状況", exact=True).click()
    expect(commissioner.locator("main")).to_contain_text("つながりました")
    shot(commissioner, "04-commissioner-status-phone")

    # 4. The guardianship centre: assessment, petition, matching meeting, filing, ruling.
    centre = open_as("demo_coordinator")
    centre.locator("#main").get_by_role("link", name="案件・候補者調整会議・集計", exact=True).click()
    centre.locator("#main").get_by_role("link", name=re.compile("受付")).first.click()
    centre.get_by_role("button", name="検討（アセスメント）を始める").click()
    assess = action(centre, "アセスメントを記録する")
    assess.get_by_label("本人が話したこと・希望").fill("住み慣れた家で暮らしたい。")
    assess.get_by_label("意思決定を支援した人").fill("地域ケアプラザの社会福祉士")
    assess.get_by_role("button", name="記録する").click()
    recorded(centre)
    centre.get_by_role("button", name="チームづくりへ進む").click()
    team = action(centre, "チームの構成員を記録する")  # the team, before the petition
    team.get_by_label("所属").select_option(label=world.plaza.name)
    team.get_by_label("氏名").fill("港 さくら")
    team.get_by_label("役割").select_option(label="主担当の相談支援者")
    team.get_by_role("button", name="記録する").click()
    recorded(centre)
    expect(centre.locator("ul.team")).to_contain_text("港 さくら")
    petition = action(centre, "申立ての準備を始める")
    petition.get_by_label("類型").select_option(label="後見")
    petition.get_by_label("申立人").select_option(label="市町村長（市長申立て）")
    petition.get_by_label("家庭裁判所").select_option(index=1)
    petition.get_by_label("申立費用の助成（成年後見制度利用支援事業）").check()
    petition.get_by_role("button", name="始める").click()
    recorded(centre)
    # The documents checklist: nine statuses, one submit.
    documents = centre.locator("table.checklist select")
    expect(documents).to_have_count(9)
    for row in range(9):
        documents.nth(row).select_option(label="そろった")
    centre.get_by_role("button", name="書類の状況を保存する").click()
    expect(centre.locator(".message.success")).to_contain_text("書類の状況を保存しました")
    centre.get_by_role("button", name="候補者調整へ進む").click()
    recorded(centre)
    centre.get_by_role("link", name="案件の一覧へ").click()
    schedule = action(centre, "候補者調整会議を設定する")
    schedule.locator("input[name=matters]").first.check()
    schedule.get_by_label("日時").fill(f"{timezone.localdate() + datetime.timedelta(days=1):%Y-%m-%d}T10:00")
    schedule.get_by_role("button", name="設定する").click()
    expect(centre.locator("main")).to_contain_text("類型: 市民後見人（この案件に合う度合い）")
    shot(centre, "05-matching-meeting")
    first = centre.locator("li.proposal").first
    expect(first).to_contain_text("港 花子")
    first.get_by_label("決定の理由").fill("自宅に近く、認知症の方の支援の経験がある")
    first.get_by_role("button", name="この候補者に決める").click()
    centre.locator("li.proposal").first.get_by_role("button", name="受任を内諾した").click()
    recorded(centre)
    centre.get_by_role("link", name=re.compile("案件 1")).click()
    filing = action(centre, "申立てを記録する")
    today = timezone.localdate()  # filing and ruling happened: never after today; typed in 和暦 once
    filing.get_by_label("日付").fill(wareki(today))
    filing.get_by_role("button", name="記録する").click()
    recorded(centre)
    ruling = action(centre, "審判を記録する")
    ruling.get_by_label("審判").select_option(label="選任")
    ruling.get_by_label("日付").fill(today.isoformat())
    ruling.get_by_role("button", name="記録する").click()
    recorded(centre)
    expect(centre.locator("main")).to_contain_text("港 花子")
    assert Appointment.objects.get().candidate.user == guardian
    assert GuardianshipMatter.objects.get().state == "appointed"
    # The guardian appears in the case team.
    plaza.goto(f"/cases/{case.pk}/")
    expect(plaza.locator("main")).to_contain_text("港 花子")
    expect(plaza.locator("main")).to_contain_text("後見人等")

    # 5. The privacy officer: the person's access report shows every step; the chain verifies.
    privacy = open_as("demo_privacy")
    privacy.locator("#main").get_by_role("link", name="開示請求の本人を特定する", exact=True).first.click()
    privacy.get_by_label(re.compile("氏名")).first.fill(NAME)
    privacy.get_by_role("button", name=re.compile("検索")).click()
    privacy.get_by_role("link", name="アクセス報告").click()
    report = privacy.locator("main")
    for step in (
        "気付きを受け付けました",
        "関係機関に情報を共有しました",
        "会議の議事録と決定を記録しました",
        "つなぎの状態を変更しました",
        "権利擁護・成年後見の案件を受け付けました",
        "案件の状態を変更しました",
    ):
        expect(report).to_contain_text(step)
    shot(privacy, "06-access-report")
    # The print button works without an inline handler (static/js/tsunagu.js binds it).
    privacy.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    privacy.get_by_role("button", name="印刷").click()
    assert privacy.evaluate("() => window.printed") == 1
    privacy.goto("/")
    privacy.locator("#main").get_by_role("link", name="監査記録を検証する", exact=True).first.click()
    privacy.get_by_role("button", name="今すぐ検証する").click()
    expect(privacy.locator("main")).to_contain_text("改ざんは検出されませんでした")


def test_a_commissioner_pasting_someone_elses_case_gets_an_audited_refusal(people, open_as, concern):
    others = concern(identity={"name": "別人 一郎"}, actor=people.staff, reporter_kind="neighbour")
    page = open_as("demo_commissioner", PHONE)
    response = page.goto(f"/cases/{others.pk}/")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("権限")
    expect(page.locator("main")).not_to_contain_text("別人")
    shot(page, "07-refusal-phone")
    assert AuditEvent.objects.filter(
        event="case.denied", actor=people.commissioner, case_id=str(others.pk)
    ).exists()
