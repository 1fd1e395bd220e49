"""send_reminders writes the day's reminders as notifications, once: a second run the same day
writes and e-mails nothing new; the next day reminds again what is still open. What it prints is
for the operator: counts only."""

import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from cases.models import ActionItem, CaseState
from cases.services import lifecycle
from cases.services.reminders import remind
from notifications.models import Kind, Notification
from referrals.models import Referral
from tests.workflow import decided, take


def run() -> str:
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_a_second_run_the_same_day_writes_and_sends_nothing_new(
    world, concern, sent, soon, django_capture_on_commit_callbacks
):
    for user in User.objects.all():
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    case = decided(world, take(world, concern()), CaseState.WATCHING, soon)
    meeting = case.meetings.get()
    ActionItem.objects.create(meeting=meeting, description="訪問", owner=world.staff, due_on=yesterday)
    lifecycle.schedule_watch_visit(actor=world.staff, case=case, due_on=yesterday, assigned_to=world.staff)
    referral = sent()
    Referral.objects.filter(pk=referral.pk).update(accept_by=yesterday - datetime.timedelta(days=1))
    before = Notification.objects.count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = run()
    written = Notification.objects.count() - before
    assert written == 4  # the action item, the visit, the referral to both sides
    sent_first = len(mail.outbox)
    assert sent_first == 4, [(m.to, m.subject) for m in mail.outbox]  # each once
    assert "新しい通知: 4 件（2 人）" in first
    assert f"{Kind.REFERRAL_OVERDUE.label}: 2" in first
    # Counts only: no user, no id.
    assert "demo_plaza" not in first and str(case.pk) not in first and str(referral.pk) not in first

    with django_capture_on_commit_callbacks(execute=True):
        second = run()
    assert Notification.objects.count() - before == written
    assert len(mail.outbox) == sent_first
    assert "新しい通知はありません。" in second

    # The next day, what is still open is reminded again.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    again = remind(tomorrow)
    assert sorted(n.kind for n in again) == [Kind.ACTION_ITEM_OVERDUE, Kind.WATCH_VISIT_DUE]
    assert all(n.key.endswith(tomorrow.isoformat()) for n in again)
