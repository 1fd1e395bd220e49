"""A remembered session stays on its phone, and a revoked phone is told so (docs/offline.md)."""

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
    """A session kept on a phone is valid only with that phone's phone cookie (a session cookie
    copied elsewhere signs nobody in). A request bearing the cookie of a revoked phone — whose
    session was deleted when it was revoked — is answered that the phone was revoked (401
    ``phone_revoked`` to the API, a message on the sign-in page), and the browser is told to wipe
    the site's storage and caches. Costs a statement only on such a request, and once an hour on
    a remembered phone (its last use)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.COOKIES.get(COOKIE, "")
        if request.user.is_authenticated:
            phone_id = request.session.get(SESSION_PHONE)
            if phone_id is not None:
                if not token or services.token_hash(token) != request.session.get(SESSION_PHONE_HASH):
                    logout(request)  # a remembered session away from its phone
                else:
                    self._seen(request, phone_id)
            return self.get_response(request)
        if not token:
            return self.get_response(request)
        phone = services.phone_with_token(token)
        if phone is None or phone.revoked_at is None:
            return self.get_response(request)  # a phone signed out on this phone: signs in again
        audit.record("phone.refused", actor=None, target=phone, params={"phone": phone.pk})
        message = _(
            "この端末でのログインは無効にされました。端末に残っていた送信待ちの記録は消去しました。"
            "もう一度ログインしてください。"
        )
        if is_api(request):
            response = problem(401, _("この端末は無効にされました"), message, "phone_revoked")
        else:
            messages.warning(request, message)
            response = self.get_response(request)
        response.delete_cookie(COOKIE)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response

    def _seen(self, request: HttpRequest, phone_id: int) -> None:
        now = int(timezone.now().timestamp())
        if now - request.session.get(SEEN, 0) >= services.SEEN_RESOLUTION.total_seconds():
            request.session[SEEN] = now
            services.seen(phone_id)
