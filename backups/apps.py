"""Backups that restore: the database with a manifest, and the restore that re-applies erasures."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = _("バックアップ")

    def ready(self) -> None:
        from backups.events import register_events

        register_events()
