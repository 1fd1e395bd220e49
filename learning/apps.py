from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("事例から学ぶ")

    def ready(self) -> None:
        from cases.signals import case_page_sections
        from learning import receivers
        from learning.events import register_events
        from learning.examples import register_settings

        register_events()
        register_settings()  # the minimum k of a case example
        case_page_sections.connect(receivers.raise_section, dispatch_uid="learning.section")
