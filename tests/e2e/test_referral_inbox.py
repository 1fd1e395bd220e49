"""The agency's inbox in Chromium, on a phone and on a desktop: the agency worker comes from the
home page, switches tabs, filters, pages through more than 50 referrals; the privacy officer is
refused and not linked to it."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from referrals.models import ReferralState
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.referrals.conftest import received_in_bulk  # noqa: F401 (the referrals, made as rows)


@pytest.fixture
def inbox(people, received_in_bulk):  # noqa: F811
    received_in_bulk(53, name="依頼")
    received_in_bulk(2, state=ReferralState.ACCEPTED, name="引受")
    received_in_bulk(1, urgent=True, name="至急")
    return people


def _fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_agency_switches_tabs_filters_and_pages(open_as, inbox, viewport, name):
    page = open_as("demo_agency", viewport)
    page.locator("#main").get_by_role("link", name="つなぎの受付", exact=True).click()
    expect(page.get_by_role("heading", name="自機関あてのつなぎ")).to_be_visible()
    tabs = page.get_by_role("navigation", name="状況")
    expect(tabs.get_by_role("link", name=re.compile("未対応"))).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name=re.compile("未対応"))).to_contain_text("54")
    expect(page.locator(".referral-list li")).to_have_count(50)
    expect(page.get_by_text("至急 000")).to_be_visible()  # the newest first
    expect(page.get_by_text("1 / 2")).to_be_visible()
    _fits(page, viewport)
    shot(page, f"referral-inbox-agency-{name}")

    page.get_by_role("link", name="次へ").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".referral-list li")).to_have_count(4)
    expect(page.get_by_text("依頼 000")).to_be_visible()  # the oldest last
    expect(page.get_by_text("2 / 2")).to_be_visible()
    shot(page, f"referral-inbox-agency-page2-{name}")

    tabs.get_by_role("link", name=re.compile("対応中")).click()
    expect(page).not_to_have_url(re.compile(r"page="))  # a tab starts at its first page
    expect(tabs.get_by_role("link", name=re.compile("対応中"))).to_have_attribute("aria-current", "page")
    expect(page.locator(".referral-list li")).to_have_count(2)
    expect(page.get_by_text("引受 001")).to_be_visible()
    expect(page.get_by_text("担当者:").first).to_be_visible()
    _fits(page, viewport)
    shot(page, f"referral-inbox-agency-accepted-{name}")

    tabs.get_by_role("link", name=re.compile("未対応")).click()
    page.get_by_text("絞り込み・並び順").click()
    page.get_by_label("緊急度").select_option("urgent")
    page.get_by_role("button", name="表示する").click()
    expect(page.locator(".referral-list li")).to_have_count(1)
    expect(page.locator(".referral-list li.urgent")).to_contain_text("至急 000")
    _fits(page, viewport)
    shot(page, f"referral-inbox-agency-urgent-{name}")
    # The list as filtered, taken away: the file reads back with the one row shown.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="この一覧をExcelで書き出す").click()
    rows = list(load_workbook(io.BytesIO(downloading.value.path().read_bytes())).worksheets[0].values)
    assert [row[1] for row in rows[1:]] == ["至急 000"]


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_privacy_officer_is_refused_and_not_linked(open_as, inbox, viewport, name):
    page = open_as("demo_privacy", viewport)
    expect(page.get_by_role("link", name=re.compile("つなぎ"))).to_have_count(0)
    response = page.goto("/referrals/")
    assert response.status == 403
    expect(page.get_by_text("依頼")).to_have_count(0)
    shot(page, f"referral-inbox-refused-{name}")
