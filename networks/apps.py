from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("地域のネットワーク")

    def ready(self) -> None:
        from networks.events import register_events

        register_events()
