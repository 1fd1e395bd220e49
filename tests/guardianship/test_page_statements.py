"""The centre's pages read once what they show (tests/statements.py)."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from guardianship import services
from guardianship.models import GuardianCandidate, MatchProposal
from tests.guardianship.conftest import to_matching
from tests.screens import browser, page
from tests.statements import assert_reads_once
from tests.workflow import opened_days_ago


@pytest.fixture
def appointed(world, matter, candidate):
    """A matter whose matching meeting proposed candidates and chose one, and whose ruling appointed
    them: agenda items with proposals, a petition with its documents, an appointment, a report due."""
    for kind in ("citizen", "social_worker", "corporate"):
        candidate(kind)
    matter = to_matching(world, matter)
    meeting = services.schedule_matching_meeting(
        actor=world.coordinator,
        matters=[matter],
        scheduled_for=datetime.datetime(2026, 12, 3, 5, tzinfo=datetime.UTC),
    )
    first = meeting.items.get().proposals.get(rank=1)
    services.choose_candidate(actor=world.coordinator, proposal=first, reason="自宅に近い")
    services.record_candidate_answer(actor=world.coordinator, proposal=first, accepted=True)
    matter = opened_days_ago(matter, 120)
    matter = services.file_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        filed_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    matter = services.record_ruling(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=True,
        ruled_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    assert matter.state == "appointed"
    return matter, meeting


def test_the_matter_page_as_coordinator(world, appointed):
    matter, _ = appointed
    html = assert_reads_once(browser(world.coordinator), reverse("guardianship:matter", args=[matter.pk]))
    assert "候補 citizen" in html and "内諾" in html  # the guardian, and the proposals with their status


def test_the_centre_home(world, matter):
    to_matching(world, matter)  # a matter in matching: the meeting form is offered
    html = assert_reads_once(browser(world.coordinator), reverse("guardianship:home"))
    assert 'name="attendees"' in html and "うち市長申立て" in html


def test_the_matching_meeting_page(world, appointed):
    _, meeting = appointed
    html = assert_reads_once(browser(world.coordinator), reverse("guardianship:meeting", args=[meeting.pk]))
    assert "候補 citizen" in html


def test_the_pages_that_show_candidates_record_their_names_read(world, appointed):
    """The matter page (its guardian), the matching meeting (its proposals) and the pool each
    record one ``guardianship.candidates_viewed`` with the number of candidates shown."""
    matter, meeting = appointed
    client = browser(world.coordinator)
    shown = [
        (reverse("guardianship:matter", args=[matter.pk]), matter.appointments.count()),
        (
            reverse("guardianship:meeting", args=[meeting.pk]),
            MatchProposal.objects.filter(item__meeting=meeting).count(),
        ),
        (reverse("guardianship:candidates"), GuardianCandidate.objects.count()),
    ]
    for url, count in shown:
        last = AuditEvent.objects.order_by("-sequence").first().sequence
        page(client.get(url))
        events = list(AuditEvent.objects.filter(sequence__gt=last, event="guardianship.candidates_viewed"))
        assert [(json.loads(e.params), json.loads(e.fields), e.actor) for e in events] == [
            ({"count": count}, ["name"], world.coordinator)
        ], url
    viewed = AuditEvent.objects.filter(event="guardianship.viewed").latest("sequence")
    assert (viewed.target_id, viewed.organisation_id) == (str(matter.pk), matter.centre_id)
    assert "name" in json.loads(viewed.fields) and viewed.purpose == "case_work"
