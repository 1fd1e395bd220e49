"""People, households and supporters from a case: who may change a person's identity, 和暦 dates,
bad input that changes nothing, household members as people of their own, supporters, what the
case page shows to whom, and the audit trail's field names (never values)."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from cases.access import grant_access
from cases.exceptions import CaseRuleError, Conflict
from cases.models import AccessLevel, CaseAccessGrant, HouseholdMember, Person, Supporter
from cases.selectors import blind_index_of, person_search
from cases.services import people
from tests.screens import browser, page
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, with their households)
from tests.statements import statements
from tests.workflow import agency_contributes, shared_on_consent, take

SON = {"name": "佐々木 健一", "kana": "ささき けんいち", "birth_date": datetime.date(1972, 6, 1)}


@pytest.fixture
def case(world, concern):
    """佐々木 トメ's case, taken by the demo plaza (the lead)."""
    return take(world, concern())


def _events(kind):
    return list(AuditEvent.objects.filter(event=kind).order_by("sequence"))


def _person(case):
    return Person.objects.select_related("data_key").get(pk=case.person_id)


def _case_page_of(user, case) -> str:
    """The case page as ``user`` sees it: empty when they may not open it at all."""
    response = browser(user).get(reverse("cases:case_detail", args=[case.pk]))
    return "" if response.status_code == 403 else page(response)


# --- identity -------------------------------------------------------------------------------------


def test_the_lead_corrects_kana_and_dates_of_birth_in_wareki(world, case):
    people.update_person_identity(
        actor=world.staff,
        case=case,
        expected_version=_person(case).version,
        kana="ササキ　トミ",
        birth_date=datetime.date(1948, 3, 15),
    )
    person = _person(case)
    assert person.kana == "ささき とみ"  # katakana and the ideographic space, normalised
    assert person.birth_date == datetime.date(1948, 3, 15)
    assert person.kana_index == blind_index_of("kana_index", "ささきとみ")  # found by the new kana
    (event,) = _events("person.identity_changed")
    assert sorted(json.loads(event.fields)) == ["birth_date", "kana"]
    assert "とみ" not in event.params + event.fields and "1948" not in event.params + event.fields


def test_two_people_editing_the_person_get_a_conflict_not_a_lost_update(world, case):
    """Both open the page; the first saves; the second is told, keeps what they typed, and
    changes nothing until they open the page again."""
    url = reverse("cases:person_identity", args=[case.pk])
    first, second = browser(world.staff), browser(world.staff)
    version = _person(case).version
    assert page(first.get(url)) and page(second.get(url))
    typed = {"name": "佐々木 トメ", "kana": "ささき とめ", "address": "はまかぜ区2-3-4", "phone": ""}
    assert first.post(url, {**typed, "version": version}).status_code == 302
    html = page(second.post(url, {**typed, "address": "はまかぜ区9-9-9", "version": version}))
    assert "他の人が先に本人の情報を変更しました" in html and 'value="はまかぜ区9-9-9"' in html
    person = _person(case)
    assert (person.address, person.version) == ("はまかぜ区2-3-4", version + 1)
    with pytest.raises(Conflict):
        people.update_person_identity(
            actor=world.staff, case=case, expected_version=version, phone="045-000-0000"
        )
    assert _person(case).phone == ""
    # Nothing changed, nothing raised: the version stays.
    people.update_person_identity(
        actor=world.staff, case=case, expected_version=version + 1, address="はまかぜ区2-3-4"
    )
    assert _person(case).version == version + 1


