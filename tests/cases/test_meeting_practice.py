"""Meetings as practice holds them (issue 19, parts 2 and 4): a commissioner and guests without
accounts attend, each acknowledging confidentiality (a guest on paper); the undertaking follows the
meeting's basis; minutes are amended keeping every version; a meeting has as many action items as
it needs, each done with a one-line result that its doer may take back for a day; a commissioner
given a watch visit records it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.exceptions import CaseRuleError, Conflict
from cases.models import ActionItem, CaseState, MeetingGuest, MeetingKind, MinutesAmendment, WatchVisit
from cases.models.meetings import confidentiality_text
from cases.selectors import meeting_attendees
from cases.services import lifecycle, meetings
from notifications.models import Kind, Notification
from tests.documents import fields_of, params_of
from tests.screens import browser, page
from tests.workflow import decided, support_meeting, take


@pytest.fixture
def meeting(world, concern, soon):
    """A 支援会議 on a case the demo plaza leads, not yet held."""
    return support_meeting(world, take(world, concern()), soon)


def commissioner_attends(world, meeting):
    ((user, organisation),) = meeting_attendees([world.commissioner])
    return meetings.add_meeting_attendee(
        actor=world.staff, meeting=meeting, user=user, organisation=organisation
    )


def held(world, meeting, **extra):
    case = meeting.case
    case.refresh_from_db()
    meetings.hold_meeting(
        actor=world.staff,
        meeting=meeting,
        expected_version=case.version,
        minutes="長男と面談した。",
        decision=CaseState.WATCHING,
        reason="見守りで足りる",
        **extra,
    )
    meeting.refresh_from_db()
    return meeting


# --- attendees ------------------------------------------------------------------------------------


def test_a_commissioner_attends_acknowledges_and_then_sees_the_meeting(world, meeting):
    attendance = commissioner_attends(world, meeting)
    commissioner = browser(world.commissioner)
    url = reverse("cases:meeting_detail", args=[meeting.pk])
    before = page(commissioner.get(url))
    assert "社会福祉法第106条の6" in before and "長男" not in before and 'id="attendees"' not in before
    commissioner.post(url, {"acknowledge": "1"})
    attendance.refresh_from_db()
    assert attendance.acknowledged_at is not None
    after = page(commissioner.get(url))
    assert 'id="attendees"' in after and "守秘義務を確認済み" in after


def test_only_the_lead_adds_attendees_and_only_before_the_meeting(world, meeting):
    ((user, organisation),) = meeting_attendees([world.commissioner])
    with pytest.raises(PermissionDenied):
        meetings.add_meeting_attendee(
            actor=world.other_staff, meeting=meeting, user=user, organisation=organisation
        )
    commissioner_attends(world, meeting)
    with pytest.raises(CaseRuleError, match="すでに出席者"):
        commissioner_attends(world, meeting)
    assert meeting.attendances.count() == 1


def test_a_guest_is_recorded_and_the_meeting_waits_for_their_paper_undertaking(world, meeting):
    guest = meetings.add_meeting_guest(
        actor=world.staff, meeting=meeting, name="佐々木 一郎", relation="長男", standing="resident"
    )
    with pytest.raises(CaseRuleError, match="守秘義務の確認をしていない出席者"):
        held(world, meeting)
    assert not meeting.decisions.exists()
    meetings.record_guest_acknowledgement(actor=world.staff, guest=guest)
    held(world, meeting)
    assert meeting.is_held
    added = AuditEvent.objects.get(event="case.meeting_guest_added")
    assert fields_of(added) == ["guest.name", "guest.relation"] and "佐々木" not in str(added.params)


def test_a_guest_without_name_or_relation_is_refused_and_nothing_is_saved(world, meeting):
    with pytest.raises(CaseRuleError, match="氏名と、本人との関係"):
        meetings.add_meeting_guest(
            actor=world.staff, meeting=meeting, name="  ", relation="主治医", standing="professional"
        )
    with pytest.raises(CaseRuleError, match="住民として出席するのか"):
        meetings.add_meeting_guest(
            actor=world.staff, meeting=meeting, name="山田", relation="主治医", standing=""
        )
    with pytest.raises(PermissionDenied):
        meetings.add_meeting_guest(
            actor=world.other_staff, meeting=meeting, name="山田", relation="主治医", standing="professional"
        )
    assert not MeetingGuest.objects.exists()


def test_the_undertaking_follows_the_basis_and_the_kind(world, meeting):
    assert "社会福祉法第106条の6" in confidentiality_text(meeting)
    meeting.legal_basis = world.basis["consent"]
    meeting.kind = MeetingKind.INDIVIDUAL_CASE
    assert "本人の同意に基づいて" in confidentiality_text(meeting)
    assert "第106条の6" not in confidentiality_text(meeting)
    meeting.kind = MeetingKind.COMMUNITY_CARE
    assert "介護保険法第115条の48" in confidentiality_text(meeting)


# --- minutes ----------------------------------------------------------------------------------------


def test_amended_minutes_keep_each_earlier_version(world, meeting):
    held(world, meeting)
    meetings.amend_minutes(
        actor=world.staff,
        meeting=meeting,
        minutes="長男と長女と面談した。",
        reason="出席者の記載漏れ",
        expected_amendments=0,
    )
    meetings.amend_minutes(
        actor=world.staff,
        meeting=meeting,
        minutes="長男・長女と面談。",
        reason="表現の整理",
        expected_amendments=1,
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "長男・長女と面談。"
    versions = list(MinutesAmendment.objects.filter(meeting=meeting).order_by("amended_at"))
    assert [v.previous_minutes for v in versions] == ["長男と面談した。", "長男と長女と面談した。"]
    assert [v.reason for v in versions] == ["出席者の記載漏れ", "表現の整理"]
    assert all(v.amended_by == world.staff for v in versions)
    event = AuditEvent.objects.filter(event="case.minutes_amended").latest("sequence")
    assert params_of(event)["version"] == 3 and "長男" not in str(event.params)
    html = page(browser(world.staff).get(reverse("cases:meeting_detail", args=[meeting.pk])))
    assert "長男・長女と面談。" in html and "長男と面談した。" in html and "表現の整理" in html


def test_an_amendment_on_a_stale_page_is_a_conflict_and_bad_ones_change_nothing(world, meeting):
    with pytest.raises(CaseRuleError, match="会議を記録したあとで"):
        meetings.amend_minutes(
            actor=world.staff, meeting=meeting, minutes="x", reason="y", expected_amendments=0
        )
    held(world, meeting)
    meetings.amend_minutes(
        actor=world.staff, meeting=meeting, minutes="一", reason="a", expected_amendments=0
    )
    with pytest.raises(Conflict):
        meetings.amend_minutes(
            actor=world.staff, meeting=meeting, minutes="二", reason="b", expected_amendments=0
        )
    with pytest.raises(CaseRuleError, match="修正の理由"):
        meetings.amend_minutes(
            actor=world.staff, meeting=meeting, minutes="二", reason=" ", expected_amendments=1
        )
    with pytest.raises(PermissionDenied):
        meetings.amend_minutes(
            actor=world.other_staff, meeting=meeting, minutes="二", reason="b", expected_amendments=1
        )
    meeting.refresh_from_db()
    assert meeting.minutes == "一" and meeting.amendments.count() == 1


# --- action items ----------------------------------------------------------------------------------


def test_a_meeting_has_any_number_of_items_each_for_an_attendee_or_the_lead(world, meeting):
    commissioner_attends(world, meeting)
    meetings.acknowledge_confidentiality(actor=world.commissioner, meeting=meeting)
    due = timezone.localdate() + datetime.timedelta(days=7)
    held(world, meeting, action_items=[("長男に電話する", world.staff, due)])
    meetings.add_action_item(
        actor=world.staff, meeting=meeting, description="郵便受けを見る", owner=world.commissioner, due_on=due
    )
    meetings.add_action_item(
        actor=world.staff, meeting=meeting, description="地域包括に相談", owner=world.staff, due_on=due
    )
    assert meeting.action_items.count() == 3
    assert Notification.objects.filter(recipient=world.commissioner, kind=Kind.ACTION_ITEM_ASSIGNED).exists()
    with pytest.raises(CaseRuleError, match="会議の出席者か主担当の組織の職員"):
        meetings.add_action_item(
            actor=world.staff, meeting=meeting, description="x", owner=world.ward_worker, due_on=due
        )
    with pytest.raises(CaseRuleError, match="内容を入力"):
        meetings.add_action_item(
            actor=world.staff, meeting=meeting, description=" ", owner=world.staff, due_on=due
        )
    assert meeting.action_items.count() == 3


def test_done_asks_for_a_result_and_is_undone_within_a_day_by_its_doer(world, meeting):
    due = timezone.localdate() + datetime.timedelta(days=7)
    held(world, meeting, action_items=[("長男に電話する", world.staff, due)])
    item = meeting.action_items.get()
    with pytest.raises(CaseRuleError, match="結果を一行で"):
        meetings.complete_action_item(actor=world.staff, item=item, result="  ")
    item.refresh_from_db()
    assert item.done_at is None
    meetings.complete_action_item(actor=world.staff, item=item, result="電話がつながり、来週訪問の約束")
    item.refresh_from_db()
    assert item.result == "電話がつながり、来週訪問の約束" and item.done_by == world.staff
    assert fields_of(AuditEvent.objects.get(event="case.action_item_done")) == ["action_item.result"]
    meetings.undo_action_item(actor=world.staff, item=item)
    item.refresh_from_db()
    assert item.done_at is None and item.result is None
    meetings.complete_action_item(actor=world.staff, item=item, result="訪問した")
    ActionItem.objects.filter(pk=item.pk).update(
        done_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    item.refresh_from_db()
    with pytest.raises(CaseRuleError, match="1日以内"):
        meetings.undo_action_item(actor=world.staff, item=item)
    item.refresh_from_db()
    assert item.done_at is not None and item.result == "訪問した"


def test_the_tasks_page_says_what_for_whom_from_which_meeting(world, meeting):
    due = timezone.localdate() - datetime.timedelta(days=1)
    held(world, meeting, action_items=[("長男に電話する", world.staff, due)])
    html = page(browser(world.staff).get(reverse("cases:my_tasks")))
    items = html.split('id="items"')[1].split("</section>")[0]
    assert "長男に電話する" in items and "佐々木 トメ" in items and "期限切れ" in items
    assert reverse("cases:meeting_detail", args=[meeting.pk]) in items
    (event,) = [
        e for e in AuditEvent.objects.filter(event="case.viewed") if "action_item.description" in fields_of(e)
    ]
    assert event.case_id == str(meeting.case_id)


# --- watch visits ----------------------------------------------------------------------------------


def test_a_commissioner_who_attended_is_given_a_watch_visit_and_records_it(world, concern, soon):
    case = take(world, concern())
    meeting = support_meeting(world, case, soon)
    commissioner_attends(world, meeting)
    meetings.acknowledge_confidentiality(actor=world.commissioner, meeting=meeting)
    held(world, meeting)
    case.refresh_from_db()
    case = lifecycle.decide(
        actor=world.staff, case=case, expected_version=case.version, outcome=CaseState.WATCHING
    )
    due = timezone.localdate()
    visit = lifecycle.schedule_watch_visit(
        actor=world.staff, case=case, due_on=due, assigned_to=world.commissioner
    )
    # Another commissioner, who never attended, cannot be given it; another plaza cannot record it.
    with pytest.raises(PermissionDenied):
        lifecycle.record_watch_visit(actor=world.other_staff, visit=visit, note="x")
    commissioner = browser(world.commissioner)
    tasks = page(commissioner.get(reverse("cases:my_tasks")))
    assert "見守り訪問を記録する" in tasks
    response = commissioner.post(
        reverse("cases:watch_visit_record", args=[visit.pk]),
        {"visited_on": due.isoformat(), "note": "元気そう"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.visited_on == due and visit.note == "元気そう"


def test_a_commissioner_who_never_attended_is_not_given_a_watch_visit(world, concern, soon):
    case = decided(world, take(world, concern()), CaseState.WATCHING, soon)
    with pytest.raises(CaseRuleError, match="会議に出席した民生委員"):
        lifecycle.schedule_watch_visit(
            actor=world.staff, case=case, due_on=timezone.localdate(), assigned_to=world.commissioner
        )
    assert not WatchVisit.objects.exists()


def test_the_record_of_a_meeting_starts_with_no_decision_chosen(world, meeting):
    """A lead who leaves the decision as the form came records nothing: no outcome is preselected
    (the browser would otherwise send the first, つなぎ済み)."""
    client = browser(world.staff)
    url = reverse("cases:meeting_detail", args=[meeting.pk])
    html = page(client.get(url))
    select = html[html.index('name="decision"') : html.index("</select>", html.index('name="decision"'))]
    assert select.index('<option value="" selected>') < select.index('value="referred"')
    meeting.case.refresh_from_db()
    answer = client.post(
        url, {"hold": "1", "version": meeting.case.version, "minutes": "検討した", "reason": "理由"}
    )
    assert answer.status_code == 200 and "検討した" in page(answer)  # what was typed, kept
    meeting.refresh_from_db()
    assert not meeting.is_held
