"""A professional association's member at this week's matching meeting, in Chromium: the meeting
shows only the confidentiality undertaking until they acknowledge it, then the agenda with the
candidates proposed, and no decision forms (the demo's meeting; issue 19, part 4)."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from guardianship.models import MatchingAcknowledgement, MatchingMeeting
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, referrals and matters)

SHOTS = Path("/tmp/shots-assoc")  # noqa: S108 (the screenshots the brief asks to look at)


@pytest.mark.parametrize(
    ("username", "viewport", "name"), [("demo_bar", PHONE, "phone"), ("demo_ward", DESKTOP, "desktop")]
)
def test_an_association_attendee_acknowledges_and_sees_the_meeting(
    people,
    open_as,
    demo_data,  # noqa: F811
    username,
    viewport,
    name,
):
    meeting = MatchingMeeting.objects.order_by("scheduled_for").last()
    page = open_as(username, viewport)
    page.goto(f"/guardianship/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", name="守秘義務の確認")).to_be_visible()
    expect(page.locator("ol.proposals")).to_have_count(0)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(shot(page, f"matching-acknowledge-{name}"), SHOTS / f"acknowledge-{name}.png")

    page.get_by_role("button", name="守秘義務を確認しました").click()
    expect(page.get_by_role("heading", name="守秘義務の確認")).to_have_count(0)
    expect(page.locator("ol.proposals")).to_have_count(2)
    expect(page.locator("li.proposal").first).to_be_visible()
    expect(page.get_by_role("button", name="この候補者に決める")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shutil.copy(shot(page, f"matching-attendee-{name}"), SHOTS / f"attendee-{name}.png")
    assert MatchingAcknowledgement.objects.filter(meeting=meeting, user__username=username).exists()
