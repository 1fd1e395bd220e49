"""The indicators' figures for one actor: read through the feature apps' selectors, for the
districts the actor's organisations serve (accounts.selectors.districts_served); anyone whose
organisations serve none is refused, recorded. Counts only: nothing personal to record."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, OrganisationKind, User
from accounts.roles import Role
from accounts.selectors import districts_served, roles_held
from audit import services as audit
from cases.access import deny
from cases.models import ContactLog
from cases.selectors.figures import (
    community_care_meeting_counts,
    complex_meeting_counts,
    contact_counts,
    hardship_meeting_participants,
    rights_consultation_counts,
    watching_partner_counts,
)
from configuration.registry import Setting, register
from configuration.selectors import Values, values_of
from guardianship.configuration import MAYOR_LABEL
from guardianship.selectors import council_participant_counts, durations, pipeline_counts
from guardianship.vocabulary import MatterState, PetitionerKind
from indicators.charts import BarChart, RowChart, bar_chart, row_chart
from indicators.definitions import (
    COMPLEX_MEETINGS,
    CONTACTS,
    COUNCIL_PARTICIPANTS,
    DISTRICT_INDICATORS,
    DISTRICT_REVIEWS,
    HARDSHIP_PARTICIPANTS,
    NETWORKS,
    PIPELINE,
    RIGHTS_CONSULTATIONS,
    SELF_RELIANCE_PERSONS,
    WATCHING_PARTNERS,
    Indicator,
)
from indicators.suppression import suppressed
from networks.selectors import network_counts
from privacy.normalise import FISCAL_MONTHS, fiscal_year_in_era, fiscal_year_label, fiscal_year_of
from referrals.selectors import self_reliance_person_counts

# Whose work the figures are, within their districts (exact for the organisation holding the
# records, small numbers hidden for the others).
READERS = frozenset(
    {Role.COMMISSIONER, Role.PLAZA_STAFF, Role.WARD_CASEWORKER, Role.GUARDIANSHIP_COORDINATOR}
)
YEARS_OFFERED = 5  # this fiscal year and the four before it


@dataclass
class DistrictRow:
    name: str
    by_counterpart: list[int | None]  # in ContactLog.Counterpart's order; None: hidden
    total: int | None
    by_month: list[int | None]  # April to March


@dataclass
class ContactsTable:
    """Indicator ⑧ for one fiscal year: a row per district, and the rows' sum; ``exact`` when the
    reader's commissioners' council holds the records of every district shown, else small numbers
    hidden (``threshold``, indicators/suppression.py)."""

    indicator: Indicator
    fiscal_year: int
    fiscal_year_label: str
    counterparts: list[str]
    months: list[str]
    exact: bool = True
    threshold: int = 0
    rows: list[DistrictRow] = field(default_factory=list)
    totals: DistrictRow | None = None
    chart: BarChart | None = None  # the totals by month

    @property
    def rule(self) -> str:
        """The rule applied, as the page and the files state it."""
        return rule_text(
            self.exact, self.threshold, _("秘匿なし（記録を持つ民生委員児童委員協議会の中の数）")
        )


def rule_text(exact: bool, threshold: int, exact_text: str) -> str:
    if exact:
        return str(exact_text)
    return str(
        _("%(threshold)d未満の数と、合計から逆算できないようにさらに伏せた数を「＊」で示す")
        % {"threshold": threshold}
    )


def contact_sums(districts: int, counterparts: int) -> list:
    """The sums of ⑧'s table (rows: the districts, then their total; columns: by counterpart, the
    row's total, by month): each row's counterparts and months add up to its total, each column's
    districts to the total row."""
    total_column = counterparts
    columns = counterparts + 1 + len(FISCAL_MONTHS)
    sums = []
    for r in range(districts + 1):
        sums.append(([(r, c) for c in range(counterparts)], (r, total_column)))
        sums.append(([(r, c) for c in range(total_column + 1, columns)], (r, total_column)))
    for c in range(columns):
        sums.append(([(r, c) for r in range(districts)], (districts, c)))
    return sums


def years_offered() -> list[tuple[int, str]]:
    """The fiscal years to choose from, this one first."""
    this_year = fiscal_year_of(timezone.localdate())
    return [(year, fiscal_year_label(year)) for year in range(this_year, this_year - YEARS_OFFERED, -1)]


# The role through which an organisation of each kind holds the records its figures count: who
# reads them exact (a privacy officer at the ward office reads no case, so no exact figure).
HOLDERS = {
    OrganisationKind.WARD_OFFICE: Role.WARD_CASEWORKER,
    OrganisationKind.COMMISSIONER_COUNCIL: Role.COMMISSIONER,
    OrganisationKind.GUARDIANSHIP_CENTRE: Role.GUARDIANSHIP_COORDINATOR,
}


@dataclass
class Reader:
    """What the figures shown to one actor depend on, read once per user object (a request's user
    is loaded afresh for each request): the districts they read, their municipality's settings,
    and — asked as the tables need them — the districts they read exact, by holder kind."""

    districts: list[Area]
    values: Values
    held: dict[str, set[int]] = field(default_factory=dict)


def _reader(actor: User) -> Reader:
    """The actor as a reader of figures: the districts of the organisations where they hold a
    reader's role; anyone who reads none is refused, recorded (each time they ask)."""
    reader = actor.__dict__.get("_indicators_reader")
    if reader is None:
        reads = actor.is_authenticated and actor.is_active and READERS & set(roles_held(actor))
        districts = list(districts_served(actor, roles=READERS)) if reads else []
        if not districts:
            deny(actor, action="open_indicators")
        reader = actor.__dict__["_indicators_reader"] = Reader(districts=districts, values=values_of(actor))
    return reader


