"""Log lines as operators read them: one JSON object a line, with the request's id and the user's id.

The request id is the audit trail's (audit.context), so a log line and the audit events of the same
request are found together. The user is named by id only, and only when the request has already
read who it is (a log line never costs a query). Messages carry metadata, never personal data; an
error report to the administrators carries the failing code's place, not the values it held.
"""

import json
import logging
import traceback
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import mail_admins
from django.utils.functional import empty

from accounts.acting import _acting
from audit.context import current


def _user_id() -> str:
    user = _acting.get()
    if user is None:
        return ""
    if getattr(user, "_wrapped", None) is empty:  # a lazy request.user not yet read
        return ""
    if not getattr(user, "is_authenticated", False):
        return ""
    return str(user.pk)


class RequestContextFilter(logging.Filter):
    """Adds request_id and user_id to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current()
        record.request_id = context.request_id if context else ""
        record.user_id = _user_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "user_id": getattr(record, "user_id", ""),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = _exception_place(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _exception_place(exc_info) -> str:
    """The exception's type and the frames it passed through: no message, no local values (either
    may hold a person's data)."""
    exc_type, _, tb = exc_info
    frames = traceback.extract_tb(tb)
    lines = [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]
    return f"{exc_type.__module__}.{exc_type.__qualname__}\n" + "\n".join(lines)


class AdminMailHandler(logging.Handler):
    """Mails an error to ADMINS (nobody when unset): where it failed and the request id to look up
    in the logs and the audit trail — unlike Django's own report, no request data or local values."""

    def emit(self, record: logging.LogRecord) -> None:
        if not settings.ADMINS:
            return
        try:
            request_id = getattr(record, "request_id", "") or (current().request_id if current() else "")
            body = [
                f"time: {datetime.fromtimestamp(record.created, UTC).isoformat()}",
                f"logger: {record.name}",
                f"request_id: {request_id}",
                f"user_id: {getattr(record, 'user_id', '') or _user_id()}",
            ]
            if record.exc_info and record.exc_info[0] is not None:
                body.append(_exception_place(record.exc_info))
            mail_admins(f"{record.levelname} ({record.name}) request {request_id}", "\n".join(body))
        except Exception:  # a failing report must not fail the request
            self.handleError(record)
