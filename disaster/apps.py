from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DisasterConfig(AppConfig):
    name = "disaster"
    verbose_name = _("災害時の避難支援")

    def ready(self) -> None:
        from accounts.selectors import read_with_user_ids
        from audit.administration import watch
        from cases.signals import agreement_ended, reminders_requested, retention_holds
        from disaster import receivers
        from disaster.configuration import register_settings
        from disaster.events import register_events
        from disaster.models import ListingCriterion
        from disaster.selectors import ASSIGNED, assigned_count_sql

        # The municipality's criteria are administered: every change is audited, whoever makes it.
        watch(
            ListingCriterion,
            created="listing_criterion.created",
            changed="listing_criterion.changed",
            deleted="listing_criterion.deleted",
            params=lambda criterion, names: {"code": criterion.code},
        )
        register_events()
        read_with_user_ids(ASSIGNED, assigned_count_sql())  # the home page's count, with the ids
        register_settings()  # how long before an unchecked person is escalated
        agreement_ended.connect(
            receivers.recall_lists_of_ended_agreement, dispatch_uid="disaster.agreement_ended"
        )
        reminders_requested.connect(receivers.lapsed_lists, dispatch_uid="disaster.reminders")
        retention_holds.connect(receivers.listed_people, dispatch_uid="disaster.retention")
        post_migrate.connect(_restore_criteria, sender=self, dispatch_uid="disaster.criteria")


def _restore_criteria(sender, using="default", **kwargs) -> None:
    """After a flush (or a migrate) the seeded criteria are there again, as the legal bases are."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from disaster.criteria import ensure_criteria

    if ("disaster", "0002_seed_criteria") in MigrationRecorder(connections[using]).applied_migrations():
        ensure_criteria(using=using)
