"""The reads of the case workflow's pages: one function per page, the actor first.

Each refuses (recorded, through ``cases.access.deny``) or returns what its page shows, read once
so that rendering asks nothing more, and records what it read (field names and purpose). A page
names the actions the actor may take; their forms load from their own URLs (cases.web). The
lookups of the POST targets refuse a missing object exactly as a forbidden one: an id tells nobody
whether it exists.
"""

import datetime
import json
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, prefetch_related_objects
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Area, Membership, Organisation, OrganisationKind, User
from accounts.selectors import districts_served, organisation_ids_of
from accounts.sql import sent_together
from audit import services as audit
from audit.models import AuditEvent
from cases.access import (
    case_held_with_person,
    deny,
    field_groups_for,
    has_case_permission,
    held_case_permissions,
    require_case_permission,
    send_consents_of_case,
    send_disclosures_of_case,
    send_live_grants_of_case,
    send_transitions_of_case,
)
from cases.configuration import CATEGORIES, REPORTER_KINDS, SIGNALS
from cases.models import (
    IN_WORK_STATES,
    OPEN_STATES,
    ActionItem,
    BreakGlassAccess,
    Case,
    CaseAccessGrant,
    CaseState,
    Concern,
    Consent,
    ContactLog,
    ImportedCase,
    MeetingAttendance,
    Person,
    SupportMeeting,
    WatchVisit,
)
from cases.selectors import (
    SharedContent,
    case_for,
    find_people_for_access_report,
    send_shared_content,
)
from cases.selectors.labels import choice_label, display, minute
from cases.selectors.people import household_section
from cases.selectors.progress import (  # the progress record's reads, under this module's name too
    CorrectionPage,
    case_for_progress,
    entry_to_correct,
    link_choices,
    link_labels,
    send_progress_record,
)
from cases.selectors.search import SearchResults, people_found
from cases.services.intake import intake_organisations  # who receives a concern: one rule
from cases.signals import case_page_sections
from cases.vocabulary import FieldGroup, ReporterKind, Urgency
from configuration.selectors import offered, values_of
from privacy.normalise import FISCAL_MONTHS, fiscal_year_label, fiscal_year_of

__all__ = [
    "CasePage",
    "ConcernFormChoices",
    "ContactLogPage",
    "CorrectionPage",
    "MeetingPage",
    "UrgentHelp",
    "action_item_of",
    "break_glass_access",
    "break_glass_case",
    "break_glass_reviews",
    "case_for_action",
    "case_for_progress",
    "case_page",
    "case_standing",
    "concern_form_choices",
    "consent_of",
    "contact_log_page",
    "entry_to_correct",
    "grant_of",
    "link_choices",
    "link_labels",
    "may_view",
    "meeting_attendees",
    "meeting_for_action",
    "meeting_page",
    "meeting_record",
    "people_for_report",
    "person_search",
    "require_offered",
    "urgent_help",
    "watch_visit_of",
]

SEARCH_RESULT_FIELDS = ("name", "kana", "birth_date")


# --- people ------------------------------------------------------------------------------------


def person_search(actor: User, query: str) -> SearchResults:
    """The people the actor may see who match the query, with the cases they may open; showing
    their names is recorded (field names and who, never the query)."""
    results = people_found(actor, query)
    people = [found.person for found in results.people]
    audit.record_people_shown(actor=actor, people=people, fields=SEARCH_RESULT_FIELDS, purpose="search")
    return results


def people_for_report(actor: User, query: str) -> list[Person]:
    """The privacy officer's lookup for a disclosure request (ids only, no content), recorded."""
    people = list(find_people_for_access_report(actor, query).select_related("data_key"))
    audit.record(
        "person.searched_for_report",
        actor=actor,
        purpose="disclosure_request",
        params={"count": len(people), "people": [str(p.pk) for p in people]},
    )
    return people


# --- concerns and the contact log ---------------------------------------------------------------


@dataclass
class ConcernFormChoices:
    areas: object  # QuerySet[Area]: the districts and plaza areas the reporter's plazas serve
    reporter_kind: str
    # What the reporter's municipality offers (configuration: cases/configuration.py): (code, label)
    signals: list[tuple[str, str]]
    categories: list[tuple[str, str]]
    reporter_kinds: list[tuple[str, str]]


