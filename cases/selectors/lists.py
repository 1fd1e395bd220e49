"""The lists that say who: each row names the case by its number (2026-はまかぜ-0123) and the person
by name and kana — only where the actor's live grant on that case includes the identity field
group. Names are decrypted for the rows of one page (50), never for the table, and showing them
is recorded in the audit trail (field names only).

``who_for`` is the one place that decides a row's name: the case lists here, the tasks, the
agency's inbox (referrals) and the matching meeting's agenda (guardianship) all ask it. The
commissioner's own concerns show what the commissioner wrote (``Concern.reported_name``,
``Concern.details``), never what came later.
"""

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case as DbCase
from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation, OrganisationKind, User
from accounts.selectors import organisation_ids_of
from audit import services as audit
from cases.access import live_grants
from cases.exceptions import CaseRuleError
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
    "CaseListExport",
    "CaseListPage",
    "ConcernListPage",
    "Counted",
    "ListChoices",
    "ListQuery",
    "ListSort",
    "ListTab",
    "TaskListExport",
    "TaskSection",
    "Tasks",
    "TasksQuery",
    "Who",
    "case_list_choices",
    "identity_case_ids",
    "inbox",
    "inbox_export",
    "inbox_page",
    "known_page",
    "my_concerns_page",
    "names_together",
    "shown_in_notifications",
    "tasks_export",
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
    page: object = 1  # as given: ``known_page`` turns anything unusable into the first or last page


# --- paging ---------------------------------------------------------------------------------------


def known_page(paginator: Paginator, raw: object) -> Page:
    """The page the query string asks for, clamped to the pages there are: anything that is not a
    whole number, or below 1, is the first page; a number past the end is the last. Every list
    pages through this, so that no value in a URL answers 404 or 500."""
    try:
        number = int(str(raw).strip())
    except ValueError:  # "abc", "1.5", "", None, a number too long to read
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))


class Counted:
    """A page source for Django's Paginator whose total is already known (counted with the tabs, in
    the same aggregate): a slice is the page's rows, read by ``fetch`` (by default the ordered
    queryset sliced); an empty list reads nothing."""

    ordered = True  # every list's order ends with the key (Paginator asks)

    def __init__(self, ordered: QuerySet, total: int, fetch: Callable[[slice], list] | None = None):
        self.rows, self.total = ordered, total
        self.fetch = fetch or (lambda window: list(ordered[window]))

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list:
        return self.fetch(window) if self.total else []


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


_pending = threading.local()


@contextmanager
def names_together() -> Iterator[None]:
    """``who_for`` asked inside this block answers at its end, for all its calls at once: one read
    of the grants and one of the people, however many sections a page has (the home page). The
    ``Who`` each call returned is filled in then, before anything renders. Nested blocks join the
    outermost; an error leaves the names unread."""
    if getattr(_pending, "asks", None) is not None:
        yield
        return
    _pending.asks = []
    try:
        yield
        asks = _pending.asks
    finally:
        _pending.asks = None
    by_actor: dict = {}
    for ask in asks:
        by_actor.setdefault(ask[0].pk, []).append(ask)
    for actor_asks in by_actor.values():
        _name(actor_asks)


def who_for(actor: User, cases: Iterable[Case], *, purpose: str = "case_work") -> dict:
    """Per case id, the ``Who`` of its row for this actor; the names decrypted are recorded as one
    audit event (fields ``name``, ``kana``; the people by id). The cases need only their id,
    reference and person id: the persons of the rows that may show identity are read here, with
    their keys, in one statement, and left on their cases. Inside ``audit.chained_together`` the
    event joins the page's others in one append; inside ``names_together`` the reads wait for the
    block's end and join the other calls'."""
    cases = list({case.pk: case for case in cases}.values())
    found = {case.pk: Who(reference=case.reference) for case in cases}
    asks = getattr(_pending, "asks", None)
    if asks is None:
        _name([(actor, cases, found, purpose)])
    else:
        asks.append((actor, cases, found, purpose))
    return found


