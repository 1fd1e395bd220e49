"""Lists that say who (issue 18, part 1): case numbers, names only with identity, the
commissioner's own words, tabs, filters, sorting and paging, and the audit of what was shown."""

import datetime
import json
import threading
import time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Area
from audit.models import AuditEvent
from cases import selectors
from cases.access import grant_access
from cases.models import AccessLevel, Case, CaseAccessGrant, CaseReferenceCounter, CaseState, Person
from cases.selectors.lists import PAGE_SIZE, ListQuery, ListSort, ListTab
from cases.services import lifecycle
from cases.services.references import allocate_case_reference
from privacy.normalise import fiscal_year_of
from tests.screens import browser, page
from tests.workflow import decided, race, support_meeting, take


def this_year_prefix() -> str:
    return f"{fiscal_year_of(timezone.localdate())}-はまかぜ"


# --- the case number -------------------------------------------------------------------------------


def test_cases_are_numbered_by_ward_and_fiscal_year_in_the_order_they_come_in(world, concern):
    first, second = concern(), concern()
    assert (first.reference, second.reference) == (f"{this_year_prefix()}-0001", f"{this_year_prefix()}-0002")
    # The fiscal year starts on 1 April: 31 March still counts in the old one, 1 April starts again.
    assert allocate_case_reference(world.district, datetime.date(2031, 3, 31)) == "2030-はまかぜ-0001"
    assert allocate_case_reference(world.district, datetime.date(2031, 4, 1)) == "2031-はまかぜ-0001"
    assert allocate_case_reference(world.district, datetime.date(2031, 4, 2)) == "2031-はまかぜ-0002"


def test_a_municipality_without_wards_numbers_its_own_cases(db):
    town = Area.objects.create(level=Area.Level.MUNICIPALITY, name="みどり町", code="990019")
    district = Area.objects.create(level=Area.Level.DISTRICT, name="みどり第一地区", parent=town)
    assert allocate_case_reference(district, datetime.date(2026, 5, 1)) == "2026-みどり-0001"


def test_the_case_page_shows_its_number_and_the_database_id_is_never_the_number(world, concern):
    case = concern()
    html = page(browser(world.staff).get(reverse("cases:case_detail", args=[case.pk])))
    assert case.reference in html.split("<h1>")[1].split("</h1>")[0]
    assert str(case.pk) not in case.reference


def test_two_cases_created_at_once_get_two_numbers(committed_db, world, concern):
    """The first case of a new numbering (no counter row yet), then one whose number is taken
    while another creation holds its own, uncommitted: each gets its own number, in sequence."""
    outcomes = race(one=concern, two=concern)
    numbers = sorted(result.reference for result in outcomes.values())
    assert numbers == [f"{this_year_prefix()}-0001", f"{this_year_prefix()}-0002"], outcomes

    taken = threading.Event()

    def holding():
        with transaction.atomic():
            number = allocate_case_reference(world.district)
            taken.set()
            time.sleep(0.5)  # the other creation asks for its number now, before this commits
        return number

    def meanwhile():
        taken.wait(10)
        return allocate_case_reference(world.district)

    outcomes = race(holding=holding, meanwhile=meanwhile)
    assert outcomes == {"holding": f"{this_year_prefix()}-0003", "meanwhile": f"{this_year_prefix()}-0004"}
    assert CaseReferenceCounter.objects.get(prefix=this_year_prefix()).last == 4


# --- who each list names ---------------------------------------------------------------------------


def _inbox(user, **params) -> str:
    return page(browser(user).get(reverse("cases:inbox"), params))


def test_the_plaza_inbox_names_the_person_with_kana_and_records_what_it_showed(world, concern):
    case = concern()
    last = AuditEvent.objects.latest("sequence").sequence
    html = _inbox(world.staff)
    assert case.reference in html and "佐々木 トメ" in html and "ささき とめ" in html
    [shown] = AuditEvent.objects.filter(sequence__gt=last, event="person.viewed")
    assert (shown.actor, shown.person_id, shown.purpose) == (world.staff, str(case.person_id), "case_work")
    assert sorted(json.loads(shown.fields)) == ["kana", "name"]  # field names, never values
    assert "佐々木" not in shown.params and "佐々木" not in shown.fields


