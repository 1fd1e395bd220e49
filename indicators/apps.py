from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("指標")

    def ready(self) -> None:
        from indicators.events import register_events
        from indicators.selectors import register_settings

        register_events()
        register_settings()
