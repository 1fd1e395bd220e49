"""Two-factor authentication: a code from an authenticator app (TOTP) after the password.

Required for every staff role — everyone who reads case data or administers — and optional for
commissioners and appointed guardians (no staff role), who may enrol from the settings page. A
user who has enrolled is asked for a code at every sign-in, whatever their role.

Devices are django-otp's: one TOTP device (the app) and one static device holding single-use
recovery codes. django-otp's throttling stays on (each wrong code doubles the wait before the
next try). ``SecondFactorMiddleware`` (accounts/middleware.py) keeps a user who must verify, or
must enrol, away from every other page. Enrolment, resets and use of a recovery code are sent as
signals (accounts/signals.py) that the audit trail records.
"""

import datetime
import io
import re
from base64 import b32encode

import segno
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import signals
from accounts.models import User
from accounts.selectors import is_office_staff

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"

_TOTP_CODE = re.compile(r"[0-9]{6}")


class SecondFactorError(Exception):
    """A code was refused; ``message`` is for the user."""

    def __init__(self, message: str, *, locked_until: datetime.datetime | None = None):
        super().__init__(message)
        self.message = message
        self.locked_until = locked_until


def second_factor_required(user: User) -> bool:
    """Staff roles must use a second factor; so must the admin site's users (is_staff, superuser)."""
    return is_office_staff(user)


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same secret until it is confirmed, so a
    reload of the setup page does not invalidate what the user has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> bytes:
    """The otpauth:// address as a QR code, drawn here (no outside service sees the secret)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, border=4)
    return buffer.getvalue()


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _check(device: Device, code: str) -> bool:
    """Verify with django-otp's throttling: refuse without trying while the device is throttled."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        raise SecondFactorError(
            _("コードの誤りが続いたため、しばらく入力できません。少し待ってからもう一度入力してください。"),
            locked_until=(details or {}).get("locked_until"),
        )
    return device.verify_token(code)


def _new_recovery_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def enrol(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code it shows; returns it and fresh recovery codes.

    A wrong code counts against the pending device's throttle: the error is raised after the
    transaction that recorded the failure has committed.
    """
    with transaction.atomic():
        if has_second_factor(user):
            raise SecondFactorError(_("二要素認証はすでに設定されています。"))
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        if device is None:
            raise SecondFactorError(
                _("設定をやり直してください。表示されたQRコードを読み取り直してください。")
            )
        normalised = _normalised(code)
        codes = None
        if _TOTP_CODE.fullmatch(normalised) and _check(device, normalised):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            recovery, _created = StaticDevice.objects.get_or_create(
                user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
            )
            codes = _new_recovery_codes(recovery)
            signals.second_factor_enrolled.send(sender=TOTPDevice, user=user)
    if codes is None:
        raise SecondFactorError(
            _("コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。")
        )
    return device, codes


def verify(*, user: User, code: str) -> Device | None:
    """The device that accepts this sign-in code (six digits: the app; otherwise a recovery code),
    or None. Only the device the code is meant for counts a failure, so a mistyped app code
    never throttles the recovery codes."""
    normalised = _normalised(code)
    model = TOTPDevice if _TOTP_CODE.fullmatch(normalised) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None or not _check(device, normalised):
            return None
        if isinstance(device, StaticDevice):
            signals.recovery_code_used.send(
                sender=StaticDevice, user=user, remaining=device.token_set.count()
            )
    return device


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes for an enrolled user; the old ones stop working."""
    if not has_second_factor(user):
        raise SecondFactorError(_("先に二要素認証を設定してください。"))
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    codes = _new_recovery_codes(device)
    signals.recovery_codes_regenerated.send(sender=StaticDevice, user=user, count=len(codes))
    return codes


@transaction.atomic
def reset_second_factor(*, actor: User | None, user: User) -> int:
    """Delete every device of ``user`` (a lost phone): they set up again at their next sign-in.

    Only an administrator of users may, through the admin; ``actor=None`` is the operator on the
    server (``manage.py reset_two_factor``, for the last administrator's own lost phone).
    Returns the number of devices removed.
    """
    if actor is not None and not actor.has_perm("accounts.change_user"):
        raise PermissionDenied
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    signals.second_factor_reset.send(sender=User, actor=actor, user=user, devices=removed)
    return removed
