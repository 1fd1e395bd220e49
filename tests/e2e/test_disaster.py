"""Disaster mode in Chromium: the ward office lists a person and assigns a supporter on a desktop
and declares a disaster; the supporter, on a phone, marks three safety checks (sent to the API by
the page's script); the ward's coverage view shows them; the plaza, told of the disaster, sees the
declaration and nobody's name."""

from playwright.sync_api import expect

from accounts.models import User
from disaster import services
from disaster.models import ConsentMethod, ConsentStatus, SafetyCheck
from tests.e2e.conftest import DESKTOP, PHONE, shot


def test_a_supporter_marks_three_checks_on_a_phone_and_the_ward_sees_them(people, open_as):
    supporter = User.objects.get(username="demo_supporter")
    names = ["安否 一郎", "安否 二郎", "安否 三子"]
    for number, name in enumerate(names):
        registration = services.register_for_list(
            actor=people.ward_worker,
            office=people.ward,
            area=people.district,
            name=name,
            address=f"つなぐ市はまかぜ区1-2-{number}",
            care_level="4",
            consent=ConsentStatus.GIVEN,
            consent_method=ConsentMethod.WRITTEN,
            consent_on=registration_day(),
        )
        services.save_plan(
            actor=people.ward_worker,
            registration=registration,
            expected_version=0,
            supporter_1="隣の 鈴木さん",
            supporter_2="自治会防災部",
            destination="はまかぜ小学校",
        )
        if number:
            services.assign_checker(actor=people.ward_worker, registration=registration, user=supporter)

    # The ward office assigns the first person's checker on the person's page, and declares.
    ward = open_as("demo_ward", DESKTOP)
    ward.get_by_role("link", name="避難行動要支援者名簿").first.click()
    ward.get_by_role("link", name=names[0]).click()
    ward.get_by_label("安否確認の担当").select_option(label=f"{supporter}（中小来川自治会）")
    ward.get_by_role("button", name="担当にする").click()
    expect(ward.locator("#checkers")).to_contain_text(str(supporter))
    ward.get_by_role("link", name="← 避難行動要支援者名簿に戻る").click()
    ward.get_by_label("災害の種類").select_option(label="地震")
    ward.get_by_label("名称").fill("震度6弱の地震")
    ward.get_by_label("対象の地域").select_option(label=people.district.name)
    ward.get_by_role("button", name="宣言する").click()
    expect(ward.locator(".message").first).to_contain_text("災害の発生を宣言しました")

    phone = open_as("demo_supporter", PHONE)
    phone.goto("/disaster/checks/")
    cards = phone.locator("article.check")
    expect(cards).to_have_count(3)
    for name, status in zip(names, ["無事", "要支援", "避難済み"], strict=True):
        card = cards.filter(has_text=name)
        card.get_by_label(status).check()
        if status == "要支援":
            card.get_by_label("メモ").fill("足をけが。付き添いが必要。")
        card.get_by_role("button", name="記録する").click()
        expect(card.locator("[data-status]")).to_contain_text("記録しました: ")
        expect(card.locator("[data-status]")).to_contain_text(status)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "safety-checks-phone")
    assert SafetyCheck.objects.count() == 3  # written by the API, once each
    phone.reload()  # what the server holds, not what the script wrote
    expect(cards.filter(has_text=names[1]).locator("[data-status]")).to_contain_text("要支援")

    ward.get_by_role("link", name="宣言を開く").click()
    expect(ward.locator("#coverage")).to_contain_text("確認済み 3 人")
    expect(ward.locator("#checks")).to_contain_text(names[1])  # 要支援: named for the office, with the note
    expect(ward.locator("#checks")).to_contain_text("足をけが。付き添いが必要。")
    shot(ward, "coverage-desktop")

    plaza = open_as("demo_plaza", PHONE)
    plaza.goto("/notifications/")
    plaza.get_by_role("button", name="災害の発生が宣言されました").first.click()
    expect(plaza.get_by_role("heading", level=1)).to_contain_text("震度6弱の地震")
    expect(plaza.locator("main")).not_to_contain_text(names[1])
    assert plaza.goto("/disaster/").status == 403


def registration_day():
    from django.utils import timezone

    return timezone.localdate()
