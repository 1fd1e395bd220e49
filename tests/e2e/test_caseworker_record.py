"""The caseworker's record in Chromium, on a phone and on a desktop: a plaza worker finds the case
by the person's name in the inbox, opens it, corrects the kana, adds the son to the household,
writes two progress entries and corrects one — and the commissioner who reported it sees none of
that."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Person, ProgressEntry
from tests.e2e.conftest import DESKTOP, PHONE, shot

SON = "佐々木 一郎"
FIRST, SECOND = "長男に電話。週末なら同席できる。", "自宅を訪問。食事は取れている。"
CORRECTED = "長男に電話。土曜の午後なら同席できる。"


def recorded(page: Page, text: str) -> None:
    expect(page.locator(".message.success")).to_contain_text(text)


def write_progress(page: Page, kind: str, text: str) -> None:
    panel = page.locator("details.action").filter(has=page.locator("summary", has_text="支援経過を記録する"))
    panel.locator("summary").click()
    panel.get_by_label(kind, exact=True).check()  # the form loads into the panel
    panel.get_by_label("相手", exact=True).select_option(label="家族・親族")
    panel.get_by_label("内容").fill(text)
    panel.get_by_role("button", name="記録する").click()
    recorded(page, "支援経過を記録しました")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_days_record_of_a_case(people, open_as, concern, viewport, name):
    case = concern()  # the commissioner's report: 佐々木 トメ, mail piling up
    plaza = open_as("demo_plaza", viewport)

    # Found by the person's name in the inbox, opened, taken on.
    plaza.goto("/cases/inbox/")
    plaza.get_by_role("link", name=re.compile("佐々木 トメ")).first.click()
    expect(plaza).to_have_url(re.compile(f"/cases/{case.pk}/$"))
    plaza.get_by_role("button", name="主担当として受け付ける").click()
    recorded(plaza, "記録しました")

    # The kana corrected, the son added to the household as a person of his own.
    plaza.get_by_role("link", name="本人の情報を変更").click()
    plaza.get_by_label("ふりがな").fill("ささき とみ")  # was ささき とめ
    plaza.get_by_role("button", name="保存する").click()
    expect(plaza.locator("main")).to_contain_text("ささき とみ")
    plaza.get_by_role("link", name="世帯員を登録").click()
    plaza.get_by_label("氏名").fill(SON)
    plaza.get_by_label("続柄（本人から見て）").select_option(label="子")
    plaza.get_by_role("button", name="登録する").click()
    expect(plaza.locator("main")).to_contain_text(SON)

    # Two progress entries; the first corrected: both versions stay, the earlier struck through.
    write_progress(plaza, "電話", FIRST)
    write_progress(plaza, "訪問", SECOND)
    entry = plaza.locator("article.progress-entry").filter(has_text=FIRST)
    entry.get_by_role("link", name="この記録を訂正する").click()
    plaza.get_by_label("内容").fill(CORRECTED)
    plaza.get_by_label("訂正の理由").fill("聞き取った内容の誤り")
    plaza.get_by_role("button", name=re.compile("訂正")).click()
    recorded(plaza, "支援経過を訂正しました")
    corrected = plaza.locator("article.progress-entry").filter(has_text=CORRECTED)
    expect(corrected.locator("del")).to_contain_text(FIRST)
    expect(corrected).to_contain_text("が訂正")
    expect(plaza.locator("main")).to_contain_text(SECOND)
    assert plaza.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(plaza, f"caseworker-record-{name}")
    assert ProgressEntry.objects.filter(case=case).count() == 3
    assert Person.objects.count() >= 2

    # The commissioner who reported it: their own words, nothing that came later.
    commissioner = open_as("demo_commissioner", viewport)
    commissioner.goto("/cases/concerns/mine/")
    mine = commissioner.locator("main")
    expect(mine).to_contain_text("佐々木 トメ")
    for later in ("ささき とみ", SON, FIRST, SECOND, CORRECTED):
        expect(mine).not_to_contain_text(later)
    response = commissioner.goto(f"/cases/{case.pk}/")
    body = commissioner.locator("main")
    for later in (SON, FIRST, SECOND, CORRECTED):
        expect(body).not_to_contain_text(later)
    assert response is not None and response.status == 403  # the case page is not the reporter's
    shot(commissioner, f"caseworker-record-commissioner-{name}")
