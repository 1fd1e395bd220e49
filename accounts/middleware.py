"""What a signed-in session may do, checked on every request.

Sessions end after a while without a request, and 8 hours after signing in whatever happens:
staff work on shared office terminals, where a session left open is someone else's next, so they
get the shorter idle period; commissioners and appointed guardians sign in on their own phones.
And nothing but the second-factor screens until a user who needs a second factor has given one.
"""

from collections.abc import Callable
from contextlib import nullcontext
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from accounts import twofactor
from accounts.models import User
from accounts.selectors import is_office_staff
from accounts.sql import send_device_by_id, sent_together

SIGNED_IN_AT = "tsunagu.signed_in_at"
LAST_SEEN = "tsunagu.last_seen"
IDLE_TIMEOUT = "tsunagu.idle_timeout"
# How long after signing in the session ends whatever happens, where it differs from
# SESSION_COOKIE_AGE (a phone its user marked as their own: phones.services.remember_phone).
SESSION_AGE = "tsunagu.session_age"
# Set on the request before logging out, so that the logout's audit event says why.
SESSION_END_REASON = "tsunagu_session_end"
IDLE, ABSOLUTE = "idle", "absolute"
# The last request's time is written at most this often: a session save on every request would
# cost a write per page; the idle period is minutes long.
LAST_SEEN_RESOLUTION = 60


def now() -> int:
    return int(timezone.now().timestamp())


def idle_timeout_of(user: User) -> int:
    """Seconds without a request after which the user's session ends: the office period for any
    staff role (and for an administrator holding none), the personal one otherwise."""
    minutes = (
        settings.TSUNAGU_IDLE_TIMEOUT_OFFICE_MINUTES
        if is_office_staff(user)
        else settings.TSUNAGU_IDLE_TIMEOUT_PERSONAL_MINUTES
    )
    return minutes * 60


def start_session_clock(request: HttpRequest, user: User) -> None:
    """At sign-in: the idle period follows the user's roles at that moment."""
    moment = now()
    request.session[SIGNED_IN_AT] = moment
    request.session[LAST_SEEN] = moment
    request.session[IDLE_TIMEOUT] = idle_timeout_of(user)


def is_api(request: HttpRequest) -> bool:
    """A request to the API (docs/api.md), which a program reads: answered with a problem, not
    sent to a page."""
    return request.path_info.startswith("/api/")


def problem(status: int, title: str, detail: str, code: str) -> JsonResponse:
    """An RFC 9457 problem, as api/errors.py words the API's own."""
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code},
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )


class DeviceMiddleware(OTPMiddleware):
    """django-otp's middleware (``request.user.otp_device``, ``is_verified()``), reading the
    session's second-factor device with written SQL (accounts/sql.py) as every request does, in
    the round trip that reads the user. The device is still checked against the user and its
    confirmation by django-otp (``_finalize_device``)."""

    def _verify_user_sync(self, request: HttpRequest, user):
        # django-otp's own, but the device is sent with the user's read: the session (read first)
        # names both, and PostgreSQL answers the two in one round trip. Without a device (signed
        # out, or before the second factor) nothing waits to go with the user: no pipeline, and an
        # anonymous page still needs no database.
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        with sent_together() if persistent_id else nullcontext():
            device = self._send_device(persistent_id)
            # django-otp wraps Django's lazy user in a lazy user of its own; what it wraps is here
            # the user itself, so that each attribute read on request.user passes one wrapper, not two.
            if isinstance(user, LazyObject):
                user = get_user(request)  # Django's, kept on the request: the user read once
        self._init_user_fields(user)
        if user.is_authenticated:
            user.otp_device = self._finalize_device(request, user, device())
        return user

    def _send_device(self, persistent_id: str | None) -> Callable[[], Device | None]:
        if not persistent_id:
            return _no_device
        model_label, _slash, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        try:
            model = apps.get_model(model_label)
            return send_device_by_id(model, int(device_id)) if issubclass(model, Device) else _no_device
        except (ValueError, LookupError):  # as Device.from_persistent_id: a stale or forged id
            return _no_device


def _no_device() -> None:
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            if IDLE_TIMEOUT not in session:  # a session from before this middleware
                start_session_clock(request, request.user)
            moment = now()
            if moment - session.get(LAST_SEEN, moment) > session[IDLE_TIMEOUT]:
                return self._end(request, IDLE)
            longest = session.get(SESSION_AGE, settings.SESSION_COOKIE_AGE)
            if moment - session.get(SIGNED_IN_AT, moment) > longest:
                return self._end(request, ABSOLUTE)
            if moment - session[LAST_SEEN] >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = moment
        return self.get_response(request)

    def _end(self, request: HttpRequest, reason: str) -> HttpResponse:
        setattr(request, SESSION_END_REASON, reason)
        logout(request)
        if reason == IDLE:
            message = _("一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。")
        else:
            message = _("ログインから時間が経過したため、ログアウトしました。もう一度ログインしてください。")
        if is_api(request):
            return problem(401, _("認証が必要です"), message, "session_ended")
        messages.warning(request, message)
        # Back to this page after signing in again, if it was one to read (a form's POST is lost).
        if request.method in ("GET", "HEAD") and request.path != reverse("logout"):
            url = redirect_to_login(request.get_full_path()).url
        else:
            url = resolve_url(settings.LOGIN_URL)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)


# What a signed-in user reaches before the second factor: the two-factor screens themselves,
# signing out and the language switch. Static files are served before this middleware runs.
OPEN_VIEWS = frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:two_factor_qr",
        "accounts:two_factor_verify",
        "logout",
        "set_language",
        # The load balancer's probes (config.health): no personal data, answered before this
        # middleware anyway.
        "healthz",
        "readyz",
        # The API's schema: what exists, open to anyone (docs/api.md).
        "api:schema",
    }
)


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: ``request.user.is_verified()`` says whether this session
    gave a code. A user with a confirmed device must verify; a user whose role requires a second
    factor and who has none must set one up. Everyone else passes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if twofactor.has_second_factor(user):
            target = "accounts:two_factor_verify"
        elif twofactor.second_factor_required(user):
            target = "accounts:two_factor_setup"
        else:
            return None
        if is_api(request):
            return problem(
                403,
                _("権限がありません"),
                _("二要素認証を済ませてから使ってください。"),
                "second_factor_required",
            )
        # Back to the page asked for once verified; a form posted meanwhile is not replayed.
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))
