"""The tamper-evident audit trail of every read and write of personal data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("監査記録")

    def ready(self) -> None:
        from audit import administration, checks, signals  # noqa: F401

        administration.connect()