def _districts_read(actor: User) -> list[Area]:
    return _reader(actor).districts


def _protect(
    actor: User, districts: list[Area], grid: list[list], sums: list, holder: str
) -> tuple[bool, int]:
    """(exact, threshold): exact when the actor's organisations of the ``holder`` kind, where they
    hold its holding role (HOLDERS), serve every district shown; else the grid's small numbers are
    hidden (None) with its ``sums`` protected."""
    reader = _reader(actor)
    if holder not in reader.held:
        held = districts_served(actor, kinds=[holder], roles=[HOLDERS[holder]])
        reader.held[holder] = {district.pk for district in held}
    if all(district.pk in reader.held[holder] for district in districts):
        return True, 0
    threshold = reader.values[SMALL_NUMBERS]
    for r, c in suppressed(grid, sums, threshold):
        grid[r][c] = None
    return False, threshold


def export_table(actor: User, read: Callable, key: str, fiscal_year: int | None, file_format: str):
    """A table to take away as a file: the page's ``read`` (refused, recorded, as the page is),
    and the export recorded — which table (``key``), the year, how many rows, which format;
    counts only, no field."""
    table = read(actor, fiscal_year)
    audit.record(
        "indicators.exported",
        actor=actor,
        params={
            "indicator": key,
            "fiscal_year": table.fiscal_year,
            "rows": len(table.rows),
            "format": file_format,
        },
    )
    return table


