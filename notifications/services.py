"""Every write of notifications: telling users, e-mailing them, marking what they have read, their
settings (docs/notifications.md).

The apps above call ``notify`` from their services, inside the transaction of what happened: the
notifications are written with it (or not at all), and e-mailed once it commits. Nothing here is
audited — a notification holds no personal data, only its recipient reads or marks it, and this
app imports nothing above accounts (audit included).
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import forget_user_ids
from notifications import mail
from notifications.models import Kind, Notification, Preference
from notifications.selectors import preferences_of

log = logging.getLogger(__name__)


def notify(
    *,
    kind: str,
    recipients: Iterable[User],
    link: str,
    case_id=None,
    urgent: bool = False,
    key: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Tell each recipient (each once; never the actor, who knows) that ``kind`` happened, with a
    link to where the work is and the case it is about. A ``key`` (kind, object and day) makes a
    reminder once: a recipient who already has it is not told again. Returns those written."""
    return notify_each(
        [
            Notification(recipient=user, kind=kind, link=link, case_id=case_id, urgent=urgent, key=key)
            for user in recipients
        ],
        actor=actor,
    )


def notify_each(notifications: Iterable[Notification], *, actor: User | None = None) -> list[Notification]:
    """``notify`` for notifications that differ per recipient (unsaved, each with its recipient
    loaded): one read of the keys already given and one insert, however many."""
    wanted: dict[tuple, Notification] = {}
    for notification in notifications:
        user = notification.recipient
        if notification.kind not in Kind.values:
            raise ValueError(f"unknown notification kind {notification.kind!r}")
        if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None) or not (
            notification.link.startswith("/")
        ):
            raise ValueError("a notification links to a path of this site")
        if not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        wanted.setdefault((user.pk, notification.kind, notification.link, notification.key), notification)
    keys = {notification.key for notification in wanted.values() if notification.key}
    if keys:
        given = set(
            Notification.objects.filter(
                key__in=keys, recipient_id__in={pk for pk, *_rest in wanted}
            ).values_list("recipient_id", "key")
        )
        wanted = {k: n for k, n in wanted.items() if (k[0], n.key) not in given}
    if not wanted:
        return []
    try:
        with transaction.atomic():  # a savepoint: a concurrent run that wrote the same keys first wins
            created = Notification.objects.bulk_create(list(wanted.values()))
    except IntegrityError:
        return []
    batch = tuple(created)  # what is e-mailed, whatever the caller adds to the list it is given
    transaction.on_commit(lambda: mail_at_once(batch), robust=True)
    return created


def _send(messages: list) -> bool:
    """Hand the e-mails to the mail server; a failure is logged (its kind only: no address) and
    the notifications stay un-mailed."""
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception as error:
        log.error("notification e-mail failed: %s", type(error).__name__)
        return False
    return True


def mail_at_once(notifications: Iterable[Notification]) -> int:
    """E-mail each notification whose recipient has an address and wants its kind by e-mail now
    (not in a digest). Returns the number of e-mails sent."""
    notifications = list(notifications)
    preferences = preferences_of([n.recipient for n in notifications])
    messages, sent = [], []
    for notification in notifications:
        user, preference = notification.recipient, preferences[notification.recipient_id]
        if user.email and not preference.digest and preference.wants_email(notification.kind):
            messages.append(mail.one(notification, preference, user.email))
            sent.append(notification.pk)
    if not messages or not _send(messages):
        return 0
    Notification.objects.filter(pk__in=sent).update(mailed_at=timezone.now())
    return len(messages)


def send_digests(now=None) -> int:
    """One e-mail per user who asked for a daily digest: every notification not yet e-mailed of
    the kinds they want by e-mail. A notification goes out once: a second run sends nothing new.
    Returns the number of e-mails sent."""
    now = now or timezone.now()
    sent = 0
    for preference in (
        Preference.objects.filter(digest=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    ):
        pending = list(
            Notification.objects.filter(
                recipient_id=preference.user_id,
                mailed_at__isnull=True,
                kind__in=preference.email_kinds,
                created_at__lte=now,
            ).order_by("created_at", "pk")
        )
        if pending and _send([mail.digest(pending, preference, preference.user.email)]):
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(mailed_at=now)
            sent += 1
    return sent


def mark_read(*, actor: User, notification: Notification) -> Notification:
    """The recipient has seen it (read once: a second time changes nothing)."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        forget_user_ids(actor)  # the bell's count, read with them
    return notification


def mark_all_read(*, actor: User) -> int:
    """Everything the actor has not read, read now. Returns how many."""
    marked = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
    forget_user_ids(actor)  # the bell's count, read with them
    return marked


def save_preferences(*, actor: User, email_kinds: list[str], digest: bool, language: str) -> Preference:
    """The actor's own settings: which kinds by e-mail (exactly these: the settings page offers
    the actor's kinds, ``kinds_offered_to``), a daily digest instead, the e-mail's language."""
    if not set(email_kinds) <= set(Kind.values) or language not in dict(settings.LANGUAGES):
        raise ValidationError(_("選べない項目が含まれています。"), code="unknown_code")
    preference, _created = Preference.objects.update_or_create(
        user=actor,
        defaults={
            "email_kinds": [kind for kind in Kind.values if kind in email_kinds],
            "digest": digest,
            "language": language,
        },
    )
    return preference