def test_the_identity_page_takes_wareki_and_shows_it_back(world, case):
    staff = browser(world.staff)
    url = reverse("cases:person_identity", args=[case.pk])
    version = _person(case).version
    assert f'name="version" value="{version}"' in page(staff.get(url))
    typed = {"name": "佐々木 トメ", "kana": "ささき とめ", "birth_date": "昭和２３年３月１５日"}
    response = staff.post(url, {**typed, "version": version})
    assert response.status_code == 302
    assert _person(case).birth_date == datetime.date(1948, 3, 15)
    html = page(staff.get(url))
    assert 'value="昭和23年3月15日"' in html
    assert "1948-03-15（昭和23年3月15日）" not in html  # the form shows 和暦; the case page shows both…
    people.add_household_member(actor=world.staff, case=case, relation="child", **SON)
    detail = page(staff.get(reverse("cases:case_detail", args=[case.pk])))
    assert "1948-03-15（昭和23年3月15日）" in detail  # …for the person
    assert "1972-06-01（昭和47年6月1日）" in detail  # …and for the son in the household


@pytest.mark.parametrize(
    "typed",
    [
        {"birth_date": "昭和64年2月1日"},  # not a date: 昭和 ended in its 64th year on 7 January
        {"birth_date": "昭和23年2月30日"},  # not a date
        {"birth_date": "2999-01-01"},  # in the future
        {"kana": "佐々木"},  # kanji in the kana
        {"phone": "12345"},  # not a Japanese phone number
    ],
)
def test_bad_input_comes_back_as_typed_with_the_error_beside_it_and_changes_nothing(world, case, typed):
    before = _person(case)
    staff = browser(world.staff)
    trail = AuditEvent.objects.count()
    form = {
        "name": "佐々木 トメ",
        "kana": "ささき とめ",
        "birth_date": "",
        "address": "別の住所",
        "phone": "",
    }
    form.update(typed)
    html = page(staff.post(reverse("cases:person_identity", args=[case.pk]), form))
    (name, value), *_ = typed.items()
    assert f'value="{value}"' in html and 'value="別の住所"' in html  # what was typed, kept
    assert f'id="id_{name}"' in html and 'class="field has-error"' in html and 'role="alert"' in html
    after = _person(case)
    assert (after.kana, after.address, after.birth_date, after.phone) == (
        before.kana,
        before.address,
        before.birth_date,
        before.phone,
    )
    assert not _events("person.identity_changed")
    assert AuditEvent.objects.count() == trail  # nothing recorded either (a POST reads nothing to show)


def test_the_phone_is_normalised_and_indexed(world, case):
    people.update_person_identity(
        actor=world.staff, case=case, expected_version=_person(case).version, phone="０４５－１２３－４５６７"
    )
    person = _person(case)
    assert person.phone == "045-123-4567"
    assert person.phone_index == blind_index_of("phone_index", "0451234567")


def test_the_commissioner_who_reported_it_may_not_change_the_person(world, case):
    url = reverse("cases:person_identity", args=[case.pk])
    commissioner = browser(world.commissioner)
    assert commissioner.get(url).status_code == 403
    assert commissioner.post(url, {"kana": "だれか"}).status_code == 403
    with pytest.raises(PermissionDenied):
        people.update_person_identity(
            actor=world.commissioner, case=case, expected_version=_person(case).version, kana="だれか"
        )
    assert _person(case).kana == "ささき とめ"
    assert [json.loads(e.params)["action"] for e in _events("case.denied")][-1] == "update_person_identity"


def test_an_agency_changes_only_the_groups_its_grant_includes(world, case):
    with pytest.raises(PermissionDenied):  # no grant at all
        people.update_person_identity(
            actor=world.agency_worker, case=case, expected_version=_person(case).version, phone="045-111-2222"
        )
    shared_on_consent(world, case, world.agency, ["contact"])  # sight only: a view grant
    with pytest.raises(PermissionDenied):
        people.update_person_identity(
            actor=world.agency_worker, case=case, expected_version=_person(case).version, phone="045-111-2222"
        )
    agency_contributes(world, case, "contact")
    people.update_person_identity(
        actor=world.agency_worker, case=case, expected_version=_person(case).version, phone="045-111-2222"
    )
    with pytest.raises(PermissionDenied):  # contact, not identity
        people.update_person_identity(
            actor=world.agency_worker, case=case, expected_version=_person(case).version, kana="ちがう"
        )
    html = page(browser(world.agency_worker).get(reverse("cases:person_identity", args=[case.pk])))
    assert 'name="phone"' in html and 'name="address"' in html and 'name="kana"' not in html
    person = _person(case)
    assert (person.phone, person.kana) == ("045-111-2222", "ささき とめ")


