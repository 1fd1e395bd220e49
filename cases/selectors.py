"""Permission-filtered reads of persons and cases."""

import datetime
import json
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from audit import services as audit
from audit.models import AuditEvent
from cases.access import (
    deny,
    has_case_permission,
    held_case_permissions,
    permitted_case_ids,
    revoke_expired_grants,
)
from cases.models import (
    OPEN_STATES,
    Case,
    CaseState,
    Concern,
    Person,
)
from privacy.exceptions import ERASED_DISPLAY
from privacy.normalise import normalise_phone, parse_date


def people_visible_to(actor: User) -> QuerySet[Person]:
    """Persons the actor may see: those their organisations registered, and those of the cases
    shared with them (intake, lead, disclosure, meeting)."""
    if not actor.is_authenticated or not actor.has_perm("cases.view_person"):
        return Person.objects.none()
    return Person.objects.filter(
        Q(registered_by__in=Membership.objects.filter(user=actor).values("organisation"))
        | Q(pk__in=Case.objects.filter(pk__in=permitted_case_ids(actor, "view_case")).values("person_id"))
    )


def blind_index_of(field: str, value: object) -> bytes | None:
    return Person._meta.get_field(field).compute(value)


def _matching_ids(query: str) -> list:
    """Every person whose name, kana, phone or birth date equals the query, through blind indexes.

    「やまだ　はなこ」, 「ヤマダハナコ」 and 「ﾔﾏﾀﾞ ﾊﾅｺ」 find the same person; so do 090-1234-5678 and
    ０９０１２３４５６７８, and 1948-03-15 and 昭和23年3月15日. Nothing is decrypted to search.
    """
    conditions = Q()
    name = blind_index_of("name_index", query)  # name and kana share one index space
    if name:
        conditions |= Q(name_index=name) | Q(kana_index=name)
    if len(normalise_phone(query)) >= 6:
        conditions |= Q(phone_index=blind_index_of("phone_index", query))
    date = parse_date(query)
    if date:
        conditions |= Q(birth_date_index=blind_index_of("birth_date_index", date))
    if not conditions:
        return []
    return list(Person.objects.filter(conditions).values_list("pk", flat=True))


def find_people(actor: User, query: str) -> QuerySet[Person]:
    """The people the actor may see whose name, kana, phone or birth date equals the query.

    Two steps, so that no query planner is tempted to walk an organisation's every person instead
    of the blind indexes: first the (few) matches by index, then those of them the actor may see.
    """
    return people_visible_to(actor).filter(pk__in=_matching_ids(query))


def find_people_for_access_report(actor: User, query: str) -> QuerySet[Person]:
    """For a disclosure request: who matches, across all organisations, without their content.

    The privacy officer learns only that a record exists (id, registering organisation, date); the
    caller records the search in the audit trail.
    """
    if not actor.has_perm("audit.view_access_report"):
        return Person.objects.none()
    return (
        Person.objects.filter(pk__in=_matching_ids(query))
        .select_related("registered_by")
        .order_by("created_at")
    )


# --- cases -------------------------------------------------------------------------------------


class CommissionerStatus:
    """What the person who reported a concern is told: never more than where it stands."""

    LABELS = {
        CaseState.NOTICED: _("受付済み"),
        CaseState.SHARING: _("対応中"),
        CaseState.TEAM_MEETING: _("対応中"),
        CaseState.REFERRED: _("対応中"),  # until an agency takes the person on: connected below
        CaseState.GUARDIANSHIP: _("つながりました"),
        CaseState.WATCHING: _("つながりました"),
        CaseState.CLOSED: _("終結"),
        CaseState.WITHDRAWN: _("取り下げ"),
    }

    @classmethod
    def of(cls, case: Case) -> str:
        if case.state == CaseState.REFERRED and case.connected_at is not None:
            return str(_("つながりました"))
        return str(cls.LABELS[CaseState(case.state)])


def cases_visible_to(actor: User, codename: str = "view_case") -> QuerySet[Case]:
    """The cases on which the actor holds ``codename``, through their own grants or their
    organisations' — an indexed join on guardian's direct-FK tables, never a scan of all cases."""
    if not actor.is_authenticated or not actor.is_active:
        return Case.objects.none()
    revoke_expired_grants()
    return Case.objects.filter(pk__in=permitted_case_ids(actor, codename))


