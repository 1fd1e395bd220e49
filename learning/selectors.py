"""Reads of learning: the ward's register of issues the existing framework cannot solve — counts by
category, district and month, small numbers hidden, never a list of cases —, a worker's own flags,
and what the raising form offers from a case."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation, User
from accounts.roles import Role
from accounts.selectors import districts_served, organisation_ids_of
from audit import services as audit
from cases.access import deny, has_case_permission, require_role_permission
from cases.models import Case, SupportMeeting
from cases.selectors import case_for
from configuration.selectors import values_of
from indicators.selectors import SMALL_NUMBERS, rule_text, years_offered
from indicators.suppression import suppressed
from learning.examples import EDITABLE, PROPOSE, REVIEW, minimum_k
from learning.models import (
    SHORT_LABELS,
    CaseExample,
    Category,
    ExampleStatus,
    ReviewAttendance,
    ReviewItem,
    ReviewMeeting,
    SystemicIssue,
)
from learning.services import (
    CONVENE,
    RAISE,
    REVIEW_KINDS,
    UNSERVED,
    is_convener,
    offices_of,
    review_candidates,
    wards_of,
)
from privacy.normalise import FISCAL_MONTHS, fiscal_year_label
from referrals.models import Referral

REGISTER = "learning.view_register"
# Whose districts the register counts: the ward office's and the plazas' staff, who meet in the
# ward's practitioners' review.
REGISTER_ROLES = (Role.WARD_CASEWORKER, Role.PLAZA_STAFF)


@dataclass
class RegisterRow:
    label: str
    counts: list[int | None]  # by category, in Category's order; None: hidden
    total: int | None


@dataclass
class RegisterPage:
    fiscal_year: int
    fiscal_year_label: str
    years: list[tuple[int, str]]
    categories: list[tuple[str, str]]  # (short, full) labels, in Category's order
    by_district: list[RegisterRow]
    by_month: list[RegisterRow]
    totals: RegisterRow
    threshold: int
    hidden: int = 0  # how many figures are hidden
    raised: int = 0  # all flags of the year in these districts (the total, hidden or not)
    rule: str = field(default="")


def register_page(actor: User, fiscal_year: int | None = None) -> RegisterPage:
    """The flags raised in the districts the actor's ward office or plaza serves, in one fiscal
    year: a table by district and one by month, each by category. Every figure below the
    municipality's threshold is hidden, and as many more as it takes for none to be worked out
    from the totals (indicators.suppression over both tables at once: they share their totals)."""
    require_role_permission(actor, REGISTER, action="open_systemic_issues")
    districts = list(districts_served(actor, roles=REGISTER_ROLES).order_by("name"))
    if not districts:
        deny(actor, action="open_systemic_issues")
    years = years_offered()
    year = fiscal_year if fiscal_year in {y for y, _label in years} else years[0][0]
    start = _local_midnight(datetime.date(year, 4, 1))
    end = _local_midnight(datetime.date(year + 1, 4, 1))
    rows = SystemicIssue.objects.filter(
        district__in=districts, raised_at__gte=start, raised_at__lt=end
    ).values_list("district_id", "category", "raised_at")
    by_place, by_month = Counter(), Counter()
    for district_id, category, raised_at in rows:
        by_place[district_id, category] += 1
        by_month[timezone.localtime(raised_at).month, category] += 1
    categories = list(Category.values)
    # Only the districts and months where something was raised: a row of zeros tells nothing to
    # protect, and would only take hidden figures of its own to keep the others' from being fixed.
    places = [d for d in districts if any(by_place[d.pk, c] for c in categories)]
    months = [m for m in FISCAL_MONTHS if any(by_month[m, c] for c in categories)]
    grid = [[by_place[d.pk, c] for c in categories] for d in places]
    grid.append([sum(by_place[d.pk, c] for d in places) for c in categories])
    grid += [[by_month[m, c] for c in categories] for m in months]
    for row in grid:
        row.append(sum(row))
    threshold = values_of(actor)[SMALL_NUMBERS]
    hidden = suppressed(grid, _register_sums(len(places), len(categories), len(months)), threshold)
    shown = [
        [None if (r, c) in hidden else value for c, value in enumerate(row)] for r, row in enumerate(grid)
    ]

    def row(label: str, index: int) -> RegisterRow:
        return RegisterRow(label=label, counts=shown[index][:-1], total=shown[index][-1])

    total_index = len(places)
    return RegisterPage(
        fiscal_year=year,
        fiscal_year_label=fiscal_year_label(year),
        years=years,
        categories=[(str(SHORT_LABELS[code]), str(label)) for code, label in Category.choices],
        by_district=[row(d.name, i) for i, d in enumerate(places)],
        by_month=[row(_("%(month)d月") % {"month": m}, total_index + 1 + i) for i, m in enumerate(months)],
        totals=row(str(_("合計")), total_index),
        threshold=threshold,
        hidden=len(hidden),
        raised=grid[total_index][-1],
        rule=rule_text(False, threshold, ""),
    )


def _register_sums(districts: int, categories: int, months: int) -> list:
    """The register's sums: each row's categories add up to its total; the districts' rows, and
    the months' rows, each add up to the total row (column by column, the total column too)."""
    total_row, total_column = districts, categories
    rows = districts + 1 + months
    sums = [([(r, c) for c in range(categories)], (r, total_column)) for r in range(rows)]
    for c in range(categories + 1):
        sums.append(([(r, c) for r in range(districts)], (total_row, c)))
        sums.append(([(r, c) for r in range(total_row + 1, rows)], (total_row, c)))
    return sums


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def my_issues(actor: User) -> list[SystemicIssue]:
    """The flags the actor raised, newest first, with the reference of the case each came from
    (their own work: nothing personal in them, nothing to record)."""
    require_role_permission(actor, RAISE, action="open_my_systemic_issues")
    return list(
        SystemicIssue.objects.filter(raised_by=actor)
        .select_related("district", "case", "review_item__meeting")
        .order_by("-raised_at")
    )


