"""Sign-in throttling: django-axes, told how Tsunagu counts, locks and announces (docs/security.md).

Failures are counted in axes' own tables (``axes.AccessAttempt``), by account and by client address
separately: an account that reaches its limit is locked from every address, an address that
reaches its limit is locked for every account. Nothing here writes the audit trail (accounts is
below audit): a lockout's start and an unlock are announced with the signals below, which
audit/signals.py records — once per lockout, never once per failure.
"""

import hashlib

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac

from accounts.signals import lockout_started

ACCOUNT, ADDRESS = "account", "address"  # the two locks, in the order of AXES_LOCKOUT_PARAMETERS


def attempted_account(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """What axes stores and counts as the username: the account's username when the name typed is
    one, else a keyed digest of it — a password typed into the wrong field never reaches the table,
    and a name that is no account is still counted (and locked) like one, so a lockout reveals
    nothing about which accounts exist."""
    field = get_user_model().USERNAME_FIELD
    if credentials:
        typed = credentials.get(field)
    else:
        typed = getattr(request, "POST", {}).get(field)
    if not typed:
        return None
    remembered = getattr(request, "_tsunagu_attempted_account", None)
    if remembered and remembered[0] == typed:  # axes asks several times per request
        return remembered[1]
    if get_user_model().objects.filter(**{field: typed}).exists():
        key = typed
    else:
        key = "?" + salted_hmac("tsunagu.signin.unknown", typed, algorithm="sha256").hexdigest()[:32]
    if request is not None:
        request._tsunagu_attempted_account = (typed, key)
    return key


def _limits() -> dict[str, int]:
    return {ACCOUNT: settings.AXES_FAILURE_LIMIT, ADDRESS: settings.TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT}


def _serialise(*keys: str) -> None:
    """Failures for the same account or address are counted one after another, so that exactly one
    of them sees the lock begin. SQLite transactions already hold the database's write lock."""
    if connection.vendor != "postgresql":
        return
    ids = sorted(
        int.from_bytes(
            hashlib.blake2b(f"tsunagu.signin:{key}".encode(), digest_size=8).digest(), "big", signed=True
        )
        for key in keys
    )
    with connection.cursor() as cursor:
        for lock_id in ids:  # in order: two requests never wait for each other's second lock
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


class SignInHandler(AxesDatabaseHandler):
    """axes' database handler, with a limit of its own for the address lock and one announcement
    when a lock begins."""

    def failure_counts(self, request: HttpRequest, credentials: dict | None = None) -> dict[str, int]:
        """Failures within the lockout period, per account and per address."""
        per_parameter = self.get_user_attempts(request, credentials)
        return {
            scope: attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for scope, attempts in zip((ACCOUNT, ADDRESS), per_parameter, strict=True)
        }

    def locks(self, request: HttpRequest, credentials: dict | None = None) -> list[str]:
        counts, limits = self.failure_counts(request, credentials), _limits()
        return [scope for scope in (ACCOUNT, ADDRESS) if counts[scope] >= limits[scope]]

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # axes locks when this reaches AXES_FAILURE_LIMIT (the account's limit): the address
        # counts against its own limit, so a locked address answers with the account's limit.
        counts = self.failure_counts(request, credentials)
        if counts[ADDRESS] >= settings.TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT:
            return max(counts[ACCOUNT], settings.AXES_FAILURE_LIMIT)
        return counts[ACCOUNT]

    def user_login_failed(self, sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
        if request is None or request.axes_locked_out:
            # Refused while locked (the backend said so before any password was checked): axes
            # neither counts it nor extends the lock, and nothing new is announced.
            return super().user_login_failed(sender, credentials, request, **kwargs)
        with transaction.atomic():
            _serialise(f"u:{get_client_username(request, credentials)}", f"a:{request.axes_ip_address}")
            locked_before = bool(self.locks(request, credentials))  # by a request running alongside
            super().user_login_failed(sender, credentials, request, **kwargs)
            if request.axes_locked_out and not locked_before:
                field = get_user_model().USERNAME_FIELD
                typed = (credentials or {}).get(field)
                account = get_user_model().objects.filter(**{field: typed}).first() if typed else None
                lockout_started.send(
                    sender=type(self),
                    request=request,
                    account=account,
                    locked=self.locks(request, credentials),
                )

    def reset_attempts(
        self, *, ip_address: str | None = None, username: str | None = None, ip_or_username: bool = False
    ) -> int:
        """axes' own commands (axes_reset, axes_reset_ip, axes_reset_username…) unlock through here:
        audited like an unlock in the admin, with no actor (an operator at the server)."""
        from accounts.services import unlock_sign_in

        attempts = AccessAttempt.objects.all()
        if ip_or_username:
            attempts = attempts.filter(Q(ip_address=ip_address) | Q(username=username))
        else:
            if ip_address:
                attempts = attempts.filter(ip_address=ip_address)
            if username:
                attempts = attempts.filter(username=username)
        return unlock_sign_in(actor=None, attempts=attempts)


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The same page for every lock — account or address, existing account or not."""
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    add_never_cache_headers(response)
    return response