def concern_form_choices(actor: User) -> ConcernFormChoices:
    """Where the actor may report a concern, and as whom (a commissioner, or an agency)."""
    is_commissioner = actor.memberships.filter(
        organisation__kind=OrganisationKind.COMMISSIONER_COUNCIL
    ).exists()
    areas = (
        Area.objects.filter(
            served_by__memberships__user=actor, level__in=[Area.Level.DISTRICT, Area.Level.PLAZA_AREA]
        )
        .distinct()
        .order_by("name")
    )
    values = values_of(actor)
    return ConcernFormChoices(
        areas=areas,
        reporter_kind=ReporterKind.COMMISSIONER if is_commissioner else ReporterKind.AGENCY,
        signals=offered(values, SIGNALS),
        categories=offered(values, CATEGORIES),
        reporter_kinds=offered(values, REPORTER_KINDS),
    )


@dataclass
class UrgentHelp:
    """What a reporter of a 至急 concern is shown to do now: the emergency numbers (on the page),
    then the numbers of the care plazas and ward office sections that received it, from the
    organisation directory. Nothing of the person: the case's number to quote on the phone."""

    reference: str
    plazas: list[Organisation]
    wards: list[Organisation]


def urgent_help(actor: User, case_id: object) -> UrgentHelp:
    """The "what to do now" page of a 至急 concern, for the one who reported it: refused
    (recorded) for anyone else, and for a concern that was not urgent, alike whether it exists."""
    concern = (
        Concern.objects.filter(case_id=case_id, reported_by=actor, urgency=Urgency.URGENT)
        .select_related("case__area")
        .only("case__reference", "case__area")
        .first()
    )
    if concern is None:
        deny(actor, action="urgent_help")
    received = intake_organisations(concern.case.area, Urgency.URGENT)
    return UrgentHelp(
        reference=concern.case.reference,
        plazas=[o for o in received if o.kind == OrganisationKind.CARE_PLAZA],
        wards=[o for o in received if o.kind == OrganisationKind.WARD_OFFICE],
    )


@dataclass
class ContactLogPage:
    """A commissioner's own consultations and liaisons for indicator ⑧ (相談先と連絡調整回数:
    委員相互・その他関係機関): this fiscal year's by counterpart and kind, and by month."""

    fiscal_year_label: str
    by_counterpart: list[tuple[str, int, int, int]]  # (counterpart, consultations, liaisons, both)
    totals: tuple[int, int, int]
    by_month: list[tuple[str, int]]  # ("4月", n) … ("3月", n), the months so far
    recent: list[ContactLog]  # the latest 20, whatever the year
    districts: list[Area]  # the commissioner's (to choose from when there are several)


def contact_log_page(actor: User) -> ContactLogPage:
    """The commissioner's own record (nothing personal in it: nothing to record)."""
    today = timezone.localdate()
    year = fiscal_year_of(today)
    this_year = ContactLog.objects.filter(
        commissioner=actor, occurred_on__gte=datetime.date(year, 4, 1), occurred_on__lte=today
    ).order_by()
    counts = {
        (row["counterpart"], row["kind"]): row["n"]
        for row in this_year.values("counterpart", "kind").annotate(n=Count("pk"))
    }
    by_counterpart = []
    for code, label in ContactLog.Counterpart.choices:
        consultations = counts.get((code, ContactLog.Kind.CONSULTATION), 0)
        liaisons = counts.get((code, ContactLog.Kind.LIAISON), 0)
        by_counterpart.append((label, consultations, liaisons, consultations + liaisons))
    months = dict(
        this_year.annotate(month=ExtractMonth("occurred_on")).values_list("month").annotate(n=Count("pk"))
    )
    elapsed = (today.year - year) * 12 + today.month - 3  # April is the first
    return ContactLogPage(
        fiscal_year_label=fiscal_year_label(year),
        by_counterpart=by_counterpart,
        totals=tuple(sum(row[i] for row in by_counterpart) for i in (1, 2, 3)),
        by_month=[
            (_("%(month)d月") % {"month": month}, months.get(month, 0)) for month in FISCAL_MONTHS[:elapsed]
        ],
        recent=list(ContactLog.objects.filter(commissioner=actor).order_by("-occurred_on", "-pk")[:20]),
        districts=list(districts_served(actor, kinds=[OrganisationKind.COMMISSIONER_COUNCIL])),
    )


