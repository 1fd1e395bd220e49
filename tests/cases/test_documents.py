"""The support-team meeting's record, printed (docs/documents.md): a PDF of what its page shows,
for those who may read it, with who printed it on every page; an audited read."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Consent, MeetingKind
from cases.services import meetings, sharing
from tests.documents import fields_of, last_printed, params_of, pdf_text
from tests.screens import browser
from tests.workflow import take

MINUTES = "本人は自宅での生活を希望。長男と週一回の面談を続ける。"
AGENDA = "見守りと受診の調整"
REASON = "障害福祉サービスの検討が必要"
TASK = "受診同行の日程を調整する"


@pytest.fixture
def held(world, concern, soon):
    """A meeting with an attendee from the あんしんセンター who acknowledged, held, minutes and all."""
    case = take(world, concern())
    consent = sharing.record_consent(
        actor=world.staff,
        case=case,
        purpose=Consent.Purpose.MEETING,
        recipients=[world.anshin],
        method=Consent.Method.ORAL,
    )
    meeting = meetings.schedule_meeting(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        kind=MeetingKind.INDIVIDUAL_CASE,
        legal_basis=world.basis["consent"],
        consent=consent,
        scheduled_for=soon,
        attendees=[(world.staff, world.plaza), (world.anshin_worker, world.anshin)],
        agenda=AGENDA,
    )
    meetings.acknowledge_confidentiality(actor=world.anshin_worker, meeting=meeting)
    case.refresh_from_db()
    meetings.hold_meeting(
        actor=world.staff,
        meeting=meeting,
        expected_version=case.version,
        minutes=MINUTES,
        decision="referred",
        reason=REASON,
        action_items=[(TASK, world.anshin_worker, datetime.date(2026, 12, 10))],
    )
    meeting.refresh_from_db()
    return meeting


def url(meeting) -> str:
    return reverse("cases:meeting_record_pdf", args=[meeting.pk])


def test_the_meeting_record_holds_the_minutes_and_who_printed_it_on_every_page(world, held):
    response = browser(world.staff).get(url(held))
    text = pdf_text(response)
    for shown in (MINUTES, AGENDA, REASON, TASK, "支援会議の記録", held.case.reference):
        assert shown in text.replace("\n", ""), shown
    # Attendees with their acknowledgement; the footer names the printing user and their plaza.
    assert f"{world.anshin_worker} {world.anshin.name} 確認済み" in text
    assert re.search(
        rf"印刷者: {re.escape(str(world.staff))}（{world.plaza.name}） \d{{4}}-\d\d-\d\d \d\d:\d\d", text
    )
    assert "1 / 1" in text
    # No personal data in the name of the file: the case's number and the meeting's day.
    filename = unquote(response["Content-Disposition"])
    assert f"meeting-record_{held.case.reference}_" in filename
    assert "佐々木" not in filename


def test_printing_is_an_audited_read_naming_the_document_and_its_fields_only(world, held):
    before = AuditEvent.objects.count()
    browser(world.anshin_worker).get(url(held))  # an attendee who acknowledged reads it too
    printed = last_printed("case.printed")
    assert printed.actor == world.anshin_worker
    assert params_of(printed) == {"document": "meeting_record"}
    assert fields_of(printed) == sorted(
        ["meeting.agenda", "meeting.minutes", "decision.reason", "action_item.description"]
    )
    assert (printed.case_id, printed.person_id) == (str(held.case_id), str(held.case.person_id))
    # The page's own read is recorded too, and no event carries a value of the record.
    assert AuditEvent.objects.filter(sequence__gt=before, event="case.viewed").exists()
    for event in AuditEvent.objects.filter(sequence__gt=before):
        for value in (MINUTES, AGENDA, REASON, TASK, "佐々木"):
            assert value not in event.fields + event.params


@pytest.mark.parametrize("who", ["agency_worker", "other_staff", "commissioner", "privacy"])
def test_who_may_not_read_the_meeting_is_refused_recorded(world, held, who):
    denied = AuditEvent.objects.filter(event="case.denied").count()
    response = browser(getattr(world, who)).get(url(held))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert AuditEvent.objects.filter(event="case.denied").count() == denied + 1
    assert not AuditEvent.objects.filter(event="case.printed").exists()


def test_an_attendee_who_has_not_acknowledged_opens_the_page_but_may_not_print(world, concern, soon):
    case = take(world, concern())
    meeting = meetings.schedule_meeting(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        kind=MeetingKind.SUPPORT_MEETING,
        legal_basis=world.basis["swa-106-6"],
        reference="第3回",
        scheduled_for=soon,
        attendees=[(world.anshin_worker, world.anshin)],
        agenda=AGENDA,
    )
    attendee = browser(world.anshin_worker)
    page = attendee.get(reverse("cases:meeting_detail", args=[meeting.pk])).content.decode()
    assert "確認しました" in page and url(meeting) not in page  # no link where no document is theirs
    assert attendee.get(url(meeting)).status_code == 403
    last = AuditEvent.objects.latest("sequence")
    assert (last.event, params_of(last)) == ("case.denied", {"action": "print_meeting_record"})
    # The lead's page offers the link.
    assert (
        url(meeting)
        in browser(world.staff).get(reverse("cases:meeting_detail", args=[meeting.pk])).content.decode()
    )
