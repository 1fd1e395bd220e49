"""Reads of the evacuation-support list, for the ward office that keeps it: each page refuses
(recorded) whoever may not keep the list of that ward, and records the people whose decrypted
fields it shows (field names, never values)."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from accounts.models import Area, Organisation, User
from accounts.selectors import organisation_ids_of, user_count
from audit import services as audit
from cases.access import deny, require_role_permission
from cases.models import Agreement
from cases.selectors.lists import known_page
from cases.services.agreements import administering_offices
from cases.vocabulary import AgreementKind
from disaster.models import (
    NEEDS_ATTENTION,
    CheckAssignment,
    ConsentStatus,
    Declaration,
    EvacuationPlan,
    ListIssue,
    Registration,
    SafetyCheck,
    SafetyStatus,
)
from disaster.services import (
    CHECK,
    DECLARE,
    ISSUED_FIELDS,
    MANAGE,
    checkers_for,
    concerned_with,
    in_scope,
    uuid_or_none,
)

PURPOSE = "evacuation_support"
# What the list page shows of each person.
LISTED_FIELDS = ["name", "kana"]
REGISTRATION_FIELDS = [
    "name",
    "kana",
    "birth_date",
    "address",
    "phone",
    "registration.care_level",
    "registration.disability_grade",
]


def _offices(actor: User, action: str, perm: str = MANAGE) -> list[Organisation]:
    require_role_permission(actor, perm, action=action)
    offices = administering_offices(actor)
    if not offices:
        deny(actor, action=action)
    return offices


def offices_areas(offices: list[Organisation]) -> list[Area]:
    """The areas the offices serve and every area under them, the wards first."""
    served = Area.objects.filter(organisations__in=offices)
    query = (
        Q(pk__in=served)
        | Q(parent__in=served)
        | Q(parent__parent__in=served)
        | Q(parent__parent__parent__in=served)
    )
    return list(Area.objects.filter(query).distinct().order_by("level", "name"))


@dataclass
class ListPage:
    offices: list[Organisation]
    declarations: list[Declaration]  # in effect
    agreements: list[Agreement]  # list-provision agreements of the offices, each with .current
    outstanding: list[ListIssue]  # recalled or lapsed, not yet back
    consent_counts: dict[str, int]  # listed persons by their answer
    page: Page  # of Registration, with .person and .plan read
    can_declare: bool
    areas: list[Area] = field(default_factory=list)


def list_page(actor: User, page_number: object = 1) -> ListPage:
    """The ward office's list: disasters in effect, the agreements it gives the list under and
    their issues, the issues still to come back, and the listed persons, 50 a page (their names
    recorded as shown)."""
    offices = _offices(actor, "open_evacuation_list")
    listed = Registration.objects.filter(
        office__in=offices, removed_on__isnull=True, person__erased_at__isnull=True
    )
    counts = dict(listed.order_by().values_list("consent").annotate(n=Count("pk")))
    rows = (
        listed.select_related("person", "area", "plan")
        .prefetch_related("criteria")
        .order_by("area__name", "created_at", "pk")
    )
    page = known_page(Paginator(rows, 50), page_number)
    audit.record_people_shown(
        actor=actor, people=[r.person for r in page.object_list], fields=LISTED_FIELDS, purpose=PURPOSE
    )
    agreements = list(
        Agreement.objects.filter(municipal_side__in=offices, kind=AgreementKind.LIST_PROVISION)
        .select_related("party", "area")
        .order_by("party__name", "-valid_from")
    )
    issues = list(
        ListIssue.objects.filter(agreement__in=agreements)
        .select_related("agreement")
        .annotate(rows=Count("entries"))
        .order_by("-number")
    )
    for agreement in agreements:
        agreement.current = next((i for i in issues if i.agreement_id == agreement.pk and i.is_current), None)
    return ListPage(
        offices=offices,
        declarations=list(
            Declaration.objects.filter(office__in=offices, ended_at__isnull=True).select_related("area")
        ),
        agreements=agreements,
        outstanding=[issue for issue in issues if issue.is_outstanding],
        consent_counts={status: counts.get(status, 0) for status in ConsentStatus.values},
        page=page,
        can_declare=actor.has_perm(DECLARE),
        areas=offices_areas(offices),
    )


def registration_page(actor: User, registration_id: object) -> Registration:
    """One listed person with their plan and the issues that gave them; refused, recorded, unless
    the actor keeps the list of the person's ward (one that does not exist as well)."""
    offices = _offices(actor, "open_registration")
    registration = (
        Registration.objects.filter(
            pk=uuid_or_none(registration_id), office__in=offices, person__erased_at__isnull=True
        )
        .select_related("person", "area", "office", "plan")
        .prefetch_related("criteria")
        .first()
    )
    if registration is None:
        deny(actor, action="open_registration")
    fields = list(REGISTRATION_FIELDS)
    registration.current_plan = plan_of(registration)
    if registration.current_plan is not None:
        fields += [f"plan.{name}" for name in EvacuationPlan.FIELDS]
    registration.assignments = list(
        CheckAssignment.objects.filter(registration=registration)
        .select_related("user")
        .prefetch_related("user__memberships__organisation")
        .order_by("assigned_at")
    )
    registration.possible_checkers = checkers_for(registration).prefetch_related("memberships__organisation")
    registration.issues_given = list(
        ListIssue.objects.filter(entries__registration=registration)
        .select_related("recipient")
        .order_by("-number")
    )
    audit.record_people_shown(actor=actor, people=[registration.person], fields=fields, purpose=PURPOSE)
    return registration


