"""Computing the indicators over a city's years of records, against a naive per-row count in the
same run.

    .venv/bin/python bench/indicators.py [--rows 5000000] [--cases 1000000] [--districts 50]
                                         [--database-url postgres://...]

⑧ (cases.selectors.figures.contact_counts): the commissioners' consultations and liaisons of one
fiscal year by district, month and counterpart, over ``--rows`` contact-log rows. The indicators
counted from the cases (indicators.selectors.DISTRICT_COUNTS: 1-(2), 1-(4), ⑤, ④(a), ⑨) over
``--cases`` cases, each with a person, and per case on average 1.5 concerns with one or two
categories, 0.3 meetings (attendees, some guests) and 0.1 accepted referrals to a self-reliance
desk; 1-(3) over each ward's monthly guardianship council meeting, and the rights-advocacy track
(guardianship.selectors.pipeline_counts: matters by state, petitions by petitioner, days to filing
and to ruling) over a guardianship matter for one case in a hundred, a petition for every other
matter and a ruling for every other petition. Everything spread over three fiscal years and
``--districts`` districts, written with set-based SQL of the benchmark's own (the ORM would take
longer to load it than everything it measures; the personal columns hold one byte, as nothing
counted decrypts them). Then each
indicator for the middle year is timed (the median of 5) against reading the year's rows into
Python and counting them there, and the two must agree. Target (issue 22): every indicator of a
year under 2 s on PostgreSQL over 1,000,000 cases and 5,000,000 contact-log rows — together, as
the indicators page computes them. ``--explain`` prints each selector's plans.
"""

import statistics
import time
from collections import Counter

import harness


def _arguments(parser) -> None:
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--explain", action="store_true", help="print each selector's plans (PostgreSQL)")
    parser.add_argument("--districts", type=int, default=50)


ARGS = harness.start(__doc__, _arguments)

import datetime  # noqa: E402

from django.db import connection  # noqa: E402

from accounts.models import Area, User  # noqa: E402
from cases.models import ContactLog  # noqa: E402
from cases.selectors.figures import contact_counts  # noqa: E402

YEAR = 2025  # the middle one of the three written
YEAR_START, YEAR_END = datetime.date(YEAR, 4, 1), datetime.date(YEAR + 1, 3, 31)
COMMISSIONERS = 1000

# n: 1 … rows. Each row's district, commissioner, day (within three fiscal years from April 2024),
# kind and counterpart follow from n by multiplying with primes: spread, and the same every run.
SELECT_ROWS = {
    "postgresql": """
        INSERT INTO cases_contactlog (commissioner_id, occurred_on, kind, counterpart, category, district_id,
                                      created_at)
        SELECT %(first_user)s + (n * 7919) %% %(users)s,
               DATE '2024-04-01' + ((n * 104729) %% 1095)::int,
               CASE WHEN n %% 3 = 0 THEN 'liaison' ELSE 'consultation' END,
               (ARRAY['fellow_commissioner', 'agency', 'other'])[1 + (n * 31) %% 3],
               '', %(first_district)s + (n * 13) %% %(districts)s, now()
        FROM generate_series(1::bigint, %(rows)s) AS n
    """,
    "sqlite": """
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %(rows)s)
        INSERT INTO cases_contactlog (commissioner_id, occurred_on, kind, counterpart, category, district_id,
                                      created_at)
        SELECT %(first_user)s + (n * 7919) %% %(users)s,
               date('2024-04-01', '+' || ((n * 104729) %% 1095) || ' days'),
               CASE WHEN n %% 3 = 0 THEN 'liaison' ELSE 'consultation' END,
               CASE (n * 31) %% 3 WHEN 0 THEN 'fellow_commissioner' WHEN 1 THEN 'agency' ELSE 'other' END,
               '', %(first_district)s + (n * 13) %% %(districts)s, datetime('now')
        FROM g
    """,
}


