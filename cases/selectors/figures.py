"""Counts for the plan's indicators (the ``indicators`` app reads them): plaintext columns only,
nothing personal decrypted or shown, so nothing to record."""

import datetime
from collections.abc import Iterable

from django.db.models import Case as DbCase
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, When
from django.utils import timezone

from accounts.models import Area, OrganisationKind
from cases.models import (
    Agreement,
    Concern,
    ContactLog,
    MeetingAttendance,
    MeetingGuest,
    MeetingKind,
    SupportMeeting,
)
from cases.vocabulary import AgreementKind, GuestStanding, WithdrawalKind

# The support meeting of 生活困窮者自立支援法 §9 (cases/legal_bases.py), whose participants 1-(4) counts.
HARDSHIP_MEETING_BASIS = "hardship-9"
# 相談支援機関: the ward's welfare and health centre, the plazas' 地域包括支援センター, and the
# 基幹相談支援センター (the plan's ⑤).
CONSULTATION_AGENCIES = [
    OrganisationKind.WARD_OFFICE,
    OrganisationKind.CARE_PLAZA,
    OrganisationKind.DISABILITY_CONSULTATION,
]


def contact_counts(
    districts: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[tuple[int, int, str], int]:
    """Indicator ⑧'s counts: the commissioners' consultations and liaisons in these districts
    between two days (both included), by (district id, month, counterpart) — kinds together."""
    # Grouped by day, the months summed here: a month extracted in SQL is a function call per row
    # on SQLite (bench/indicators.py), and a year has no more than 366 days a district.
    rows = (
        ContactLog.objects.filter(district__in=list(districts), occurred_on__gte=start, occurred_on__lte=end)
        .order_by()
        .values_list("district_id", "occurred_on", "counterpart")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[int, int, str], int] = {}
    for district, day, counterpart, n in rows:
        key = (district, day.month, counterpart)
        counts[key] = counts.get(key, 0) + n
    return counts


def day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants from the start of ``start`` to the start of the day after ``end``, local time:
    a timestamp column compared with these needs no date function per row."""
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    return first, datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)


def in_districts(path: str, districts: Iterable[Area]) -> Q:
    """Rows whose area at ``path`` (e.g. "case__area") is one of these districts or a plaza area
    (圏域) inside one: a concern may be filed under either."""
    ids = [district.pk for district in districts]
    return Q(**{f"{path}__in": ids}) | Q(
        **{f"{path}__parent__in": ids, f"{path}__level": Area.Level.PLAZA_AREA}
    )


def counted(case: str) -> Q:
    """Rows of cases the indicators count: not those withdrawn as registered in error (a duplicate,
    the wrong person), which were no consultation. ``case`` is the path to the case ("case")."""
    return ~Q(**{f"{case}__withdrawal_kind": WithdrawalKind.IN_ERROR})


def district_of(path: str) -> DbCase:
    """The district of the area at ``path``: the area itself, or the district a plaza area lies in."""
    return DbCase(
        When(**{f"{path}__level": Area.Level.PLAZA_AREA}, then=F(f"{path}__parent")), default=F(path)
    )


def by_district(rows: QuerySet, path: str, count: Count) -> dict[int, int]:
    """``rows`` counted (``count``) by the district of their area at ``path``."""
    grouped = (
        rows.order_by().values(district=district_of(path)).annotate(n=count).values_list("district", "n")
    )
    counts: dict[int, int] = {}
    for district, n in grouped:
        counts[district] = counts.get(district, 0) + n
    return counts


def _held_meetings(districts: Iterable[Area], start: datetime.date, end: datetime.date):
    since, until = day_bounds(start, end)
    return SupportMeeting.objects.filter(
        in_districts("case__area", districts), counted("case"), held_at__gte=since, held_at__lt=until
    ).order_by()


def complex_meeting_counts(
    districts: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Indicator 1-(2): meetings held between two days on a case with two or more kinds of trouble
    (the categories of its concerns recorded by the time the meeting was held, as the meeting was
    marked when it was held), at which residents (a commissioner, or a guest as a resident: family,
    neighbours) and professionals (an attendee of any other organisation, or a guest as a
    professional) sat together — by the case's district. A guest recorded before guests were asked
    their standing counts as a resident."""
    guests = MeetingGuest.objects.filter(meeting=OuterRef("pk"))
    commissioners = MeetingAttendance.objects.filter(
        meeting=OuterRef("pk"), organisation__kind=OrganisationKind.COMMISSIONER_COUNCIL
    )
    staff = MeetingAttendance.objects.filter(meeting=OuterRef("pk")).exclude(
        organisation__kind=OrganisationKind.COMMISSIONER_COUNCIL
    )
    resident = Exists(commissioners) | Exists(guests.exclude(standing=GuestStanding.PROFESSIONAL))
    professional = Exists(staff) | Exists(guests.filter(standing=GuestStanding.PROFESSIONAL))
    rows = _held_meetings(districts, start, end).filter(resident, professional, kinds_of_trouble__gte=2)
    return by_district(rows, "case__area", Count("pk"))


def hardship_meeting_participants(
    districts: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Indicator 1-(4): the participants (attendees and guests, each meeting counted apart) of the
    support meetings held under 生活困窮者自立支援法 §9 between two days, by the case's district."""
    since, until = day_bounds(start, end)
    counts: dict[int, int] = {}
    for model in (MeetingAttendance, MeetingGuest):
        # Joined to its meeting and case directly: a subquery of the meetings would read them twice.
        rows = model.objects.filter(
            in_districts("meeting__case__area", districts),
            counted("meeting__case"),
            meeting__held_at__gte=since,
            meeting__held_at__lt=until,
            meeting__legal_basis__code=HARDSHIP_MEETING_BASIS,
        )
        for district, n in by_district(rows, "meeting__case__area", Count("pk")).items():
            counts[district] = counts.get(district, 0) + n
    return counts


def community_care_meeting_counts(
    districts: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Indicator ⑨'s figures: 地域ケア会議 held between two days on an individual's case — the
    district's team reviewing its support with that person's trouble in view — by district."""
    rows = _held_meetings(districts, start, end).filter(kind=MeetingKind.COMMUNITY_CARE)
    return by_district(rows, "case__area", Count("pk"))


def rights_consultation_counts(
    districts: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Indicator ⑤: concerns received between two days that are about rights advocacy (their
    categories, RIGHTS_ADVOCACY, as marked on each concern when it was recorded: probing every
    concern's tags was half of the indicator at a million cases), on cases a consultation agency
    leads, by the case's district."""
    since, until = day_bounds(start, end)
    rows = Concern.objects.filter(
        in_districts("case__area", districts),
        counted("case"),
        case__lead_organisation__kind__in=CONSULTATION_AGENCIES,
        created_at__gte=since,
        created_at__lt=until,
        about_rights_advocacy=True,
    )
    return by_district(rows, "case__area", Count("pk"))


def watching_partner_counts(
    wards: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[int, tuple[int, int]]:
    """Indicator ⑥(b): per ward, the parties of 見守り協定 in force on some day between two days
    (both included) over the ward or a part of it — each party once, however many agreements and
    renewals — and how many of them reported a concern about the ward under one in those days:
    {ward id: (parties, parties that reported)}. An agreement over the whole city counts in every
    ward."""
    wards = list(wards)
    in_force = (
        Agreement.objects.in_force_between(start, end)
        .filter(kind=AgreementKind.WATCHING)
        .select_related("area__parent__parent")
    )
    first, last = day_bounds(start, end)
    # Who reported in each ward: the concern's case lies in it (a district's ward is its parent).
    reported: dict[int, set[int]] = {ward.pk: set() for ward in wards}
    for party, *line in Concern.objects.filter(
        credential__agreement__kind=AgreementKind.WATCHING, created_at__gte=first, created_at__lt=last
    ).values_list(
        "credential__agreement__party", "case__area", "case__area__parent", "case__area__parent__parent"
    ):
        for area in line:
            if area in reported:
                reported[area].add(party)
    parties: dict[int, set[int]] = {ward.pk: set() for ward in wards}
    for agreement in in_force:
        covered = {agreement.area_id, *(area.pk for area in agreement.area.ancestors())}
        for ward in wards:
            if ward.pk in covered or ward.parent_id == agreement.area_id:  # in or under it, or the city's
                parties[ward.pk].add(agreement.party_id)
    return {ward: (len(found), len(found & reported[ward])) for ward, found in parties.items()}