def agreement_to_issue(actor: User, agreement_id: object) -> Agreement:
    """A list-provision agreement of the actor's ward office, to hand the list under."""
    offices = _offices(actor, "issue_list")
    agreement = (
        Agreement.objects.filter(
            pk=agreement_id if str(agreement_id).isdigit() else None, municipal_side__in=offices
        )
        .filter(kind=AgreementKind.LIST_PROVISION)
        .select_related("party", "area", "municipal_side")
        .first()
    )
    if agreement is None:
        deny(actor, action="issue_list")
    return agreement


def issue_page(actor: User, issue_id: object) -> ListIssue:
    """An issue of the list: to whom, when, on which ground, how many, and whether it is back.
    Names no person (the printed list does)."""
    offices = _offices(actor, "open_list_issue")
    issue = (
        ListIssue.objects.filter(
            pk=issue_id if str(issue_id).isdigit() else None, agreement__municipal_side__in=offices
        )
        .select_related("agreement__area", "recipient", "issued_by", "declaration", "return_confirmed_by")
        .first()
    )
    if issue is None:
        deny(actor, action="open_list_issue")
    tally = Counter(issue.entries.values_list("with_consent", flat=True))
    issue.with_consent, issue.without_consent = tally[True], tally[False]
    return issue


@dataclass
class IssuedRow:
    registration: Registration
    plan: EvacuationPlan | None
    with_consent: bool


@dataclass
class IssueDocument:
    issue: ListIssue
    rows: list[IssuedRow]
    watermark: str  # the recipient, on every page


def issue_document(actor: User, issue_id: object, document_format: str) -> IssueDocument:
    """The issue's persons as given, to print or export with its recipient on every page; only
    while it is in use (a recalled issue is not made again). Records the export and the people."""
    issue = issue_page(actor, issue_id)
    if not issue.is_current:
        deny(actor, action="print_recalled_list")
    entries = (
        issue.entries.filter(registration__person__erased_at__isnull=True)  # an erased person is gone
        .select_related("registration__person", "registration__area", "registration__plan")
        .order_by("registration__area__name", "registration__created_at")
    )
    rows = [
        IssuedRow(
            registration=entry.registration,
            plan=plan_of(entry.registration),
            with_consent=entry.with_consent,
        )
        for entry in entries
    ]
    audit.record(
        "evacuation.list_printed",
        actor=actor,
        organisation_id=issue.agreement.municipal_side_id,
        target=issue,
        fields=ISSUED_FIELDS,
        purpose=PURPOSE,
        params={"number": issue.number, "document_format": document_format},
    )
    audit.record_people_shown(
        actor=actor, people=[row.registration.person for row in rows], fields=ISSUED_FIELDS, purpose=PURPOSE
    )
    return IssueDocument(issue=issue, rows=rows, watermark=f"{issue.recipient.name} {issue.received_by}")


