"""Events that no service of ours writes: logins, sign-in lockouts, the second factor (announced
by accounts), and the key machinery of privacy/."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts import signals as accounts_signals
from accounts.middleware import SESSION_END_REASON
from accounts.selectors import organisation_ids_of
from accounts.signals import lockout_started, sign_in_unlocked
from audit.services import append, new_event, record
from privacy.signals import data_keys_rewrapped, keks_retired


@receiver(user_logged_in, dispatch_uid="audit.login")
def _logged_in(sender, request, user, **kwargs) -> None:
    record("auth.login", actor=user)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    reason = getattr(request, SESSION_END_REASON, None)
    if reason:
        record("auth.session_ended", actor=user, params={"session_limit": reason})
    else:
        record("auth.logout", actor=user)


def _organisation_of(user) -> int | None:
    organisations = organisation_ids_of(user) if user is not None else []
    return organisations[0] if len(organisations) == 1 else None


# A failed sign-in is not an event (django-axes counts it, outside the trail, so that failures
# never wait for the chain's lock); the lockout it may start is, once.
@receiver(lockout_started, dispatch_uid="audit.locked_out")
def _locked_out(sender, request, account, locked: list[str], **kwargs) -> None:
    # The account locked, if one has the name typed; never the string typed (it may be a password).
    record(
        "auth.locked_out",
        target=account,
        target_type="" if account else get_user_model()._meta.label_lower,
        organisation_id=_organisation_of(account),
        params={"locked": locked, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
    )


@receiver(sign_in_unlocked, dispatch_uid="audit.unlocked")
def _unlocked(sender, actor, attempts, **kwargs) -> None:
    # One event per deleted count (an account from an address), chained together.
    User = get_user_model()
    usernames = {attempt.username for attempt in attempts if attempt.username}
    accounts = {
        user.get_username(): user for user in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": usernames})
    }
    append(
        [
            new_event(
                "auth.unlocked",
                actor=actor,
                target=accounts.get(attempt.username),
                target_type="" if attempt.username in accounts else User._meta.label_lower,
                params={"failures": attempt.failures_since_start, "address": attempt.ip_address or ""},
            )
            for attempt in attempts
        ]
    )


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
