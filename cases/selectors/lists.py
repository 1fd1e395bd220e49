"""The lists that say who: each row names the case by its number (2026-はまかぜ-0123) and the person
by name and kana — only where the actor's live grant on that case includes the identity field
group. Names are decrypted for the rows of one page (50), never for the table, and showing them
is recorded in the audit trail (field names only).

``who_for`` is the one place that decides a row's name: the case lists here, the tasks, the
agency's inbox (referrals) and the matching meeting's agenda (guardianship) all ask it. The
commissioner's own concerns show what the commissioner wrote (``Concern.reported_name``,
``Concern.details``), never what came later.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case as DbCase
from django.db.models import Count, F, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation, OrganisationKind, User
from accounts.selectors import organisation_ids_of
from audit import services as audit
from cases.access import live_grants
from cases.models import (
    ENDED_STATES,
    ActionItem,
    Case,
    CaseState,
    Concern,
    MeetingAttendance,
    Person,
    WatchVisit,
)
from cases.selectors import CommissionerStatus, cases_visible_to
from cases.vocabulary import FieldGroup
from privacy.exceptions import ERASED_DISPLAY

__all__ = [
    "PAGE_SIZE",
    "CaseListPage",
    "ConcernListPage",
    "ListChoices",
    "ListQuery",
    "ListSort",
    "ListTab",
    "Tasks",
    "Who",
    "case_list_choices",
    "identity_case_ids",
    "inbox",
    "inbox_page",
    "my_concerns_page",
    "tasks_of",
    "who_for",
]

S = CaseState
PAGE_SIZE = 50


class ListTab:
    """The status tabs of every case list: what is being worked on, what is watched, what ended."""

    OPEN = "open"
    WATCHING = "watching"
    ENDED = "ended"
    CHOICES = [(OPEN, _("対応中")), (WATCHING, _("見守り")), (ENDED, _("終結・取下げ"))]
    STATES = {
        OPEN: [S.NOTICED, S.SHARING, S.TEAM_MEETING, S.REFERRED, S.GUARDIANSHIP],
        WATCHING: [S.WATCHING],
        ENDED: list(ENDED_STATES),
    }


# Among urgent cases, those still waiting for someone to take them (気付き受付) come first.
WAITING_FIRST = DbCase(When(state=S.NOTICED, then=Value(0)), default=Value(1)).asc()


class ListSort:
    URGENT = "urgent"
    NEWEST = "newest"
    OLDEST = "oldest"
    UPDATED = "updated"
    CHOICES = [
        (URGENT, _("緊急を先に（未受付、受付順）")),
        (NEWEST, _("受付の新しい順")),
        (OLDEST, _("受付の古い順")),
        (UPDATED, _("更新の新しい順")),
    ]
    # Each ends with the key, so that a page boundary never splits rows that sort alike.
    ORDER = {
        URGENT: ("-urgent", WAITING_FIRST, "created_at", "pk"),
        NEWEST: ("-created_at", "-pk"),
        OLDEST: ("created_at", "pk"),
        UPDATED: ("-updated_at", "-pk"),
    }


URGENCY_CHOICES = [("urgent", _("緊急")), ("routine", _("通常"))]


@dataclass
class ListQuery:
    """What a list is asked for, as the URL carries it: codes and ids only, never a name."""

    tab: str = ListTab.OPEN
    area: int | None = None
    state: str = ""
    urgency: str = ""
    lead: int | None = None
    sort: str = ListSort.URGENT
    page: object = 1  # as given: the paginator turns anything unusable into the first or last page


# --- who a row is about ---------------------------------------------------------------------------


@dataclass
class Who:
    """What a row says of the person: the case number always; name and kana only with identity."""

    reference: str
    shows_identity: bool = False
    name: str = ""
    kana: str = ""
    erased: bool = False

    @property
    def label(self) -> str:
        if self.erased:
            return str(ERASED_DISPLAY)
        return self.name or str(_("氏名未確認"))


def identity_case_ids(actor: User, case_ids: Iterable) -> set:
    """Of these cases, those on which one of the actor's live grants (their own or their
    organisations') includes the identity field group: one statement for a page."""
    ids = list(case_ids)
    if not ids or not actor.is_authenticated:
        return set()
    return {
        case_id
        for case_id, groups in live_grants()
        .filter(case_id__in=ids)
        .filter(Q(user=actor) | Q(organisation_id__in=organisation_ids_of(actor)))
        .values_list("case_id", "field_groups")
        if FieldGroup.IDENTITY in groups
    }