def _name(asks: list[tuple[User, list[Case], dict, str]]) -> None:
    """Fill in the ``Who`` of each ask's cases (one actor's asks): the grants and the people read
    once for all, the people shown recorded once per purpose."""
    actor = asks[0][0]
    readable = identity_case_ids(actor, {case.pk for _a, cases, _f, _p in asks for case in cases})
    wanted = {case.person_id for _a, cases, _f, _p in asks for case in cases if case.pk in readable}
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=wanted)
        .select_related("data_key")
        .only("name", "kana", "erased_at", "data_key__wrapped", "data_key__kek_id", "data_key__destroyed_at")
    }
    shown: dict[str, dict] = {}
    for _actor, cases, found, purpose in asks:
        for case in cases:
            person = people.get(case.person_id) if case.pk in readable else None
            if person is None:
                continue
            case.person = person  # with its key: what the page decrypts next needs no more reads
            who = found[case.pk]
            who.shows_identity = True
            if person.is_erased:
                who.erased = True
            else:
                who.name, who.kana = person.name, person.kana
                shown.setdefault(purpose, {})[person.pk] = person
    for purpose, named in shown.items():
        audit.record_people_shown(
            actor=actor, people=list(named.values()), fields=("name", "kana"), purpose=purpose
        )


def shown_in_notifications(sender, actor: User, case_ids, **kwargs) -> dict:
    """``notifications.signals.cases_shown``: each notified case as ``who_for`` lets the actor see
    it now — the number always, the name only with a live identity grant (recorded)."""
    cases = list(Case.objects.filter(pk__in=list(case_ids)).only("reference", "person_id"))
    return who_for(actor, cases)


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


def _case_rows(ordered: QuerySet[Case]) -> Callable[[slice], list[Case]]:
    """A page of cases: their ids sorted in a narrow subquery, the rows joined around it."""
    order = ordered.query.order_by

    def fetch(window: slice) -> list[Case]:
        return list(
            Case.objects.filter(pk__in=ordered.values("pk")[window])
            # The names as columns, not as Area and Organisation objects: a third of the instances.
            .annotate(area_name=F("area__name"), lead_name=F("lead_organisation__name"))
            .only("reference", "person_id", "state", "urgent", "created_at", "updated_at")
            .order_by(*order)
        )

    return fetch


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


def inbox_page(actor: User, query: ListQuery | None = None, *, per_page: int = PAGE_SIZE) -> CaseListPage:
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
    page = known_page(
        Paginator(Counted(ordered, tab_counts.pop("shown"), _case_rows(ordered)), per_page), query.page
    )
    who = who_for(actor, page.object_list)
    return CaseListPage(
        query=query,
        rows=[CaseRow(case=case, who=who[case.pk]) for case in page.object_list],
        page=page,
        tab_counts=tab_counts,
        states=[(state.value, state.label) for state in tab_states],
    )


# At most this many rows a file: a list longer than a day's work is narrowed first.
EXPORT_MOST = 5_000


@dataclass
class CaseListExport:
    query: ListQuery
    rows: list[CaseRow]
    tab_label: str


def refuse_long_export(listed: list, narrow_by: str) -> None:
    """A list to take away longer than EXPORT_MOST rows is refused, saying how to narrow it
    (``narrow_by``: the list's own filters, in words)."""
    if len(listed) > EXPORT_MOST:
        raise CaseRuleError(
            _("書き出せるのは%(most)s件までです。%(filters)sで絞り込んでから書き出してください。")
            % {"most": f"{EXPORT_MOST:,}", "filters": narrow_by},
            code="too_many_rows",
        )


def names_exported(actor: User, cases: list, event: str, file_format: str, **params: str) -> dict:
    """The names of a list's cases taken away as a file, as ``who_for`` allows them (recorded as
    shown), and the export recorded as ``event``: how many rows, which format (and ``params``),
    and the fields ``name`` and ``kana`` when any name is in it."""
    with transaction.atomic():
        who = who_for(actor, cases)
        named = any(w.shows_identity and not w.erased for w in who.values())
        audit.record(
            event,
            actor=actor,
            fields=("name", "kana") if named else (),
            params={"rows": len(cases), "format": file_format, **params},
        )
    return who