def contacts_indicator(actor: User, fiscal_year: int | None = None) -> ContactsTable:
    """⑧ in the districts the actor serves (a commissioner: their own; a ward office: the ward's)."""
    districts = _districts_read(actor)
    year = fiscal_year if fiscal_year is not None else years_offered()[0][0]
    counts = contact_counts(districts, datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31))
    codes = ContactLog.Counterpart.values
    table = ContactsTable(
        indicator=CONTACTS,
        fiscal_year=year,
        fiscal_year_label=fiscal_year_label(year),
        counterparts=[str(label) for label in ContactLog.Counterpart.labels],
        months=[_("%(month)d月") % {"month": month} for month in FISCAL_MONTHS],
    )
    width = len(codes) + 1 + len(FISCAL_MONTHS)  # by counterpart, the total, by month
    grid = []
    for district in districts:
        by_counterpart = [sum(counts.get((district.pk, m, code), 0) for m in FISCAL_MONTHS) for code in codes]
        by_month = [sum(counts.get((district.pk, m, code), 0) for code in codes) for m in FISCAL_MONTHS]
        grid.append([*by_counterpart, sum(by_counterpart), *by_month])
    grid.append([sum(row[column] for row in grid) for column in range(width)])
    table.exact, table.threshold = _protect(
        actor,
        districts,
        grid,
        contact_sums(len(districts), len(codes)),
        OrganisationKind.COMMISSIONER_COUNCIL,
    )
    names = [district.name for district in districts] + [str(_("計"))]
    rows = [
        DistrictRow(name, row[: len(codes)], row[len(codes)], row[len(codes) + 1 :])
        for name, row in zip(names, grid, strict=True)
    ]
    table.rows, table.totals = rows[:-1], rows[-1]
    title = _("%(year)sの月別の回数（地区・相手の計）") % {"year": table.fiscal_year_label}
    table.chart = bar_chart(
        title, [(str(month), n) for month, n in zip(table.months, table.totals.by_month, strict=True)]
    )
    return table


# Each indicator of the district table with the feature app's count of it.
DISTRICT_COUNTS = {
    COMPLEX_MEETINGS: complex_meeting_counts,
    HARDSHIP_PARTICIPANTS: hardship_meeting_participants,
    RIGHTS_CONSULTATIONS: rights_consultation_counts,
    SELF_RELIANCE_PERSONS: self_reliance_person_counts,
    NETWORKS: network_counts,
    DISTRICT_REVIEWS: community_care_meeting_counts,
}


@dataclass
class FiguresRow:
    name: str
    values: list[int | None]  # in DISTRICT_INDICATORS' order; None: hidden


@dataclass
class DistrictTable:
    """The indicators counted from the cases, for one fiscal year: a row per district (the case's),
    a column per indicator, and the columns' sums; ``exact`` for the ward office of every district
    shown, else small numbers hidden (``threshold``, indicators/suppression.py) — the cases' records
    are held by the plazas and agencies that lead them."""

    fiscal_year: int
    fiscal_year_label: str
    indicators: tuple[Indicator, ...] = DISTRICT_INDICATORS
    exact: bool = True
    threshold: int = 0
    rows: list[FiguresRow] = field(default_factory=list)
    totals: FiguresRow | None = None
    reviewing_districts: int = 0  # ⑨: districts with one community-care meeting or more
    charts: list[RowChart] = field(default_factory=list)  # an indicator's districts side by side

    @property
    def rule(self) -> str:
        return rule_text(self.exact, self.threshold, _("秘匿なし（区役所が受け持つ地区の数）"))

    @property
    def described(self) -> list[tuple[Indicator, RowChart]]:
        """Each indicator with its chart, for the page's definitions."""
        return list(zip(self.indicators, self.charts, strict=True))


def column_sums(rows: int, columns: int) -> list:
    """The sums of a table whose columns add up down to a total row (its last)."""
    return [([(r, c) for r in range(rows)], (rows, c)) for c in range(columns)]


