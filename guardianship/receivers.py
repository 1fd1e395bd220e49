"""How the rights-advocacy track takes part in the case workflow, through the signals of cases."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from cases.models import Case, CaseState
from guardianship.models import UNDECIDED_STATES, GuardianshipMatter, MonitoringReport
from notifications.models import Kind, Notification
from notifications.services import notify_each


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


def reports_due(sender, today: datetime.date, **kwargs) -> list[Notification]:
    """For ``send_reminders``: each guardian's report due today or earlier and not yet filed, to
    the centre's staff (the matter's page) and to the guardian (their reports), once a day."""
    notices = []
    reports = list(
        MonitoringReport.objects.filter(
            submitted_on__isnull=True, due_on__lte=today, appointment__ended_on__isnull=True
        ).select_related("appointment__matter", "appointment__candidate__user")
    )
    staff: dict[int, dict[int, User]] = {}  # centre id → its active users, each once
    for membership in Membership.objects.filter(
        organisation_id__in={r.appointment.matter.centre_id for r in reports}, user__is_active=True
    ).select_related("user"):
        staff.setdefault(membership.organisation_id, {})[membership.user_id] = membership.user
    for report in reports:
        matter, guardian = report.appointment.matter, report.appointment.candidate.user
        key = f"{Kind.GUARDIAN_REPORT_DUE}:{report.pk}:{today.isoformat()}"
        told = [
            (user, reverse("guardianship:matter", args=[matter.pk]))
            for user in staff.get(matter.centre_id, {}).values()
        ]
        if guardian is not None:
            told.append((guardian, reverse("guardianship:my_reports")))
        notices += [
            Notification(
                recipient=user, kind=Kind.GUARDIAN_REPORT_DUE, link=link, case_id=matter.case_id, key=key
            )
            for user, link in told
        ]
    return notify_each(notices)
