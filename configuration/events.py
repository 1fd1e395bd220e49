"""configuration's audit event kinds (registered from ``ConfigurationConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind("configuration.changed", Action.UPDATE, _("自治体の設定を変更しました（第{version}版）")),
]


def register_events() -> None:
    register("configuration", kinds=KINDS)