# --- the tasks' actions (the lists themselves: cases.selectors.lists) ------------------------------


def action_item_of(actor: User, item_id: object) -> ActionItem:
    """An action item to complete or reopen, for its owner or the case's lead — anyone else is
    refused before the form is read, like a missing one, so that nobody learns that it exists."""
    item = ActionItem.objects.select_related("meeting__case").filter(pk=item_id).first()
    if item is None:
        deny(actor, action="complete_action_item")
    if item.owner_id != actor.pk:
        require_case_permission(actor, item.meeting.case, "lead_case", action="complete_action_item")
    return item


def watch_visit_of(actor: User, visit_id: object) -> WatchVisit:
    """A watch visit the actor may record — refused before the form is read, so that an empty form
    tells nobody that the visit exists."""
    visit = WatchVisit.objects.select_related("case").filter(pk=visit_id).first()
    if visit is None:
        deny(actor, action="record_watch_visit")
    if visit.assigned_to_id != actor.pk:  # the one given the visit records it (a commissioner, too)
        require_case_permission(actor, visit.case, "change_case", action="record_watch_visit")
    return visit


# --- the case page ------------------------------------------------------------------------------


@dataclass
class CasePage:
    """Everything the case page shows to one actor — only what their grants let them see."""

    actor: User
    case: Case
    field_groups: set[str]
    held: set[str]  # the case permissions the actor holds
    person_fields: list[tuple[str, object]] = field(default_factory=list)  # (label, decrypted value)
    person: dict[str, object] = field(default_factory=dict)  # the same by field name (the API's)
    concerns: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    disclosures: list = field(default_factory=list)
    grants: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)
    progress: list = field(default_factory=list)  # the progress record (cases.selectors.progress)
    states_reached: set[str] = field(default_factory=set)  # the case's states so far, from its timeline
    actions: set[str] = field(default_factory=set)  # the action forms the actor may use
    conclusion_blockers: list[str] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)  # from the apps built on cases
    fields_read: list[str] = field(default_factory=list)  # what the page decrypted: for the audit event
    people_shown: list[str] = field(default_factory=list)  # others whose data it decrypted (household)
    household: object = None  # cases.selectors.people.HouseholdSection, for a viewer of identity

    @property
    def state_label(self) -> str:
        return display(self.case, "state")

    @property
    def can_lead(self) -> bool:
        return "lead_case" in self.held

    @property
    def can_contribute(self) -> bool:
        return "change_case" in self.held

    @property
    def can_take_intake(self) -> bool:
        return (
            self.case.state == CaseState.NOTICED
            and "view_case" in self.held
            and self.actor.has_perm("cases.take_intake")
        )

    @property
    def can_take_urgent(self) -> bool:
        """A ward caseworker whose section received a 至急 concern may take it before any plaza
        accepts it (``intake.take_urgent``); the page offers that instead of the plain intake."""
        return (
            self.case.state == CaseState.NOTICED
            and self.case.urgent
            and "view_case" in self.held
            and self.actor.has_perm("cases.take_urgent")
        )

    @property
    def can_break_glass(self) -> bool:  # asked only where a page shows it
        return self.actor.has_perm("cases.break_glass")


def _actions(case: Case, held: set[str]) -> set[str]:
    """Which action forms the case page offers the holder of ``held`` in the case's state."""
    state, actions = case.state, set()
    if "lead_case" in held:
        actions |= {
            name
            for name, states in (
                ("withdraw", OPEN_STATES),
                ("disclose", IN_WORK_STATES),  # past intake and still open
                ("schedule_meeting", (CaseState.SHARING,)),
                ("decide", (CaseState.TEAM_MEETING,)),
                ("conclude", (CaseState.REFERRED, CaseState.GUARDIANSHIP)),
                ("reopen", (CaseState.WATCHING, CaseState.CLOSED)),
                ("close", (CaseState.WATCHING,)),
                ("escalate", (CaseState.NOTICED, CaseState.SHARING)),
            )
            if state in states
        }
    if "change_case" in held:
        if state in OPEN_STATES:
            actions.add("consent")
        if state == CaseState.WATCHING:
            actions.add("schedule_watch_visit")
    return actions