def who_for(actor: User, cases: Iterable[Case], *, purpose: str = "case_work") -> dict:
    """Per case id, the ``Who`` of its row for this actor; the names decrypted are recorded as one
    audit event (fields ``name``, ``kana``; the people by id). The cases need only their id,
    reference and person id: the persons of the rows that may show identity are read here, with
    their keys, in one statement, and left on their cases. Inside ``audit.chained_together`` the
    event joins the page's others in one append."""
    cases = list({case.pk: case for case in cases}.values())
    readable = identity_case_ids(actor, (case.pk for case in cases))
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in={case.person_id for case in cases if case.pk in readable})
        .select_related("data_key")
        .only("name", "kana", "erased_at", "data_key__wrapped", "data_key__kek_id", "data_key__destroyed_at")
    }
    shown, found = [], {}
    for case in cases:
        who = Who(reference=case.reference)
        person = people.get(case.person_id) if case.pk in readable else None
        if person is not None:
            case.person = person  # with its key: what the page decrypts next needs no more reads
            who.shows_identity = True
            if person.is_erased:
                who.erased = True
            else:
                who.name, who.kana = person.name, person.kana
                shown.append(person)
        found[case.pk] = who
    audit.record_people_shown(
        actor=actor, people=list({p.pk: p for p in shown}.values()), fields=("name", "kana"), purpose=purpose
    )
    return found


# --- the plaza's and the ward's inbox ------------------------------------------------------------


@dataclass
class ListChoices:
    """What the filters offer the actor: the areas their organisations serve, the organisations
    that lead cases there."""

    areas: list[Area] = field(default_factory=list)
    leads: list[Organisation] = field(default_factory=list)


def case_list_choices(actor: User) -> ListChoices:
    mine = organisation_ids_of(actor)
    served = Area.objects.filter(served_by__in=mine)
    areas = list(
        Area.objects.filter(
            Q(pk__in=served) | Q(parent__in=served) | Q(parent__parent__in=served),
            level__in=[Area.Level.DISTRICT, Area.Level.PLAZA_AREA],
        )
        .distinct()
        .order_by("name")
    )
    leads = list(
        Organisation.objects.filter(
            Q(pk__in=mine) | Q(kind__in=[OrganisationKind.CARE_PLAZA, OrganisationKind.WARD_OFFICE])
        )
        .filter(is_active=True)
        .order_by("kind", "name")
    )
    return ListChoices(areas=areas, leads=leads)


@dataclass
class CaseRow:
    case: Case
    who: Who


@dataclass
class CaseListPage:
    query: ListQuery
    rows: list[CaseRow]
    page: Page
    tab_counts: dict  # tab code → number of cases under it (with the filters applied)
    states: list[tuple[str, str]]  # the states the current tab holds, for its filter


class _Counted:
    """A page source for Django's Paginator: the total is known (counted with the tabs), a slice
    is the page's rows — their ids sorted in a narrow subquery, the rows joined around it."""

    ordered = True  # by ListSort.ORDER, which ends with the key (Paginator asks)

    def __init__(self, ordered: QuerySet, total: int):
        self.rows, self.total = ordered, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[Case]:
        order = self.rows.query.order_by
        return list(
            Case.objects.filter(pk__in=self.rows.values("pk")[window])
            # The names as columns, not as Area and Organisation objects: a third of the instances.
            .annotate(area_name=F("area__name"), lead_name=F("lead_organisation__name"))
            .only("reference", "person_id", "state", "urgent", "created_at", "updated_at")
            .order_by(*order)
        )


def _inbox_cases(actor: User) -> QuerySet[Case]:
    """What the actor's organisations receive and lead: concerns waiting for intake (and those
    withdrawn before it), the cases they lead, in every state, and the urgent cases they see that
    another leads — a plaza whose 至急 concern the ward took, or escalated, sees it led by the ward."""
    return cases_visible_to(actor).filter(
        Q(lead_organisation__isnull=True)
        | Q(lead_organisation__in=organisation_ids_of(actor))
        | Q(urgent=True)
    )


def inbox(actor: User) -> QuerySet[Case]:
    """The inbox's first tab, in its default order: urgent first — a 至急 concern nobody has taken
    yet above the urgent cases in hand, so that it tops the ward office's list the moment it
    arrives —, then oldest first."""
    return (
        _inbox_cases(actor)
        .filter(state__in=ListTab.STATES[ListTab.OPEN])
        .order_by(*ListSort.ORDER[ListSort.URGENT])
    )


def _filtered(cases: QuerySet[Case], query: ListQuery) -> QuerySet[Case]:
    if query.area:
        cases = cases.filter(Q(area=query.area) | Q(area__parent=query.area))
    if query.urgency:
        cases = cases.filter(urgent=query.urgency == "urgent")
    if query.lead:
        cases = cases.filter(lead_organisation=query.lead)
    return cases