def write_rows(rows: int, districts: int) -> list[Area]:
    city = Area.objects.create(level=Area.Level.MUNICIPALITY, name="ベンチ市", code="141003")
    ward = Area.objects.create(level=Area.Level.WARD, name="ベンチ区", parent=city, code="141011")
    made = Area.objects.bulk_create(
        [Area(level=Area.Level.DISTRICT, name=f"地区{i:03}", parent=ward) for i in range(districts)]
    )
    users = User.objects.bulk_create([User(username=f"bench_commissioner_{i}") for i in range(COMMISSIONERS)])
    made = list(Area.objects.filter(level=Area.Level.DISTRICT).order_by("pk"))
    first_user = min(u.pk for u in User.objects.filter(username__startswith="bench_commissioner_"))
    if len(users) != COMMISSIONERS or [a.pk for a in made] != list(range(made[0].pk, made[0].pk + districts)):
        raise SystemExit("the districts' ids are not consecutive: the rows' SQL assumes they are")
    with connection.cursor() as cursor:
        cursor.execute(
            SELECT_ROWS[connection.vendor],
            {
                "rows": rows,
                "users": COMMISSIONERS,
                "first_user": first_user,
                "districts": districts,
                "first_district": made[0].pk,
            },
        )
        cursor.execute("ANALYZE")
    return made


def selector(districts: list[Area]) -> dict:
    return contact_counts(districts, datetime.date(YEAR, 4, 1), datetime.date(YEAR + 1, 3, 31))


def naive(districts: list[Area]) -> Counter:
    """Every row of the year read into Python and counted there."""
    counted = Counter()
    rows = ContactLog.objects.filter(
        district__in=districts,
        occurred_on__gte=datetime.date(YEAR, 4, 1),
        occurred_on__lte=datetime.date(YEAR + 1, 3, 31),
    ).values_list("district_id", "occurred_on", "counterpart")
    for district, day, counterpart in rows.iterator(chunk_size=20_000):
        counted[(district, day.month, counterpart)] += 1
    return counted


# The cases' records. Ids are the row's number as 32 hex digits (a UUID column on both databases);
# each row's case, day and kinds follow from its number by multiplying with primes.
CATEGORIES = [
    "reduced_capacity",
    "eighty_fifty",
    "economic_hardship",
    "consumer_fraud",
    "social_isolation",
    "dementia",
    "no_kin",
]
MEETING_KINDS = ["support_meeting", "multi_agency", "individual_case", "community_care"]


