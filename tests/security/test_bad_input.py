"""Input that once answered 500: a clear, translated error instead, nothing changed, and the
submitted value never echoed into a log."""

import logging

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import BreakGlassAccess
from guardianship.models import MonitoringReport, PetitionDocument
from tests.guardianship.conftest import matter  # noqa: F401 (fixture)
from tests.screens import browser, follow_post
from tests.workflow import shared_on_consent, take


@pytest.mark.parametrize("access", ["not-a-uuid'--", "", "01a235de-4978-75ef-bf6d-f2bdabe50de2"])
def test_reviewing_an_emergency_access_that_is_not_there_says_so(world, caplog, access):
    caplog.set_level(logging.DEBUG)
    html = follow_post(browser(world.privacy), reverse("cases:break_glass_reviews"), {"access": access})
    assert "確認する緊急アクセスが見つかりません" in html
    assert not BreakGlassAccess.objects.filter(reviewed_at__isnull=False).exists()
    if access:
        assert access not in caplog.text


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("schedule_report", {"due_on": "2027-01-31"}, "後見人等が選任されていないため"),
        (
            "documents",
            {"petition_form": "received", "initial-petition_form": "needed"},
            "申立ての準備がまだ記録されていません",
        ),
    ],
)
def test_a_matter_action_before_its_time_is_refused_with_the_reason(world, matter, action, data, message):  # noqa: F811
    updates = AuditEvent.objects.filter(event="guardianship.updated").count()
    url = reverse(f"guardianship:matter_{action}", args=[matter.pk])
    html = follow_post(browser(world.coordinator), url, data)
    assert message in html
    assert not MonitoringReport.objects.exists() and not PetitionDocument.objects.exists()
    assert AuditEvent.objects.filter(event="guardianship.updated").count() == updates


@pytest.mark.parametrize(
    "name",
    [
        "case_consent",
        "case_schedule_watch_visit",
        "case_disclose",
        "case_schedule_meeting",
        "case_decide",
        "case_conclude",
        "case_close",
        "case_reopen",
    ],
)
def test_who_may_only_see_a_case_is_refused_an_action_before_the_form_is_read(world, concern, name):
    """An agency the case was disclosed to sees it; an empty form to an action of the lead's or a
    contributor's is refused (403, audited) as a filled one would be — not answered with what
    the form wanted."""
    case = take(world, concern())
    shared_on_consent(world, case, world.agency, ["identity"])
    agency = browser(world.agency_worker)
    assert agency.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    denied = AuditEvent.objects.filter(event="case.denied").count()
    assert agency.post(reverse(f"cases:{name}", args=[case.pk]), {}).status_code == 403
    assert AuditEvent.objects.filter(event="case.denied").count() == denied + 1