def test_names_are_read_for_one_page_and_the_event_lists_those_people(world, concern):
    cases = [concern(identity={"name": f"本人 {i}"}) for i in range(3)]
    last = AuditEvent.objects.latest("sequence").sequence
    result = selectors.inbox_page(world.staff, ListQuery())
    assert [row.who.name for row in result.rows] == ["本人 0", "本人 1", "本人 2"]
    [shown] = AuditEvent.objects.filter(sequence__gt=last, event="person.listed")
    assert json.loads(shown.params) == {"count": 3, "people": [str(c.person_id) for c in cases]}


def test_other_organisations_staff_and_the_commissioner_do_not_see_the_case_in_the_inbox(world, concern):
    case = concern()
    assert case.reference not in _inbox(world.other_staff)  # another plaza's area
    assert browser(world.commissioner).get(reverse("cases:inbox")).status_code == 403


def test_the_ward_names_the_cases_it_leads_and_sees_no_others(world, concern):
    from cases.services import intake

    escalated, other = concern(), concern(identity={"name": "別の 人"})
    intake.escalate_urgent(
        actor=world.staff,
        case=escalated,
        expected_version=escalated.version,
        ward_office=world.ward,
        legal_basis=world.basis["elder-abuse-7"],
    )
    html = _inbox(world.ward_worker)
    assert escalated.reference in html and "佐々木 トメ" in html
    assert other.reference not in html and "別の 人" not in html


def test_a_row_without_identity_shows_only_the_number(world, concern):
    """A grant without the identity group (here: the intake grant narrowed to the concern)
    lists the case by its number; the name is neither shown nor read nor recorded."""
    case = concern()
    CaseAccessGrant.objects.filter(case=case, reason="intake").update(field_groups=["concern"])
    last = AuditEvent.objects.latest("sequence").sequence
    result = selectors.inbox_page(world.staff, ListQuery())
    [row] = result.rows
    assert (row.who.reference, row.who.shows_identity, row.who.name) == (case.reference, False, "")
    html = _inbox(world.staff)
    assert case.reference in html and "佐々木" not in html
    assert not AuditEvent.objects.filter(
        sequence__gt=last, event__in=["person.viewed", "person.listed"]
    ).exists()


def test_the_commissioner_sees_their_own_words_and_nothing_that_came_later(world, concern):
    case = concern()
    person = Person.objects.get(pk=case.person_id)
    person.name, person.kana = "佐々木 登女", "ささき とめ"  # the plaza corrects the name later
    person.save()
    html = page(browser(world.commissioner).get(reverse("cases:my_concerns")))
    assert case.reference in html
    assert "佐々木 トメ" in html and "息子さんと二人暮らし。最近姿を見かけない。" in html
    assert "佐々木 登女" not in html and "ささき" not in html
    assert "佐々木 登女" in _inbox(world.staff)  # the plaza sees the record as it is now
    shown = AuditEvent.objects.filter(event="person.viewed", actor=world.commissioner).latest("sequence")
    assert sorted(json.loads(shown.fields)) == ["details", "reported_name"]


def test_the_commissioner_sees_none_of_another_commissioners_concerns(world, concern):
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import add_membership

    colleague = User.objects.create(username="colleague")
    add_membership(
        user=colleague,
        organisation=world.demo.organisations[f"council:{world.district.name}"],
        role=Role.COMMISSIONER,
    )
    case = concern()
    html = page(browser(colleague).get(reverse("cases:my_concerns")))
    assert case.reference not in html and "佐々木" not in html


def test_tasks_name_the_case_only_where_the_grant_includes_identity(world, concern, soon):
    case = take(world, concern())
    support_meeting(world, case, soon, attendees=[(world.anshin_worker, world.anshin)])
    html = page(browser(world.anshin_worker).get(reverse("cases:my_tasks")))
    assert case.reference in html and "佐々木" not in html  # asked to attend: no grant yet
    meeting = case.meetings.get()
    from cases.services import meetings

    meetings.acknowledge_confidentiality(actor=world.anshin_worker, meeting=meeting)  # grants identity
    html = page(browser(world.anshin_worker).get(reverse("cases:my_tasks")))
    assert case.reference in html and "佐々木 トメ" in html and "ささき とめ" in html


# --- tabs, filters, sorting, paging ---------------------------------------------------------------


