"""Support meetings through the API (issue 21): read as the meeting page shows them, and acted on
with the page's own forms and services (cases.actions.MEETING_ACTIONS) — an attendee's
acknowledgement, the lead's attendees, guests, record, amendments and action items — each only
where the page offers it, refused and recorded before the body is read everywhere else."""

import datetime
import json
import uuid

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import Scope
from audit.models import AuditEvent
from cases.models import CaseState, MeetingGuest
from tests.api.test_tokens_and_concerns import issue
from tests.screens import browser
from tests.statements import assert_reads_once
from tests.workflow import support_meeting, take

BOTH = (Scope.CASES_READ, Scope.CASES_ACT)


def act(key: str, meeting, action: str, body):
    return Client().post(
        reverse(f"api:meeting_{action}", args=[meeting.pk]),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def form_of(key: str, meeting, action: str):
    return Client().get(
        reverse(f"api:meeting_{action}", args=[meeting.pk]), HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def read(key: str, meeting_id):
    return Client().get(reverse("api:meeting", args=[meeting_id]), HTTP_AUTHORIZATION=f"Bearer {key}")


def test_from_invitation_to_record_through_the_api(world, concern, soon):
    case = take(world, concern())
    meeting = support_meeting(world, case, soon)
    lead = issue(world, world.staff, world.plaza, scopes=BOTH)[1]
    commissioner = issue(world, world.commissioner, scopes=BOTH)[1]

    # The lead asks the commissioner, chosen from the form's own choices.
    choices = {f["name"]: f for f in form_of(lead, meeting, "add_attendee").json()["fields"]}["attendee"]
    assert world.commissioner.pk in {c["value"] for c in choices["choices"]}
    asked = act(lead, meeting, "add_attendee", {"attendee": world.commissioner.pk})
    assert asked.status_code == 200, asked.content
    assert asked.json()["record"]["type"] == "meetingattendance"
    # A guest without an account, then their paper undertaking; a second time it is no choice.
    guest = act(lead, meeting, "add_guest", {"name": "架空 一郎", "relation": "長男", "standing": "resident"})
    assert guest.status_code == 200, guest.content
    guest_id = guest.json()["record"]["id"]
    assert act(lead, meeting, "guest_acknowledged", {"guest": guest_id}).status_code == 200
    assert MeetingGuest.objects.get(pk=guest_id).paper_acknowledged_at is not None
    again = act(lead, meeting, "guest_acknowledged", {"guest": guest_id})
    assert again.status_code == 400 and "guest" in again.json()["errors"]

    # The commissioner, asked but not yet bound by confidentiality, sees what it is, not its content.
    invited = read(commissioner, meeting.pk).json()
    assert (invited["attending"], invited["acknowledged"], invited["content"]) == (True, False, None)
    assert invited["actions"] == ["acknowledge"] and invited["confidentiality"]
    # Recording the meeting is the lead's: refused, recorded, before the body is even read.
    assert act(commissioner, meeting, "hold", "not even an object").status_code == 403
    assert AuditEvent.objects.filter(event="case.denied", actor=world.commissioner).count() == 1
    assert act(commissioner, meeting, "acknowledge", {}).status_code == 200
    bound = read(commissioner, meeting.pk).json()
    assert bound["acknowledged"] and bound["content"]["guests"][0]["relation"] == "長男"

    # The record of the meeting: the case's version, the page's checks, then the service's.
    case.refresh_from_db()
    assert {f["name"]: f["initial"] for f in form_of(lead, meeting, "hold").json()["fields"]}["version"] == (
        case.version
    )
    record = {
        "version": case.version,
        "minutes": "長男と面談した。",
        "decision": CaseState.WATCHING,
        "reason": "見守りで足りる",
        "action": "郵便受けを見る",
    }
    no_owner = act(lead, meeting, "hold", record)
    assert no_owner.status_code == 400  # an action item needs its owner and due date
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    record |= {"action_owner": world.commissioner.pk, "action_due": due}
    assert act(lead, meeting, "hold", record | {"version": case.version - 1}).status_code == 409
    held = act(lead, meeting, "hold", record)
    assert held.status_code == 200, held.content
    case.refresh_from_db()
    assert held.json()["case"] == {"id": str(case.pk), "state": case.state, "version": case.version}
    meeting.refresh_from_db()
    assert meeting.is_held and meeting.minutes == "長男と面談した。"

    # Held: attendees no more; amendments (at the count read, else a conflict) and items instead.
    assert set(read(lead, meeting.pk).json()["actions"]) == {"amend", "add_item"}
    assert form_of(lead, meeting, "add_attendee").status_code == 403
    late = act(lead, meeting, "add_guest", {"name": "架空", "relation": "近隣", "standing": "resident"})
    assert late.status_code == 422 and late.json()["code"] == "already_held"  # the lead's, too late
    amend = {"minutes": "長男・長女と面談した。", "reason": "出席者の漏れ", "amendments": 0}
    assert act(lead, meeting, "amend", amend).status_code == 200
    assert act(lead, meeting, "amend", amend).status_code == 409
    item = {"description": "長女に電話する", "owner": world.staff.pk, "due_on": due}
    assert act(lead, meeting, "add_item", item).json()["record"]["type"] == "actionitem"
    content = read(lead, meeting.pk).json()["content"]
    assert content["minutes"] == "長男・長女と面談した。"
    assert [a["previous_minutes"] for a in content["amendments"]] == ["長男と面談した。"]
    assert [d["outcome"] for d in content["decisions"]] == [CaseState.WATCHING]
    assert {i["description"] for i in content["action_items"]} == {"郵便受けを見る", "長女に電話する"}
    viewed = AuditEvent.objects.filter(event="case.viewed", actor=world.staff).latest("sequence")
    assert {"meeting.minutes", "decision.reason", "action_item.description"} <= set(json.loads(viewed.fields))
    assert "長男" not in viewed.fields + viewed.params


def test_no_one_else_reads_a_meeting_or_learns_whether_it_exists(world, concern, soon):
    meeting = support_meeting(world, take(world, concern()), soon)
    other = issue(world, world.other_staff, scopes=BOTH)[1]
    assert read(other, meeting.pk).status_code == 403
    assert read(other, uuid.uuid4()).status_code == 403  # the same answer for none at all
    assert (
        act(
            other, meeting, "add_guest", {"name": "架空", "relation": "長男", "standing": "resident"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(event="case.denied", actor=world.other_staff).count() == 3
    assert not MeetingGuest.objects.filter(meeting=meeting).exists()
    # Without the scope, even the lead is refused.
    read_only = issue(world, world.staff, world.plaza, scopes=[Scope.CASES_READ])[1]
    assert (
        act(
            read_only, meeting, "add_guest", {"name": "架空", "relation": "長男", "standing": "resident"}
        ).status_code
        == 403
    )


def test_the_meeting_and_its_case_are_read_once_each(world, concern, soon):
    """Attendees, guests, decisions, items and the case's consents and grants with their rows."""
    case = take(world, concern())
    meeting = support_meeting(world, case, soon, attendees=[(world.agency_worker, world.agency)])
    lead = browser(world.staff)
    for name in ("一", "二", "三"):
        lead.post(
            reverse("api:meeting_add_guest", args=[meeting.pk]),
            {"name": name, "relation": "親族", "standing": "resident"},
            content_type="application/json",
        )
    assert MeetingGuest.objects.filter(meeting=meeting).count() == 3
    assert_reads_once(lead, reverse("api:meeting", args=[meeting.pk]))
    assert_reads_once(lead, reverse("api:case", args=[case.pk]))
