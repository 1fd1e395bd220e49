"""The inbox taken away in Chromium: the link above the list downloads the Excel file of the tab
shown, which reads back with the list's case numbers and names; on a phone the link is there too."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, shot


def test_a_plaza_worker_takes_the_inbox_as_excel(people, open_as, concern):
    cases = [concern(identity={"name": f"書出 {n}"}) for n in range(3)]
    desktop = open_as("demo_plaza", DESKTOP)
    desktop.goto("/cases/inbox/")
    expect(desktop.locator(".case-list li")).to_have_count(3)
    with desktop.expect_download() as downloading:
        desktop.get_by_role("link", name="この一覧をExcelで書き出す").click()
    rows = list(load_workbook(io.BytesIO(downloading.value.path().read_bytes())).worksheets[0].values)
    assert {row[0]: row[1] for row in rows[1:]} == {case.reference: case.person.name for case in cases}
    shot(desktop, "inbox-export-desktop")
    phone = open_as("demo_plaza", PHONE)
    phone.goto("/cases/inbox/")
    expect(phone.get_by_role("link", name="この一覧をExcelで書き出す")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "inbox-export-phone")


def test_the_centre_takes_its_candidate_pool_as_excel(people, open_as):
    from guardianship.services import register_candidate

    register_candidate(
        actor=people.coordinator, kind="lawyer", name="候補 弁護", max_caseload=5, areas=[people.district]
    )
    centre = open_as("demo_coordinator", DESKTOP)
    centre.goto("/guardianship/candidates/")
    with centre.expect_download() as downloading:
        centre.get_by_role("link", name="名簿をExcelで書き出す").click()
    rows = list(load_workbook(io.BytesIO(downloading.value.path().read_bytes())).worksheets[0].values)
    assert [row[0] for row in rows[1:]] == ["候補 弁護"]
    shot(centre, "candidates-export-desktop")
