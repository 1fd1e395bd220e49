"""The e-mails: what kind of thing happened and the link, nothing about whom (the notification
holds nothing personal to put there). In the recipient's language (``Preference.language``)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Notification, Preference


def absolute(path: str) -> str:
    """The link as an address outside the site: ``TSUNAGU_BASE_URL`` + the path."""
    return settings.TSUNAGU_BASE_URL.rstrip("/") + path


def _footer() -> str:
    return "\n".join(
        [
            "",
            "--",
            _("つなぐにサインインして確認してください。このメールには個人の情報を載せていません。"),
            _("通知の設定: %(url)s") % {"url": absolute(reverse("notifications:settings"))},
        ]
    )


def one(notification: Notification, preference: Preference, address: str) -> EmailMessage:
    """One notification, at once."""
    with translation.override(preference.language):
        message = notification.message
        return EmailMessage(
            subject=f"[{_('つなぐ')}] {message}",
            body="\n".join([message, "", absolute(notification.link), _footer()]),
            to=[address],
        )


def digest(notifications: list[Notification], preference: Preference, address: str) -> EmailMessage:
    """The day's notifications of one user, in one e-mail: each kind, then its links."""
    with translation.override(preference.language):
        count = len(notifications)
        subject = ngettext("通知が%(count)d件あります", "通知が%(count)d件あります", count) % {"count": count}
        lines = [_("前回のまとめ以降の通知です。")]
        groups: dict[str, list[Notification]] = {}
        for notification in notifications:  # by what happened, in the order it first happened
            groups.setdefault(notification.message, []).append(notification)
        for message, group in groups.items():
            lines += ["", _("■ %(what)s（%(count)d件）") % {"what": message, "count": len(group)}]
            lines += [f"  {absolute(n.link)}" for n in group]
        return EmailMessage(
            subject=f"[{_('つなぐ')}] {subject}", body="\n".join([*lines, _footer()]), to=[address]
        )
