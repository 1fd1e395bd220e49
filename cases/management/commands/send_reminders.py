"""Overdue action items and watch visits due, per user; and time-boxed access that has run out.

Run daily (cron). It lists; delivery (mail, the home page) reads the same selectors. Nothing
personal is printed: users, counts, dates and case ids only.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.access import revoke_expired_grants
from cases.models import Case
from cases.selectors import reminders_due
from cases.signals import reminders_requested


class Command(BaseCommand):
    help = "期限を過ぎた役割分担と、予定日を迎えた見守り訪問を担当者ごとに一覧にします。"

    def handle(self, *args, **options) -> None:
        ended = revoke_expired_grants()
        if ended:
            self.stdout.write(f"Ended {ended} expired access grant(s).")
        today = timezone.localdate()
        reminders = reminders_due(today)
        # Reminders of the apps built on cases (overdue referrals…), as (user, text) pairs.
        others: dict = {}
        for _receiver, pairs in reminders_requested.send(sender=Case, today=today):
            for user, text in pairs:
                others.setdefault(user, []).append(text)
        if not reminders and not others:
            self.stdout.write("No reminders due.")
            return
        for user, due in reminders.items():
            actions, visits = len(due["actions"]), len(due["visits"])
            self.stdout.write(f"{user.username}: {actions} overdue action item(s), {visits} watch visit(s)")
            for item in due["actions"]:
                self.stdout.write(f"  action item due {item.due_on:%Y-%m-%d} (case {item.meeting.case_id})")
            for visit in due["visits"]:
                self.stdout.write(f"  watch visit due {visit.due_on:%Y-%m-%d} (case {visit.case_id})")
        for user in sorted(others, key=lambda u: u.username):
            self.stdout.write(f"{user.username}: {len(others[user])} other reminder(s)")
            for text in others[user]:
                self.stdout.write(f"  {text}")
