"""The daily digest: one e-mail per user who asked for one, with the notifications not yet
e-mailed. Run daily (cron), after send_reminders. Prints counts only."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.joblock import run_scheduled
from notifications.services import send_digests


class Command(BaseCommand):
    help = "まとめて受け取る設定の利用者に、通知のまとめのメールを1通ずつ送ります（1日1回）。"

    def handle(self, *args, **options) -> None:
        run_scheduled(self, "send_digest", self.send)

    def send(self) -> str:
        sent = send_digests()
        return _("まとめのメールを送信: %(count)d 通") % {"count": sent}
