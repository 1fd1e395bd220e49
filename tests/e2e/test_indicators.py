"""The indicators page in Chromium, as a ward caseworker on a desktop and a commissioner on a
phone: the chart and its table, the Excel file downloaded and read back with the same numbers."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.indicators.test_contacts import generated
from tests.indicators.test_pipeline import made_matters


def test_a_ward_caseworker_reads_the_chart_and_takes_the_excel_file(people, open_as):
    generated(people)
    ward = open_as("demo_ward", DESKTOP)
    ward.goto("/")
    ward.get_by_role("link", name="計画の指標").first.click()
    expect(ward.locator("#indicator-contacts figure.chart svg[role=img] rect.bar")).to_have_count(12)
    totals = ward.locator("#contacts-by-counterpart tfoot td")
    on_page = [int(n) for n in totals.all_inner_texts()]
    assert on_page[-1] > 0
    shot(ward, "indicators-desktop")
    with ward.expect_download() as downloading:
        ward.locator("#indicator-contacts").get_by_role("link", name="Excelで書き出す").click()
    book = load_workbook(io.BytesIO(downloading.value.path().read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][0] == "計" and list(rows[-1][1:5]) == on_page

    # The indicators counted from the cases: a row per district of the ward, each indicator's
    # definition and its districts side by side behind its code.
    expect(ward.locator("#districts-table tbody tr")).to_have_count(14)
    ward.locator("#indicator-1-2 summary").click()
    expect(ward.locator("#indicator-1-2 figure.chart rect.bar")).to_have_count(14)
    shot(ward, "indicators-districts-desktop")

    commissioner = open_as("demo_commissioner", PHONE)
    commissioner.goto("/indicators/")
    expect(commissioner.locator("#contacts-by-counterpart tbody tr")).to_have_count(1)  # their district
    expect(commissioner.locator("#districts-table tbody tr")).to_have_count(1)
    assert commissioner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(commissioner, "indicators-phone")


def test_the_centre_reads_the_guardianship_track_and_a_ward_office_its_protected_figures(
    people, open_as, make_person, make_case
):
    made_matters(people, make_person, make_case)
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        centre = open_as("demo_coordinator", size)
        centre.goto("/")
        if size is PHONE:
            centre.locator("summary", has_text="メニュー").click()
        centre.get_by_role("link", name="計画の指標").first.click()
        section = centre.locator("#guardianship-pipeline")
        expect(section.locator("figure.chart svg[role=img]")).to_have_count(4)
        expect(section.locator("#pipeline-rule")).to_contain_text("秘匿なし")
        expect(section.get_by_role("row", name="市町村長（市長申立て）")).to_have_count(1)
        section.scroll_into_view_if_needed()
        assert centre.evaluate("document.documentElement.scrollWidth") <= size["width"]
        shot(centre, f"indicators-pipeline-{name}")
    ward = open_as("demo_ward", DESKTOP)
    ward.goto("/indicators/")
    expect(ward.locator("#pipeline-rule")).to_contain_text("5未満")
    ward.locator("#guardianship-pipeline").scroll_into_view_if_needed()
    shot(ward, "indicators-pipeline-ward-desktop")


def test_the_trends_over_five_years_with_their_charts_and_file(people, open_as, make_person, make_case):
    generated(people)
    made_matters(people, make_person, make_case)
    ward = open_as("demo_ward", DESKTOP)
    ward.goto("/indicators/")
    ward.get_by_role("link", name="年度の推移を見る（この年度までの5年）").click()
    expect(ward.locator("#trends-table tbody tr")).to_have_count(12)
    expect(ward.locator("#trends figure.chart svg[role=img]")).to_have_count(12)
    on_page = ward.locator("#trends-table tbody tr").first.locator("td").all_inner_texts()[:5]
    shot(ward, "indicators-trends-desktop")
    with ward.expect_download() as downloading:
        ward.get_by_role("link", name="Excelで書き出す").click()
    rows = list(load_workbook(io.BytesIO(downloading.value.path().read_bytes())).worksheets[0].values)
    assert [str(n) for n in rows[1][2:7]] == on_page
    commissioner = open_as("demo_commissioner", PHONE)
    commissioner.goto("/indicators/trends/")
    expect(commissioner.locator("#trends figure.chart")).to_have_count(12)
    assert commissioner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(commissioner, "indicators-trends-phone")
