"""The day's reminders, as notifications (docs/notifications.md): overdue action items and watch
visits due (cases), and those of the apps built on cases (``reminders_requested``: overdue
referrals, guardian reports due). Ends time-boxed access that has run out.

Run daily (cron), before ``send_digest``. Idempotent: each reminder is keyed by kind, object and
day, so a second run the same day writes and e-mails nothing new. What it prints is for the
operator: counts only, no user, person or id.
"""

from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.joblock import run_scheduled
from cases.access import revoke_expired_grants
from cases.models import Case
from cases.services.reminders import remind
from cases.signals import reminders_requested
from notifications.models import Kind


class Command(BaseCommand):
    help = (
        "期限を過ぎた役割分担・予定日を迎えた見守り訪問・回答期限を過ぎたつなぎ・提出期限を迎えた"
        "後見活動の報告を、担当者への通知にします（1日1回。同じ日に二度実行しても重複しません）。"
    )

    def handle(self, *args, **options) -> None:
        run_scheduled(self, "send_reminders", self.remind)

    def remind(self) -> str:
        ended = revoke_expired_grants()
        today = timezone.localdate()
        written = list(remind(today))
        # The apps built on cases write theirs (overdue referrals, guardian reports) and return them.
        for _receiver, notifications in reminders_requested.send(sender=Case, today=today):
            written += notifications or []
        self.stdout.write(_("期限切れのアクセスを終了: %(count)d 件") % {"count": ended})
        if not written:
            self.stdout.write(_("新しい通知はありません。"))
            return _("新しい通知: %(count)d 件（%(users)d 人）") % {"count": 0, "users": 0}
        self.stdout.write(
            _("新しい通知: %(count)d 件（%(users)d 人）")
            % {"count": len(written), "users": len({n.recipient_id for n in written})}
        )
        for kind, count in sorted(Counter(n.kind for n in written).items()):
            self.stdout.write(f"  {Kind(kind).label}: {count}")
        return _("新しい通知: %(count)d 件（%(users)d 人）") % {
            "count": len(written),
            "users": len({n.recipient_id for n in written}),
        }