@dataclass
class RaisingSource:
    """What the raising form offers from a case: its meetings, and the referrals that were not
    served (each as (id, label))."""

    meetings: list[tuple[str, str]]
    referrals: list[tuple[str, str]]
    records: dict[str, object]  # id → the meeting or referral


def case_for_raising(actor: User, case_id: object) -> Case:
    """The case an issue is raised from: refused, recorded, unless the actor may raise issues and
    write on the case."""
    require_role_permission(actor, RAISE, action="raise_systemic_issue")
    return case_for(actor, case_id, "change_case")


def case_to_propose(actor: User, case_id: object) -> Case:
    """The case an example is proposed from: refused, recorded, unless the actor leads it and may
    propose examples."""
    require_role_permission(actor, PROPOSE, action="propose_example")
    return case_for(actor, case_id, "lead_case")


def raising_sources(case: Case) -> RaisingSource:
    meetings = SupportMeeting.objects.filter(case=case).order_by("scheduled_for")
    referrals = (
        Referral.objects.filter(case=case, state__in=UNSERVED)
        .select_related("recipient")
        .order_by("created_at")
    )
    records: dict[str, object] = {}
    meeting_choices, referral_choices = [], []
    for meeting in meetings:
        records[str(meeting.pk)] = meeting
        when = timezone.localtime(meeting.scheduled_for)
        meeting_choices.append((str(meeting.pk), f"{when:%Y-%m-%d} {meeting.get_kind_display()}"))
    for referral in referrals:
        records[str(referral.pk)] = referral
        referral_choices.append(
            (str(referral.pk), f"{referral.recipient.name}（{referral.get_state_display()}）")
        )
    return RaisingSource(meetings=meeting_choices, referrals=referral_choices, records=records)


# --- the ward's practitioners' review ------------------------------------------------------------


@dataclass
class ReviewsPage:
    meetings: list[ReviewMeeting]  # convened by the actor's offices or attended by the actor
    places: list[tuple[Organisation, Area]]  # (office, ward) where the actor may convene one
    candidates: list[tuple[User, Organisation]]  # whom a new meeting may ask, over those wards


def reviews_page(actor: User, convening: bool = False) -> ReviewsPage:
    """The reviews the actor convenes or attends, and what convening another offers; refused,
    recorded, for anyone who does neither (and, ``convening``, for anyone who may not convene)."""
    offices = offices_of(actor)
    if convening and not offices:
        deny(actor, action="convene_review")
    attended = ReviewAttendance.objects.filter(user=actor).values("meeting")
    meetings = list(
        ReviewMeeting.objects.filter(Q(convened_by__in=offices) | Q(pk__in=attended))
        .select_related("ward", "convened_by")
        .order_by("-scheduled_for")
    )
    if not offices and not meetings and not _at_review_organisation(actor):
        deny(actor, action="open_reviews")
    places = [(office, ward) for office in offices for ward in wards_of(office)]
    candidates = list(dict.fromkeys(pair for _office, ward in places for pair in review_candidates(ward)))
    return ReviewsPage(meetings=meetings, places=places, candidates=candidates)


