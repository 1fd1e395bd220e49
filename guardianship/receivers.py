"""How the rights-advocacy track takes part in the case workflow, through the signals of cases."""

import datetime

from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, CaseState
from guardianship.models import UNDECIDED_STATES, GuardianshipMatter, MonitoringReport


def open_matter_on_decision(sender, case: Case, outcome: str, actor: User, **kwargs) -> None:
    """decide → guardianship opens a matter with the area's centre, in decide's transaction."""
    if outcome != CaseState.GUARDIANSHIP:
        return
    from guardianship.services import open_matter

    if not GuardianshipMatter.objects.filter(case=case).exclude(state="ended").exists():
        open_matter(actor=actor, case=case)


def undecided_matters_hold_the_case(sender, case: Case, **kwargs) -> list[str]:
    return _holding(GuardianshipMatter.objects.filter(case=case, state__in=UNDECIDED_STATES))


def _holding(matters) -> list[str]:
    return [
        _("権利擁護・成年後見の案件が進行中です（%(state)s）。") % {"state": matter.get_state_display()}
        for matter in matters
        if matter.state in UNDECIDED_STATES
    ]


def matters_section(sender, actor: User, case: Case, overview, **kwargs) -> list[dict]:
    """The lead organisation sees where the case's matter stands (the centre's records stay the
    centre's), and which of them holds the case (read once for the page: ``blockers``)."""
    # A matter is opened when a case is decided for guardianship: a case never there has none.
    if not overview.can_lead or CaseState.GUARDIANSHIP not in overview.states_reached:
        return []
    matters = list(
        GuardianshipMatter.objects.filter(case=case).select_related("centre").order_by("opened_at")
    )
    if not matters:
        return []
    return [
        {
            "template": "guardianship/_case_section.html",
            "context": {"matters": matters},
            "blockers": _holding(matters),
        }
    ]


def overdue_reports(sender, today: datetime.date, **kwargs) -> list[tuple[User, str]]:
    """For ``send_reminders``: each guardian's report past due, to the centre's staff and the guardian."""
    pairs: list[tuple[User, str]] = []
    for report in MonitoringReport.objects.filter(
        submitted_on__isnull=True, due_on__lt=today, appointment__ended_on__isnull=True
    ).select_related("appointment__matter", "appointment__candidate__user"):
        matter = report.appointment.matter
        text = f"guardian report due {report.due_on:%Y-%m-%d} (matter {matter.pk}, case {matter.case_id})"
        for user in User.objects.filter(
            memberships__organisation_id=matter.centre_id, is_active=True
        ).distinct():
            pairs.append((user, text))
        if report.appointment.candidate.user is not None:
            pairs.append((report.appointment.candidate.user, text))
    return pairs
