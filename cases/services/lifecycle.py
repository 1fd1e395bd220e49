"""Deciding, concluding, closing, reopening and withdrawing a case; watch visits."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit import services as audit
from cases.access import require_case_permission
from cases.exceptions import CaseRuleError
from cases.models import Case, CaseAccessGrant, CaseState, Decision, MeetingAttendance, WatchVisit
from cases.signals import case_decided, conclusion_blockers
from cases.transitions import CASES, lead_transition, transition
from cases.vocabulary import WithdrawalKind


def decide(*, actor: User, case: Case, expected_version: int, outcome: str) -> Case:
    """team_meeting → referred | guardianship | watching | closed, as the held meeting decided."""

    def check_meeting(locked: Case) -> None:
        decision = (
            Decision.objects.filter(meeting__case=locked, meeting__held_at__isnull=False)
            .order_by("-decided_at")
            .first()
        )
        if decision is None:
            raise CaseRuleError(_("決定の前に、会議の議事録と決定を記録してください。"), code="no_decision")
        if decision.outcome != outcome:
            raise CaseRuleError(_("会議で記録した決定と異なります。"), code="decision_mismatch")

    def announce(decided: Case) -> None:
        # Inside the transaction: if referrals or guardianship cannot open their side, nothing is decided.
        case_decided.send(sender=Case, case=decided, outcome=outcome, actor=actor)

    return lead_transition(
        actor=actor,
        case=case,
        expected_version=expected_version,
        name="decide",
        args=(outcome,),
        before=check_meeting,
        after=announce,
    )


def conclude(*, actor: User, case: Case, expected_version: int, outcome: str) -> Case:
    """referred | guardianship → watching | closed, once nothing holds the case back."""

    def check_blockers(locked: Case) -> None:
        reasons = blockers_of_conclusion(locked)
        if reasons:
            raise CaseRuleError(reasons, code="conclusion_blocked")

    return lead_transition(
        actor=actor,
        case=case,
        expected_version=expected_version,
        name="conclude",
        args=(outcome,),
        before=check_blockers,
    )


def record_connection(*, case: Case) -> None:
    """An agency has taken the person on: from now the reporter is told つながりました.

    Called by the app that made the connection (referrals) inside its own audited transaction.
    Only the first connection is kept, and the case's version is not bumped: nobody edited the
    case itself, so nobody working on it should get a conflict."""
    Case.objects.filter(pk=case.pk, connected_at__isnull=True).update(connected_at=timezone.now())


def blockers_of_conclusion(case: Case) -> list[str]:
    """Why the case cannot move on to watching or closed yet (empty: it can)."""
    return [
        reason for _receiver, found in conclusion_blockers.send(sender=Case, case=case) for reason in found
    ]


def close(*, actor: User, case: Case, expected_version: int) -> Case:
    """End the watch: watching → closed."""
    return lead_transition(
        actor=actor,
        case=case,
        expected_version=expected_version,
        name="close",
    )


def reopen(*, actor: User, case: Case, expected_version: int) -> Case:
    """Something new about a watched or closed case: back to sharing — unless the person's data
    was erased after it closed (a new concern then starts a new case)."""

    def check_person(locked: Case) -> None:
        if locked.person.is_erased:
            raise CaseRuleError(
                _("本人の個人情報が消去されたケースは再開できません。新しい気付きとして登録してください。"),
                code="person_erased",
            )

    return lead_transition(
        actor=actor,
        case=case,
        expected_version=expected_version,
        name="reopen",
        before=check_person,
    )


def withdraw(*, actor: User, case: Case, expected_version: int, reason: str, kind: str) -> Case:
    """Withdraw a case opened in error or no longer needed (``kind``, WithdrawalKind: the
    indicators leave out the former). A reason is required. Before intake, the person who reported
    the concern may withdraw it; afterwards the lead organisation."""
    is_reporter = (
        case.state == CaseState.NOTICED
        and CaseAccessGrant.objects.filter(
            case=case, user=actor, reason=CaseAccessGrant.Reason.REPORTER
        ).exists()
    )

    def keep_reason(locked: Case) -> None:
        if not reason.strip():  # once the actor is known to be permitted
            raise CaseRuleError(_("取り下げの理由を入力してください。"), code="reason_required")
        if kind not in WithdrawalKind.values:
            raise CaseRuleError(
                _("取り下げの区分（誤って登録した／対応の必要がなくなった）を選んでください。"),
                code="kind_required",
            )
        locked.withdrawal_reason = reason
        locked.withdrawal_kind = kind

    return transition(
        CASES,
        actor=actor,
        record=case,
        expected_version=expected_version,
        name="withdraw",
        permission="view_case_status" if is_reporter else "lead_case",
        before=keep_reason,
        fields=("withdrawal_reason", "withdrawal_kind"),
    )


def may_visit(case: Case, user: User) -> bool:
    """Who may be given a watch visit: the lead organisation's staff, or a commissioner who
    attended a meeting on the case (the one who knows the household)."""
    return (
        user.memberships.filter(organisation_id=case.lead_organisation_id).exists()
        or MeetingAttendance.objects.filter(
            meeting__case=case, user=user, user__memberships__role=Role.COMMISSIONER
        ).exists()
    )


def schedule_watch_visit(*, actor: User, case: Case, due_on: datetime.date, assigned_to: User) -> WatchVisit:
    require_case_permission(actor, case, "change_case", action="schedule_watch_visit")
    if case.state != CaseState.WATCHING:
        raise CaseRuleError(_("見守り訪問は、見守りの段階のケースに設定できます。"), code="not_watching")
    if not may_visit(case, assigned_to):
        raise CaseRuleError(
            _("担当者は、主担当の組織の職員か、このケースの会議に出席した民生委員から選んでください。"),
            code="not_lead_staff",
        )
    with transaction.atomic():
        visit = WatchVisit(case=case, due_on=due_on, assigned_to=assigned_to)
        visit.save(force_insert=True)
    return visit


def record_watch_visit(
    *, actor: User, visit: WatchVisit, note: str, visited_on: datetime.date | None = None
) -> WatchVisit:
    case = visit.case
    if visit.assigned_to_id != actor.pk:  # whoever was given the visit records it; others need the case
        require_case_permission(actor, case, "change_case", action="record_watch_visit")
    with transaction.atomic():
        visit = WatchVisit.objects.select_for_update().get(pk=visit.pk)
        visit.visited_on, visit.note = visited_on or timezone.localdate(), note
        visit.save(update_fields=["visited_on", "note"])
        audit.record(
            "case.watch_visit",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=["note"] if note else [],
            params={"visit": str(visit.pk)},
        )
    return visit
