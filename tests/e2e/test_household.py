"""A household over time in Chromium, on a phone and on a desktop: a plaza worker finds the son,
registered earlier, by his name and adds him to his mother's household, then records that he
moved out — he stays on the case page, folded under 以前の世帯員 — and the commissioner who reported
the case is refused both pages."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.models import HouseholdMember
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, shot
from tests.workflow import take

SON = "佐々木 健一"


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_son_added_from_the_register_then_moved_out(people, open_as, concern, make_person, viewport, name):
    case = take(people, concern())  # 佐々木 トメ's case, led by the demo plaza
    son = make_person(name=SON, kana="ささき けんいち", birth_date=datetime.date(1972, 6, 1))
    plaza = open_as("demo_plaza", viewport)
    plaza.goto(f"/cases/{case.pk}/")

    # Added from the register: found by his name, chosen among the people found.
    plaza.get_by_role("link", name="登録済みの人を世帯員に加える").click()
    expect(plaza).to_have_url(re.compile(f"/cases/{case.pk}/household/existing/$"))
    plaza.get_by_label("氏名・ふりがな・電話番号・生年月日で探す").fill("ささき けんいち")
    plaza.get_by_role("button", name="探す").click()
    found = plaza.get_by_role("group", name="世帯員に加える人")
    expect(found).to_contain_text("佐々木 健一（ささき けんいち） · 1972-06-01（昭和47年6月1日）")
    shot(plaza, f"household-existing-found-{name}")
    expect(plaza.get_by_label("氏名・ふりがな・電話番号・生年月日で探す")).to_have_value("ささき けんいち")
    found.get_by_label(re.compile(SON)).check()
    plaza.get_by_label("続柄（本人から見て）").select_option(label="子")
    plaza.get_by_label("介護・世話をしている").check()
    assert plaza.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    plaza.get_by_role("button", name="世帯員に加える").click()
    expect(plaza.locator(".message.success")).to_contain_text("世帯員に加えました。")
    household = plaza.locator("section.household")
    expect(household.locator("ul.people").first).to_contain_text(SON)
    household.screenshot(path=str(ARTIFACTS / f"household-current-section-{name}.png"))
    membership = HouseholdMember.objects.get(person=son)
    assert membership.relation == "child" and membership.is_carer

    # He moved out: a day in the future is refused, with what was typed kept.
    household.get_by_role("link", name=re.compile(f"^世帯を離れた\\W*{SON}$")).click()
    expect(plaza).to_have_url(re.compile(f"/cases/{case.pk}/household/{membership.pk}/end/$"))
    expect(plaza.locator("main")).to_contain_text(f"{SON}（子）が世帯を離れた日を記録します。")
    left_on = plaza.get_by_label("世帯を離れた日")
    left_on.fill("2999-01-01")
    plaza.get_by_role("button", name="記録する").click()
    expect(plaza.get_by_text("今日より後の日付は入力できません。")).to_be_visible()
    expect(left_on).to_have_value("2999-01-01")
    left_on.fill("平成31年3月31日")
    shot(plaza, f"household-end-{name}")
    plaza.get_by_role("button", name="記録する").click()
    expect(plaza.locator(".message.success")).to_contain_text("世帯を離れたことを記録しました。")
    former = household.locator("details.former-members")
    expect(former.locator("summary")).to_have_text("以前の世帯員（1人）")
    expect(former.get_by_text(SON)).to_be_hidden()  # folded away
    former.locator("summary").click()
    expect(former).to_contain_text("〜2019-03-31")
    expect(former.get_by_text(SON)).to_be_visible()
    expect(household.get_by_role("link", name=re.compile("世帯を離れた"))).to_have_count(0)
    assert plaza.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(plaza, f"household-former-{name}")
    household.screenshot(path=str(ARTIFACTS / f"household-former-section-{name}.png"))
    assert HouseholdMember.objects.get(pk=membership.pk).ended_on == datetime.date(2019, 3, 31)

    # The commissioner who reported the concern: neither page, nor the son's name.
    commissioner = open_as("demo_commissioner", viewport)
    for url in (f"/cases/{case.pk}/household/existing/", f"/cases/{case.pk}/household/{membership.pk}/end/"):
        response = commissioner.goto(url)
        assert response is not None and response.status == 403, url
        expect(commissioner.locator("main")).not_to_contain_text(SON)
    shot(commissioner, f"household-commissioner-{name}")