class Dialect:
    """The few expressions PostgreSQL and SQLite write differently. Only the benchmark's own
    numbers go into the text (no input), so statements run without parameters."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"
        self.blob = "decode('00', 'hex')" if self.pg else "x'00'"
        self.now = "now()" if self.pg else "datetime('now')"
        self.false = "false" if self.pg else "0"

    def id(self, expr: str) -> str:
        return f"lpad(to_hex({expr}), 32, '0')::uuid" if self.pg else f"printf('%032x', {expr})"

    def day(self, expr: str) -> str:
        if self.pg:
            return f"(DATE '2024-04-01' + ({expr})::int)"
        return f"date('2024-04-01', '+' || ({expr}) || ' days')"

    def at(self, expr: str) -> str:
        """10:00 in Japan on the day ``expr`` days after 1 April 2024."""
        if self.pg:
            return f"(TIMESTAMPTZ '2024-04-01 10:00:00+09' + ({expr}) * INTERVAL '1 day')"
        return f"datetime('2024-04-01 01:00:00', '+' || ({expr}) || ' days')"

    @staticmethod
    def pick(values: list, expr: str) -> str:
        whens = " ".join(
            f"WHEN {i} THEN '{v}'" if isinstance(v, str) else f"WHEN {i} THEN {v}"
            for i, v in enumerate(values)
        )
        return f"CASE ({expr}) {whens} END"

    def insert(self, head: str, select: str, count: int, where: str = "") -> str:
        where = f" WHERE {where}" if where else ""
        if self.pg:
            return f"INSERT INTO {head} SELECT {select} FROM generate_series(1::bigint, {count}) AS n{where}"  # noqa: S608
        return (
            f"WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count}) "  # noqa: S608
            f"INSERT INTO {head} SELECT {select} FROM g{where}"
        )


def write_cases(districts: list[Area], cases: int) -> dict[str, int]:
    """``cases`` cases with their persons, concerns, meetings and referrals; what was written."""
    from accounts.models import Organisation, OrganisationKind
    from cases.models import LegalBasis

    city = districts[0].parent.parent
    kinds = {
        "plaza": OrganisationKind.CARE_PLAZA,
        "ward": OrganisationKind.WARD_OFFICE,
        "disability": OrganisationKind.DISABILITY_CONSULTATION,
        "anshin": OrganisationKind.ANSHIN_CENTRE,
        "council": OrganisationKind.COMMISSIONER_COUNCIL,
        "desk": OrganisationKind.SELF_RELIANCE_SUPPORT,
        "centre": OrganisationKind.GUARDIANSHIP_CENTRE,
        "court": OrganisationKind.FAMILY_COURT,
    }
    org = {
        name: Organisation.objects.create(name=f"ベンチ{name}", kind=kind, municipality=city, phone="000").pk
        for name, kind in kinds.items()
    }
    user = {
        name: User.objects.create(username=f"bench_{name}").pk for name in ("staff", "ward", "commissioner")
    }
    basis = {code: LegalBasis.objects.get(code=code).pk for code in ("swa-106-6", "hardship-9")}
    from cases.vocabulary import RIGHTS_ADVOCACY

    d = Dialect(connection.vendor)
    rights = ", ".join(str(i) for i, code in enumerate(CATEGORIES) if code in RIGHTS_ADVOCACY)
    first, count = districts[0].pk, len(districts)
    concerns, meetings, referrals = cases * 3 // 2, cases * 3 // 10, cases // 10
    networks = count * 3  # Yokohama: 781 networks for 255 districts
    # The rights-advocacy track: a matter for one case in a hundred (at most one open a case), a
    # petition for every other matter, a ruling for every other petition; and each ward's
    # guardianship council meeting every month (1-(3)).
    matters = cases // 100
    wards = sorted({district.parent_id for district in districts})
    council_meetings = len(wards) * 36
    matter_states = ["intake", "assessment", "petition_preparation", "filed", "appointed", "supporting"]
    day_g = "(n * 7919) % 1095"
    leads = [org["plaza"], org["ward"], org["disability"], org["anshin"]]
    day_c, day_m, day_r = "(n * 7919) % 1095", "(n * 15485863) % 1095", "(n * 104723) % 1095"
    statements = [
        d.insert(
            "privacy_datakey (id, wrapped, kek_id, created_at)",
            f"{d.id('n')}, {d.blob}, 'bench', {d.now}",
            cases,
        ),
        d.insert(
            "cases_person (id, data_key_id, registered_by_id, name, kana, address, phone, notes,"
            " index_version, version, created_at, has_circle)",
            f"{d.id('n')}, {d.id('n')}, {org['plaza']}, {d.blob}, {d.blob}, {d.blob}, {d.blob}, {d.blob},"
            f" 1, 1, {d.now}, {d.false}",
            cases,
        ),
        d.insert(
            "cases_case (id, person_id, reference, area_id, lead_organisation_id, urgent, state, version,"
            " created_at, updated_at, withdrawal_reason)",
            f"{d.id('n')}, {d.id('n')}, 'B-' || n, {first} + (n * 13) % {count}, {d.pick(leads, 'n % 4')},"
            f" {d.false}, 'sharing', 1, {d.now}, {d.now}, {d.blob}",
            cases,
        ),
        d.insert(  # marked about rights advocacy as report_concern marks it, from the tags below
            "cases_concern (id, case_id, reporter_kind, urgency, noticed_on, details, created_at,"
            " about_rights_advocacy)",
            f"{d.id('n')}, {d.id(f'1 + (n - 1) % {cases}')}, 'commissioner', 'routine',"
            f" {d.day(day_c)}, {d.blob}, {d.at(day_c)},"
            f" ((n * 31) % 7 IN ({rights}) OR (n % 2 = 0 AND ((n * 31) % 7 + 1) % 7 IN ({rights})))",
            concerns,
        ),
        d.insert(
            "cases_concerncategorytag (concern_id, code)",
            f"{d.id('n')}, {d.pick(CATEGORIES, '(n * 31) % 7')}",
            concerns,
        ),
        d.insert(  # a second category on every other concern
            "cases_concerncategorytag (concern_id, code)",
            f"{d.id('n')}, {d.pick(CATEGORIES, '((n * 31) % 7 + 1) % 7')}",
            concerns,
            where="n % 2 = 0",
        ),
        d.insert(
            "cases_supportmeeting (id, case_id, kind, legal_basis_id, convened_by_id, scheduled_for,"
            " access_until, agenda, minutes, held_at, created_at)",
            f"{d.id('n')}, {d.id(f'1 + (n * 7) % {cases}')}, {d.pick(MEETING_KINDS, 'n % 4')},"
            f" CASE WHEN n % 5 = 0 THEN {basis['hardship-9']} ELSE {basis['swa-106-6']} END, {org['plaza']},"
            f" {d.at(day_m)}, {d.at(f'{day_m} + 3')}, {d.blob}, {d.blob},"
            f" CASE WHEN n % 6 = 0 THEN NULL ELSE {d.at(day_m)} END, {d.now}",
            meetings,
        ),
        d.insert(
            "cases_meetingattendance (meeting_id, user_id, organisation_id)",
            f"{d.id('n')}, {user['staff']}, {org['plaza']}",
            meetings,
        ),
        d.insert(
            "cases_meetingattendance (meeting_id, user_id, organisation_id)",
            f"{d.id('n')}, {user['commissioner']}, {org['council']}",
            meetings,
            where="n % 2 = 0",
        ),
        d.insert(
            "cases_meetingattendance (meeting_id, user_id, organisation_id)",
            f"{d.id('n')}, {user['ward']}, {org['ward']}",
            meetings,
            where="n % 3 = 0",
        ),
        d.insert(
            "cases_meetingguest (id, meeting_id, name, relation, organisation, standing, recorded_by_id,"
            " created_at)",
            f"{d.id('n')}, {d.id('n')}, {d.blob}, {d.blob}, {d.blob},"
            f" CASE WHEN n % 8 = 0 THEN 'professional' ELSE 'resident' END, {user['staff']}, {d.now}",
            meetings,
            where="n % 4 = 0",
        ),
        d.insert(
            "cases_disclosure (id, case_id, recipient_id, field_groups, legal_basis_id, reference,"
            " disclosed_by_id, disclosed_at)",
            f"{d.id('n')}, {d.id(f'1 + (n * 11) % {cases}')}, {org['desk']}, '[]', {basis['swa-106-6']},"
            f" {d.blob}, {user['staff']}, {d.at(day_r)}",
            referrals,
        ),
        d.insert(
            "referrals_referral (id, case_id, referring_organisation_id, recipient_id, created_by_id,"
            " field_groups, purpose, legal_basis_id, reference, disclosure_id, state, version, created_at,"
            " updated_at, sent_at, accept_by, accepted_at, assigned_worker_id, settled_at,"
            " referrer_attention)",
            f"{d.id('n')}, {d.id(f'1 + (n * 11) % {cases}')}, {org['plaza']}, {org['desk']}, {user['staff']},"
            f" '[]', {d.blob}, {basis['swa-106-6']}, {d.blob}, {d.id('n')}, 'completed', 1, {d.now}, {d.now},"
            f" {d.at(day_r)}, {d.day(f'{day_r} + 7')}, {d.at(day_r)}, {user['staff']},"
            f" {d.at(f'{day_r} + 30')}, {d.false}",
            referrals,
        ),
        d.insert(
            "guardianship_guardianshipmatter (id, case_id, centre_id, area_id, opened_by_id, state, version,"
            " opened_at, end_reason, capacity_concerns, wishes, wishes_supported_by, wishes_how, alternative,"
            " alternative_reason, has_disputes, has_real_estate, has_debts, has_abuse, has_family_conflict,"
            " large_estate, language, needed_specialisms)",
            f"{d.id('n')}, {d.id('1 + (n - 1) * 100')}, {org['centre']},"
            f" {first} + ((1 + (n - 1) * 100) * 13) % {count}, {user['staff']},"
            f" {d.pick(matter_states, f'n % {len(matter_states)}')}, 1, {d.at(day_g)}, '',"
            f" {d.blob}, {d.blob}, {d.blob}, {d.blob}, '', {d.blob},"
            f" {d.false}, {d.false}, {d.false}, {d.false}, {d.false},"
            f" {d.false}, 'ja', '[]'",
            matters,
        ),
        d.insert(
            "guardianship_petition (id, matter_id, type, petitioner_kind, court_id, subsidy_petition_costs,"
            " subsidy_remuneration, filed_on, ruling, ruled_on, notes, created_at)",
            f"{d.id('n')}, {d.id('n')}, {d.pick(['guardianship', 'curatorship', 'assistance'], 'n % 3')},"
            f" {d.pick(['self', 'spouse', 'relative', 'mayor'], '(n / 2) % 4')}, {org['court']},"
            f" {d.false}, {d.false}, {d.day(f'{day_g} + 30 + n % 60')},"
            f" CASE WHEN n % 4 = 0 THEN 'appointed' ELSE '' END,"
            f" CASE WHEN n % 4 = 0 THEN {d.day(f'{day_g} + 90 + n % 60')} ELSE NULL END, {d.blob}, {d.now}",
            matters,
            where="n % 2 = 0",
        ),
        d.insert(
            "guardianship_councilmeeting (area_id, held_on, participants, theme, recorded_by_id,"
            " recorded_at)",
            f"{d.pick(wards, f'n % {len(wards)}')}, {d.day('(n * 31) % 1095')}, 10 + n % 20, '',"
            f" {user['staff']}, {d.now}",
            council_meetings,
        ),
        d.insert(  # a fifth run by the ward office (not counted), a third ended after 200 days
            "networks_network (name, secretariat_id, district_id, purpose, started_on, ended_on, version,"
            " created_by_id, created_at, updated_at)",
            f"'ネットワーク' || n, CASE WHEN n % 5 = 0 THEN {org['ward']} ELSE {org['plaza']} END,"
            f" {first} + (n * 17) % {count}, '', {d.day('(n * 7919) % 1095')},"
            f" CASE WHEN n % 3 = 0 THEN {d.day('(n * 7919) % 1095 + 200')} ELSE NULL END, 1, {user['staff']},"
            f" {d.now}, {d.now}",
            networks,
        ),
        # Each held meeting marked with the kinds of trouble known when it met, as hold_meeting
        # marks it, from the tags above (the naive count reads the tags themselves).
        "UPDATE cases_supportmeeting SET kinds_of_trouble = (SELECT COUNT(DISTINCT t.code)"
        " FROM cases_concerncategorytag t JOIN cases_concern c ON c.id = t.concern_id"
        " WHERE c.case_id = cases_supportmeeting.case_id AND c.created_at <= cases_supportmeeting.held_at)"
        " WHERE held_at IS NOT NULL",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        # As autovacuum leaves a settled database: statistics, and the visibility map that lets an
        # index answer alone (a bulk load has not been vacuumed yet).
        cursor.execute("VACUUM ANALYZE" if d.pg else "ANALYZE")
    return {
        "cases": cases,
        "concerns": concerns,
        "meetings": meetings,
        "referrals": referrals,
        "networks": networks,
        "guardianship matters": matters,
        "council meetings": council_meetings,
    }


def year_bounds() -> tuple[datetime.datetime, datetime.datetime]:
    from cases.selectors.figures import day_bounds

    return day_bounds(datetime.date(YEAR, 4, 1), datetime.date(YEAR + 1, 3, 31))


def naive_council(districts: list[Area]) -> dict[int, tuple[int, int]]:
    """1-(3) from the year's council meetings read into Python: meetings and participants by ward."""
    from guardianship.models import CouncilMeeting

    found: dict[int, tuple[int, int]] = {}
    for area, held_on, participants in CouncilMeeting.objects.values_list("area", "held_on", "participants"):
        if area in {d.parent_id for d in districts} and YEAR_START <= held_on <= YEAR_END:
            n, people = found.get(area, (0, 0))
            found[area] = (n + 1, people + participants)
    return found


