"""Events that no service of ours writes: logins, the second factor (announced by accounts), and the
key machinery of privacy/."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import signals as accounts_signals
from audit.services import record
from privacy.signals import data_keys_rewrapped, keks_retired


@receiver(user_logged_in, dispatch_uid="audit.login")
def _logged_in(sender, request, user, **kwargs) -> None:
    record("auth.login", actor=user)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record("auth.logout", actor=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The account tried, if it exists; never the string typed (it may be a mistyped password).
    username = credentials.get("username") or ""
    actor = get_user_model().objects.filter(username=username).first() if username else None
    record("auth.login_failed", actor=actor, params={"known_account": actor is not None})


@receiver(accounts_signals.second_factor_enrolled, dispatch_uid="audit.otp_enrolled")
def _second_factor_enrolled(sender, user, **kwargs) -> None:
    record("auth.otp_enrolled", actor=user, target=user)


@receiver(accounts_signals.second_factor_reset, dispatch_uid="audit.otp_reset")
def _second_factor_reset(sender, actor, user, devices: int, **kwargs) -> None:
    record("auth.otp_reset", actor=actor, target=user, params={"user": user.pk, "devices": devices})


@receiver(accounts_signals.recovery_code_used, dispatch_uid="audit.otp_recovery_used")
def _recovery_code_used(sender, user, remaining: int, **kwargs) -> None:
    record("auth.otp_recovery_used", actor=user, target=user, params={"remaining": remaining})


@receiver(accounts_signals.recovery_codes_regenerated, dispatch_uid="audit.otp_recovery_regenerated")
def _recovery_codes_regenerated(sender, user, count: int, **kwargs) -> None:
    record("auth.otp_recovery_regenerated", actor=user, target=user, params={"count": count})


@receiver(data_keys_rewrapped, dispatch_uid="audit.keys_rewrapped")
def _rewrapped(sender, count: int, kek_id: str, **kwargs) -> None:
    record("keys.rewrapped", params={"count": count, "kek": kek_id})


@receiver(keks_retired, dispatch_uid="audit.keks_retired")
def _retired(sender, kek_ids: list[str], **kwargs) -> None:
    record("keys.retired", params={"keks": kek_ids})