def district_indicators(actor: User, fiscal_year: int | None = None) -> DistrictTable:
    """1-(2), 1-(4), ⑤, ④(a) and ⑨ in the districts the actor serves, by the cases' districts."""
    districts = _districts_read(actor)
    year = fiscal_year if fiscal_year is not None else years_offered()[0][0]
    start, end = datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
    counts = [DISTRICT_COUNTS[indicator](districts, start, end) for indicator in DISTRICT_INDICATORS]
    grid = [[found.get(district.pk, 0) for found in counts] for district in districts]
    grid.append([sum(row[c] for row in grid) for c in range(len(counts))])
    table = DistrictTable(fiscal_year=year, fiscal_year_label=fiscal_year_label(year))
    reviews = DISTRICT_INDICATORS.index(DISTRICT_REVIEWS)
    table.reviewing_districts = sum(1 for row in grid[:-1] if row[reviews] > 0)
    table.exact, table.threshold = _protect(
        actor, districts, grid, column_sums(len(districts), len(counts)), OrganisationKind.WARD_OFFICE
    )
    names = [district.name for district in districts] + [str(_("計"))]
    rows = [FiguresRow(name, row) for name, row in zip(names, grid, strict=True)]
    table.rows, table.totals = rows[:-1], rows[-1]
    table.charts = [
        row_chart(
            _("%(code)s 地区別（%(year)s）") % {"code": indicator.code, "year": table.fiscal_year_label},
            [(row.name, row.values[c]) for row in table.rows],
        )
        for c, indicator in enumerate(table.indicators)
    ]
    return table


@dataclass
class WardTable:
    """An indicator counted per ward for one fiscal year (the wards of the districts shown; a city
    without wards: the city): a row per ward with its counts under ``columns``, and their sums.
    Counts of meetings, participants or businesses, none naming a person: shown as they are."""

    indicator: Indicator
    fiscal_year: int
    fiscal_year_label: str
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)  # (ward name, *counts)
    totals: tuple = ()
    rule: str = ""


def _ward_table(
    actor: User, fiscal_year: int | None, indicator: Indicator, columns: list[str], count, rule: str
) -> WardTable:
    """``count(wards, first day, last day)`` → {ward id: counts} for the wards of the actor's districts."""
    districts = _districts_read(actor)
    year = fiscal_year if fiscal_year is not None else years_offered()[0][0]
    wards = list(Area.objects.filter(pk__in={d.parent_id for d in districts if d.parent_id}).order_by("name"))
    counts = count(wards, datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31))
    zero = (0,) * len(columns)
    rows = [(ward.name, *counts.get(ward.pk, zero)) for ward in wards]
    return WardTable(
        indicator=indicator,
        fiscal_year=year,
        fiscal_year_label=fiscal_year_label(year),
        columns=columns,
        rows=rows,
        totals=(str(_("計")), *(sum(row[i] for row in rows) for i in range(1, len(columns) + 1))),
        rule=rule,
    )


def council_indicator(actor: User, fiscal_year: int | None = None) -> WardTable:
    """1-(3) for the councils of the districts the actor serves: meetings and participants."""
    return _ward_table(
        actor,
        fiscal_year,
        COUNCIL_PARTICIPANTS,
        [str(_("開催回数")), str(_("参加者数"))],
        council_participant_counts,
        str(_("秘匿なし（名前のない参加者の数）")),
    )


def watching_indicator(actor: User, fiscal_year: int | None = None) -> WardTable:
    """⑥(b) for the wards of the districts the actor serves: the parties of watching agreements,
    and those of them that reported."""
    return _ward_table(
        actor,
        fiscal_year,
        WATCHING_PARTNERS,
        [str(_("見守り協定の事業者数")), str(_("うち協定による報告のあった事業者"))],
        watching_partner_counts,
        str(_("秘匿なし（事業者の数。個人を数えない）")),
    )


@dataclass
class Breakdown:
    """One count split several ways (matters by state, petitions by petitioner, days in ranges),
    its parts adding up to its total; None where hidden."""

    title: str
    parts: list[tuple[str, int | None]]
    total: int | None
    days: bool = False  # parts are ranges of days, with a median
    median: float | None = None  # None too where the total is hidden or small
    chart: RowChart | None = None


PIPELINE_PETITIONS = 1  # the breakdown of the petitions by petitioner, in PipelineTable.breakdowns