def plan_of(registration: Registration) -> EvacuationPlan | None:
    try:
        return registration.plan
    except EvacuationPlan.DoesNotExist:
        return None


def issue_table(document: IssueDocument) -> list[list[object]]:
    """The issue as a table for its Excel file: a header, then one row per person as given."""
    header = [
        _("番号"),
        _("氏名"),
        _("ふりがな"),
        _("住所"),
        _("電話番号"),
        _("地域"),
        _("要介護度"),
        _("手帳の等級"),
        *(EvacuationPlan._meta.get_field(name).verbose_name for name in EvacuationPlan.FIELDS),
        _("提供の根拠"),
    ]
    rows = []
    for number, row in enumerate(document.rows, start=1):
        registration, plan, person = row.registration, row.plan, row.registration.person
        rows.append(
            [
                number,
                person.name,
                person.kana,
                person.address,
                person.phone,
                registration.area.name,
                registration.care_level_label,
                registration.disability_grade_label,
                *((getattr(plan, name) if plan else "") for name in EvacuationPlan.FIELDS),
                _("同意") if row.with_consent else _("災害時（同意なし）"),
            ]
        )
    return [[str(cell) if not isinstance(cell, int) else cell for cell in header], *rows]


def declaration_to_end(actor: User, declaration_id: object) -> Declaration:
    """A disaster in effect that the actor's ward office declared."""
    offices = _offices(actor, "end_disaster", perm=DECLARE)
    declaration = Declaration.objects.filter(
        pk=declaration_id if str(declaration_id).isdigit() else None,
        office__in=offices,
        ended_at__isnull=True,
    ).first()
    if declaration is None:
        deny(actor, action="end_disaster")
    return declaration


@dataclass
class DeclarationPage:
    declaration: Declaration
    manages: bool  # the declaring office's: it may end it and sees the lists given under it
    issues: list[ListIssue]
    coverage: "Coverage | None" = None  # the office's list keepers: who is checked, by district


def declaration_page(actor: User, declaration_id: object, counts_only: bool = False) -> DeclarationPage:
    """A declared disaster, for the staff of the organisations it concerns (nothing personal);
    its office's list keepers also see the issues given under it and its coverage, with the
    persons needing help named (``counts_only``: the coverage's counts alone, as the page's live
    refresh asks, naming no one)."""
    declaration = (
        Declaration.objects.filter(pk=declaration_id if str(declaration_id).isdigit() else None)
        .select_related("area", "office", "declared_by", "ended_by")
        .first()
    )
    mine = set(organisation_ids_of(actor))
    if declaration is None or not mine & concerned_with(declaration.area):
        deny(actor, action="open_declaration")
    manages = actor.has_perm(DECLARE) and declaration.office_id in mine
    issues = (
        list(
            ListIssue.objects.filter(declaration=declaration)
            .select_related("recipient", "agreement")
            .annotate(rows=Count("entries"))
        )
        if manages
        else []
    )
    keeps_list = manages or (actor.has_perm(MANAGE) and declaration.office_id in mine)
    return DeclarationPage(
        declaration=declaration,
        manages=manages,
        issues=issues,
        coverage=coverage_of(declaration, None if counts_only else actor) if keeps_list else None,
    )


# --- safety checks -------------------------------------------------------------------------------