def case_for(actor: User, case_id: object, codename: str = "view_case") -> Case:
    """One case the actor may see, or a refusal recorded in the audit trail (never a 404 that
    would tell an outsider whether the case exists)."""
    case = (
        Case.objects.select_related("person__data_key", "area", "lead_organisation")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not has_case_permission(actor, case, codename):
        deny(actor, action=f"open_case:{codename}", case=case)
    return case


def inbox(actor: User) -> QuerySet[Case]:
    """What the actor's organisations must act on: concerns waiting for intake and the open cases
    they lead. Urgent first (an escalated case tops the ward office's list), then oldest first."""
    return (
        cases_visible_to(actor)
        .filter(
            Q(state=CaseState.NOTICED) | Q(state__in=OPEN_STATES, lead_organisation__memberships__user=actor)
        )
        .distinct()
        .select_related("area", "lead_organisation")
        .order_by("-urgent", "created_at")
    )


def concerns_reported_by(actor: User) -> QuerySet[Concern]:
    """The commissioner's own concerns, with the state of the case they became."""
    return (
        Concern.objects.filter(reported_by=actor)
        .select_related("case__area")
        .prefetch_related("signals", "categories")
        .order_by("-created_at")
    )


@dataclass
class CaseOverview:
    """Everything the case page shows to one actor — only what their grants let them see."""

    case: Case
    field_groups: set[str]
    held: set[str] = field(default_factory=set)  # the case permissions the actor holds
    person_fields: list[tuple[str, object]] = field(default_factory=list)  # (label, decrypted value)
    concerns: list[Concern] = field(default_factory=list)
    meetings: list = field(default_factory=list)
    disclosures: list = field(default_factory=list)
    grants: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)
    can_lead: bool = False
    can_contribute: bool = False
    fields_read: list[str] = field(default_factory=list)  # what the page decrypted: for the audit event


@dataclass
class SharedContent:
    """What of a case a set of field groups lets someone read, decrypted."""

    person_fields: list[tuple[str, object]] = field(default_factory=list)  # (label, decrypted value)
    concerns: list[Concern] = field(default_factory=list)
    meetings: list = field(default_factory=list)
    fields_read: list[str] = field(default_factory=list)  # what was decrypted: for the audit event


def shared_content(case: Case, groups: set[str]) -> SharedContent:
    """The case's content within ``groups`` — the one place that maps field groups to data, for
    the case page and for a referral's receiving agency alike. The caller records the read."""
    from cases.models import SupportMeeting
    from cases.vocabulary import PERSON_FIELDS_BY_GROUP, FieldGroup

    content = SharedContent()
    person = case.person
    for group, names in PERSON_FIELDS_BY_GROUP.items():
        if group in groups:
            for name in names:
                label = Person._meta.get_field(name).verbose_name
                if person.is_erased:  # the row is a tombstone: say so where the data was, read nothing
                    content.person_fields.append((label, ERASED_DISPLAY))
                    continue
                content.person_fields.append((label, getattr(person, name)))
                content.fields_read.append(name)
    if FieldGroup.CONCERN in groups:
        content.concerns = list(
            case.concerns.prefetch_related("signals", "categories").order_by("created_at")
        )
        if not person.is_erased:
            content.fields_read.append("concern.details")
    if FieldGroup.MEETINGS in groups:
        content.meetings = list(
            SupportMeeting.objects.filter(case=case)
            .select_related("legal_basis", "convened_by")
            .prefetch_related(
                "attendances__user", "attendances__organisation", "decisions", "action_items__owner"
            )
        )
        if not person.is_erased:
            content.fields_read.append("meeting.minutes")
    return content


@dataclass
class MeetingPage:
    """One support meeting as one actor may see it."""

    meeting: object  # SupportMeeting
    attendance: object | None  # the actor's MeetingAttendance, if they are asked to attend
    can_lead: bool
    shows_content: bool  # attendees, agenda, minutes, decisions, action items


