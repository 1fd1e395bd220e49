"""The client's address: what the audit trail records and the sign-in throttle counts.

Directly (the default) it is REMOTE_ADDR. Behind a reverse proxy (BEHIND_PROXY=1) REMOTE_ADDR is the
proxy, and the client is the address the proxy appended to X-Forwarded-For — believed only on a
request that came from one of TRUSTED_PROXIES: anyone else can write that header.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

MAX_LENGTH = 45  # the audit trail's column (an IPv6 address with an IPv4 tail)


def _address(value: str) -> str:
    """A well-formed IP address, normalised, or ""."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_address(request: HttpRequest) -> str:
    """The client's IP address for this request (django-axes' AXES_CLIENT_IP_CALLABLE too)."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = {_address(proxy) for proxy in settings.TRUSTED_PROXIES} - {""}
    if not settings.BEHIND_PROXY or remote not in trusted:
        return remote[:MAX_LENGTH]
    # Walk from the right: the last hop was added by our proxy, the ones before it by whoever sent
    # them. The first address from the right that is not one of our proxies is the client.
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if not address:
            break  # a malformed hop: nothing left of it can be believed
        if address not in trusted:
            return address[:MAX_LENGTH]
    return remote[:MAX_LENGTH]


def from_trusted_proxy(request: HttpRequest) -> bool:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    return bool(remote) and remote in {_address(proxy) for proxy in settings.TRUSTED_PROXIES}


class ForwardedHeadersMiddleware:
    """First in MIDDLEWARE: a request that did not come through one of TRUSTED_PROXIES loses its
    X-Forwarded-* headers, so that SECURE_PROXY_SSL_HEADER (the scheme) is believed only from the
    proxy too — a client reaching the server directly cannot claim HTTPS."""

    HEADERS = (
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not settings.BEHIND_PROXY or not from_trusted_proxy(request):
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
