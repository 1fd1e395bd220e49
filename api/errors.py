"""Every error of the API as an RFC 9457 problem (``application/problem+json``): ``type``,
``title`` and ``status``, a ``detail`` in the reader's language (Accept-Language: ja or en), the
rule's ``code`` where a service refused, and each field's messages under ``errors``. A message
may name a code or an id that was sent, never a person's data: the fields that carry it (a name,
an address, what was noticed) are checked for length only."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.services import TokenError
from cases.exceptions import CaseRuleError, Conflict

PROBLEM = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("入力に誤りがあります"),
        401: _("認証が必要です"),
        403: _("権限がありません"),
        404: _("見つかりません"),
        405: _("この操作はできません"),
        406: _("応答の形式に対応していません"),
        409: _("他の変更と競合しました"),
        415: _("送られた形式に対応していません"),
        422: _("規則により受け付けられません"),
        429: _("要求が多すぎます"),
    }


def problem(status_code: int, detail: str, **members) -> Response:
    body = {
        "type": "about:blank",
        "title": _titles().get(status_code, _("エラーが発生しました")),
        "status": status_code,
        "detail": detail,
        **members,
    }
    return Response(body, status=status_code, content_type=PROBLEM)


def problem_details(exc, context) -> Response | None:
    if isinstance(exc, Conflict):
        return problem(status.HTTP_409_CONFLICT, str(exc), code="conflict")
    if isinstance(exc, CaseRuleError):
        if hasattr(exc, "error_dict"):  # a refusal beside the fields it is about
            first = next(iter(exc.error_dict.values()))[0]
            return problem(
                422,
                " ".join(exc.messages),
                code=first.code or "rule",
                errors={name: list(messages) for name, messages in exc.message_dict.items()},
            )
        return problem(422, " ".join(exc.messages), code=exc.code or "rule")
    if isinstance(exc, TokenError):
        return problem(status.HTTP_401_UNAUTHORIZED, str(exc), code=exc.code)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling and the error report
    if isinstance(exc, exceptions.ParseError):
        return problem(response.status_code, _("送られた内容をJSONとして読めません。"), code="parse_error")
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        answer = problem(
            response.status_code,
            _("入力内容を確認してください。"),
            code="invalid",
            errors={name: [str(m) for m in _listed(messages)] for name, messages in errors.items()},
        )
    else:
        # DRF's own messages (its Japanese among them) or the service's, as DRF rendered them.
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or "error"
        answer = problem(response.status_code, str(detail), code=code)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            answer[header] = response[header]
    return answer


def _listed(messages) -> list:
    if isinstance(messages, dict):  # a nested object's fields: flattened, each message once
        return [m for inner in messages.values() for m in _listed(inner)]
    return list(messages) if isinstance(messages, list) else [messages]