def naive_track(districts: list[Area]):
    """The rights-advocacy track from every matter and petition read into Python."""
    from django.utils import timezone

    from guardianship.models import GuardianshipMatter, Petition
    from guardianship.selectors import PipelineCounts

    since, until = year_bounds()
    areas = {district.pk for district in districts}
    matters = {
        pk: (area, opened_at, state)
        for pk, area, opened_at, state in GuardianshipMatter.objects.values_list(
            "pk", "area", "opened_at", "state"
        )
    }
    found = PipelineCounts(Counter(), Counter(), [], [])
    for area, opened_at, state in matters.values():
        if area in areas and since <= opened_at < until:
            found.matters_by_state[state] += 1
    rows = Petition.objects.values_list("matter", "petitioner_kind", "filed_on", "ruled_on")
    for matter, petitioner, filed_on, ruled_on in rows:
        area, opened_at, _state = matters[matter]
        if area not in areas:
            continue
        if filed_on and YEAR_START <= filed_on <= YEAR_END:
            found.petitions_by_petitioner[petitioner] += 1
            found.days_to_filing.append((filed_on - timezone.localtime(opened_at).date()).days)
        if ruled_on and YEAR_START <= ruled_on <= YEAR_END:
            found.days_to_ruling.append((ruled_on - filed_on).days)
    return found


