"""Nothing but the second-factor screens until a user who needs a second factor has given one."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from accounts import twofactor

# What a signed-in user reaches before the second factor: the two-factor screens themselves,
# signing out and the language switch. Static files are served before this middleware runs.
OPEN_VIEWS = frozenset(
    {
        "accounts:two_factor_setup",
        "accounts:two_factor_qr",
        "accounts:two_factor_verify",
        "logout",
        "set_language",
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
        # Back to the page asked for once verified; a form posted meanwhile is not replayed.
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))
