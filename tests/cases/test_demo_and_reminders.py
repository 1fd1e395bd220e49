import datetime

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from audit.verify import verify_chain
from cases.models import ActionItem, Case, CaseState, WatchVisit


@override_settings(DEBUG=True)
def test_seed_demo_makes_cases_in_every_state_through_the_services_and_is_idempotent(db):
    call_command("seed_demo")
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(CaseState.values)
    escalated = Case.objects.get(urgent=True, lead_organisation__kind="ward_office")
    assert escalated.state == CaseState.SHARING
    from referrals.models import Referral, ReferralState

    assert set(Referral.objects.values_list("state", flat=True)) == set(ReferralState.values)
    # demo_agency has a referral in hand, which it can follow on the screens.
    assert Referral.objects.filter(state="accepted", assigned_worker__username="demo_agency").exists()
    from guardianship.models import Appointment, MatchingMeeting

    meeting, this_week = MatchingMeeting.objects.order_by("scheduled_for")
    assert meeting.items.count() == 3
    # This week's meeting admits the professional associations' members and the ward's caseworker.
    assert this_week.items.count() == 2 and {u.username for u in this_week.attendees.all()} == {
        "demo_coordinator",
        "demo_ward",
        "demo_bar",
        "demo_scrivener",
        "demo_social_worker",
    }
    appointment = Appointment.objects.get()
    assert appointment.candidate.kind == "citizen" and appointment.candidate.user.username == "demo_guardian"
    assert {p.status for item in meeting.items.all() for p in item.proposals.all()} >= {
        "accepted",
        "refused",
        "selected",
    }
    count, referrals = Case.objects.count(), Referral.objects.count()
    call_command("seed_demo")
    assert (Case.objects.count(), Referral.objects.count()) == (count, referrals)
    assert verify_chain().ok


@override_settings(DEBUG=True)
def test_send_reminders_tells_each_user_what_is_due_and_prints_counts_only(db, capsys):
    from notifications.models import Kind, Notification

    call_command("seed_demo")
    ActionItem.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    assert WatchVisit.objects.filter(due_on__lte=timezone.localdate()).exists()
    capsys.readouterr()
    before = list(Notification.objects.values_list("pk", flat=True))
    call_command("send_reminders")
    out = capsys.readouterr().out
    overdue = ActionItem.objects.filter(owner__username="demo_plaza").count()
    told = Notification.objects.filter(recipient__username="demo_plaza")
    assert told.filter(kind=Kind.ACTION_ITEM_OVERDUE).count() == overdue
    assert told.filter(kind=Kind.WATCH_VISIT_DUE).count() == 1
    # The operator reads counts: no user, no id, no person.
    written = Notification.objects.filter(kind=Kind.ACTION_ITEM_OVERDUE).exclude(pk__in=before).count()
    assert written > overdue  # the commissioner's items too
    assert f"{Kind.ACTION_ITEM_OVERDUE.label}: {written}" in out
    assert "demo_plaza" not in out and str(ActionItem.objects.first().meeting.case_id) not in out
    from cases.models import Person

    for person in Person.objects.select_related("data_key"):
        assert not person.name or person.name not in out  # a reported person may have no name yet