def case_page(actor: User, case_id: object) -> CasePage:
    """The case page: refused (recorded) unless the actor may view the case; otherwise what their
    grants let them see, the actions they may take, and the sections of the apps built on cases.
    Reading the decrypted fields is recorded here."""
    # Every live grant of the case (the actor's field groups come from theirs; the lead sees all),
    # sent with the read of the case and what the actor holds on it: one round trip on PostgreSQL.
    # The grants name organisations and staff, no one's personal data; their rows are made into
    # grants only once the actor may view the case.
    with sent_together():
        grants_of_case = send_live_grants_of_case(case_id)
        case, held = case_held_with_person(actor, case_id)
    if "view_case" not in held:
        deny(actor, action="open_case:view_case", case=case)
    # The grants were read a moment before the case: if a grant had run out by then (revoked on
    # the way), read them again, so that none that ran out in between gives its field groups.
    grants = grants_of_case()
    if case.grants_expired:
        grants = send_live_grants_of_case(case.pk)()
    # The field groups the actor may read: the union of their own live grants' and their
    # organisations' (as ``cases.access.field_groups_for`` reads them), from the grants in hand.
    mine = set(organisation_ids_of(actor))
    groups = {
        group
        for grant in grants
        if grant.user_id == actor.pk or grant.organisation_id in mine
        for group in grant.field_groups
    }
    page = CasePage(actor=actor, case=case, field_groups=groups, held=held)
    # The rest of what the page reads depends only on that: sent together (one round trip on
    # PostgreSQL instead of six), read after.
    with sent_together():
        content = send_shared_content(case, groups, compact=True)
        disclosures = send_disclosures_of_case(case) if page.can_lead else list
        consents = send_consents_of_case(case) if page.can_contribute else list
        transitions = send_transitions_of_case(case)
        progress = send_progress_record(page)
    shown: SharedContent = content()
    page.person_fields, page.person, page.fields_read = shown.person_fields, shown.person, shown.fields_read
    page.concerns, page.meetings = shown.concerns, shown.meetings
    if page.can_lead:
        page.disclosures = disclosures()
        page.grants = grants
        for disclosure in page.disclosures:  # the table's cells, written once
            disclosure.shown_at = minute(disclosure.disclosed_at)
            disclosure.groups_shown = "、".join(disclosure.field_group_labels)
        for grant in grants:
            holder = (grant.organisation.name if grant.organisation else "") or grant.user  # |default
            grant.line = f"{holder} — {display(grant, 'level')}（{display(grant, 'reason')}）" + (
                f" ～{minute(grant.expires_at)}" if grant.expires_at else ""
            )
    if page.can_contribute:
        page.consents = consents()
        for consent in page.consents:  # the list's line, written once
            until = (
                _("（%(until)sまで有効）") % {"until": f"{consent.valid_until:%Y-%m-%d}"}
                if consent.valid_until
                else ""
            )
            consent.line = (
                f"{display(consent, 'purpose')} · {display(consent, 'method')} · "
                f"{consent.obtained_on:%Y-%m-%d}{until} · {'、'.join(consent.recipient_names)}"
            )
    page.timeline = _timeline(page, transitions())
    page.progress = progress()  # adds its entries to the timeline and to fields_read
    page.household = household_section(page)
    if page.fields_read:
        audit.record(
            "case.viewed",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=page.fields_read,
            purpose="case_work",
            params={"people": page.people_shown} if page.people_shown else None,
        )
    page.actions = _actions(case, held)
    page.sections = [
        section
        for _receiver, found in case_page_sections.send(sender=Case, actor=actor, case=case, overview=page)
        for section in found
    ]
    if "conclude" in page.actions:
        # Offered as soon as nothing holds the case (every referral settled…); until then the page
        # says what it waits for. The sections read what holds it (signals.case_page_sections).
        page.conclusion_blockers = [
            reason for section in page.sections for reason in section.get("blockers", ())
        ]
        if page.conclusion_blockers:
            page.actions.discard("conclude")
    return page


