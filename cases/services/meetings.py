"""Support-team meetings: schedule (the case moves to team_meeting), attendees acknowledge
confidentiality before they see anything, minutes, decisions and action items."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from audit import services as audit
from cases.access import grant_access, require_case_permission
from cases.configuration import UNDERTAKINGS, values_where
from cases.exceptions import CaseRuleError, Conflict
from cases.models import (
    AccessLevel,
    ActionItem,
    Case,
    CaseAccessGrant,
    CaseState,
    ConcernCategoryTag,
    Consent,
    Decision,
    LegalBasis,
    MeetingAttendance,
    MeetingGuest,
    MeetingKind,
    MinutesAmendment,
    SupportMeeting,
)
from cases.services.sharing import check_consent, check_legal_basis, consent_ends_at
from cases.transitions import CASES, act, lead_transition
from cases.vocabulary import FieldGroup, GuestStanding
from notifications.models import Kind
from notifications.services import notify

# What an attendee from another organisation sees once they have acknowledged confidentiality.
ATTENDEE_FIELD_GROUPS = [FieldGroup.IDENTITY, FieldGroup.CONCERN, FieldGroup.MEETINGS]


def _membership_organisation(user: User, organisation: Organisation) -> None:
    if not organisation.memberships.filter(user=user).exists():
        raise CaseRuleError(_("出席者はその組織に所属している必要があります。"), code="attendee_not_member")


def schedule_meeting(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    kind: str,
    legal_basis: LegalBasis,
    scheduled_for: datetime.datetime,
    attendees: list[tuple[User, Organisation]],
    agenda: str = "",
    consent: Consent | None = None,
    reference: str = "",
    access_hours_after: int = 72,
) -> SupportMeeting:
    """Schedule a meeting on the case. A 支援会議 (社会福祉法 §106-6) may meet before the person
    consents; any other kind needs a consent to meetings that covers every attending organisation."""
    created: list[SupportMeeting] = []

    def create_meeting(locked: Case) -> None:
        if kind not in MeetingKind.values:
            raise CaseRuleError(_("会議の種類を選んでください。"), code="unknown_kind")
        lead = locked.lead_organisation
        check_legal_basis(legal_basis, lead, reference)
        organisations = sorted({o for _user, o in attendees} - {lead}, key=lambda o: o.pk)
        on_consent = legal_basis.is_consent or not legal_basis.allows_meeting_without_consent
        if on_consent:
            if kind == MeetingKind.SUPPORT_MEETING and not legal_basis.allows_meeting_without_consent:
                raise CaseRuleError(
                    _("支援会議には、同意前の共有を認める根拠（社会福祉法第106条の6など）を選んでください。"),
                    code="basis_not_for_meeting",
                )
            if consent is None:
                raise CaseRuleError(
                    _("この会議には、会議での検討への本人の同意が必要です。"), code="meeting_consent_missing"
                )
            # Attendees may see the case from today (once they acknowledge) and at the meeting:
            # the consent must be in force on both days, and so on every day between.
            for day in sorted({timezone.localdate(), timezone.localdate(scheduled_for)}):
                check_consent(
                    consent, case=locked, purpose=Consent.Purpose.MEETING, recipients=organisations, on=day
                )
        for user, organisation in attendees:
            _membership_organisation(user, organisation)
        meeting = SupportMeeting(
            case=locked,
            kind=kind,
            legal_basis=legal_basis,
            convened_by=lead,
            scheduled_for=scheduled_for,
            access_until=scheduled_for + datetime.timedelta(hours=access_hours_after),
            agenda=agenda,
            consent=consent if on_consent else None,
            undertaking=values_where(lead)[UNDERTAKINGS[kind]],
        )
        meeting.save(force_insert=True)
        MeetingAttendance.objects.bulk_create(
            MeetingAttendance(meeting=meeting, user=user, organisation=organisation)
            for user, organisation in attendees
        )
        audit.record(
            "case.meeting_scheduled",
            actor=actor,
            target=locked,
            case_id=locked.pk,
            person_id=locked.person_id,
            fields=["agenda"] if agenda else [],
            params={"meeting": str(meeting.pk), "kind": kind, "basis": legal_basis.code},
        )
        created.append(meeting)

    lead_transition(
        actor=actor,
        case=case,
        expected_version=expected_version,
        name="schedule_meeting",
        before=create_meeting,
    )
    return created[0]


def acknowledge_confidentiality(*, actor: User, meeting: SupportMeeting) -> MeetingAttendance:
    """An attendee confirms the duty of confidentiality; only then do they see the case, until the
    meeting's access ends. Attendees from the lead organisation already see it."""
    with transaction.atomic():
        attendance = (
            MeetingAttendance.objects.select_for_update()
            .select_related("meeting__case", "organisation")
            .filter(meeting=meeting, user=actor)
            .first()
        )
        if attendance is None:
            raise CaseRuleError(_("この会議の出席者ではありません。"), code="not_an_attendee")
        if attendance.acknowledged_at is not None:
            return attendance
        attendance.acknowledged_at = timezone.now()
        attendance.save(update_fields=["acknowledged_at"])
        held = attendance.meeting
        case = held.case
        if attendance.organisation_id != case.lead_organisation_id:
            # On a consent, the access rests on it: refused once it no longer covers this attendee
            # (withdrawn, expired), ended when it is withdrawn, and never beyond its last day.
            ends = [held.access_until]
            if held.consent_id is not None:
                check_consent(
                    held.consent,
                    case=case,
                    purpose=Consent.Purpose.MEETING,
                    recipients=[attendance.organisation],
                    on=timezone.localdate(),
                )
                ends += [end] if (end := consent_ends_at(held.consent)) else []
            grant_access(
                case=case,
                user=actor,
                level=AccessLevel.VIEW,
                reason=CaseAccessGrant.Reason.MEETING,
                field_groups=ATTENDEE_FIELD_GROUPS,
                granted_by=actor,
                expires_at=min(ends),
                consent=held.consent,
            )
        audit.record(
            "case.meeting_acknowledged",
            actor=actor,
            organisation_id=attendance.organisation_id,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            params={"meeting": str(meeting.pk)},
        )
    return attendance


