"""Headers that every page of Tsunagu carries (docs/security.md "Response headers")."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class PrivateResponseMiddleware:
    """``Cache-Control: no-store`` and ``Permissions-Policy`` on every response that is not a static file.

    Nearly every page shows personal data or is a step towards it, and the few that do not (the
    login page, an error page) gain nothing from a cache: no page is stored by the browser (its
    back button, its disk cache on a shared office PC) or by a proxy. Static files never reach
    this middleware: WhiteNoise, above it, answers them with their own long-lived caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Replaces whatever a view set (never_cache's longer form included): one rule for all.
        response["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        return response