def _at_review_organisation(actor: User) -> bool:
    """Whether the actor works where the ward's reviews ask their attendees from (a ward office, a
    plaza, the ward 社協): their list may be empty, not refused."""
    return Organisation.objects.filter(pk__in=organisation_ids_of(actor), kind__in=REVIEW_KINDS).exists()


@dataclass
class ReviewPage:
    meeting: ReviewMeeting
    attendances: list[ReviewAttendance]
    is_convener: bool
    attendance: ReviewAttendance | None  # the actor's own, if invited
    items: list[ReviewItem]  # each with ``issues``; empty until the actor may read the agenda
    districts: list[Area]  # the ward's, for taking issues of one district onto the agenda
    examples: list = field(default_factory=list)  # approved case examples shown at it (title, purpose)

    @property
    def may_read(self) -> bool:
        return self.is_convener or bool(self.attendance and self.attendance.acknowledged_at)


def review_page(actor: User, meeting_id: object) -> ReviewPage:
    """A review meeting, for its convening office's staff and its attendees; an attendee reads its
    agenda once they have acknowledged confidentiality. Its items hold issues, never a case or who
    raised them: nothing personal to record."""
    meeting = _meeting(meeting_id)
    convener = meeting is not None and is_convener(actor, meeting)
    attendances = (
        list(meeting.attendances.select_related("user", "organisation").order_by("organisation__name", "pk"))
        if meeting
        else []
    )
    # An attendee while they still work for the organisation they were asked for.
    mine = set(organisation_ids_of(actor))
    own = next((a for a in attendances if a.user_id == actor.pk and a.organisation_id in mine), None)
    if meeting is None or not (convener or own):
        deny(actor, action="open_review")
    page = ReviewPage(
        meeting=meeting,
        attendances=attendances,
        is_convener=convener,
        attendance=own,
        items=[],
        districts=review_districts(meeting),
    )
    if page.may_read:
        page.examples = list(
            meeting.examples.filter(status=ExampleStatus.APPROVED).only("pk", "title", "purpose")
        )
        page.items = list(
            meeting.items.select_related("district").prefetch_related(
                Prefetch(
                    "issues",
                    queryset=SystemicIssue.objects.select_related("district").order_by("raised_at"),
                )
            )
        )
    return page


def review_districts(meeting: ReviewMeeting) -> list[Area]:
    """The districts of the meeting's ward (nothing personal)."""
    return list(Area.objects.filter(parent=meeting.ward, level=Area.Level.DISTRICT).order_by("name"))


def _meeting(meeting_id: object) -> ReviewMeeting | None:
    try:
        return ReviewMeeting.objects.select_related("ward", "convened_by").filter(pk=meeting_id).first()
    except (ValueError, ValidationError):
        return None


def meeting_to_convene(actor: User, meeting_id: object) -> ReviewMeeting:
    """A meeting its convening office's staff act on (its agenda); anyone else refused, recorded."""
    meeting = _meeting(meeting_id)
    if meeting is None or not (actor.has_perm(CONVENE) and is_convener(actor, meeting)):
        deny(actor, action="act_on_review")
    return meeting


def item_to_record(actor: User, item_id: object) -> ReviewItem:
    """An agenda item its meeting's convening office records the finding or the answer of."""
    item = (
        ReviewItem.objects.select_related("meeting").filter(pk=item_id).first()
        if str(item_id).isdigit()
        else None
    )
    if item is None or not (actor.has_perm(CONVENE) and is_convener(actor, item.meeting)):
        deny(actor, action="record_review")
    return item


def attended_review(actor: User, meeting_id: object) -> ReviewMeeting:
    """A meeting the actor is asked to (to acknowledge its confidentiality)."""
    meeting = _meeting(meeting_id)
    asked = (
        meeting.attendances.filter(user=actor, organisation_id__in=organisation_ids_of(actor))
        if meeting
        else None
    )
    if meeting is None or not asked.exists():
        deny(actor, action="acknowledge_review")
    return meeting


# --- case examples ------------------------------------------------------------------------------


@dataclass
class ExamplePage:
    example: CaseExample
    as_lead: bool  # the case's lead: edits it, asks for review, sees the case it came from
    as_officer: bool  # the privacy officer: reviews it, sees the case it came from
    minimum: int  # the municipality's minimum k

    @property
    def may_edit(self) -> bool:
        return self.as_lead and self.example.status in EDITABLE

    @property
    def may_review(self) -> bool:
        return self.as_officer and self.example.status == ExampleStatus.SUBMITTED

    @property
    def may_export(self) -> bool:
        return (self.as_lead or self.as_officer) and self.example.status == ExampleStatus.APPROVED


