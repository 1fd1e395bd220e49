"""Referrals from a case to an agency, and their acceptance loop."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("つなぎ（紹介）")

    def ready(self) -> None:
        from audit.administration import watch
        from cases.signals import (
            case_ended,
            case_page_sections,
            conclusion_blockers,
            progress_links,
            reminders_requested,
        )
        from referrals import receivers
        from referrals.events import register_events
        from referrals.models import AcceptanceDeadline

        # Deadlines are administered: every change is audited, whoever makes it.
        watch(
            AcceptanceDeadline,
            created="acceptance_deadline.created",
            changed="acceptance_deadline.changed",
            deleted="acceptance_deadline.deleted",
            params=lambda deadline, names: {
                "organisation_kind": deadline.organisation_kind,
                "working_days": deadline.working_days,
            },
        )
        register_events()  # referrals' audit event kinds and the words for their codes

        conclusion_blockers.connect(receivers.open_referrals_hold_the_case, dispatch_uid="referrals.blockers")
        case_page_sections.connect(receivers.referrals_section, dispatch_uid="referrals.section")
        reminders_requested.connect(receivers.overdue_referrals, dispatch_uid="referrals.reminders")
        case_ended.connect(receivers.withdraw_open_referrals, dispatch_uid="referrals.case_ended")
        progress_links.connect(receivers.progress_link_targets, dispatch_uid="referrals.progress_links")