def _timeline(page: CasePage, transitions: list[AuditEvent]) -> list[dict]:
    """Transitions, concerns, consents, disclosures, meetings and visits, oldest first.

    Transitions come from the audit trail, which records them with their actor; the rest from
    the records themselves, and only those the page may show."""
    case = page.case
    reached = page.states_reached = {case.state}
    entries = []
    imported = False
    for event in transitions:
        params = json.loads(event.params)
        state = CaseState(params["to"] if event.event == "case.transitioned" else params["state"])
        reached.add(state)
        if event.event == "case.imported":
            imported = True
            entries.append({"at": event.occurred_at, "what": _imported_line(page, state), "who": event.actor})
        else:
            entries.append({"at": event.occurred_at, "what": choice_label(state), "who": event.actor})
    if not imported:
        entries.append({"at": case.created_at, "what": choice_label(CaseState.NOTICED), "who": None})
    entries += [{"at": c.created_at, "what": _("気付き"), "who": None} for c in page.concerns[1:]]
    entries += [
        {
            "at": d.disclosed_at,
            "what": _("情報共有: %(to)s") % {"to": d.recipient.name},
            "who": d.disclosed_by,
        }
        for d in page.disclosures
    ]
    entries += [
        {
            # When it was recorded, so that it sorts among the day's events; the day it was given
            # (which may be earlier) is in the text.
            "at": c.recorded_at,
            "what": _("同意（%(date)s に取得）") % {"date": f"{c.obtained_on:%Y-%m-%d}"},
            "who": c.obtained_by,
        }
        for c in page.consents
    ]
    for meeting in page.meetings:
        entries.append(
            {
                "at": meeting.created_at,
                "what": _("会議の設定: %(kind)s") % {"kind": meeting.kind_label},  # shared_content's
                "who": None,
            }
        )
        if meeting.held_at:
            entries.append({"at": meeting.held_at, "what": _("会議の記録"), "who": None})
    # Visits are set only while a case is watched: a case that never was has none to read.
    if page.can_contribute and reached & {CaseState.WATCHING, CaseState.CLOSED}:
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
    entries.sort(key=lambda entry: entry["at"])
    for entry in entries:  # what the page shows of each, written once here rather than per row there
        entry["line"] = f"{minute(entry['at'])} — {entry['what']}" + (
            f"（{entry['who']}）" if entry["who"] else ""
        )
        entry["progress"] = None  # a progress entry's place (send_progress_record): asked of every row
    return entries


def _imported_line(page: CasePage, state: CaseState) -> str:
    """Where a case brought in from earlier records began: its state then, the day it was opened
    there and the ground its lead holds the person's data on, with the ground's reference for the
    lead (as the page shows them its disclosures; recorded as read). Read only for such a case."""
    imported = ImportedCase.objects.select_related("legal_basis").get(case_id=page.case.pk)
    ground = imported.legal_basis.name
    if page.can_lead and not page.case.person.is_erased:  # an erased person's key is gone
        imported.case = page.case  # the reference decrypts under the person's key, read with the case
        if imported.reference:
            ground += f"（{imported.reference}）"
            page.fields_read.append("imported.reference")
    return _("以前の記録から取り込み: %(state)s（元の記録での受付日 %(date)s、保有の根拠: %(ground)s）") % {
        "state": choice_label(state),
        "date": f"{imported.opened_on:%Y-%m-%d}",
        "ground": ground,
    }


def case_for_action(actor: User, case_id: object, codename: str) -> Case:
    """The case of an action of its page, if the actor holds the permission the action's service
    asks for: refused (recorded) before their input is read."""
    return case_for(actor, case_id, codename)


def require_offered(actor: User, case: Case, action: str) -> None:
    """An action's form is shown only where the case page offers it (the actor's permissions, the
    case's state); anyone else is refused, recorded."""
    if action not in _actions(case, held_case_permissions(actor, case)):
        deny(actor, action=f"open_form:{action}", case=case)


def case_standing(case: Case) -> tuple[str, int]:
    """The case's state and version as stored now (after an action its actor took on it: no
    personal field, nothing to record)."""
    return Case.objects.values_list("state", "version").get(pk=case.pk)


def may_view(actor: User, case: Case) -> bool:
    """Whether the actor still sees the case after acting on it (or goes home instead)."""
    return has_case_permission(actor, case, "view_case")


def grant_of(actor: User, case: Case, grant_id: object) -> CaseAccessGrant:
    """A live grant of this case to another (the lead ends it; its own, the lead's, it cannot —
    the page offers no button for it); any other id, or none, is refused like a forbidden one."""
    grant = None
    if str(grant_id).isdigit():
        grant = (
            CaseAccessGrant.objects.filter(case=case, pk=grant_id, revoked_at__isnull=True)
            .exclude(reason=CaseAccessGrant.Reason.OWNER)
            .first()
        )
    if grant is None:
        deny(actor, action="end_access", case=case)
    return grant


