"""api's audit event kinds (registered from ``ApiConfig.ready``; cases/events.py is the example)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind("api_token.issued", Action.PERMISSION_CHANGE, _("APIトークンを発行しました（{scopes}）")),
    EventKind("api_token.revoked", Action.PERMISSION_CHANGE, _("APIトークンを失効させました")),
    EventKind("api_token.used", Action.LOGIN, _("APIトークンで利用しました（{endpoint}）")),
    EventKind("api_token.refused", Action.LOGIN_FAILED, _("APIトークンを拒否しました（{why}）")),
]


def register_events() -> None:
    from api.models import Scope

    register(
        "api",
        kinds=KINDS,
        parameter_labels={
            "scopes": dict(Scope.choices),
            "why": {
                "unknown": _("存在しないトークン"),
                "revoked": _("失効済み"),
                "expired": _("期限切れ"),
                "inactive": _("利用者が無効"),
                "organisations_changed": _("利用者の所属が発行後に変わった"),
            },
        },
    )
