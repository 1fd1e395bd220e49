"""Urgent paths in Chromium: a commissioner reports a 至急 concern on a phone and is told what to do
now; the ward office finds it at the top of its inbox on a desktop and takes it before any plaza
has; the plaza then sees the ward leading. A refusal offers break-glass to the ward caseworker,
not to the plaza; the privacy officer records a finding on the access."""

import re

from playwright.sync_api import Page, expect

from cases.models import BreakGlassAccess, Case, CaseState
from tests.e2e.conftest import DESKTOP, PHONE, shot


def fits(page: Page, viewport: dict) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_a_commissioner_reports_an_urgent_concern_and_the_ward_takes_it_first(people, open_as, concern):
    older = concern()  # a routine concern of the plaza's, reported earlier

    # On the phone: the concern, marked 至急.
    phone = open_as("demo_commissioner", PHONE)
    phone.goto("/cases/concerns/new/")
    phone.get_by_label("けがやあざがある").check()
    phone.get_by_label("高齢者虐待の疑い").check()
    phone.get_by_label("至急（命や安全にかかわる）").check()
    phone.get_by_label("氏名（分かれば）").fill("佐藤 ハナ")
    phone.get_by_label("様子（自由記入）").fill("夜に大きな声が聞こえ、腕にあざがあった。")
    phone.get_by_role("button", name="プラザに送る").click()

    # What to do now: 119 / 110 first, then the plaza's and the ward office's numbers.
    expect(phone).to_have_url(re.compile(r"/cases/concerns/[0-9a-f-]+/urgent/$"))
    case = Case.objects.exclude(pk=older.pk).get()
    main = phone.locator("main")
    expect(main.get_by_role("link", name=re.compile("^119"))).to_have_attribute("href", "tel:119")
    expect(main.get_by_role("link", name=re.compile("^110"))).to_have_attribute("href", "tel:110")
    for org in (people.plaza, people.ward):
        expect(main.get_by_role("link", name=re.compile(org.phone))).to_contain_text(org.name)
    expect(main).to_contain_text(case.reference)
    expect(main).not_to_contain_text("プラザに届きました")
    fits(phone, PHONE)
    shot(phone, "urgent-reporter-phone")

    # At the ward office: the urgent case tops the inbox, above nothing of the plaza's routine intake.
    ward = open_as("demo_ward", DESKTOP)
    ward.goto("/cases/inbox/")
    first = ward.locator("ul.case-list > li").first
    expect(first).to_contain_text(case.reference)
    expect(first).to_contain_text("緊急")
    expect(ward.locator("main")).not_to_contain_text(older.reference)
    shot(ward, "urgent-ward-inbox-desktop")
    first.get_by_role("link").click()
    ward.get_by_role("button", name="区役所が主担当として引き受ける").click()
    expect(ward.locator(".message.success")).to_contain_text("記録しました")
    expect(ward.locator("dl.facts").first).to_contain_text(people.ward.name)
    shot(ward, "urgent-ward-taken-desktop")
    case.refresh_from_db()
    assert (case.state, case.lead_organisation) == (CaseState.SHARING, people.ward)

    # The plaza still lists it, led by the ward, and may no longer accept it.
    plaza = open_as("demo_plaza", PHONE)
    plaza.goto("/cases/inbox/")
    row = plaza.locator("ul.case-list > li").filter(has_text=case.reference)
    expect(row).to_contain_text(people.ward.name)
    shot(plaza, "urgent-plaza-inbox-phone")
    row.get_by_role("link").click()
    expect(plaza.locator("main")).not_to_contain_text("主担当として受け付ける")
    fits(plaza, PHONE)
    shot(plaza, "urgent-plaza-sees-ward-lead-phone")


def test_a_refusal_offers_break_glass_to_the_ward_and_the_review_records_a_finding(people, open_as, concern):
    case = concern()  # the plaza's intake: the ward holds no grant

    commissioner = open_as("demo_commissioner", PHONE)
    response = commissioner.goto(f"/cases/{case.pk}/")
    assert response.status == 403
    expect(commissioner.locator("main")).not_to_contain_text("緊急アクセス")
    fits(commissioner, PHONE)
    shot(commissioner, "refusal-plain-phone")

    ward = open_as("demo_ward", DESKTOP)
    response = ward.goto(f"/cases/{case.pk}/")
    assert response.status == 403
    shot(ward, "refusal-break-glass-desktop")
    ward.get_by_role("link", name="緊急アクセスを申請する").click()
    ward.get_by_label("緊急アクセスの理由").fill("夜間に救急搬送され、家族の連絡先が必要")
    ward.get_by_role("button", name="閲覧を開始する").click()
    expect(ward.locator("main")).to_contain_text("佐々木 トメ")

    officer = open_as("demo_privacy", DESKTOP)
    officer.goto("/cases/break-glass/reviews/")
    access = BreakGlassAccess.objects.get()
    row = officer.locator(f"#access-{access.pk}")
    row.get_by_label("要確認").check()
    row.get_by_role("button", name="確認の結果を記録する").click()
    row = officer.locator(f"#access-{access.pk}")
    expect(row).to_contain_text("何を確認するのかをメモに書いてください")
    expect(row.get_by_label("要確認")).to_be_checked()  # what was chosen stays
    shot(officer, "break-glass-review-error-desktop")
    row.get_by_label("メモ").fill("搬送記録と照合する")
    row.get_by_role("button", name="確認の結果を記録する").click()
    expect(officer.locator(".message.success")).to_contain_text("確認の結果を記録しました")
    row = officer.locator(f"#access-{access.pk}")
    expect(row).to_contain_text("要確認")
    expect(row).to_contain_text("搬送記録と照合する")
    shot(officer, "break-glass-review-desktop")
    access.refresh_from_db()
    assert (access.finding, access.finding_note) == ("needs_follow_up", "搬送記録と照合する")
