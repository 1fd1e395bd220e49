"""Agreements in Chromium: the ward office registers one (a wrong period refused, what was typed
kept) and issues a reporting code on a desktop; a newspaper shop's delivery round reports on a
phone with the code and no account; the plaza reads the report on its phone with the agreement it
came under; plaza staff have no entry to the registry and are refused at its address."""

import re

from playwright.sync_api import expect

from accounts.models import Organisation, OrganisationKind
from cases.models import Concern
from tests.e2e.conftest import DESKTOP, PHONE, shot


def test_an_agreement_its_code_a_report_on_a_phone_and_the_plaza_reading_it(people, open_as, new_context):
    Organisation.objects.create(
        name="はまかぜ新聞販売店", kind=OrganisationKind.BUSINESS, municipality=people.demo.municipality
    )
    ward = open_as("demo_ward", DESKTOP)
    ward.get_by_role("link", name="協定").first.click()
    ward.get_by_label("協定の種類").select_option(label="見守り協定")
    ward.get_by_label("協定の名称").fill("地域の見守り活動に関する協定")
    ward.get_by_label("協定の相手方").select_option(label="はまかぜ新聞販売店")
    ward.get_by_label("対象の地域").select_option(index=1)
    ward.get_by_label("本人確認（氏名・ふりがな・生年月日）").check()
    for label in ("保管の方法", "取り扱う者", "名簿などの返却・廃棄", "漏えいなどの報告"):
        ward.get_by_label(label).fill(f"{label}の条項")
    ward.get_by_label("有効期間の始まり").fill("令和8年4月1日")
    ward.get_by_label("有効期間の終わり").fill("2026-03-31")
    ward.get_by_role("button", name="登録する").click()
    expect(ward.get_by_role("alert").first).to_contain_text("有効期間の終わりは、始まりより後の日付")
    expect(ward.get_by_label("協定の名称")).to_have_value("地域の見守り活動に関する協定")
    expect(ward.get_by_label("保管の方法")).to_have_value("保管の方法の条項")
    ward.get_by_label("有効期間の始まり").fill("2025-04-01")
    ward.get_by_label("有効期間の終わり").fill("")
    ward.get_by_role("button", name="登録する").click()
    expect(ward.get_by_role("heading", level=1)).to_contain_text("地域の見守り活動に関する協定")
    ward.get_by_label("用途").fill("配達員用")
    ward.get_by_role("button", name="コードを発行する").click()
    code = ward.locator("p.code strong").inner_text()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code)
    shot(ward, "agreement-desktop")

    phone = new_context(PHONE).new_page()
    phone.goto("/cases/report/")
    expect(phone).to_have_url(re.compile(r"/cases/report/code/$"))
    phone.get_by_label("報告用コード").fill(code.lower().replace("-", " "))
    phone.get_by_role("button", name="コードを確かめる").click()
    expect(phone.get_by_text("はまかぜ新聞販売店（地域の見守り活動に関する協定）")).to_be_visible()
    phone.get_by_role("button", name="報告する").click()  # nothing noticed: refused, nothing sent
    expect(phone.get_by_role("alert").first).to_contain_text("気付いたこと・様子のどちらか")
    phone.get_by_label("郵便物や新聞がたまっている").check()
    phone.get_by_label("地区").select_option(label=people.district.name)
    phone.get_by_label("場所（住所・建物名・目印）").fill("3丁目 ひまわり荘 102")
    phone.get_by_label("様子（自由記入）").fill("新聞が4日分たまっている。")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_role("button", name="報告する").click()
    expect(phone.get_by_role("status")).to_contain_text("受け付けました")
    expect(phone.get_by_text("ひまわり荘")).to_have_count(0)
    shot(phone, "report-phone")

    plaza = open_as("demo_plaza", PHONE)
    reported = Concern.objects.get(credential__isnull=False).case
    plaza.goto("/cases/inbox/")
    expect(plaza.locator("main")).to_contain_text(reported.reference)
    plaza.goto(f"/cases/{reported.pk}/")
    expect(
        plaza.get_by_text("協定による報告：地域の見守り活動に関する協定（はまかぜ新聞販売店）")
    ).to_be_visible()
    shot(plaza, "report-on-case-page-phone")
    plaza.locator("summary", has_text="メニュー").click()
    expect(plaza.get_by_role("link", name="協定", exact=True)).to_have_count(0)
    assert plaza.goto("/cases/agreements/").status == 403