@dataclass
class PipelineTable:
    """The rights-advocacy track of the districts shown, for one fiscal year; ``exact`` for a
    guardianship centre serving every district shown (the matters' records are its), else small
    numbers hidden — the petitions' total shared by two breakdowns."""

    fiscal_year: int
    fiscal_year_label: str
    indicator: Indicator = PIPELINE
    exact: bool = True
    threshold: int = 0
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def rule(self) -> str:
        return rule_text(self.exact, self.threshold, _("秘匿なし（記録を持つ中核機関の数）"))

    @property
    def rows(self) -> list[tuple[str, str, float | None]]:
        """(breakdown, part, count) for the files: each breakdown's parts, its total, its median."""
        rows = []
        for b in self.breakdowns:
            rows += [(b.title, label, n) for label, n in b.parts]
            rows.append((b.title, str(_("計")), b.total))
            if b.days:
                rows.append((b.title, str(_("中央値（日）")), b.median))
        return rows


def pipeline_indicators(actor: User, fiscal_year: int | None = None) -> PipelineTable:
    """The matters, petitions and rulings of the districts the actor serves (the cases')."""
    districts = _districts_read(actor)
    year = fiscal_year if fiscal_year is not None else years_offered()[0][0]
    found = pipeline_counts(districts, datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31))
    filing, ruling = durations(found.days_to_filing), durations(found.days_to_ruling)
    states = [(str(label), found.matters_by_state.get(code, 0)) for code, label in MatterState.choices]
    labels = {**dict(PetitionerKind.choices), PetitionerKind.MAYOR: _reader(actor).values[MAYOR_LABEL]}
    petitioners = [
        (str(labels[code]), found.petitions_by_petitioner.get(code, 0)) for code in PetitionerKind.values
    ]
    # One row of figures: each breakdown's parts, then its total; the days to filing share the
    # petitions' total (the same petitions), so that hiding it in one breakdown and showing it in
    # the other gives nothing away.
    parts = [states, petitioners, filing.by_range, ruling.by_range]
    row: list[int] = []
    sums, places = [], []  # places: (first part, total) of each breakdown in the row
    for breakdown in parts:
        first = len(row)
        row.extend(n for _label, n in breakdown)
        if breakdown is filing.by_range:
            total = places[-1][1]
        else:
            total = len(row)
            row.append(sum(n for _label, n in breakdown))
        sums.append(([(0, c) for c in range(first, first + len(breakdown))], (0, total)))
        places.append((first, total))
    grid = [row]
    table = PipelineTable(fiscal_year=year, fiscal_year_label=fiscal_year_label(year))
    table.exact, table.threshold = _protect(
        actor, districts, grid, sums, OrganisationKind.GUARDIANSHIP_CENTRE
    )
    titles = [  # in the order of ``parts``; PIPELINE_PETITIONS is the petitioners'
        _("その年度に受け付けた案件（今の状態）"),
        _("その年度の申立て（申立人別）"),
        _("受付から申立てまでの日数"),
        _("申立てから審判までの日数"),
    ]
    of_days = [None, None, filing, ruling]
    for title, (first, total), breakdown, days in zip(titles, places, parts, of_days, strict=True):
        shown = [(label, grid[0][first + i]) for i, (label, _n) in enumerate(breakdown)]
        count = grid[0][total]
        # A median of days only where their count is shown and not small: of few, it tells of each.
        told = days is not None and count is not None and (table.exact or count >= table.threshold)
        table.breakdowns.append(
            Breakdown(
                title=str(title),
                parts=shown,
                total=count,
                days=days is not None,
                median=days.median if told else None,
                chart=row_chart(f"{title}（{table.fiscal_year_label}）", shown),
            )
        )
    return table


@dataclass
class TrendRow:
    code: str
    title: str
    values: list[int | None]  # oldest year first; None: hidden on that year's page
    rule: str  # the rule on small numbers of the year's table it is taken from
    chart: BarChart | None = None