CHECKED_FIELDS = ["name", "address", "phone", "plan.destination", "plan.medical_needs", "plan.contacts"]


def _labelled(rows) -> list[Registration]:
    """The rows, each with its latest check's status in words."""
    rows = list(rows)
    for row in rows:
        row.last_status_label = SafetyStatus(row.last_status).label if row.last_status else ""
    return rows


def _latest(declaration_ref) -> dict:
    """The latest check's status and time for each registration row, as annotations."""
    latest = SafetyCheck.objects.filter(declaration=declaration_ref, registration=OuterRef("pk")).order_by(
        "-checked_at", "-pk"
    )
    return {
        "last_status": Subquery(latest.values("status")[:1]),
        "last_checked_at": Subquery(latest.values("checked_at")[:1]),
    }


@dataclass
class Round:
    """The persons a checker is to check on in one declared disaster, with their latest check."""

    declaration: Declaration
    people: list[Registration]


def checks_page(actor: User) -> list[Round]:
    """The persons assigned to the actor in every disaster in effect over them (a drill: those who
    consented), with their plan's essentials and the latest check; their names recorded as shown.
    Refused, recorded, for whoever may not record checks."""
    require_role_permission(actor, CHECK, action="open_safety_checks")
    assigned = Registration.objects.filter(checkers__user=actor, removed_on__isnull=True)
    rounds = []
    if assigned.exists():
        for declaration in Declaration.objects.filter(ended_at__isnull=True).select_related("area"):
            people = _labelled(
                in_scope(declaration)
                .filter(pk__in=assigned)
                .select_related("person", "area", "plan")
                .annotate(**_latest(declaration))
                .order_by("area__name", "created_at")
            )
            if people:
                rounds.append(Round(declaration=declaration, people=people))
    shown = {r.person_id: r.person for round_ in rounds for r in round_.people}
    audit.record_people_shown(
        actor=actor, people=list(shown.values()), fields=CHECKED_FIELDS, purpose=PURPOSE
    )
    return rounds


def declaration_for_check(actor: User, declaration_id: object) -> Declaration:
    """A declared disaster, for a check to be recorded under: the service checks the person, and
    that it is still in effect (a retry of a check made before it ended answers the check)."""
    declaration = (
        Declaration.objects.filter(pk=declaration_id if str(declaration_id).isdigit() else None)
        .select_related("area")
        .first()
    )
    if declaration is None:
        deny(actor, action="record_check")
    return declaration


@dataclass
class AreaCoverage:
    area: Area
    listed: int = 0
    checked: int = 0
    attention: int = 0  # latest check 要支援 or 連絡つかず
    by_status: Counter = field(default_factory=Counter)

    @property
    def unchecked(self) -> int:
        return self.listed - self.checked

    @property
    def band(self) -> int:
        """Checked, in quarters (0: under a quarter … 4: everyone): the grid's shade."""
        return 4 * self.checked // self.listed if self.listed else 4


@dataclass
class Coverage:
    areas: list[AreaCoverage]
    total: AreaCoverage
    attention: list[SafetyCheck]  # the latest check of each person needing the office's help now
    escalate_after: int  # minutes