def hold_meeting(
    *,
    actor: User,
    meeting: SupportMeeting,
    expected_version: int,
    minutes: str,
    decision: str,
    reason: str,
    action_items: list[tuple[str, User, datetime.date]] = (),
) -> SupportMeeting:
    """Record that the meeting was held: minutes, its decision and who does what by when."""

    def record_minutes(locked: Case) -> SupportMeeting:
        if not minutes.strip():
            raise CaseRuleError(_("議事録を入力してください。"), code="minutes_required")
        if not reason.strip():
            raise CaseRuleError(_("決定の理由を入力してください。"), code="reason_required")
        if decision not in [c for c, _label in Decision._meta.get_field("outcome").choices]:
            raise CaseRuleError(_("決定を選んでください。"), code="decision_required")
        if locked.state != CaseState.TEAM_MEETING:
            raise CaseRuleError(_("会議の記録は、支援会議の段階でだけ入力できます。"), code="not_in_meeting")
        held = SupportMeeting.objects.select_for_update().get(pk=meeting.pk, case=locked)
        if held.is_held:
            raise CaseRuleError(_("この会議はすでに記録されています。"), code="already_held")
        unacknowledged = held.attendances.filter(acknowledged_at__isnull=True).exclude(
            organisation_id=locked.lead_organisation_id
        )
        if unacknowledged.exists() or held.guests.filter(paper_acknowledged_at__isnull=True).exists():
            raise CaseRuleError(
                _("守秘義務の確認をしていない出席者がいます。確認のあとで記録してください。"),
                code="unacknowledged_attendees",
            )
        for _description, owner, _due_on in action_items:
            _check_owner(held, owner)
        held.minutes, held.held_at = minutes, timezone.now()
        held.kinds_of_trouble = (
            ConcernCategoryTag.objects.filter(concern__case=locked).values("code").distinct().count()
        )
        held.save(update_fields=["minutes", "held_at", "kinds_of_trouble"])
        Decision(meeting=held, outcome=decision, reason=reason, decided_by=actor).save(force_insert=True)
        for description, owner, due_on in action_items:
            ActionItem(meeting=held, description=description, owner=owner, due_on=due_on).save(
                force_insert=True
            )
        notify(  # each owner once, however many items (their list says which)
            kind=Kind.ACTION_ITEM_ASSIGNED,
            recipients=[owner for _description, owner, _due_on in action_items],
            link=reverse("cases:my_tasks"),
            case_id=locked.pk,
            actor=actor,
        )
        CASES.save(locked, ())
        audit.record(
            "case.meeting_held",
            actor=actor,
            target=locked,
            case_id=locked.pk,
            person_id=locked.person_id,
            fields=["minutes", "reason", *(["action_items"] if action_items else [])],
            params={"meeting": str(held.pk), "decision": decision, "actions": len(action_items)},
        )
        return held

    return act(
        CASES,
        actor=actor,
        record=meeting.case,
        expected_version=expected_version,
        permission="lead_case",
        action="hold_meeting",
        work=record_minutes,
    )


# --- after scheduling: who attends ---------------------------------------------------------------