def consent_of(actor: User, case: Case, consent_id: object) -> Consent:
    """A consent of this case (to record its withdrawal); any other id, or none, is refused like a
    forbidden one."""
    try:
        consent = Consent.objects.filter(case=case, pk=uuid.UUID(str(consent_id))).first()
    except ValueError:
        consent = None
    if consent is None:
        deny(actor, action="withdraw_consent", case=case)
    return consent


def meeting_attendees(users: list[User]) -> list[tuple[User, Organisation]]:
    """Each user asked to a meeting, with the organisation they attend for (their first)."""
    first: dict[int, Organisation] = {}
    for membership in Membership.objects.filter(user__in=users).select_related("organisation"):  # by name
        first.setdefault(membership.user_id, membership.organisation)
    return [(user, first.get(user.pk)) for user in users]


# --- break-glass ---------------------------------------------------------------------------------


def break_glass_case(actor: User, case_id: object) -> Case:
    """The case an emergency access is asked for: only by a holder of the break-glass permission;
    a missing case is refused like a forbidden one."""
    if not actor.has_perm("cases.break_glass"):
        deny(actor, action="break_glass")
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        deny(actor, action="break_glass")
    return case


def break_glass_reviews(actor: User) -> list[BreakGlassAccess]:
    """The privacy officer's list of emergency accesses, those not yet reviewed first, each with
    its finding. The reason is the justification under review and the note the review's: reading
    them is recorded, one event per access, appended together."""
    if not actor.has_perm("cases.review_break_glass"):
        deny(actor, action="review_break_glass")
    accesses = list(
        BreakGlassAccess.objects.select_related(
            "user", "grant", "reviewed_by", "case__person__data_key"
        ).order_by("reviewed_at", "-started_at")[:200]
    )
    audit.append(
        [
            audit.new_event(
                "case.viewed",
                actor=actor,
                target=access.case,
                case_id=access.case_id,
                fields=["break_glass.reason", *(["break_glass.finding_note"] if access.finding else [])],
                purpose="emergency",
            )
            for access in accesses
        ]
    )
    return accesses


def break_glass_access(actor: User, access_id: object) -> BreakGlassAccess | None:
    """The emergency access to mark reviewed (the service checks the reviewer), or None."""
    return BreakGlassAccess.objects.filter(pk=access_id).first()


# --- meetings ------------------------------------------------------------------------------------


@dataclass
class MeetingPage:
    """One support meeting as one actor may see it."""

    meeting: SupportMeeting
    attendance: MeetingAttendance | None  # the actor's, if they are asked to attend
    can_lead: bool
    shows_content: bool  # attendees, agenda, minutes, decisions, action items
    guests: list = field(default_factory=list)  # attendees without an account (shown with the content)
    amendments: list = field(default_factory=list)  # the minutes' earlier versions, oldest first

    @property
    def access_ended(self) -> bool:
        """An attendee who acknowledged, whose time-boxed access has ended."""
        return (
            self.attendance is not None
            and self.attendance.acknowledged_at is not None
            and not (self.shows_content)
        )

    @property
    def actions(self) -> set[str]:
        """The page's actions (cases.actions.MEETING_ACTIONS) it offers this actor now: an
        attendee acknowledges (once); the lead records the meeting, its attendees before it is
        held and its minutes and action items after — while the person's record takes more."""
        acknowledging = self.attendance is not None and self.attendance.acknowledged_at is None
        offered = {"acknowledge"} if acknowledging else set()
        if self.can_lead and not self.meeting.is_held:
            offered.add("hold")
        if self.can_lead and not self.meeting.case.person.is_erased:
            if self.meeting.is_held:
                offered |= {"amend", "add_item"}
            else:
                offered |= {"add_attendee", "add_guest", "guest_acknowledged"}
        return offered

    def may_take(self, action: str) -> bool:
        """Whether the actor is the one who takes ``action`` on this meeting — its attendee, or
        its lead while the person's record takes more —, whatever the meeting's state now (held
        or not, acknowledged already): the service says why it refuses that."""
        if action == "acknowledge":
            return self.attendance is not None
        return self.can_lead and (action == "hold" or not self.meeting.case.person.is_erased)


