"""Who is asking, from where, under which request id: carried to every event a request records.

The signed-in user is carried in accounts.acting (services of accounts set it too).
"""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.acting import acting_as


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_address: str


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
            # Behind a proxy, SECURE_PROXY_SSL_HEADER setups pass the client in REMOTE_ADDR via the
            # WSGI server's own configuration; a header the client controls is not trusted here.
            client_address=request.META.get("REMOTE_ADDR", "")[:45],
        )
        token = _current.set(context)
        try:
            # The signed-in user (read lazily) acts in whatever this request changes: model-level
            # audit of administration (audit/administration.py) names them.
            with acting_as(request.user):
                response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = context.request_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, PermissionDenied) and not getattr(exception, "audited", False):
            from audit.services import record_denial

            record_denial(request)
        return None  # Django renders the 403 page