def _meeting_to_lead(actor: User, meeting: SupportMeeting, action: str, *, held: bool) -> SupportMeeting:
    """The meeting, locked, for its lead organisation only; ``held``: whether the change is one
    for a held meeting (minutes, further items) or for one still to be held (attendees)."""
    require_case_permission(actor, meeting.case, "lead_case", action=action)
    locked = (
        SupportMeeting.objects.select_for_update().select_related("case", "legal_basis").get(pk=meeting.pk)
    )
    if held and not locked.is_held:
        raise CaseRuleError(_("この操作は、会議を記録したあとで行えます。"), code="not_held")
    if not held and locked.is_held:
        raise CaseRuleError(_("記録済みの会議には出席者を追加できません。"), code="already_held")
    return locked


def add_meeting_attendee(
    *, actor: User, meeting: SupportMeeting, user: User, organisation: Organisation
) -> MeetingAttendance:
    """Ask one more user — staff of a participating organisation or a commissioner — to a meeting
    still to be held. On a consent, it must cover their organisation, today and on the day."""
    with transaction.atomic():
        locked = _meeting_to_lead(actor, meeting, "add_meeting_attendee", held=False)
        if organisation is None:
            raise CaseRuleError(
                _("出席者はその組織に所属している必要があります。"), code="attendee_not_member"
            )
        _membership_organisation(user, organisation)
        if locked.attendances.filter(user=user).exists():
            raise CaseRuleError(_("この人はすでに出席者です。"), code="already_attending")
        case = locked.case
        if locked.consent_id is not None and organisation.pk != case.lead_organisation_id:
            for day in sorted({timezone.localdate(), timezone.localdate(locked.scheduled_for)}):
                check_consent(
                    locked.consent,
                    case=case,
                    purpose=Consent.Purpose.MEETING,
                    recipients=[organisation],
                    on=day,
                )
        attendance = MeetingAttendance.objects.create(meeting=locked, user=user, organisation=organisation)
        audit.record(
            "case.meeting_attendee_added",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            params={"meeting": str(locked.pk), "organisation": organisation.pk},
        )
    return attendance


def add_meeting_guest(
    *,
    actor: User,
    meeting: SupportMeeting,
    name: str,
    relation: str,
    standing: str,
    organisation: str = "",
    paper_acknowledged: bool = False,
) -> MeetingGuest:
    """Record an attendee without an account (a family member, a neighbour, a doctor) for a
    meeting still to be held — as a resident or as a professional (``GuestStanding``: indicator
    1-(2)) — and, if they have signed it, their paper undertaking."""
    name, relation, organisation = name.strip(), relation.strip(), organisation.strip()
    if not name or not relation:
        raise CaseRuleError(
            _("出席者の氏名と、本人との関係・役割を入力してください。"), code="guest_incomplete"
        )
    if standing not in GuestStanding.values:
        raise CaseRuleError(
            _("住民として出席するのか、専門職・関係機関として出席するのかを選んでください。"),
            code="guest_standing_required",
        )
    with transaction.atomic():
        locked = _meeting_to_lead(actor, meeting, "add_meeting_guest", held=False)
        guest = MeetingGuest(
            meeting=locked,
            name=name,
            relation=relation,
            organisation=organisation,
            standing=standing,
            paper_acknowledged_at=timezone.now() if paper_acknowledged else None,
            recorded_by=actor,
        )
        guest.save(force_insert=True)
        case = locked.case
        audit.record(
            "case.meeting_guest_added",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=["guest.name", "guest.relation", *(["guest.organisation"] if organisation else [])],
            params={"meeting": str(locked.pk), "guest": str(guest.pk), "standing": standing},
        )
    return guest


def record_guest_acknowledgement(*, actor: User, guest: MeetingGuest) -> MeetingGuest:
    """The guest has signed the confidentiality undertaking on paper (kept by the lead organisation)."""
    with transaction.atomic():
        locked = _meeting_to_lead(actor, guest.meeting, "record_guest_acknowledgement", held=False)
        guest = MeetingGuest.objects.select_for_update().get(pk=guest.pk, meeting=locked)
        if guest.paper_acknowledged_at is None:
            guest.paper_acknowledged_at = timezone.now()
            guest.save(update_fields=["paper_acknowledged_at"])
            audit.record(
                "case.meeting_guest_acknowledged",
                actor=actor,
                target=locked.case,
                case_id=locked.case_id,
                person_id=locked.case.person_id,
                params={"meeting": str(locked.pk), "guest": str(guest.pk)},
            )
    return guest


# --- after the meeting: amended minutes, further items ---------------------------------------------