HELD_MEETING_FIELDS = ["decision.reason", "action_item.description", "action_item.result"]


def meeting_page(actor: User, meeting_id: object) -> MeetingPage:
    """A meeting's page: its attendees may open it (to acknowledge confidentiality); its content
    is shown by the rule of the case page — the meetings field group of a live grant — so that it
    ends with the grant (an attendee's access is time-boxed). Anyone else is refused, recorded.
    Reading the content is recorded here."""
    meeting = (
        SupportMeeting.objects.select_related("case__person__data_key", "legal_basis", "convened_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None or not actor.is_authenticated or not actor.is_active:
        deny(actor, action="open_meeting")
    case = meeting.case
    held = held_case_permissions(actor, case)
    shows_content = FieldGroup.MEETINGS in field_groups_for(actor, case)
    attendance = MeetingAttendance.objects.filter(meeting=meeting, user=actor).first()
    if attendance is None and not shows_content:
        deny(actor, action="open_meeting", case=case)
    page = MeetingPage(
        meeting=meeting, attendance=attendance, can_lead="lead_case" in held, shows_content=shows_content
    )
    if shows_content:
        prefetch_related_objects(
            [meeting],
            "attendances__user",
            "attendances__organisation",
            "decisions",
            "action_items__owner",
            "guests",
            "amendments__amended_by",
        )
        page.guests, page.amendments = list(meeting.guests.all()), list(meeting.amendments.all())
        audit.record(
            "case.viewed",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=[
                "meeting.agenda",
                "meeting.minutes",
                *(["guest.name", "guest.relation", "guest.organisation"] if page.guests else []),
                *(["amendment.previous_minutes", "amendment.reason"] if page.amendments else []),
                # A held meeting's page shows its decisions and action items, done or not.
                *(HELD_MEETING_FIELDS if meeting.is_held else []),
            ],
            purpose="meeting",
        )
    return page


def meeting_for_action(actor: User, meeting_id: object, action: str, *, offered: bool = False) -> MeetingPage:
    """The meeting page (``meeting_page``: refused, recorded, to whoever may not open it) for one
    of its actions, refused, recorded, before any input is read to whoever does not take it;
    ``offered``: its empty form only where the page offers it now (a change of the meeting's state
    since, for one who takes it, is the service's refusal, not a denial)."""
    page = meeting_page(actor, meeting_id)
    if not page.may_take(action) or (offered and action not in page.actions):
        deny(actor, action=f"meeting:{action}", case=page.meeting.case)
    return page


# What the meeting record (a printed document, docs/documents.md) shows of the case's data.
MEETING_RECORD_FIELDS = (
    "meeting.agenda",
    "meeting.minutes",
    "decision.reason",
    "action_item.description",
)


def meeting_record(actor: User, meeting_id: object) -> MeetingPage:
    """The meeting record to print (支援会議の記録): the meeting page's read — refused, recorded,
    to whoever may not open the page, and recorded for whoever may — and for an attendee only
    once the content is theirs to read (acknowledged, access not ended; a refusal otherwise,
    recorded). The document itself is one more event, ``case.printed``, naming its fields."""
    page = meeting_page(actor, meeting_id)
    meeting = page.meeting
    if not page.shows_content:
        deny(actor, action="print_meeting_record", case=meeting.case)
    audit.record(
        "case.printed",
        actor=actor,
        target=meeting,
        case_id=meeting.case_id,
        person_id=meeting.case.person_id,
        fields=[
            *MEETING_RECORD_FIELDS,
            *(["action_item.result"] if any(i.done_at for i in meeting.action_items.all()) else []),
            *(["guest.name", "guest.relation", "guest.organisation"] if page.guests else []),
        ],
        purpose="meeting",
        params={"document": "meeting_record"},
    )
    return page


def break_glass_pending(actor: User) -> int:
    """How many emergency accesses wait for the privacy officer's review (the home page): a count,
    no reason read; refused (recorded) to anyone who may not review them."""
    if not actor.has_perm("cases.review_break_glass"):
        deny(actor, action="review_break_glass")
    return BreakGlassAccess.objects.filter(reviewed_at__isnull=True).count()