def same_track(one, other) -> bool:
    return (
        dict(one.matters_by_state) == dict(other.matters_by_state)
        and dict(one.petitions_by_petitioner) == dict(other.petitions_by_petitioner)
        and sorted(one.days_to_filing) == sorted(other.days_to_filing)
        and sorted(one.days_to_ruling) == sorted(other.days_to_ruling)
    )


def naive_cases(districts: list[Area]) -> dict:
    """The five indicators from the year's rows read into Python, counted there (the definitions
    in indicators/definitions.py, applied row by row)."""
    from cases.models import Concern, ConcernCategoryTag, MeetingAttendance, MeetingGuest, SupportMeeting
    from cases.selectors.figures import CONSULTATION_AGENCIES, HARDSHIP_MEETING_BASIS
    from cases.vocabulary import RIGHTS_ADVOCACY
    from referrals.models import Referral

    since, until = year_bounds()
    areas = [district.pk for district in districts]
    found = {key: Counter() for key in ("1-2", "1-4", "5", "4a", "7", "9")}
    meetings = SupportMeeting.objects.filter(case__area__in=areas, held_at__gte=since, held_at__lt=until)
    held = {
        pk: (case, area, kind, code, held_at)
        for pk, case, area, kind, code, held_at in meetings.values_list(
            "pk", "case_id", "case__area_id", "kind", "legal_basis__code", "held_at"
        ).iterator(chunk_size=20_000)
    }
    people = Counter()
    residents, professionals = set(), set()
    for meeting, kind in (
        MeetingAttendance.objects.filter(meeting__in=meetings.values("pk"))
        .values_list("meeting_id", "organisation__kind")
        .iterator(chunk_size=20_000)
    ):
        people[meeting] += 1
        (residents if kind == "commissioner_council" else professionals).add(meeting)
    for meeting, standing in (
        MeetingGuest.objects.filter(meeting__in=meetings.values("pk"))
        .values_list("meeting_id", "standing")
        .iterator(chunk_size=20_000)
    ):
        people[meeting] += 1
        (professionals if standing == "professional" else residents).add(meeting)
    kinds_of = {}  # case → [(when its concern was recorded, category)]
    for case, recorded_at, code in (
        ConcernCategoryTag.objects.filter(concern__case__in=meetings.values("case"))
        .values_list("concern__case_id", "concern__created_at", "code")
        .iterator(chunk_size=20_000)
    ):
        kinds_of.setdefault(case, []).append((recorded_at, code))
    for meeting, (case, area, kind, code, held_at) in held.items():
        known = {c for recorded_at, c in kinds_of.get(case, ()) if recorded_at <= held_at}
        if meeting in residents and meeting in professionals and len(known) >= 2:
            found["1-2"][area] += 1
        if code == HARDSHIP_MEETING_BASIS:
            found["1-4"][area] += people[meeting]
        if kind == "community_care":
            found["9"][area] += 1
    tagged = set(
        ConcernCategoryTag.objects.filter(
            concern__created_at__gte=since, concern__created_at__lt=until, code__in=RIGHTS_ADVOCACY
        )
        .values_list("concern_id", flat=True)
        .iterator(chunk_size=20_000)
    )
    for concern, area, lead in (
        Concern.objects.filter(case__area__in=areas, created_at__gte=since, created_at__lt=until)
        .values_list("pk", "case__area_id", "case__lead_organisation__kind")
        .iterator(chunk_size=20_000)
    ):
        if concern in tagged and lead in CONSULTATION_AGENCIES:
            found["5"][area] += 1
    persons = set(
        Referral.objects.filter(
            case__area__in=areas,
            recipient__kind="self_reliance_support",
            accepted_at__gte=since,
            accepted_at__lt=until,
        )
        .values_list("case__area_id", "case__person_id")
        .iterator(chunk_size=20_000)
    )
    for area, _person in persons:
        found["4a"][area] += 1
    from networks.models import Network

    first, last = datetime.date(YEAR, 4, 1), datetime.date(YEAR + 1, 3, 31)
    for district, secretariat, started, ended in Network.objects.filter(district__in=areas).values_list(
        "district_id", "secretariat__kind", "started_on", "ended_on"
    ):
        if secretariat == "care_plaza" and started <= last and (ended is None or ended >= first):
            found["7"][district] += 1
    return {key: dict(counts) for key, counts in found.items()}


