"""The guardianship centre in Chromium, on a phone and on a desktop: why a candidate was not
proposed, and a matter ended with its reason (the demo's third matter, in candidate matching)."""

import pytest
from playwright.sync_api import expect

from guardianship import services
from guardianship.models import GuardianshipMatter
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, referrals and matters)


@pytest.fixture
def waiting(people, demo_data):  # noqa: F811
    """The demo matter still waiting for the meeting's decision, and a candidate whose caseload is
    full (so never proposed)."""
    services.register_candidate(
        actor=people.coordinator,
        kind="social_worker",
        name="満杯 一郎",
        areas=[people.demo.ward],
        max_caseload=3,
        caseload=3,
    )
    return GuardianshipMatter.objects.filter(state="candidate_matching").order_by("opened_at").last()


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_centre_sees_why_a_candidate_is_out_and_ends_a_matter_with_its_reason(
    open_as, waiting, viewport, name
):
    page = open_as("demo_coordinator", viewport)
    page.goto(f"/guardianship/matters/{waiting.pk}/")
    expect(page.get_by_role("heading", name="チーム", exact=True)).to_be_visible()
    expect(page.locator("ul.team li").first).to_contain_text("主担当の相談支援者")

    page.get_by_role("link", name="候補にならなかった人とその理由").click()
    row = page.locator("li.excluded-candidate").filter(has_text="満杯 一郎")
    expect(row).to_contain_text("受任できる件数に達している（3／3件）")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"guardianship-excluded-{name}")

    page.go_back()
    page.get_by_text("案件を終える（取りやめ・死亡・転居など）", exact=True).click()
    page.get_by_label("終了の理由").select_option(label="本人の転居（担当地域の外へ）")
    page.get_by_label("終了についてのメモ").fill("県外の長女の家へ転居した")
    expect(page.get_by_label("取下げの許可日")).to_have_count(0)  # not filed: no permission asked
    page.get_by_role("button", name="終える").click()
    expect(page.locator(".message.success")).to_contain_text("記録しました")
    expect(page.locator(".state").first).to_have_text("終了")
    expect(page.locator(".end-reason")).to_contain_text("本人の転居（担当地域の外へ）")
    expect(page.locator(".end-reason")).to_contain_text("県外の長女の家へ転居した")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"guardianship-ended-{name}")
    waiting.refresh_from_db()
    assert (waiting.state, waiting.end_reason) == ("ended", "moved")
