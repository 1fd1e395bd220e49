from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigurationConfig(AppConfig):
    name = "configuration"
    verbose_name = _("自治体ごとの設定")

    def ready(self) -> None:
        from configuration.events import register_events

        register_events()
