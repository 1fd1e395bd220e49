"""The case page in Chromium, on a phone and on a desktop: the lead plaza worker's full page (the
demo's referred case) and the page an agency sees of what was shared with it."""

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseState
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, referrals and matters)


@pytest.fixture
def referred(people, demo_data):  # noqa: F811
    return Case.objects.get(state=CaseState.REFERRED, lead_organisation=demo_data.plaza)


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_lead_sees_the_whole_case_and_its_actions(open_as, referred, viewport, name):
    page = open_as("demo_plaza", viewport)
    page.goto(f"/cases/{referred.pk}/")
    expect(page.get_by_role("heading", name="本人")).to_be_visible()
    expect(page.get_by_text(referred.person.name)).to_be_visible()
    for heading in ("気付き", "経過", "会議", "同意", "情報共有とアクセス", "つなぎ", "次の段階へ進む前に"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator(".timeline li").first).to_be_visible()
    expect(page.get_by_text("記録済み（つなぎ済み）")).to_be_visible()  # the meeting's decision
    # The actions the lead may take, each a form that opens in place.
    actions = (
        "同意を記録する",
        "関係機関と情報を共有する",
        "関係機関につなぐ（下書きを作る）",
        "ケースを取り下げる",
    )
    for title in actions:
        expect(page.get_by_text(title, exact=True)).to_be_visible()
    page.get_by_text("関係機関と情報を共有する", exact=True).click()
    recipient = page.locator("#disclose-recipient")
    expect(recipient).to_be_visible()
    assert recipient.locator("option").count() > 5
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"case-page-lead-{name}")


def test_an_agency_sees_only_what_was_shared_and_no_actions(open_as, referred):
    page = open_as("demo_agency", PHONE)
    page.goto(f"/cases/{referred.pk}/")
    expect(page.get_by_role("heading", name="本人")).to_be_visible()  # identity was shared
    expect(page.get_by_role("heading", name="気付き", exact=True)).to_be_visible()  # and the concern
    expect(page.get_by_role("heading", name="経過")).to_be_visible()
    for lead_only in ("情報共有とアクセス", "つなぎ", "同意"):
        expect(page.get_by_role("heading", name=lead_only, exact=True)).to_have_count(0)
    expect(page.locator("details.action")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "case-page-agency-phone")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_lead_withdraws_a_case_saying_it_was_registered_in_error(open_as, referred, viewport, name):
    page = open_as("demo_plaza", viewport)
    page.goto(f"/cases/{referred.pk}/")
    page.get_by_text("ケースを取り下げる", exact=True).click()
    page.get_by_label("取り下げの理由").fill("同じ方の気付きが二重に登録されていた")
    page.get_by_role("button", name="取り下げる").click()
    # No kind chosen: the browser asks for one before anything is sent (the server's own error
    # for a client that sends none: tests/cases/test_workflow.py), the reason stays as typed.
    kind = page.locator("input[name=kind]").first
    expect(kind).to_be_visible()
    assert kind.evaluate("radio => radio.validity.valueMissing")
    expect(page.get_by_label("取り下げの理由")).to_have_value("同じ方の気付きが二重に登録されていた")
    referred.refresh_from_db()
    assert referred.state == CaseState.REFERRED
    shot(page, f"case-withdraw-form-{name}")
    page.get_by_label("誤って登録した（重複・人違いなど。指標に数えない）").check()
    page.get_by_role("button", name="取り下げる").click()
    expect(page.locator("h1 .state")).to_have_text("取り下げ")
    referred.refresh_from_db()
    assert (referred.state, referred.withdrawal_kind) == (CaseState.WITHDRAWN, "in_error")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"case-withdrawn-{name}")
