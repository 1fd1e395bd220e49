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

        # The audit trail stores codes; its screens show these words for them.
        from audit.events import register_parameter_labels
        from cases.models import CaseAccessGrant, CaseState, Consent, MeetingKind
        from cases.vocabulary import ReporterKind, Urgency

        for name, choices in [
            ("from", CaseState),
            ("to", CaseState),
            ("reporter_kind", ReporterKind),
            ("urgency", Urgency),
            ("purpose", Consent.Purpose),
            ("kind", MeetingKind),
            ("reason", CaseAccessGrant.Reason),
        ]:
            register_parameter_labels(name, dict(choices.choices))
        from django.utils.translation import gettext_lazy as _

        from cases.vocabulary import FieldGroup

        register_parameter_labels(
            "field",
            {
                **dict(FieldGroup.choices),
                "details": _("気付きの内容"),
                "concern.details": _("気付きの内容"),
                "meeting.agenda": _("議題"),
                "meeting.minutes": _("議事録"),
                "agenda": _("議題"),
                "minutes": _("議事録"),
                "reason": _("理由"),
                "note": _("見守りの記録"),
                "representative": _("代理で同意した人"),
                "action_items": _("役割分担"),
            },
        )


def _restore_catalogue(sender, using="default", **kwargs) -> None:
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from cases.legal_bases import ensure_catalogue

    if ("cases", "0002_legal_basis_catalogue") in MigrationRecorder(connections[using]).applied_migrations():
        ensure_catalogue(using=using)