@dataclass
class TrendTable:
    """The indicators' totals over the fiscal years up to one (``TREND_YEARS``, oldest first), each
    figure the one that year's page shows — hidden there, hidden here, so that putting the years
    side by side tells nothing a year's page does not."""

    fiscal_year: int  # the last year shown
    years: list[int]
    year_labels: list[str]
    rows: list[TrendRow] = field(default_factory=list)

    @property
    def rules(self) -> list[tuple[str, str]]:
        """Each rule applied, with the rows it applies to (their codes or titles)."""
        grouped: dict[str, list[str]] = {}
        for row in self.rows:
            grouped.setdefault(row.rule, []).append(row.code or row.title)
        return [("・".join(dict.fromkeys(names)), rule) for rule, names in grouped.items()]

    @property
    def first_label(self) -> str:
        return fiscal_year_label(self.years[0])

    @property
    def fiscal_year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)


TREND_YEARS = 5


def indicator_trends(actor: User, fiscal_year: int | None = None) -> TrendTable:
    """⑧, the district indicators and the guardianship track's petitions for the five fiscal years
    up to ``fiscal_year`` (this one by default): each year's totals as its page shows them. Five
    years are five times a year's counting (docs/performance.md)."""
    last = fiscal_year if fiscal_year is not None else years_offered()[0][0]
    years = list(range(last - TREND_YEARS + 1, last + 1))
    table = TrendTable(fiscal_year=last, years=years, year_labels=[fiscal_year_in_era(y) for y in years])
    contacts = [contacts_indicator(actor, year) for year in years]
    districts = [district_indicators(actor, year) for year in years]
    pipelines = [pipeline_indicators(actor, year) for year in years]
    councils = [council_indicator(actor, year) for year in years]
    watching = [watching_indicator(actor, year) for year in years]
    petitions = PIPELINE_PETITIONS
    mayor = PetitionerKind.values.index(PetitionerKind.MAYOR)
    table.rows = [
        TrendRow(CONTACTS.code, str(CONTACTS.title), [c.totals.total for c in contacts], contacts[-1].rule),
        *(
            TrendRow(
                indicator.code,
                str(indicator.title),
                [d.totals.values[i] for d in districts],
                districts[-1].rule,
            )
            for i, indicator in enumerate(DISTRICT_INDICATORS)
        ),
        TrendRow(
            COUNCIL_PARTICIPANTS.code,
            str(COUNCIL_PARTICIPANTS.title),
            [c.totals[2] for c in councils],
            councils[-1].rule,
        ),
        TrendRow(
            WATCHING_PARTNERS.code,
            str(WATCHING_PARTNERS.title),
            [w.totals[1] for w in watching],
            watching[-1].rule,
        ),
        TrendRow(
            DISTRICT_REVIEWS.code,
            str(_("個別課題を見据えた地域支援の検討をした地区の数")),
            [d.reviewing_districts for d in districts],
            str(_("地区の数（秘匿なし）")),
        ),
        TrendRow(
            "",
            str(_("家庭裁判所への申立て")),
            [p.breakdowns[petitions].total for p in pipelines],
            pipelines[-1].rule,
        ),
        TrendRow(
            "",
            str(_("うち市町村長申立て")),
            [p.breakdowns[petitions].parts[mayor][1] for p in pipelines],
            pipelines[-1].rule,
        ),
    ]
    for row in table.rows:
        title = _("%(title)s（%(first)s〜%(last)s）") % {
            "title": f"{row.code} {row.title}".strip(),
            "first": table.year_labels[0],
            "last": table.year_labels[-1],
        }
        row.chart = bar_chart(title, list(zip(table.year_labels, row.values, strict=True)))
    return table


SMALL_NUMBERS = "indicators.small_numbers"


def register_settings() -> None:
    """What a municipality may set of its indicators (configuration.registry): the threshold below
    which a figure shown outside the organisation holding its records is hidden."""
    register(
        Setting(
            SMALL_NUMBERS,
            _("指標：伏せる小さい数の基準"),
            "number",
            default=lambda: settings.TSUNAGU_SMALL_NUMBERS,
            help=_("この数より小さい数（1以上）は、記録を持つ組織の外には「＊」で示します。"),
            least=2,
            most=100,
        )
    )