def coverage_of(declaration: Declaration, actor: User | None = None) -> Coverage:
    """Who in the declaration's scope is checked, not yet, or needs help, by district (a plaza
    area counts in its district). ``actor`` given: the persons needing help are named, recorded."""
    from cases.configuration import values_where
    from disaster.configuration import ESCALATION_MINUTES

    rows = list(
        in_scope(declaration)
        .select_related("area__parent")
        .annotate(**_latest(declaration))
        .only("pk", "area", "person_id", "created_at")
    )
    by_area: dict[int, AreaCoverage] = {}
    total = AreaCoverage(area=declaration.area)
    needing = []
    for row in rows:
        district = row.area.parent if row.area.level == Area.Level.PLAZA_AREA else row.area
        cell = by_area.setdefault(district.pk, AreaCoverage(area=district))
        for counted in (cell, total):
            counted.listed += 1
            if row.last_status:
                counted.checked += 1
                counted.by_status[row.last_status] += 1
                counted.attention += row.last_status in NEEDS_ATTENTION
        if row.last_status in NEEDS_ATTENTION:
            needing.append(row.pk)
    attention: list[SafetyCheck] = []
    if actor is not None and needing:
        latest_first = (
            SafetyCheck.objects.filter(declaration=declaration, registration__in=needing)
            .select_related(
                "registration__person__data_key", "registration__area", "registration__plan", "checked_by"
            )
            .order_by("registration", "-checked_at", "-pk")
        )
        seen: set = set()
        for made in latest_first:  # the latest of each person's checks: the one that counts
            if made.registration_id not in seen:
                seen.add(made.registration_id)
                attention.append(made)
        attention.sort(key=lambda made: made.checked_at)
        audit.record_people_shown(
            actor=actor,
            people=[made.registration.person for made in attention],
            fields=[*CHECKED_FIELDS, "safety.note"],
            purpose=PURPOSE,
        )
    return Coverage(
        areas=sorted(by_area.values(), key=lambda c: c.area.name),
        total=total,
        attention=attention,
        escalate_after=values_where(declaration.office)[ESCALATION_MINUTES],
    )


@dataclass
class SafetyRound:
    declaration: Declaration
    assigned: int  # the user's persons in its scope
    unchecked: int  # of them, with no check yet


@dataclass
class HomeSafety:
    """The home page's section for a checker: counts only (no one is named, nothing recorded)."""

    assigned: int  # persons assigned to the user, listed
    rounds: list[SafetyRound]  # the disasters in effect over them

    @property
    def count(self) -> int:
        """What the section's heading counts: the unchecked in a disaster, else those assigned."""
        return sum(r.unchecked for r in self.rounds) if self.rounds else self.assigned


ASSIGNED = "disaster.assigned"


def assigned_count_sql() -> str:
    """The persons assigned to the user to check, still listed, as a scalar subquery on the user's
    id, read with the user's ids (``accounts.selectors.read_with_user_ids``, registered in apps.py,
    as the bell's count is): a statement of its own put the commissioner's home over the budget
    (tests/test_home.py). Tables and columns from the models."""
    assignment, registration = CheckAssignment._meta, Registration._meta
    a, r = assignment.db_table, registration.db_table
    return (
        f"SELECT COUNT(*) FROM {a} INNER JOIN {r} "  # noqa: S608
        f"ON {a}.{assignment.get_field('registration').column} = {r}.{registration.pk.column} "
        f"WHERE {a}.{assignment.get_field('user').column} = %s "
        f"AND {r}.{registration.get_field('removed_on').column} IS NULL"
    )


def home_safety(user: User) -> HomeSafety:
    """For a checker: how many persons are assigned to them (read with their ids) and, in each
    disaster in effect over them, how many are still unchecked (one statement more; per disaster in
    effect, one more). Counts only: nobody is named, nothing recorded."""
    assigned = user_count(user, ASSIGNED)
    rounds = []
    if assigned:
        mine = Registration.objects.filter(checkers__user=user, removed_on__isnull=True)
        for declaration in Declaration.objects.filter(ended_at__isnull=True).select_related("area"):
            counted = (
                in_scope(declaration)
                .filter(pk__in=mine.values("pk"))
                .aggregate(
                    total=Count("pk"),
                    done=Count(
                        "pk",
                        filter=Q(
                            pk__in=SafetyCheck.objects.filter(declaration=declaration).values("registration")
                        ),
                    ),
                )
            )
            if counted["total"]:
                rounds.append(
                    SafetyRound(
                        declaration=declaration,
                        assigned=counted["total"],
                        unchecked=counted["total"] - counted["done"],
                    )
                )
    return HomeSafety(assigned=assigned, rounds=rounds)
