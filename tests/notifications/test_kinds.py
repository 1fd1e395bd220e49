"""Each kind of notification users need is written when the real thing happens, through the
services, to the people who need it — not to the actor, who knows, nor to anyone else."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.exceptions import CaseRuleError
from cases.models import ActionItem, CaseState
from cases.services import intake, lifecycle, meetings, sharing
from cases.vocabulary import Urgency
from guardianship import services as guardianship
from notifications.models import Kind, Notification
from referrals import services as referrals
from tests.guardianship.conftest import to_matching
from tests.workflow import decided, opened_days_ago, support_meeting, take


def kinds_of(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_new_concern_reaches_the_intake_organisations_staff_and_an_urgent_one_says_so(world, concern):
    case = concern()
    (new,) = Notification.objects.filter(recipient=world.staff)
    assert (new.kind, new.link, new.case_id, new.urgent) == (
        Kind.CONCERN_NEW,
        reverse("cases:case_detail", args=[case.pk]),
        case.pk,
        False,
    )
    assert new.message == "新しい気付きが届きました"
    # Not the reporter, not another plaza's staff, not the ward.
    assert not [
        kinds_of(u) for u in (world.commissioner, world.other_staff, world.ward_worker) if kinds_of(u)
    ]

    urgent = concern(urgency=Urgency.URGENT)
    (told,) = Notification.objects.filter(recipient=world.staff, case_id=urgent.pk)
    assert told.urgent and told.message == "至急の気付きが届きました"


def test_the_reporter_hears_the_concern_was_taken_up_and_the_ward_of_an_urgent_hand_over(world, concern):
    case = take(world, concern())
    (accepted,) = Notification.objects.filter(recipient=world.commissioner)
    assert (accepted.kind, accepted.link, accepted.case_id) == (
        Kind.CONCERN_ACCEPTED,
        reverse("cases:my_concerns"),
        case.pk,
    )
    urgent = concern(urgency=Urgency.URGENT)
    intake.escalate_urgent(
        actor=world.staff,
        case=urgent,
        expected_version=urgent.version,
        ward_office=world.ward,
        legal_basis=world.basis["elder-abuse-7"],
    )
    (escalated,) = Notification.objects.filter(recipient=world.ward_worker, kind=Kind.CASE_ESCALATED)
    assert escalated.kind == Kind.CASE_ESCALATED and escalated.urgent and escalated.case_id == urgent.pk


def test_referrals_sent_and_answered_reach_the_other_side(world, sent):
    referral = sent()
    link = reverse("referrals:detail", args=[referral.pk])
    assert [(n.kind, n.link) for n in Notification.objects.filter(recipient=world.agency_worker)] == [
        (Kind.REFERRAL_RECEIVED, link)
    ]
    referrals.accept_referral(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        worker=world.agency_worker,
    )
    assert Notification.objects.get(recipient=world.staff, kind=Kind.REFERRAL_ACCEPTED).link == link

    declined = sent(recipient=world.anshin)
    referrals.decline_referral(
        actor=world.anshin_worker, referral=declined, expected_version=declined.version, reason="対象外のため"
    )
    told = Notification.objects.get(recipient=world.staff, kind=Kind.REFERRAL_DECLINED)
    assert told.link == reverse("referrals:detail", args=[declined.pk]) and told.case_id == declined.case_id
    # The agency that answered is not told of its own answer.
    assert Kind.REFERRAL_ACCEPTED not in kinds_of(world.agency_worker)


def test_a_decline_without_its_reason_tells_nobody(world, sent):
    referral = sent()
    with pytest.raises(CaseRuleError):
        referrals.decline_referral(
            actor=world.agency_worker, referral=referral, expected_version=referral.version, reason=" "
        )
    assert not Notification.objects.filter(kind=Kind.REFERRAL_DECLINED).exists()


def test_an_action_item_reaches_its_owner_when_the_meeting_is_held(world, concern, soon):
    case = take(world, concern())
    owner = User.objects.get(pk=world.other_staff.pk)
    meeting = support_meeting(world, case, soon, attendees=[(owner, world.other_plaza)])
    meetings.acknowledge_confidentiality(actor=owner, meeting=meeting)  # an attendee may be given items
    meetings.hold_meeting(
        actor=world.staff,
        meeting=meeting,
        expected_version=case.version,
        minutes="検討した",
        decision=CaseState.WATCHING,
        reason="理由",
        action_items=[
            ("訪問する", owner, timezone.localdate()),
            ("電話する", owner, timezone.localdate()),
            ("記録する", world.staff, timezone.localdate()),  # the chair's own: no news to them
        ],
    )
    (assigned,) = Notification.objects.filter(recipient=owner)  # one, however many items
    assert (assigned.kind, assigned.link, assigned.case_id) == (
        Kind.ACTION_ITEM_ASSIGNED,
        reverse("cases:my_tasks"),
        case.pk,
    )
    assert Kind.ACTION_ITEM_ASSIGNED not in kinds_of(world.staff)


def test_overdue_action_items_and_watch_visits_due_are_reminded_by_send_reminders(world, concern, soon):
    case = decided(world, take(world, concern()), CaseState.WATCHING, soon)
    meeting = case.meetings.get()
    today = timezone.localdate()
    for due_on in (today - datetime.timedelta(days=1), today):
        ActionItem.objects.create(meeting=meeting, description="訪問", owner=world.staff, due_on=due_on)
    lifecycle.schedule_watch_visit(actor=world.staff, case=case, due_on=today, assigned_to=world.staff)
    call_command("send_reminders", stdout=io.StringIO())
    assert kinds_of(world.staff).count(Kind.ACTION_ITEM_OVERDUE) == 1  # the one past due, not today's
    assert kinds_of(world.staff).count(Kind.WATCH_VISIT_DUE) == 1
    assert {n.case_id for n in Notification.objects.filter(kind__in=[Kind.WATCH_VISIT_DUE])} == {case.pk}


def test_an_overdue_referral_is_reminded_to_both_sides(world, sent):
    from referrals.models import Referral

    referral = sent()
    late = timezone.localdate() - datetime.timedelta(days=2)
    Referral.objects.filter(pk=referral.pk).update(accept_by=late)
    call_command("send_reminders", stdout=io.StringIO())
    overdue = Notification.objects.filter(kind=Kind.REFERRAL_OVERDUE)
    assert {n.recipient for n in overdue} == {world.staff, world.agency_worker}


def test_the_centre_hears_of_a_new_matter_and_of_a_guardian_report_due(world, matter, candidate):
    told = Notification.objects.get(recipient=world.coordinator, kind=Kind.MATTER_OPENED)
    assert told.link == reverse("guardianship:matter", args=[matter.pk]) and told.case_id == matter.case_id

    guardian = User.objects.create(username="citizen_guardian")
    candidate("citizen", user=guardian)
    matter = to_matching(world, matter)
    meeting = guardianship.schedule_matching_meeting(
        actor=world.coordinator,
        matters=[matter],
        scheduled_for=datetime.datetime(2026, 12, 3, 5, 0, tzinfo=datetime.UTC),
    )
    first = meeting.items.get().proposals.order_by("rank").first()
    guardianship.choose_candidate(actor=world.coordinator, proposal=first, reason="地域の事情に詳しい")
    guardianship.record_candidate_answer(actor=world.coordinator, proposal=first, accepted=True)
    matter = opened_days_ago(matter, 700)  # the first report long overdue
    matter = guardianship.file_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        filed_on=timezone.localdate() - datetime.timedelta(days=690),
    )
    guardianship.record_ruling(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=True,
        ruled_on=timezone.localdate() - datetime.timedelta(days=670),
    )
    call_command("send_reminders", stdout=io.StringIO())
    due = {n.recipient: n.link for n in Notification.objects.filter(kind=Kind.GUARDIAN_REPORT_DUE)}
    assert due == {
        world.coordinator: reverse("guardianship:matter", args=[matter.pk]),
        guardian: reverse("guardianship:my_reports"),
    }


def test_break_glass_reaches_the_lead_organisation_and_the_privacy_officers(world, concern):
    case = take(world, concern())
    sharing.open_break_glass(actor=world.ward_worker, case=case, reason="夜間に救急搬送。家族の連絡先が必要")
    used = Notification.objects.get(recipient=world.staff, kind=Kind.BREAK_GLASS_USED)
    assert used.link == reverse("cases:case_detail", args=[case.pk]) and used.case_id == case.pk
    review = Notification.objects.get(recipient=world.privacy, kind=Kind.BREAK_GLASS_REVIEW)
    assert review.link == reverse("cases:break_glass_reviews") and review.case_id is None
    assert not kinds_of(world.ward_worker) and not kinds_of(world.other_staff)


def test_before_intake_break_glass_reaches_the_organisations_it_was_sent_to(world, concern):
    case = concern()
    sharing.open_break_glass(actor=world.ward_worker, case=case, reason="夜間に救急搬送。家族の連絡先が必要")
    assert Notification.objects.filter(recipient=world.staff, kind=Kind.BREAK_GLASS_USED).exists()


def test_a_sign_in_lockout_reaches_the_administrators_once_a_day(world, settings):
    from audit.models import AuditEvent

    for username, address in (("demo_plaza", "10.0.0.1"), ("demo_ward", "10.0.0.2")):
        client = Client(REMOTE_ADDR=address)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("login"), {"username": username, "password": "wrong-password-123"})
    assert AuditEvent.objects.filter(event="auth.locked_out").count() == 2
    (locked,) = Notification.objects.filter(kind=Kind.SIGN_IN_LOCKED)  # two lockouts, one notification
    assert locked.recipient == world.admin
    assert locked.link == reverse("admin:axes_accessattempt_changelist")
