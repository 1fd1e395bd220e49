"""The rights-advocacy track: guardianship matters, candidates, matching, petitions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardianshipConfig(AppConfig):
    name = "guardianship"
    verbose_name = _("権利擁護・成年後見")

    def ready(self) -> None:
        from accounts.selectors import read_with_user_ids
        from cases.signals import case_decided, case_page_sections, conclusion_blockers, reminders_requested
        from guardianship import receivers
        from guardianship.configuration import register_settings
        from guardianship.events import register_events
        from guardianship.selectors import APPOINTED, appointed_count_sql

        # Whether the user is an appointed guardian rides with their ids (the home page and the menu).
        read_with_user_ids(APPOINTED, appointed_count_sql())
        register_events()  # guardianship's audit event kinds and the words for their codes
        register_settings()  # what a municipality may set: who a mayor's petition is said to be from
        case_decided.connect(receivers.open_matter_on_decision, dispatch_uid="guardianship.open")
        conclusion_blockers.connect(
            receivers.undecided_matters_hold_the_case, dispatch_uid="guardianship.blockers"
        )
        case_page_sections.connect(receivers.matters_section, dispatch_uid="guardianship.section")
        reminders_requested.connect(receivers.reports_due, dispatch_uid="guardianship.reminders")