def meeting_for(actor: User, meeting_id: object) -> MeetingPage:
    """A meeting's page: its attendees may open it (to acknowledge confidentiality); its content
    is shown by the rule of the case page — the meetings field group of a live grant — so that it
    ends with the grant (an attendee's access is time-boxed). Anyone else is refused, recorded.
    Reading the content is recorded here."""
    from cases.access import field_groups_for
    from cases.models import MeetingAttendance, SupportMeeting
    from cases.vocabulary import FieldGroup

    meeting = (
        SupportMeeting.objects.select_related("case__person__data_key", "legal_basis", "convened_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None or not actor.is_authenticated or not actor.is_active:
        deny(actor, action="open_meeting")
    case = meeting.case
    attendance = MeetingAttendance.objects.filter(meeting=meeting, user=actor).first()
    shows_content = FieldGroup.MEETINGS in field_groups_for(actor, case)
    if attendance is None and not shows_content:
        deny(actor, action="open_meeting", case=case)
    page = MeetingPage(
        meeting=meeting,
        attendance=attendance,
        can_lead=has_case_permission(actor, case, "lead_case"),
        shows_content=shows_content,
    )
    if shows_content:
        audit.record(
            "case.viewed",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=["meeting.agenda", "meeting.minutes"],
            purpose="meeting",
        )
    return page


def case_overview(actor: User, case: Case) -> CaseOverview:
    from cases.access import field_groups_for
    from cases.models import CaseAccessGrant, Consent, Disclosure

    groups = field_groups_for(actor, case)
    content = shared_content(case, groups)
    overview = CaseOverview(
        case=case,
        field_groups=groups,
        held=(held := held_case_permissions(actor, case)),
        person_fields=content.person_fields,
        concerns=content.concerns,
        meetings=content.meetings,
        fields_read=content.fields_read,
        can_lead="lead_case" in held,
        can_contribute="change_case" in held,
    )
    if overview.can_lead:
        overview.disclosures = list(
            Disclosure.objects.filter(case=case).select_related("recipient", "legal_basis", "disclosed_by")
        )
        overview.grants = list(
            CaseAccessGrant.objects.filter(case=case, revoked_at__isnull=True).select_related(
                "organisation", "user"
            )
        )
    if overview.can_contribute:
        overview.consents = list(Consent.objects.filter(case=case).prefetch_related("recipients"))
    overview.timeline = _timeline(case, overview)
    return overview


def _timeline(case: Case, overview: "CaseOverview") -> list[dict]:
    """Transitions, concerns, consents, disclosures, meetings and visits, oldest first.

    Transitions come from the audit trail, which records them with their actor; the rest from
    the records themselves, and only those the page may show."""
    from cases.models import WatchVisit

    entries = [
        {"at": event.occurred_at, "what": CaseState(json.loads(event.params)["to"]).label, "who": event.actor}
        for event in AuditEvent.objects.filter(
            case_id=str(case.pk), event="case.transitioned"
        ).select_related("actor")
    ]
    entries.append({"at": case.created_at, "what": CaseState.NOTICED.label, "who": None})
    entries += [{"at": c.created_at, "what": _("気付き"), "who": None} for c in overview.concerns[1:]]
    entries += [
        {
            "at": d.disclosed_at,
            "what": _("情報共有: %(to)s") % {"to": d.recipient.name},
            "who": d.disclosed_by,
        }
        for d in overview.disclosures
    ]
    entries += [
        {
            # When it was recorded, so that it sorts among the day's events; the day it was given
            # (which may be earlier) is in the text.
            "at": c.recorded_at,
            "what": _("同意（%(date)s に取得）") % {"date": f"{c.obtained_on:%Y-%m-%d}"},
            "who": c.obtained_by,
        }
        for c in overview.consents
    ]
    for meeting in overview.meetings:
        entries.append(
            {
                "at": meeting.created_at,
                "what": _("会議の設定: %(kind)s") % {"kind": meeting.get_kind_display()},
                "who": None,
            }
        )
        if meeting.held_at:
            entries.append({"at": meeting.held_at, "what": _("会議の記録"), "who": None})
    if overview.can_contribute:
        entries += [
            {
                "at": timezone.make_aware(datetime.datetime.combine(v.visited_on, datetime.time.min)),
                "what": _("見守り訪問"),
                "who": v.assigned_to,
            }
            for v in WatchVisit.objects.filter(case=case, visited_on__isnull=False).select_related(
                "assigned_to"
            )
        ]
    return sorted(entries, key=lambda entry: entry["at"])


def reminders_due(today) -> dict:
    """Per user: their action items past due and their watch visits due today or earlier."""
    from cases.models import ActionItem, WatchVisit

    due: dict = {}
    for item in ActionItem.objects.filter(done_at__isnull=True, due_on__lt=today).select_related(
        "owner", "meeting"
    ):
        due.setdefault(item.owner, {"actions": [], "visits": []})["actions"].append(item)
    for visit in WatchVisit.objects.filter(visited_on__isnull=True, due_on__lte=today).select_related(
        "assigned_to"
    ):
        due.setdefault(visit.assigned_to, {"actions": [], "visits": []})["visits"].append(visit)
    return dict(sorted(due.items(), key=lambda pair: pair[0].username))
