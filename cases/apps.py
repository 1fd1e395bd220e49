"""Concerns, cases and their workflow: consent, disclosure, support-team meetings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("ケース")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # A flush (between tests) empties the catalogue migration 0002 made; bring back what is missing.
        post_migrate.connect(_restore_catalogue, sender=self, dispatch_uid="cases.legal_bases")
        from cases.access import forget_permission_ids

        post_migrate.connect(forget_permission_ids, dispatch_uid="cases.permission_ids")

        # The legal-basis catalogue is administered: every change is audited, whoever makes it.
        from audit.administration import watch
        from cases.models import LegalBasis

        watch(
            LegalBasis,
            created="legal_basis.created",
            changed="legal_basis.changed",
            deleted="legal_basis.deleted",
            params=lambda basis, names: {"code": basis.code},
        )

        # The audit trail stores codes and field names: cases' kinds and the words for them.
        from cases.events import register_events

        register_events()

        # What a municipality may set of the concern form's words (configuration's page).
        from cases.configuration import register_settings

        register_settings()

        # The notifications page asks what it may say of each case (cases imports notifications,
        # never the other way).
        from cases.selectors.lists import shown_in_notifications
        from notifications.signals import cases_shown

        cases_shown.connect(shown_in_notifications, dispatch_uid="cases.notifications")


def _restore_catalogue(sender, using="default", **kwargs) -> None:
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from cases.legal_bases import ensure_catalogue

    if ("cases", "0002_legal_basis_catalogue") in MigrationRecorder(connections[using]).applied_migrations():
        ensure_catalogue(using=using)