def explain(count, districts: list[Area]) -> None:
    """The plans of the statements a selector runs, with their times (EXPLAIN ANALYZE)."""
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        count(districts, datetime.date(YEAR, 4, 1), datetime.date(YEAR + 1, 3, 31))
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join("      " + line for (line,) in cursor.fetchall()))


def timed(function, *args, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


with harness.throwaway_database(ARGS):
    harness.banner("indicators")
    start = time.perf_counter()
    districts = write_rows(ARGS.rows, ARGS.districts)
    written = time.perf_counter() - start
    print(f"{ARGS.rows:,} contact-log rows in {ARGS.districts} districts written in {written:.1f} s")
    start = time.perf_counter()
    made = write_cases(districts, ARGS.cases)
    written = time.perf_counter() - start
    print(", ".join(f"{n:,} {what}" for what, n in made.items()) + f" written in {written:.1f} s")

    fast, counts = timed(selector, districts)
    slow, counted = timed(naive, districts, runs=1)
    if counts != dict(counted):
        raise SystemExit("the selector and the naive count disagree on ⑧")
    year_rows = sum(counts.values())
    print(f"\nFiscal {YEAR}: ⑧ over {year_rows:,} contact-log rows of the year, the others over the cases")
    print(f"  {'indicator':<10} {'selector (median of 5)':>24} {'naive count':>14} {'ratio':>8}")
    print(f"  {'⑧':<10} {fast * 1000:21.0f} ms {slow * 1000:11.0f} ms {slow / fast:7.1f}×")

    from indicators.selectors import DISTRICT_COUNTS

    naive_start = time.perf_counter()
    expected = naive_cases(districts)
    naive_time = time.perf_counter() - naive_start
    total, worst, worst_code = fast, fast, "⑧"
    for indicator, count in DISTRICT_COUNTS.items():
        took, result = timed(count, districts, datetime.date(YEAR, 4, 1), datetime.date(YEAR + 1, 3, 31))
        if result != expected[indicator.key]:
            raise SystemExit(f"the selector and the naive count disagree on {indicator.code}")
        if not result:
            raise SystemExit(f"{indicator.code} counted nothing: the written records miss what it counts")
        total = total + took
        if took > worst:
            worst, worst_code = took, indicator.code
        print(f"  {indicator.code:<10} {took * 1000:21.0f} ms")
        if ARGS.explain:
            explain(count, districts)
    from guardianship.selectors import council_participant_counts, pipeline_counts

    wards = list(Area.objects.filter(pk__in={district.parent_id for district in districts}))
    for code, count, areas, naive_count, same in [
        ("1-(3)", council_participant_counts, wards, naive_council, lambda a, b: a == b),
        ("track", pipeline_counts, districts, naive_track, same_track),
    ]:
        took, result = timed(count, areas, YEAR_START, YEAR_END)
        naive_start = time.perf_counter()
        expected = naive_count(districts)
        naive_time += time.perf_counter() - naive_start
        if not same(result, expected):
            raise SystemExit(f"the selector and the naive count disagree on {code}")
        total = total + took
        if took > worst:
            worst, worst_code = took, code
        print(f"  {code:<10} {took * 1000:21.0f} ms")
    print(
        f"  {'the others':<10} {(total - fast) * 1000:21.0f} ms {naive_time * 1000:11.0f} ms"
        f" {naive_time / (total - fast):7.1f}×"
    )
    verdict = "met" if total < 2 else "NOT met"
    print(
        f"\nEvery indicator of the year (the indicators page computes them all): {total * 1000:.0f} ms,"
        f" the slowest {worst_code} {worst * 1000:.0f} ms — target < 2000 ms together: {verdict}"
    )
