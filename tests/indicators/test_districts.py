"""The indicators counted from the cases (1-(2), 1-(4), ⑤, ④(a), ⑨), computed over records made
at random and remembered as they are made: each record falls on one of the days around the fiscal
year's turn (31 March, 1 April) or elsewhere in the two years, in one of two districts, and the
expected counts are what the generator kept; the page must show exactly those."""

import datetime
import json
import random
import re
from collections import Counter

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Area, Membership
from audit.models import AuditEvent
from cases.models import (
    Case,
    CaseState,
    Concern,
    ConcernCategoryTag,
    Disclosure,
    MeetingAttendance,
    MeetingGuest,
    MeetingKind,
    SupportMeeting,
)
from cases.vocabulary import RIGHTS_ADVOCACY, ConcernCategory, WithdrawalKind
from indicators.definitions import DISTRICT_INDICATORS
from networks.models import Network
from privacy.normalise import fiscal_year_label, fiscal_year_of
from referrals.models import Referral, ReferralState
from tests.indicators.test_contacts import table
from tests.screens import browser, page

CODES = [indicator.key for indicator in DISTRICT_INDICATORS]  # the table's columns


def generated(world, make_person, make_case, seed: int = 20261205) -> Counter:
    """Cases in two districts with concerns, meetings and referrals on random days of this fiscal
    year and the last, and what each indicator should count: (indicator key, district name,
    fiscal year) → count. Some records are made not to count (a meeting never held, one of
    professionals alone, a concern of another kind, a case an anshin centre leads, a case withdrawn
    as registered in error)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    april = datetime.date(fiscal_year_of(today), 4, 1)
    last_april = april.replace(year=april.year - 1)
    days = [april, april - datetime.timedelta(days=1), last_april] + [
        day for n in range(0, 700, 5) if (day := today - datetime.timedelta(days=n)) >= last_april
    ]
    council = {d: world.demo.organisations[f"council:{d.name}"] for d in world.demo.districts[:2]}
    self_reliance = world.demo.organisations["self_reliance_support"]
    made: Counter = Counter()

    def at(day: datetime.date) -> datetime.datetime:
        hour = rng.choice([0, 9, 23])  # the day's first and last hours as well
        return datetime.datetime.combine(day, datetime.time(hour, 30), tzinfo=timezone.get_current_timezone())

    for n in range(24):
        district = rng.choice(list(council))
        lead = rng.choice([world.plaza, world.plaza, world.ward, world.anshin])
        person = make_person(name=f"試験 {n}")
        # Filed under the district, or under a plaza area (圏域) inside it: counted in the district.
        area = rng.choice([district, *Area.objects.filter(level=Area.Level.PLAZA_AREA, parent=district)])
        case = make_case(person, area=area, lead_organisation=lead)
        consultation_agency = lead != world.anshin
        mine: Counter = Counter()  # what this case's records count, unless it was registered in error
        # Concerns: each with one or two categories, recorded on a day of their own.
        recorded = []  # (when, categories)
        for _ in range(rng.randint(1, 3)):
            day = rng.choice(days)
            when = at(day)
            codes = rng.sample(
                [
                    ConcernCategory.REDUCED_CAPACITY,
                    ConcernCategory.CONSUMER_FRAUD,
                    ConcernCategory.EIGHTY_FIFTY,
                ],
                rng.randint(1, 2),
            )
            concern = Concern.objects.create(
                case=case,
                reporter_kind="commissioner",
                details="試験",
                # as report_concern marks it (tests/cases/test_concerns.py checks that it does)
                about_rights_advocacy=bool(set(codes) & set(RIGHTS_ADVOCACY)),
            )
            Concern.objects.filter(pk=concern.pk).update(created_at=when)
            for code in codes:
                ConcernCategoryTag.objects.create(concern=concern, code=code)
            recorded.append((when, set(codes)))
            if consultation_agency and {
                ConcernCategory.REDUCED_CAPACITY,
                ConcernCategory.CONSUMER_FRAUD,
            } & set(codes):
                mine[("5", district.name, fiscal_year_of(day))] += 1
        # Meetings: held or not, with residents and professionals or not.
        for _ in range(rng.randint(0, 3)):
            day = rng.choice(days)
            held = rng.random() < 0.8
            hardship = rng.random() < 0.4
            kind = rng.choice([MeetingKind.SUPPORT_MEETING, MeetingKind.COMMUNITY_CARE])
            when = at(day)
            # The kinds of trouble known when it met (as hold_meeting marks it, tested below): a
            # concern recorded later does not count.
            kinds = set().union(*(codes for recorded_at, codes in recorded if recorded_at <= when))
            meeting = SupportMeeting.objects.create(
                case=case,
                kind=kind,
                legal_basis=world.basis["hardship-9" if hardship else "swa-106-6"],
                convened_by=world.plaza,
                scheduled_for=when,
                access_until=when + datetime.timedelta(days=3),
                held_at=when if held else None,
                kinds_of_trouble=len(kinds) if held else None,
            )
            professionals = rng.randint(0, 2)
            for user in [world.staff, world.ward_worker][:professionals]:
                organisation = Membership.objects.filter(user=user).first().organisation
                MeetingAttendance.objects.create(meeting=meeting, user=user, organisation=organisation)
            commissioner = rng.random() < 0.5
            if commissioner:
                MeetingAttendance.objects.create(
                    meeting=meeting, user=world.commissioner, organisation=council[district]
                )
            # A guest sits as a resident, as a professional, or was recorded before that was asked
            # (""): counted as a resident, as then.
            standings = [rng.choice(["resident", "professional", ""]) for _ in range(rng.randint(0, 2))]
            for g, standing in enumerate(standings):
                MeetingGuest.objects.create(
                    meeting=meeting,
                    name=f"出席 {g}",
                    relation="長男",
                    standing=standing,
                    recorded_by=world.staff,
                )
            guests = len(standings)
            if not held:
                continue
            year = fiscal_year_of(day)
            residents = commissioner or any(standing != "professional" for standing in standings)
            staff = professionals or "professional" in standings
            if staff and residents and len(kinds) >= 2:
                mine[("1-2", district.name, year)] += 1
            if hardship:
                mine[("1-4", district.name, year)] += professionals + commissioner + guests
            if kind == MeetingKind.COMMUNITY_CARE:
                mine[("9", district.name, year)] += 1
        # Referrals to the self-reliance desk: a person counted once a year whatever their number.
        years = set()
        for _ in range(rng.randint(0, 2)):
            day = rng.choice(days)
            accepted = rng.random() < 0.8  # else declined
            recipient = self_reliance if rng.random() < 0.8 else world.agency
            Referral.objects.create(
                case=case,
                referring_organisation=world.plaza,
                recipient=recipient,
                disclosure=Disclosure.objects.create(
                    case=case,
                    recipient=recipient,
                    legal_basis=world.basis["swa-106-6"],
                    disclosed_by=world.staff,
                ),
                created_by=world.staff,
                purpose="相談したい。",
                legal_basis=world.basis["consent"],
                # settled, so that a case may be referred to the same desk again
                state=ReferralState.COMPLETED if accepted else ReferralState.DECLINED,
                settled_at=at(day),
                accepted_at=at(day) if accepted else None,
                assigned_worker=world.agency_worker if accepted else None,
                sent_at=at(day),
                accept_by=day + datetime.timedelta(days=7),
            )
        for referral in Referral.objects.filter(
            case=case, recipient=self_reliance, accepted_at__isnull=False
        ):
            years.add(fiscal_year_of(timezone.localtime(referral.accepted_at).date()))
        for year in years:
            mine[("4a", district.name, year)] += 1
        # Withdrawn at the end: as registered in error, nothing of it counts; as no longer
        # needed, all of it still does.
        withdrawn = rng.choice(["", "", "", WithdrawalKind.IN_ERROR, WithdrawalKind.NO_LONGER_NEEDED])
        if withdrawn:
            Case.objects.filter(pk=case.pk).update(
                state=CaseState.WITHDRAWN, withdrawal_kind=withdrawn, ended_at=timezone.now()
            )
        if withdrawn != WithdrawalKind.IN_ERROR:
            made.update(mine)
    # Networks (⑦): counted in each fiscal year they ran a day of, if a care plaza runs them.
    this_year = fiscal_year_of(today)
    for n in range(12):
        district = rng.choice(list(council))
        started = rng.choice([*days, last_april - datetime.timedelta(days=400)])
        ended = rng.choice([None, None, *(day for day in days if day >= started)])
        secretariat = world.plaza if rng.random() < 0.8 else world.ward
        Network.objects.create(
            name=f"ネットワーク {n}",
            secretariat=secretariat,
            district=district,
            started_on=started,
            ended_on=ended,
            created_by=world.staff,
        )
        if secretariat == world.plaza:
            last = fiscal_year_of(ended) if ended else this_year
            for year in range(fiscal_year_of(started), last + 1):
                made[("7", district.name, year)] += 1
    return made


@override_settings(TSUNAGU_SMALL_NUMBERS=5)
def test_the_ward_office_sees_each_indicator_as_made_by_district_and_fiscal_year(
    world, make_person, make_case
):
    made = generated(world, make_person, make_case)
    districts = sorted({district for _code, district, _year in made})
    years = sorted({year for _code, _district, year in made})
    assert len(districts) == 2 and len(years) >= 2, "the generator spans two districts and two years"
    ward = browser(world.ward_worker)
    for year in years:
        html = page(ward.get(reverse("indicators:index"), {"year": year}))
        assert fiscal_year_label(year) in html
        shown = table(html, "districts-table")
        for district in districts:
            assert shown[district] == [made[(code, district, year)] for code in CODES], (district, year)
        assert shown["計"] == [sum(made[(code, d, year)] for d in districts) for code in CODES]
        reviewing = sum(1 for d in districts if made[("9", d, year)])
        assert f"地区：{reviewing}地区" in html
        assert "秘匿なし（区役所が受け持つ地区の数）" in html


@override_settings(TSUNAGU_SMALL_NUMBERS=5)
def test_a_plaza_sees_the_small_figures_hidden_and_the_rest_as_made(world, make_person, make_case):
    made = generated(world, make_person, make_case)
    year = fiscal_year_of(timezone.localdate())
    html = page(browser(world.staff).get(reverse("indicators:index"), {"year": year}))
    shown = table(html, "districts-table")
    small = 0
    for district, values in shown.items():
        if district == "計":
            continue
        for code, value in zip(CODES, values, strict=True):
            expected = made[(code, district, year)]
            assert value in (expected, None)
            if 0 < expected < 5:
                small += 1
                assert value is None, (code, district)
    assert small, "the generated year has small figures to hide"
    assert "5未満の数" in re.search(r'id="districts-rule">(.*?)</dd>', html).group(1)


def test_the_district_table_is_exported_audited_and_refused_to_an_agency(world, make_person, make_case):
    generated(world, make_person, make_case)
    ward = browser(world.ward_worker)
    year = fiscal_year_of(timezone.localdate())
    response = ward.get(reverse("indicators:districts_csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("地区,1-(2)") and "秘匿なし" in text.splitlines()[-1]
    event = AuditEvent.objects.filter(event="indicators.exported").latest("sequence")
    assert json.loads(event.params) == {
        "indicator": "districts",
        "fiscal_year": year,
        "rows": 14,
        "format": "csv",
    }
    agency = browser(world.agency_worker)
    assert agency.get(reverse("indicators:districts_xlsx")).status_code == 403
    assert AuditEvent.objects.filter(event="indicators.exported").count() == 1


def test_a_reader_reads_through_a_readers_role_only(world, make_person, make_case):
    """A commissioner who is also the ward office's privacy officer reads their own district, and
    not exact: a privacy officer reads no case, so that membership opens no figure."""
    from accounts.roles import Role
    from accounts.services import add_membership

    generated(world, make_person, make_case)
    add_membership(
        user=world.commissioner,
        organisation=world.demo.organisations["区政推進課"],
        role=Role.PRIVACY_OFFICER,
    )
    html = page(browser(world.commissioner).get(reverse("indicators:index")))
    assert list(table(html, "districts-table")) == [world.district.name, "計"]
    assert browser(world.privacy).get(reverse("indicators:index")).status_code == 403


def test_a_concern_is_marked_about_rights_advocacy_from_its_categories_as_it_is_recorded(concern):
    """What ⑤ counts is written with the concern: marked exactly when a category is about rights
    advocacy, by the service every concern goes through (the API's and the screen's)."""
    for categories, marked in [
        ([ConcernCategory.EIGHTY_FIFTY, ConcernCategory.SOCIAL_ISOLATION], False),
        ([ConcernCategory.EIGHTY_FIFTY, ConcernCategory.CONSUMER_FRAUD], True),
        ([ConcernCategory.ELDER_ABUSE], True),
        ([], False),
    ]:
        case = concern(categories=categories, details="試験")
        recorded = Concern.objects.get(case=case)
        assert recorded.about_rights_advocacy is marked, categories
        tags = set(ConcernCategoryTag.objects.filter(concern=recorded).values_list("code", flat=True))
        assert bool(tags & set(RIGHTS_ADVOCACY)) is marked


def test_the_migration_marks_the_concerns_recorded_before_it(concern):
    import importlib

    from django.apps import apps

    case = concern(categories=[ConcernCategory.NO_KIN])
    ordinary = concern(categories=[ConcernCategory.EIGHTY_FIFTY])
    Concern.objects.update(about_rights_advocacy=False)  # as they stood before the column
    migration = importlib.import_module("cases.migrations.0023_concern_about_rights_advocacy")
    migration.mark_concerns(apps, None)
    assert Concern.objects.get(case=case).about_rights_advocacy
    assert not Concern.objects.get(case=ordinary).about_rights_advocacy


def test_a_meeting_is_marked_with_the_kinds_of_trouble_known_when_it_is_held(world, concern, soon):
    """What 1-(2) counts is written with the minutes: the distinct categories of the case's
    concerns at that moment (a kind reported twice is one kind); one recorded later changes nothing."""
    from cases.services.meetings import hold_meeting
    from tests.workflow import support_meeting, take

    case = take(world, concern(categories=[ConcernCategory.EIGHTY_FIFTY, ConcernCategory.SOCIAL_ISOLATION]))
    again = Concern.objects.create(case=case, reporter_kind="commissioner", details="試験")
    ConcernCategoryTag.objects.create(concern=again, code=ConcernCategory.EIGHTY_FIFTY)
    meeting = support_meeting(world, case, soon)
    assert meeting.kinds_of_trouble is None  # not held yet
    held = hold_meeting(
        actor=world.staff,
        meeting=meeting,
        expected_version=case.version,
        minutes="検討した",
        decision="watching",
        reason="理由",
    )
    assert SupportMeeting.objects.get(pk=held.pk).kinds_of_trouble == 2
    later = Concern.objects.create(case=case, reporter_kind="commissioner", details="試験")
    ConcernCategoryTag.objects.create(concern=later, code=ConcernCategory.CONSUMER_FRAUD)
    assert SupportMeeting.objects.get(pk=held.pk).kinds_of_trouble == 2


def test_the_migration_marks_the_meetings_held_before_it(world, make_person, make_case):
    """Meetings held before the mark existed get the kinds recorded by the moment each was held:
    a concern recorded at that very moment counts, one a second later does not."""
    import importlib

    from django.apps import apps

    case = make_case(make_person(name="試験 移行"), area=world.district, lead_organisation=world.plaza)
    held_at = timezone.now() - datetime.timedelta(days=10)
    for offset, codes in [
        (datetime.timedelta(days=-3), [ConcernCategory.EIGHTY_FIFTY, ConcernCategory.SOCIAL_ISOLATION]),
        (datetime.timedelta(0), [ConcernCategory.EIGHTY_FIFTY, ConcernCategory.CONSUMER_FRAUD]),
        (datetime.timedelta(seconds=1), [ConcernCategory.REDUCED_CAPACITY]),
    ]:
        recorded = Concern.objects.create(case=case, reporter_kind="commissioner", details="試験")
        Concern.objects.filter(pk=recorded.pk).update(created_at=held_at + offset)
        for code in codes:
            ConcernCategoryTag.objects.create(concern=recorded, code=code)

    def meeting(held):
        return SupportMeeting.objects.create(
            case=case,
            kind=MeetingKind.SUPPORT_MEETING,
            legal_basis=world.basis["swa-106-6"],
            convened_by=world.plaza,
            scheduled_for=held_at,
            access_until=held_at + datetime.timedelta(days=3),
            held_at=held,
        )

    before_any = meeting(held_at - datetime.timedelta(days=5))
    early, on_time, unheld = meeting(held_at - datetime.timedelta(days=1)), meeting(held_at), meeting(None)
    migration = importlib.import_module("cases.migrations.0026_supportmeeting_kinds_of_trouble")
    migration.mark_meetings(apps, None)
    marks = dict(SupportMeeting.objects.values_list("pk", "kinds_of_trouble"))
    assert marks == {before_any.pk: 0, early.pk: 2, on_time.pk: 3, unheld.pk: None}
