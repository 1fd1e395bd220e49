"""Notifications: what happened that a user should know of, in the page header and by e-mail."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from accounts.selectors import read_with_user_ids
        from accounts.signals import lockout_started
        from notifications import receivers
        from notifications.selectors import UNREAD, unread_count_sql

        read_with_user_ids(UNREAD, unread_count_sql())

        # accounts imports nothing of ours: it announces a lockout, and the administrators hear of it here.
        lockout_started.connect(receivers.sign_in_locked, dispatch_uid="notifications.lockout")
