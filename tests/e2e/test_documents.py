"""Documents to print in Chromium: the meeting page's 印刷用PDF answers with the meeting record as
a PDF (its text holds the minutes and who printed it); the matter page's checklist is one form."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User
from cases.models import Case, CaseState
from guardianship.models import GuardianshipMatter
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, referrals and matters)


@pytest.fixture
def meeting(people, demo_data):  # noqa: F811
    case = Case.objects.get(state=CaseState.REFERRED, lead_organisation=demo_data.plaza)
    return case.meetings.exclude(held_at=None).get()


def test_the_meeting_page_prints_its_record_as_a_pdf(open_as, meeting):
    page = open_as("demo_plaza", DESKTOP)
    page.goto(f"/cases/meetings/{meeting.pk}/")
    link = page.get_by_role("link", name="印刷用PDF")
    expect(link).to_be_visible()
    shot(page, "meeting-print-link-desktop")
    with page.expect_response(lambda response: response.url.endswith("/record.pdf")) as answer:
        link.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["cache-control"] == "no-store"
    page.wait_for_url("**/record.pdf")
    page.wait_for_timeout(3000)  # the viewer draws the page: for the screenshot only
    shot(page, "meeting-record-pdf-desktop")
    # The bytes themselves, asked for again in the same session (Chromium's viewer keeps them).
    pdf = page.request.get(response.url)
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace("\n", "")
    assert meeting.minutes.splitlines()[0][:20] in text
    assert f"印刷者: {User.objects.get(username='demo_plaza')}" in text


def test_the_meeting_page_on_a_phone_offers_the_pdf_within_the_screen(open_as, meeting):
    page = open_as("demo_plaza", PHONE)
    page.goto(f"/cases/meetings/{meeting.pk}/")
    expect(page.get_by_role("link", name="印刷用PDF")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "meeting-print-link-phone")


def test_an_outsider_gets_no_meeting_and_no_print_link(open_as, meeting):
    # The demo's commissioner attends its meetings now; an appointed guardian does not.
    page = open_as("demo_guardian", PHONE)
    response = page.goto(f"/cases/meetings/{meeting.pk}/")
    assert response.status == 403
    expect(page.get_by_role("link", name="印刷用PDF")).to_have_count(0)
    assert page.goto(f"/cases/meetings/{meeting.pk}/record.pdf").status == 403
    shot(page, "meeting-print-refused-outsider-phone")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_matter_page_saves_the_checklist_in_one_submit_and_offers_the_drafts(
    open_as,
    people,
    demo_data,  # noqa: F811
    viewport,
    name,
):
    matter = GuardianshipMatter.objects.filter(state="candidate_matching").order_by("opened_at").first()
    page = open_as("demo_coordinator", viewport)
    page.goto(f"/guardianship/matters/{matter.pk}/")
    expect(page.get_by_role("link", name="本人情報シート（下書き）")).to_be_visible()
    expect(page.get_by_role("link", name="申立事情説明書（下書き）")).to_be_visible()
    save = page.get_by_role("button", name="書類の状況を保存する")
    expect(save).to_have_count(1)
    page.get_by_label("診断書").select_option("requested")
    page.get_by_label("住民票").select_option("not_applicable")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"matter-documents-{name}")
    save.click()
    expect(page.get_by_text("書類の状況を保存しました。")).to_be_visible()
    expect(page.get_by_label("診断書")).to_have_value("requested")
    expect(page.get_by_label("住民票")).to_have_value("not_applicable")
    expect(page.get_by_label("申立書", exact=True)).to_have_value("received")