def test_a_closed_case_is_found_under_its_tab(world, concern, soon):
    case = decided(world, take(world, concern()), CaseState.WATCHING, soon)
    lifecycle.close(actor=world.staff, case=case, expected_version=case.version)
    assert case.reference not in _inbox(world.staff)
    assert case.reference not in _inbox(world.staff, tab="watching")
    ended = _inbox(world.staff, tab="ended")
    assert case.reference in ended and "佐々木 トメ" in ended
    mine = page(browser(world.commissioner).get(reverse("cases:my_concerns"), {"tab": "ended"}))
    assert case.reference in mine and "終結" in mine


def test_a_concern_withdrawn_before_intake_is_under_the_ended_tab(world, concern):
    case = concern()
    lifecycle.withdraw(
        actor=world.commissioner, case=case, expected_version=case.version, reason="勘違い", kind="in_error"
    )
    assert case.reference in _inbox(world.staff, tab="ended")
    assert case.reference not in _inbox(world.staff)


def led(make_case, person, **fields) -> Case:
    """A case made in its state, led (and so seen, identity included) by its lead organisation."""
    case = make_case(person, **fields)
    grant_access(
        case=case,
        granted_by=None,
        organisation=case.lead_organisation,
        level=AccessLevel.LEAD,
        reason=CaseAccessGrant.Reason.OWNER,
        field_groups=["identity"],
    )
    return case


def test_fifty_rows_a_page_and_no_cap(world, make_person, make_case):
    cases = [
        led(make_case, make_person(name=f"本人 {i:03}"), state="sharing") for i in range(PAGE_SIZE * 2 + 5)
    ]
    first = selectors.inbox_page(world.staff, ListQuery(sort=ListSort.OLDEST))
    third = selectors.inbox_page(world.staff, ListQuery(sort=ListSort.OLDEST, page=3))
    assert len(first.rows) == PAGE_SIZE and first.page.paginator.count == len(cases)
    assert [row.case.pk for row in third.rows] == [c.pk for c in cases[-5:]]
    newest = selectors.inbox_page(world.staff, ListQuery(sort=ListSort.NEWEST))
    assert newest.rows[0].case.pk == cases[-1].pk
    html = _inbox(world.staff, sort="oldest", page="2")
    assert "本人 050" in html and "本人 049" not in html and "本人 100" not in html
    assert "page=3" in html and "sort=oldest" in html  # the pager keeps the order


def test_filters_by_area_state_urgency_and_lead(world, make_person, make_case):
    other_district = world.demo.districts[world.demo.plazas.index(world.plaza) + 10]  # the plaza's second
    here = led(make_case, make_person(name="ここの 人"), state="sharing")
    there = led(
        make_case, make_person(name="あちらの 人"), state="team_meeting", area=other_district, urgent=True
    )
    led_elsewhere = led(
        make_case, make_person(name="他の 人"), state="sharing", lead_organisation=world.other_plaza
    )

    def listed(**query) -> list:
        return [row.case.pk for row in selectors.inbox_page(world.staff, ListQuery(**query)).rows]

    assert set(listed()) == {here.pk, there.pk}  # another plaza's lead is not this inbox's
    assert listed(area=other_district.pk) == [there.pk]
    assert listed(state=CaseState.SHARING) == [here.pk]
    assert listed(urgency="urgent") == [there.pk]
    assert listed(urgency="routine") == [here.pk]
    assert listed(lead=world.other_plaza.pk) == []
    assert led_elsewhere.pk not in listed(lead=world.other_plaza.pk)
    html = _inbox(world.staff, area=str(other_district.pk))
    assert "あちらの 人" in html and "ここの 人" not in html


def test_a_filter_not_on_offer_is_dropped_with_a_message(world, concern):
    case = concern()
    html = _inbox(world.staff, area="999999", state="closed", sort="name")
    assert "選べない値が指定されたため" in html and "この状況の一覧にない状態です" in html
    assert case.reference in html  # the list is shown without the conditions it could not use


def test_the_tab_counts_and_links_carry_codes_only(world, concern):
    case = concern()
    html = _inbox(world.staff)
    tabs = html.split('class="tabs"')[1].split("</nav>")[0]
    assert "?tab=ended" in tabs and "?tab=watching" in tabs
    assert "佐々木" not in tabs and case.reference not in tabs


def test_each_tab_holds_its_states():
    assert set(ListTab.STATES[ListTab.OPEN]) | set(ListTab.STATES[ListTab.WATCHING]) | set(
        ListTab.STATES[ListTab.ENDED]
    ) == set(CaseState.values)
    assert Case.ENDED_STATES == ListTab.STATES[ListTab.ENDED]