def inbox_page(actor: User, query: ListQuery | None = None) -> CaseListPage:
    """One page (50 rows) of the inbox under one tab, filtered and sorted; each row's name as
    ``who_for`` allows it, recorded."""
    query = query or ListQuery()
    cases = _filtered(_inbox_cases(actor), query)
    tab_states = ListTab.STATES[query.tab]
    shown_states = [query.state] if query.state in tab_states else tab_states
    tab_counts = cases.aggregate(
        **{tab: Count("pk", filter=Q(state__in=states)) for tab, states in ListTab.STATES.items()},
        shown=Count("pk", filter=Q(state__in=shown_states)),
    )
    ordered = cases.filter(state__in=shown_states).order_by(*ListSort.ORDER[query.sort])
    page = Paginator(_Counted(ordered, tab_counts.pop("shown")), PAGE_SIZE).get_page(query.page)
    who = who_for(actor, page.object_list)
    return CaseListPage(
        query=query,
        rows=[CaseRow(case=case, who=who[case.pk]) for case in page.object_list],
        page=page,
        tab_counts=tab_counts,
        states=[(state.value, state.label) for state in tab_states],
    )


# --- the commissioner's own concerns ------------------------------------------------------------


@dataclass
class ConcernRow:
    """A concern as its reporter sees it: their own words, the case number, where it stands."""

    concern: Concern
    reference: str
    status: str
    name: str  # as they wrote it
    details: str  # as they wrote it
    erased: bool = False


@dataclass
class ConcernListPage:
    query: ListQuery
    rows: list[ConcernRow]
    page: Page
    tab_counts: dict


def my_concerns_page(actor: User, query: ListQuery | None = None) -> ConcernListPage:
    """The reporter's own concerns under one tab, newest first, 50 a page: what they wrote at the
    time and where the case stands — nothing the case's record says by now. Reading their own
    words back is recorded like any other read."""
    query = query or ListQuery()
    concerns = Concern.objects.filter(reported_by=actor)
    tab_counts = concerns.aggregate(
        **{tab: Count("pk", filter=Q(case__state__in=states)) for tab, states in ListTab.STATES.items()}
    )
    listed = (
        concerns.filter(case__state__in=ListTab.STATES[query.tab])
        .select_related("case__area", "case__person__data_key")
        .prefetch_related("signals", "categories")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(listed, PAGE_SIZE).get_page(query.page)
    rows, shown = [], []
    for concern in page.object_list:
        row = ConcernRow(
            concern=concern,
            reference=concern.case.reference,
            status=CommissionerStatus.of(concern.case),
            name="",
            details="",
        )
        if concern.case.person.is_erased:  # the key is destroyed: nothing of theirs is left to read
            row.erased = True
        else:
            row.name, row.details = concern.reported_name or "", concern.details
            shown.append(concern.case.person)
        rows.append(row)
    audit.record_people_shown(
        actor=actor,
        people=list({p.pk: p for p in shown}.values()),
        fields=("reported_name", "details"),
        purpose="case_work",
    )
    return ConcernListPage(query=query, rows=rows, page=page, tab_counts=tab_counts)


# --- the tasks -------------------------------------------------------------------------------------


@dataclass
class Tasks:
    """The actor's meetings to attend, open action items and watch visits; each with the ``Who``
    of its case (``who``: case id → Who)."""

    meetings: list[MeetingAttendance]
    items: list[ActionItem]
    visits: list[WatchVisit]
    who: dict = field(default_factory=dict)


def tasks_of(actor: User) -> Tasks:
    """What is open for the actor, oldest due first, each naming its case as ``who_for`` allows
    (recorded). Nothing here ends: done items and recorded visits leave the list."""
    tasks = Tasks(
        meetings=list(
            MeetingAttendance.objects.filter(user=actor, meeting__held_at__isnull=True)
            .select_related("meeting__case")
            .order_by("meeting__scheduled_for")
        ),
        items=list(
            ActionItem.objects.filter(owner=actor, done_at__isnull=True)
            .select_related("meeting__case")
            .order_by("due_on")
        ),
        visits=list(
            WatchVisit.objects.filter(assigned_to=actor, visited_on__isnull=True)
            .select_related("case")
            .order_by("due_on")
        ),
    )
    rows = [(a, a.meeting.case) for a in tasks.meetings] + [(i, i.meeting.case) for i in tasks.items]
    rows += [(v, v.case) for v in tasks.visits]
    tasks.who = who_for(actor, [case for _row, case in rows])
    for row, case in rows:  # what the template shows beside each: its case's number and name
        row.who = tasks.who[case.pk]
    return tasks