# --- households -----------------------------------------------------------------------------------


def test_a_household_member_is_a_person_of_their_own(world, case):
    membership = people.add_household_member(
        actor=world.staff, case=case, relation="child", is_carer=False, **SON
    )
    son = Person.objects.select_related("data_key").get(pk=membership.person_id)
    mother = _person(case)
    assert son.pk != mother.pk and son.data_key_id != mother.data_key_id  # own key
    assert (son.name, son.kana, son.birth_date) == (SON["name"], SON["kana"], SON["birth_date"])
    assert not son.cases.exists()  # not a case of his own
    assert son.registered_by == world.plaza
    found = person_search(world.staff, "ささきけんいち").people
    assert [f.person.pk for f in found] == [son.pk]  # found by search
    assert person_search(world.other_staff, "ささきけんいち").count == 0  # …by no one else
    (mine,) = HouseholdMember.objects.filter(person=mother)
    assert mine.household_id == membership.household_id and mine.relation == "self"
    (event,) = _events("household.member_added")
    assert sorted(json.loads(event.fields)) == ["is_carer", "relation"] and "健一" not in event.params


def test_the_household_shows_on_each_members_case_only_to_who_may_see_identity(world, case, make_case):
    membership = people.add_household_member(
        actor=world.staff, case=case, relation="child", is_carer=True, **SON
    )
    son = Person.objects.get(pk=membership.person_id)
    # The son becomes a case of his own later, led by the same plaza.
    sons_case = make_case(son, "sharing", lead_organisation=world.plaza)
    grant_access(
        case=sons_case,
        granted_by=None,
        organisation=world.plaza,
        level=AccessLevel.LEAD,
        reason=CaseAccessGrant.Reason.OWNER,
        field_groups=["identity", "contact"],
    )
    staff = browser(world.staff)
    mothers_page = page(staff.get(reverse("cases:case_detail", args=[case.pk])))
    assert "佐々木 健一" in mothers_page and "介護・世話をしている" in mothers_page
    sons_page = page(staff.get(reverse("cases:case_detail", args=[sons_case.pk])))
    assert "世帯と支援者" in sons_page and "本人" in sons_page and "子" in sons_page
    viewed = _events("case.viewed")[-2]  # the mother's page recorded showing the son's identity
    assert json.loads(viewed.params)["people"] == [str(son.pk)] and "household.name" in viewed.fields
    # The reporting commissioner sees the case's status, never who lives there.
    commissioner_page = _case_page_of(world.commissioner, case)
    assert "佐々木 健一" not in commissioner_page and "世帯と支援者" not in commissioner_page
    # An agency shown the concern but not identity sees no household either; with identity it does.
    shared_on_consent(world, case, world.agency, ["concern"])
    agency = browser(world.agency_worker)
    assert "佐々木 健一" not in page(agency.get(reverse("cases:case_detail", args=[case.pk])))
    shared_on_consent(world, case, world.agency, ["identity"])
    assert "佐々木 健一" in page(agency.get(reverse("cases:case_detail", args=[case.pk])))


def test_only_who_may_register_people_adds_household_members(world, case):
    agency_contributes(world, case, "identity")
    with pytest.raises(PermissionDenied):  # an agency worker registers no one (cases.add_person)
        people.add_household_member(actor=world.agency_worker, case=case, relation="child", **SON)
    with pytest.raises(PermissionDenied):
        people.add_household_member(actor=world.commissioner, case=case, relation="child", **SON)
    assert not HouseholdMember.objects.exists()
    with pytest.raises(CaseRuleError):
        people.add_household_member(actor=world.staff, case=case, relation="self", **SON)
    assert Person.objects.count() == 1


