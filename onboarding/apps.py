from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("導入時の取り込み")

    def ready(self) -> None:
        from onboarding.events import register_events

        register_events()