def amend_minutes(
    *, actor: User, meeting: SupportMeeting, minutes: str, reason: str, expected_amendments: int
) -> SupportMeeting:
    """Amend a held meeting's minutes, keeping the text as it was, who changed it, when and why.
    ``expected_amendments``: how many amendments the actor saw — another's since is a conflict."""
    if not minutes.strip():
        raise CaseRuleError(_("議事録を入力してください。"), code="minutes_required")
    if not reason.strip():
        raise CaseRuleError(_("修正の理由を入力してください。"), code="reason_required")
    with transaction.atomic():
        locked = _meeting_to_lead(actor, meeting, "amend_minutes", held=True)
        made = locked.amendments.count()
        if made != expected_amendments:
            raise Conflict(
                _("他の人が先に議事録を修正しました。画面を開き直して、最新の議事録を確かめてください。")
            )
        if minutes == locked.minutes:
            raise CaseRuleError(_("議事録が修正されていません。"), code="minutes_unchanged")
        MinutesAmendment(
            meeting=locked, previous_minutes=locked.minutes, reason=reason.strip(), amended_by=actor
        ).save(force_insert=True)
        locked.minutes = minutes
        locked.save(update_fields=["minutes"])
        case = locked.case
        audit.record(
            "case.minutes_amended",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=["minutes", "amendment.previous_minutes", "amendment.reason"],
            params={"meeting": str(locked.pk), "version": made + 2},
        )
    return locked


def _check_owner(meeting: SupportMeeting, owner: User) -> None:
    """An action item is given to an attendee of the meeting or to the lead organisation's staff."""
    attends = meeting.attendances.filter(user=owner).exists()
    if (
        not attends
        and not owner.memberships.filter(organisation_id=meeting.case.lead_organisation_id).exists()
    ):
        raise CaseRuleError(
            _("役割分担の担当者は、会議の出席者か主担当の組織の職員から選んでください。"),
            code="owner_not_attendee",
        )


def add_action_item(
    *, actor: User, meeting: SupportMeeting, description: str, owner: User, due_on: datetime.date
) -> ActionItem:
    """One more action item from a held meeting (a meeting has as many as it needs)."""
    if not description.strip():
        raise CaseRuleError(_("役割分担の内容を入力してください。"), code="description_required")
    with transaction.atomic():
        locked = _meeting_to_lead(actor, meeting, "add_action_item", held=True)
        _check_owner(locked, owner)
        item = ActionItem(meeting=locked, description=description.strip(), owner=owner, due_on=due_on)
        item.save(force_insert=True)
        case = locked.case
        notify(
            kind=Kind.ACTION_ITEM_ASSIGNED,
            recipients=[owner],
            link=reverse("cases:my_tasks"),
            case_id=case.pk,
            actor=actor,
        )
        audit.record(
            "case.action_item_added",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=["action_item.description"],
            params={"meeting": str(locked.pk), "item": str(item.pk)},
        )
    return item


# How long whoever marked an item done may take it back.
UNDO_WITHIN = datetime.timedelta(days=1)


def _item_to_change(actor: User, item: ActionItem, action: str) -> ActionItem:
    """The item, locked, for its owner or the case's lead."""
    if item.owner_id != actor.pk:
        require_case_permission(actor, item.meeting.case, "lead_case", action=action)
    return ActionItem.objects.select_for_update().select_related("meeting__case").get(pk=item.pk)


def complete_action_item(*, actor: User, item: ActionItem, result: str) -> ActionItem:
    """Done, with what came of it in one line. Done already: nothing changes."""
    result = " ".join(result.split())
    if not result:
        raise CaseRuleError(_("結果を一行で入力してください。"), code="result_required")
    if len(result) > 200:
        raise CaseRuleError(_("結果は200文字以内で入力してください。"), code="result_too_long")
    with transaction.atomic():
        item = _item_to_change(actor, item, "complete_action_item")
        if item.done_at is None:
            item.done_at, item.done_by, item.result = timezone.now(), actor, result
            item.save(update_fields=["done_at", "done_by", "result"])
            case = item.meeting.case
            audit.record(
                "case.action_item_done",
                actor=actor,
                target=case,
                case_id=case.pk,
                fields=["action_item.result"],
                params={"item": str(item.pk)},
            )
    return item


def may_undo(actor: User, item: ActionItem) -> bool:
    """Whether ``actor`` may still take back ``item``'s completion: theirs, within a day."""
    return (
        item.done_at is not None
        and item.done_by_id == actor.pk
        and timezone.now() - item.done_at <= UNDO_WITHIN
    )


def undo_action_item(*, actor: User, item: ActionItem) -> ActionItem:
    """Take back a completion: by whoever marked it done, within a day of it."""
    with transaction.atomic():
        item = _item_to_change(actor, item, "undo_action_item")
        if not may_undo(actor, item):
            raise CaseRuleError(
                _("完了の取り消しは、完了にした人が1日以内に行えます。"), code="undo_not_allowed"
            )
        item.done_at, item.done_by, item.result = None, None, None
        item.save(update_fields=["done_at", "done_by", "result"])
        case = item.meeting.case
        audit.record(
            "case.action_item_reopened",
            actor=actor,
            target=case,
            case_id=case.pk,
            params={"item": str(item.pk)},
        )
    return item