def _example(example_id: object) -> CaseExample | None:
    try:
        return (
            CaseExample.objects.select_related(
                "case__area", "case__person__data_key", "proposed_by", "reviewed_by"
            )
            .filter(pk=example_id)
            .first()
        )
    except (ValueError, ValidationError):
        return None


def _shown_to(actor: User, example: CaseExample) -> bool:
    """Whether the actor attends, having acknowledged confidentiality, a review the approved
    example is shown at."""
    return (
        example.status == ExampleStatus.APPROVED
        and ReviewAttendance.objects.filter(
            user=actor,
            organisation_id__in=organisation_ids_of(actor),  # still working where they were asked for
            acknowledged_at__isnull=False,
            meeting__examples=example,
        ).exists()
    )


def example_page(actor: User, example_id: object) -> ExamplePage:
    """An example, for its case's lead, the privacy officer, and — approved, and shown at a review
    they attend — that review's attendees, who read its text and nothing else (recorded)."""
    example = _example(example_id)
    if example is None:
        deny(actor, action="open_example")
    as_lead = actor.has_perm(PROPOSE) and has_case_permission(actor, example.case, "lead_case")
    # The officer reads what was asked to be reviewed (and decided), never a draft being written.
    as_officer = actor.has_perm(REVIEW) and example.status != ExampleStatus.DRAFT
    if not (as_lead or as_officer or _shown_to(actor, example)):
        deny(actor, action="open_example")
    if not as_lead:  # the officer's reading is recorded too, not only an attendee's
        audit.record("example.viewed", actor=actor, target=example)
    return ExamplePage(example=example, as_lead=as_lead, as_officer=as_officer, minimum=minimum_k(example))


def example_to_act_on(actor: User, example_id: object) -> CaseExample:
    """An example its lead or the officer acts on; anyone else refused, recorded (the services
    check again which of them may take which step)."""
    example = _example(example_id)
    if example is None or not (
        actor.has_perm(REVIEW)
        or (actor.has_perm(PROPOSE) and has_case_permission(actor, example.case, "lead_case"))
    ):
        deny(actor, action="act_on_example")
    if example.case.person.erased_at is not None:  # erased with its person: nothing left to act on
        deny(actor, action="act_on_example")
    return example


def example_to_export(actor: User, example_id: object) -> CaseExample:
    """An approved example as a file, for its lead or the officer (recorded)."""
    page = example_page(actor, example_id)
    if not page.may_export or page.example.case.person.erased_at is not None:
        deny(actor, action="export_example")
    audit.record("example.exported", actor=actor, target=page.example)
    return page.example


@dataclass
class ExamplesPage:
    awaiting: list[CaseExample]  # for the officer: asked to review
    mine: list[CaseExample]  # for a lead worker: those they proposed
    reviewed: list[CaseExample]  # for the officer: decided, newest first


def examples_page(actor: User) -> ExamplesPage:
    """The examples a lead worker proposed, or the officer's queue; refused, recorded, otherwise."""
    if not (actor.has_perm(PROPOSE) or actor.has_perm(REVIEW)):
        deny(actor, action="open_examples")
    listed = CaseExample.objects.select_related("proposed_by", "case__person__data_key").defer("body")
    page = ExamplesPage(awaiting=[], mine=[], reviewed=[])
    if actor.has_perm(REVIEW):
        page.awaiting = list(listed.filter(status=ExampleStatus.SUBMITTED).order_by("updated_at"))
        page.reviewed = list(
            listed.filter(
                status__in=[ExampleStatus.APPROVED, ExampleStatus.REFUSED, ExampleStatus.RETURNED]
            ).order_by("-reviewed_at")[:50]
        )
    if actor.has_perm(PROPOSE):
        page.mine = list(listed.filter(proposed_by=actor).order_by("-created_at"))
    return page


def examples_to_show(meeting: ReviewMeeting) -> list[CaseExample]:
    """The approved examples of the meeting's ward not yet shown at it (their titles)."""
    found = CaseExample.objects.filter(
        status=ExampleStatus.APPROVED, case__area__parent=meeting.ward
    ).exclude(shown_at=meeting)
    return list(
        found.select_related("case__area", "case__person__data_key").defer("body").order_by("created_at")
    )
