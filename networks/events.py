"""networks' audit event kinds (registered from ``NetworksConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind("network.registered", Action.CREATE, _("地域のネットワークを登録しました")),
    EventKind("network.changed", Action.UPDATE, _("地域のネットワークを変更しました")),
]


def register_events() -> None:
    from networks.models import Network

    names = ["name", "district", "purpose", "member_count", "started_on", "ended_on"]
    register(
        "networks",
        kinds=KINDS,
        field_labels={f"network.{name}": Network._meta.get_field(name).verbose_name for name in names},
    )
