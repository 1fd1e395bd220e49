"""Phones: a phone its user marks as their own, where the sign-in is kept and the offline queue's
key is given (docs/offline.md)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhonesConfig(AppConfig):
    name = "phones"
    verbose_name = _("端末")

    def ready(self) -> None:
        from phones.events import register_events

        register_events()