def inbox_export(actor: User, query: ListQuery, file_format: str) -> CaseListExport:
    """Every row of the inbox under one tab with its filters, in its order, to take away as a
    file: each row's name as ``who_for`` allows it (recorded as shown), and the export recorded —
    how many rows, which fields, which format. More than EXPORT_MOST rows are refused, nothing
    recorded: the filters narrow it."""
    cases = _filtered(_inbox_cases(actor), query)
    tab_states = ListTab.STATES[query.tab]
    shown_states = [query.state] if query.state in tab_states else tab_states
    ordered = cases.filter(state__in=shown_states).order_by(*ListSort.ORDER[query.sort])
    listed = _case_rows(ordered)(slice(0, EXPORT_MOST + 1))
    refuse_long_export(listed, _("地区や状態"))
    who = names_exported(actor, listed, "case.list_exported", file_format)
    return CaseListExport(
        query=query,
        rows=[CaseRow(case=case, who=who[case.pk]) for case in listed],
        tab_label=str(dict(ListTab.CHOICES)[query.tab]),
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


def my_concerns_page(
    actor: User, query: ListQuery | None = None, *, per_page: int = PAGE_SIZE
) -> ConcernListPage:
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
    page = known_page(Paginator(Counted(listed, tab_counts[query.tab]), per_page), query.page)
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


class TaskTab:
    """Each section of the tasks page splits into what is still to do and what is done."""

    OPEN = "open"
    DONE = "done"


@dataclass(frozen=True)
class _Section:
    """How one section of the tasks page reads: its rows for the actor, each tab's condition and
    order (ending with the key), the path from a row to its case, and the query-string names of
    its tab and its page."""

    name: str
    tab_param: str
    page_param: str
    choices: list
    rows: Callable[[User], QuerySet]
    tabs: dict  # tab code → (condition, order)
    related: str
    reads: str = ""  # what else its rows are read with (an item's meeting, and the key of its text)

    def case_of(self, row) -> Case:
        for step in self.related.split("__"):
            row = getattr(row, step)
        return row


SECTIONS = [
    _Section(
        name="meetings",
        tab_param="meetings",
        page_param="meetings_page",
        choices=[(TaskTab.OPEN, _("予定")), (TaskTab.DONE, _("開催済み"))],
        rows=lambda actor: MeetingAttendance.objects.filter(user=actor),
        tabs={
            TaskTab.OPEN: (Q(meeting__held_at__isnull=True), ("meeting__scheduled_for", "pk")),
            TaskTab.DONE: (Q(meeting__held_at__isnull=False), ("-meeting__held_at", "-pk")),
        },
        related="meeting__case",
    ),
    _Section(
        name="items",
        tab_param="items",
        page_param="items_page",
        choices=[(TaskTab.OPEN, _("未完了")), (TaskTab.DONE, _("完了"))],
        rows=lambda actor: ActionItem.objects.filter(owner=actor),
        tabs={
            TaskTab.OPEN: (Q(done_at__isnull=True), ("due_on", "pk")),
            TaskTab.DONE: (Q(done_at__isnull=False), ("-done_at", "-pk")),
        },
        related="meeting__case",
        reads="meeting__case__person__data_key",
    ),
    _Section(
        name="visits",
        tab_param="visits",
        page_param="visits_page",
        choices=[(TaskTab.OPEN, _("予定")), (TaskTab.DONE, _("訪問済み"))],
        rows=lambda actor: WatchVisit.objects.filter(assigned_to=actor),
        tabs={
            TaskTab.OPEN: (Q(visited_on__isnull=True), ("due_on", "pk")),
            TaskTab.DONE: (Q(visited_on__isnull=False), ("-visited_on", "-pk")),
        },
        related="case",
    ),
]


@dataclass
class TasksQuery:
    """Per section (its name: ``meetings``, ``items``, ``visits``), the tab and the page asked for,
    as the URL carries them (``?items=done&items_page=2``)."""

    tabs: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> "TasksQuery":
        """From a query string: a tab not on offer is the open one, a page as ``known_page`` reads it."""
        return cls(
            tabs={
                s.name: params.get(s.tab_param) for s in SECTIONS if params.get(s.tab_param) == TaskTab.DONE
            },
            pages={s.name: params.get(s.page_param) for s in SECTIONS if params.get(s.page_param)},
        )


@dataclass
class TaskSection:
    """One section of the tasks page: the tab shown, both tabs' counts, the page of rows."""

    name: str
    tab: str
    tab_counts: dict
    page: Page
    choices: list
    tab_param: str
    page_param: str

    @property
    def rows(self) -> list:
        return self.page.object_list

    @property
    def total(self) -> int:
        return sum(self.tab_counts.values())


@dataclass
class Tasks:
    """The actor's meetings, action items and watch visits, each a section of 50 rows a page with
    its tabs (open / done); each row with ``who``, the ``Who`` of its case."""

    meetings: TaskSection
    items: TaskSection
    visits: TaskSection
    who: dict = field(default_factory=dict)


def _tab_counts(actor: User) -> dict[str, dict[str, int]]:
    """Per section, both tabs' counts: one statement for the three sections (a counting subquery
    each, read beside the actor's own row)."""
    counts = {
        f"{section.name}__{code}": Subquery(
            section.rows(actor)
            .filter(condition)
            .annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
            .values("n"),
            output_field=IntegerField(),
        )
        for section in SECTIONS
        for code, (condition, _order) in section.tabs.items()
    }
    row = User.objects.filter(pk=actor.pk).values(**counts).get()
    return {
        section.name: {code: row[f"{section.name}__{code}"] for code in section.tabs} for section in SECTIONS
    }


def _section(
    actor: User, section: _Section, counts: dict, query: TasksQuery, per_page: int = PAGE_SIZE
) -> TaskSection:
    """The page of rows of the tab asked for: one statement (none when the tab is empty)."""
    tab = query.tabs.get(section.name, TaskTab.OPEN)
    condition, order = section.tabs[tab]
    rows = section.rows(actor).filter(condition)
    ordered = rows.select_related(section.reads or section.related).order_by(*order)
    page = known_page(Paginator(Counted(ordered, counts[tab]), per_page), query.pages.get(section.name))
    return TaskSection(
        name=section.name,
        tab=tab,
        tab_counts=counts,
        page=page,
        choices=section.choices,
        tab_param=section.tab_param,
        page_param=section.page_param,
    )


def tasks_of(actor: User, query: TasksQuery | None = None, *, per_page: int = PAGE_SIZE) -> Tasks:
    """The tasks page: per section, the tab asked for, 50 rows a page — what is open oldest due
    first (meetings soonest first), what is done most recent first — each row naming its case as
    ``who_for`` allows (one statement, one audit event for the three sections)."""
    query = query or TasksQuery()
    counts = _tab_counts(actor)
    tasks = Tasks(
        **{
            section.name: _section(actor, section, counts[section.name], query, per_page)
            for section in SECTIONS
        }
    )
    rows = [(row, section.case_of(row)) for section in SECTIONS for row in getattr(tasks, section.name).rows]
    with audit.chained_together():
        tasks.who = who_for(actor, [case for _row, case in rows])
        _items_read(actor, tasks.items.rows, tasks.items.tab)
    for row, case in rows:  # what the template shows beside each: its case's number and name
        row.who = tasks.who[case.pk]
    return tasks


def _items_read(actor: User, items: list, tab: str) -> None:
    """An action item's text and result are its owner's to read, whatever their grant on the case
    now: the item was given to them (recorded: the fields, the cases by id)."""
    if items:
        audit.append(
            [
                audit.new_event(
                    "case.viewed",
                    actor=actor,
                    target=case,
                    case_id=case.pk,
                    person_id=case.person_id,
                    fields=[
                        "action_item.description",
                        *(["action_item.result"] if tab == TaskTab.DONE else []),
                    ],
                    purpose="case_work",
                )
                for case in {item.meeting.case_id: item.meeting.case for item in items}.values()
            ]
        )


@dataclass
class TaskListExport:
    section: str  # meetings, items or visits
    tab: str
    label: str  # the section and its tab, in words
    rows: list  # each with ``who``


def tasks_export(actor: User, section_name: str, query: TasksQuery, file_format: str) -> TaskListExport:
    """One section of the tasks page under the tab asked for, every row in its order, to take
    away as a file: each row's case as ``who_for`` allows it, an action item's text and result
    recorded as the page records them, and the export recorded (section, tab, rows, format). More
    than EXPORT_MOST rows are refused, nothing recorded."""
    section = next(s for s in SECTIONS if s.name == section_name)
    tab = query.tabs.get(section.name, TaskTab.OPEN)
    condition, order = section.tabs[tab]
    rows = section.rows(actor).filter(condition).select_related(section.reads or section.related)
    listed = list(rows.order_by(*order)[: EXPORT_MOST + 1])
    refuse_long_export(listed, _("未完了と完了の切り替え"))
    cases = [section.case_of(row) for row in listed]
    with transaction.atomic(), audit.chained_together():
        who = names_exported(actor, cases, "case.tasks_exported", file_format, section=section.name, tab=tab)
        if section.name == "items":
            _items_read(actor, listed, tab)
    for row, case in zip(listed, cases, strict=True):
        row.who = who[case.pk]
    headings = {"meetings": _("出席を求められている会議"), "items": _("役割分担"), "visits": _("見守り訪問")}
    return TaskListExport(
        section=section.name,
        tab=tab,
        label=f"{headings[section.name]}（{dict(section.choices)[tab]}）",
        rows=listed,
    )
