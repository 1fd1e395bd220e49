"""Who is asking, from where, under which request id: carried to every event a request records.

The signed-in user is carried in accounts.acting (services of accounts set it too).
"""

import logging
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.acting import acting_as
from accounts.client import client_address


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_address: str


# One line a request (config/logging.py adds the request and user ids): the view's name, never the
# path, whose query string may hold what someone searched for.
access_log = logging.getLogger("tsunagu.request")

_current: ContextVar[RequestContext | None] = ContextVar("tsunagu_audit_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


class AuditContextMiddleware:
    """Gives each request an id (echoed in X-Request-ID) and records refused operations."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        context = RequestContext(
            request_id=uuid.uuid4().hex,
            # REMOTE_ADDR, or behind the configured proxy the address it forwarded (accounts.client;
            # the sign-in throttle counts the same address).
            client_address=client_address(request),
        )
        token = _current.set(context)
        started = time.monotonic()
        try:
            # The signed-in user (read lazily) acts in whatever this request changes: model-level
            # audit of administration (audit/administration.py) names them.
            with acting_as(request.user):
                response = self.get_response(request)
                match = request.resolver_match
                access_log.info(
                    "%s %s %s %dms",
                    request.method,
                    match.view_name if match else "-",
                    response.status_code,
                    (time.monotonic() - started) * 1000,
                )
        finally:
            _current.reset(token)
        response["X-Request-ID"] = context.request_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, PermissionDenied) and not getattr(exception, "audited", False):
            from audit.services import record_denial

            record_denial(request)
        return None  # Django renders the 403 page
