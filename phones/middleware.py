"""A remembered session stays on its phone, and a revoked phone is told so (docs/offline.md)."""

from hmac import compare_digest

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.middleware import is_api, problem
from audit import services as audit
from phones import services
from phones.services import COOKIE, SESSION_PHONE, SESSION_PHONE_HASH

SEEN = "tsunagu.phone_seen"
# What a browser wipes when told (the phone's queue, its key, the cached pages, the service worker).
CLEAR_SITE_DATA = '"cache", "storage"'


class RememberedPhoneMiddleware:
    """A session kept on a phone is valid only with that phone's cookie (a session cookie copied
    elsewhere signs nobody in). A request that bears a phone's cookie but no signed-in session is
    from a phone whose kept sign-in is over: revoked (its session was deleted), or ended without a
    sign-out (idle too long, the longest period, the user deactivated): the phone is ended too,
    the answer says so (401 ``phone_revoked`` / ``phone_ended`` to the API, on which the phone's
    script wipes; a message on the sign-in page, whose answer tells the browser to wipe the site's
    storage and caches), and the cookie goes.
    A statement on such a request only, and once an hour on a kept phone (its last use)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.COOKIES.get(COOKIE, "")
        if request.user.is_authenticated:
            phone_id = request.session.get(SESSION_PHONE)
            if phone_id is not None:
                if not token or not compare_digest(
                    services.token_hash(token), request.session.get(SESSION_PHONE_HASH, "")
                ):
                    logout(request)  # a kept session away from its phone
                else:
                    self._seen(request, phone_id)
            return self.get_response(request)
        if not token:
            return self.get_response(request)
        phone = services.phone_with_token(token)
        if phone is not None and phone.revoked_at is not None:
            audit.record("phone.refused", actor=None, target=phone, params={"phone": phone.pk})
            title, code = _("この端末は無効にされました"), "phone_revoked"
            message = _(
                "この端末でのログインは無効にされました。端末に残っていた送信待ちの記録は消去しました。"
                "もう一度ログインしてください。"
            )
        else:
            if phone is not None:
                services.end_phone(phone)
            title, code = _("この端末でのログインは終わりました"), "phone_ended"
            message = _(
                "この端末でのログインは期限が切れたため終わりました。端末に残っていた送信待ちの記録は消去しました。"
                "もう一度ログインしてください。"
            )
        if is_api(request):
            # The phone's script wipes on this code itself. No Clear-Site-Data on an answer to a
            # script: Chromium may hold the answer until every storage connection of the site has
            # closed, the script's own among them (crbug.com/40233601): the request would hang.
            response = problem(401, title, message, code)
        else:
            messages.warning(request, message)
            response = self.get_response(request)
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        if COOKIE not in response.cookies:  # a sign-in on this request keeps the new phone's
            response.delete_cookie(COOKIE)
        return response

    def _seen(self, request: HttpRequest, phone_id: int) -> None:
        now = int(timezone.now().timestamp())
        if now - request.session.get(SEEN, 0) >= services.SEEN_RESOLUTION.total_seconds():
            request.session[SEEN] = now
            services.seen(phone_id)
