"""The phone's offline part (docs/offline.md): the web app manifest, the service worker, and what
the pages tell the offline script. config composes it: the concern form is cases', the safety
checks disaster's, the kept sign-in and the queue's key phones'."""

import json
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.roles import Role
from accounts.selectors import holds_role
from phones.services import SESSION_PHONE

# Who writes on a doorstep or in a disaster, on their own phone: the offline queue is theirs.
OFFLINE_ROLES = (Role.COMMISSIONER, Role.SUPPORTER)
# The page the service worker keeps for use without a network: the concern form, as the server
# renders it for the shell (``SHELL_HEADER``: no name of anyone, not even the user's own).
SHELL_HEADER = "X-Tsunagu-Shell"
ASSETS = ("css/tsunagu.css", "js/tsunagu.js", "js/offline.js", "img/favicon.svg")
ASSETS += ("img/icon-192.png", "img/icon-512.png")


def offline(request: HttpRequest) -> dict:
    """Context processor: whether this page loads the offline script, the shell flag, and whether
    this session is kept on its user's phone."""
    user = getattr(request, "user", None)
    enabled = bool(user is not None and user.is_authenticated and holds_role(user, OFFLINE_ROLES))
    session = getattr(request, "session", None)
    return {
        "offline": enabled,
        "shell": request.headers.get(SHELL_HEADER) == "1",
        # The header's link to the user's kept phones: on the phones of those who keep one.
        "phone_kept": bool(session is not None and SESSION_PHONE in session),
    }


def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: installable, opening on the concern form."""
    body = {
        "name": _("つなぐ 気付きの記録"),
        "short_name": _("つなぐ"),
        "lang": "ja",
        "start_url": reverse("cases:concern_new"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d5e8c",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(
        body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site's root so that it may answer for the concern form; it
    answers for nothing else but the static files it keeps (static/js/sw.js). Its few words are in
    the language of the page that registered it (``lang``): a worker's own request may carry
    another."""
    language = request.GET.get("lang", "")
    with translation.override(language if language in dict(settings.LANGUAGES) else None):
        return _service_worker()


def _service_worker() -> HttpResponse:
    config = {
        "shell": reverse("cases:concern_new"),
        "shellHeader": SHELL_HEADER,
        "assets": [static(name) for name in ASSETS],
        "script": static("js/offline.js"),
        "offlineTitle": _("電波がありません"),
        "offlineText": _("この画面は電波のある所で開いてください。気付きの記録は電波がなくてもできます。"),
        "offlineLink": _("気付きを記録する"),
        "keepHours": settings.TSUNAGU_OFFLINE_KEEP_HOURS,
    }
    script = f"const CONFIG = {json.dumps(config, ensure_ascii=False)};\n" + _worker_source()
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


@cache
def _worker_source() -> str:
    """static/js/sw.js, read once per process (it changes only with a deployment)."""
    return (settings.BASE_DIR / "static" / "js" / "sw.js").read_text(encoding="utf-8")