# --- supporters -----------------------------------------------------------------------------------


def test_supporters_are_added_shown_and_ended(world, case):
    supporter = people.add_supporter(
        actor=world.staff,
        case=case,
        role="key_person",
        name="山本 さち",
        relation="近所の友人",
        contact="０９０－１１１１－２２２２",
    )
    stored = Supporter.objects.select_related("person__data_key").get(pk=supporter.pk)
    assert (stored.name, stored.contact) == ("山本 さち", "090-1111-2222")
    assert b"\xe5\xb1\xb1" not in bytes(
        Supporter.objects.values_list("name", flat=True).get()
    )  # 山: encrypted
    url = reverse("cases:case_detail", args=[case.pk])
    html = page(browser(world.staff).get(url))
    assert "山本 さち" in html and "キーパーソン" in html and "090-1111-2222" in html
    # An agency with identity but not contact sees the supporter's name, not how to reach them.
    shared_on_consent(world, case, world.agency, ["identity"])
    agency_html = page(browser(world.agency_worker).get(url))
    assert "山本 さち" in agency_html and "090-1111-2222" not in agency_html
    assert "山本 さち" not in _case_page_of(world.commissioner, case)
    response = browser(world.staff).post(reverse("cases:supporter_end", args=[case.pk, supporter.pk]))
    assert response.status_code == 302
    assert "山本 さち" not in page(browser(world.staff).get(url))
    added, ended = _events("supporter.added") + _events("supporter.ended")
    assert sorted(json.loads(added.fields)) == ["contact", "name", "relation", "role"]
    assert json.loads(ended.fields) == ["ended_at"]
    assert all("山本" not in e.params + e.fields for e in (added, ended))


def test_a_supporter_needs_a_name_and_the_commissioner_adds_none(world, case):
    html = page(
        browser(world.staff).post(
            reverse("cases:supporter_new", args=[case.pk]),
            {"role": "neighbour", "name": "", "relation": "隣"},
        )
    )
    assert 'value="隣"' in html and "has-error" in html and not Supporter.objects.exists()
    assert browser(world.commissioner).get(reverse("cases:supporter_new", args=[case.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        people.add_supporter(actor=world.commissioner, case=case, role="neighbour", name="誰か")
    assert not Supporter.objects.exists()


def test_the_household_and_supporters_cost_the_case_page_one_statement(world, case):
    url = reverse("cases:case_detail", args=[case.pk])
    staff = browser(world.staff)
    _html, before = statements(staff, url)
    people.add_household_member(actor=world.staff, case=case, relation="child", **SON)
    people.add_supporter(actor=world.staff, case=case, role="neighbour", name="山本 さち")
    html, after = statements(staff, url)
    assert "佐々木 健一" in html and "山本 さち" in html
    assert len(after) == len(before) + 1 and len(set(after)) == len(after)  # none asked twice
    (union,) = [sql for sql in after if "cases_supporter" in sql]
    assert "cases_householdmember" in union and "UNION ALL" in union


def test_the_demo_has_an_8050_pair_a_young_carer_and_supporters(demo_data):  # noqa: F811
    from cases.models import Case, CaseState

    def household_of(state, category):
        case = Case.objects.filter(state=state, concerns__categories__code=category).first()
        mine = HouseholdMember.objects.get(person=case.person)
        return case, list(HouseholdMember.objects.filter(household=mine.household).exclude(pk=mine.pk))

    case, (son,) = household_of(CaseState.GUARDIANSHIP, "eighty_fifty")
    assert son.relation == "child" and son.person.data_key_id != case.person.data_key_id
    assert not son.person.cases.exists()
    _case, others = household_of(CaseState.WATCHING, "young_carer")
    assert {member.relation for member in others} == {"parent", "grandparent"}
    assert Supporter.objects.values("person").distinct().count() >= 3
