"""The rights-advocacy track: guardianship matters, candidates, matching, petitions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardianshipConfig(AppConfig):
    name = "guardianship"
    verbose_name = _("権利擁護・成年後見")

    def ready(self) -> None:
        from audit.events import register_parameter_labels
        from cases.signals import case_decided, case_page_sections, conclusion_blockers, reminders_requested
        from guardianship import receivers
        from guardianship.vocabulary import CandidateKind, DocumentKind, DocumentStatus, MatterState

        case_decided.connect(receivers.open_matter_on_decision, dispatch_uid="guardianship.open")
        conclusion_blockers.connect(
            receivers.undecided_matters_hold_the_case, dispatch_uid="guardianship.blockers"
        )
        case_page_sections.connect(receivers.matters_section, dispatch_uid="guardianship.section")
        reminders_requested.connect(receivers.overdue_reports, dispatch_uid="guardianship.reminders")
        for name in ("from", "to"):
            register_parameter_labels(name, dict(MatterState.choices))
        register_parameter_labels("kind", dict(CandidateKind.choices) | dict(DocumentKind.choices))
        register_parameter_labels("status", dict(DocumentStatus.choices))
        register_parameter_labels(
            "what",
            {
                "document": _("申立書類"),
                "report_scheduled": _("報告の予定"),
                "report": _("後見活動の報告"),
                "complaint": _("苦情の受付"),
                "complaint_closed": _("苦情への対応"),
            },
        )
        register_parameter_labels(
            "field",
            {
                "capacity_concerns": _("判断能力についての心配"),
                "wishes": _("本人が話したこと・希望"),
                "wishes_supported_by": _("意思決定を支援した人"),
                "wishes_how": _("どのように支援したか"),
                "alternative_reason": _("他の支援についての検討"),
                "decision_reason": _("決定の理由"),
                "summary": _("報告の内容"),
                "details": _("内容"),
                "handling": _("対応"),
                "outcome": _("結果"),
                "name": _("氏名"),
                "contact": _("連絡先"),
            },
        )
