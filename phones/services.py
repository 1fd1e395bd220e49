"""Remembering a phone at sign-in, revoking it, and the key its offline queue is sealed with."""

import datetime
import hashlib
import secrets
from importlib import import_module

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.middleware import IDLE_TIMEOUT, SESSION_AGE
from accounts.models import User
from accounts.selectors import is_office_staff
from audit import services as audit
from phones.models import Phone

# The cookie that binds a remembered session to its phone (HttpOnly: no script reads it).
COOKIE = "tsunagu_phone"
COOKIE_AGE = 400 * 24 * 60 * 60  # the most a browser keeps a cookie; the server decides validity
# In the session: the phone's id and the SHA-256 of its cookie.
SESSION_PHONE = "tsunagu.phone"
SESSION_PHONE_HASH = "tsunagu.phone_hash"
# However often the phone is used, its user signs in again after this long.
LONGEST = datetime.timedelta(days=90)
# The phone's last use is written at most this often (a write per request would cost every page).
SEEN_RESOLUTION = datetime.timedelta(hours=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.TSUNAGU_PHONE_IDLE_DAYS)


def may_remember(user: User) -> bool:
    """Staff work on shared office terminals: only those who sign in on their own phones
    (commissioners, evacuation supporters, appointed guardians) may keep a sign-in."""
    return not is_office_staff(user)


def remember_phone(*, request: HttpRequest, user: User) -> str:
    """After sign-in on a phone its user marked as their own: the session lasts until the phone
    has been idle for the phone period (at most ``LONGEST``), bound to a new phone cookie whose
    value is returned (the caller sets it). Refused to staff."""
    if not may_remember(user):
        raise PermissionDenied(_("職員の方は共用の端末を使うため、ログインを保持できません。"))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        phone = Phone.objects.create(
            user=user,
            label=label_of(request.headers.get("User-Agent", "")),
            token_hash=token_hash(token),
            session_key=request.session.session_key or "",
            last_seen_at=now,
        )
        audit.record("phone.remembered", actor=user, target=phone, params={"phone": phone.pk})
    idle = int(idle_period().total_seconds())
    request.session[IDLE_TIMEOUT] = idle
    request.session[SESSION_AGE] = int(LONGEST.total_seconds())
    request.session[SESSION_PHONE] = phone.pk
    request.session[SESSION_PHONE_HASH] = phone.token_hash
    request.session.set_expiry(idle)  # a cookie that outlives the browser, the row the idle period
    if not phone.session_key:
        request.session.save()
        Phone.objects.filter(pk=phone.pk).update(session_key=request.session.session_key)
    return token


def label_of(user_agent: str) -> str:
    """A name the user and the administrator recognise the phone by: its system and browser,
    from the browser's own description (nothing of the person)."""
    agent = user_agent.lower()
    system = next((name for key, name in _SYSTEMS if key in agent), _("不明な端末"))
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    return f"{system} {browser}".strip()[:60]


_SYSTEMS = [("iphone", "iPhone"), ("ipad", "iPad"), ("android", "Android"), ("windows", "Windows")]
_SYSTEMS += [("mac os", "Mac"), ("linux", "Linux")]
_BROWSERS = [("edg/", "Edge"), ("firefox", "Firefox"), ("chrome", "Chrome"), ("safari", "Safari")]


def revoke_phone(*, actor: User, phone: Phone) -> Phone:
    """The sign-in kept on the phone ends now: its session is deleted, and the phone's next request
    is told the phone was revoked (phones.middleware) and wipes what waits on it. Its user or a
    system administrator (``phones.revoke_phone``) may; revoking twice changes nothing."""
    if phone.user_id != actor.pk and not actor.has_perm("phones.revoke_phone"):
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    _end(phone, actor=actor, event="phone.revoked")
    phone.refresh_from_db()
    return phone


def end_phone(phone: Phone) -> None:
    """The kept sign-in is over without a sign-out (idle too long, the longest period, the user
    deactivated): the phone is ended as if revoked, by nobody, so that its cookie opens nothing."""
    _end(phone, actor=None, event="phone.ended")


def _end(phone: Phone, *, actor: User | None, event: str) -> None:
    """Once only (a second ending changes nothing): the phone's session deleted, the event recorded."""
    with transaction.atomic():
        ended = Phone.objects.filter(pk=phone.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if ended:
            if phone.session_key:
                import_module(settings.SESSION_ENGINE).SessionStore(phone.session_key).delete()
            audit.record(event, actor=actor, target=phone, params={"phone": phone.pk})


def phone_with_token(token: str) -> Phone | None:
    return Phone.objects.filter(token_hash=token_hash(token)).first() if token else None


def issue_queue_key(*, actor: User, phone: Phone) -> bytes:
    """A new AES-256 key for what waits on the phone (the phone imports it as a key no script can
    read back out). The server keeps no copy: what waits on the phone is sent decrypted over
    HTTPS, and a key lost with the phone's storage is replaced by another."""
    if phone.user_id != actor.pk or phone.revoked_at is not None:
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    key = secrets.token_bytes(32)
    with transaction.atomic():
        Phone.objects.filter(pk=phone.pk).update(key_issued_at=timezone.now())
        audit.record("phone.key_issued", actor=actor, target=phone, params={"phone": phone.pk})
    return key


def seen(phone_id: int) -> None:
    """The phone was used now (written at most once per ``SEEN_RESOLUTION``)."""
    now = timezone.now()
    Phone.objects.filter(pk=phone_id, last_seen_at__lt=now - SEEN_RESOLUTION).update(last_seen_at=now)
