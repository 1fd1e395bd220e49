"""A household's members over time (issue 18): someone already registered added as a member — only
a person whose identity the actor may see, refused exactly like a missing one otherwise —, a
member's leaving recorded (not in the future, not twice), the same person added again after they
left, the case page's former members, who may open the two pages, and the audit trail's field
names (never values)."""

import datetime
import json
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.access import grant_access, identity_visible
from cases.exceptions import CaseRuleError
from cases.models import AccessLevel, CaseAccessGrant, Household, HouseholdMember, Person
from cases.services import people
from tests.screens import browser, page
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, with their households)
from tests.statements import statements
from tests.workflow import agency_contributes, shared_on_consent, take

SON = {"name": "佐々木 健一", "kana": "ささき けんいち", "birth_date": datetime.date(1972, 6, 1)}
DAUGHTER = {"name": "佐々木 美咲", "kana": "ささき みさき", "birth_date": datetime.date(1975, 2, 14)}
TODAY = timezone.localdate


@pytest.fixture
def case(world, concern):
    """佐々木 トメ's case, taken by the demo plaza (the lead)."""
    return take(world, concern())


@pytest.fixture
def son(make_person):
    """The son, registered earlier by the demo plaza (as a person of his own, without a case)."""
    return make_person(**SON)


def _events(kind):
    return list(AuditEvent.objects.filter(event=kind).order_by("sequence"))


def _denied_actions():
    return [json.loads(event.params)["action"] for event in _events("case.denied")]


def _existing_url(case):
    return reverse("cases:household_member_existing", args=[case.pk])


def _end_url(case, member_id):
    return reverse("cases:household_member_end", args=[case.pk, member_id])


def _detail(user, case) -> str:
    return page(browser(user).get(reverse("cases:case_detail", args=[case.pk])))


# --- adding someone already registered ------------------------------------------------------------


def test_the_lead_adds_someone_already_registered_as_a_member(world, case, son):
    before = Person.objects.count()
    membership = people.add_existing_household_member(
        actor=world.staff, case=case, person=son, relation="child", is_carer=True
    )
    assert Person.objects.count() == before  # nobody registered anew
    assert (membership.person_id, membership.relation, membership.is_carer) == (son.pk, "child", True)
    (mine,) = HouseholdMember.objects.filter(person_id=case.person_id)  # her household, made now
    assert mine.household_id == membership.household_id and mine.relation == "self"
    assert Person.objects.filter(pk__in=[son.pk, case.person_id], has_circle=True).count() == 2
    html = _detail(world.staff, case)
    assert "佐々木 健一" in html and "1972-06-01（昭和47年6月1日）" in html
    (event,) = _events("household.existing_member_added")
    assert sorted(json.loads(event.fields)) == ["is_carer", "person", "relation"]
    assert json.loads(event.params)["member"] == str(son.pk)
    assert not any(value in event.params + event.fields for value in ("健一", "けんいち", "1972"))


def test_a_person_the_actor_may_not_see_is_refused_exactly_like_a_missing_one(world, case, make_person):
    """Registered by another plaza and on no case of ours: the service refuses (403, recorded) as
    the page does for a made-up id, a garbled one and an erased person — the same answer."""
    theirs = make_person(registered_by=world.other_plaza, **SON)
    erased = people.erase_person(actor=None, person=make_person(name="消される 人"))
    with pytest.raises(PermissionDenied):
        people.add_existing_household_member(actor=world.staff, case=case, person=theirs, relation="child")
    with pytest.raises(PermissionDenied):
        people.add_existing_household_member(actor=world.staff, case=case, person=erased, relation="child")
    staff = browser(world.staff)
    answers = [
        staff.post(_existing_url(case), {"person": chosen, "relation": "child"}).status_code
        for chosen in (theirs.pk, uuid.uuid4(), "not-a-uuid'--", erased.pk)
    ]
    assert answers == [403, 403, 403, 403]
    assert _denied_actions()[-6:] == ["add_existing_household_member"] * 6
    assert not HouseholdMember.objects.exists()


def test_who_may_see_an_identity_is_the_person_searchs_rule(world, case, make_person, make_case):
    """One rule (cases.access.identity_visible): registered by one's organisation, or on a case
    whose live grant to one includes identity — a grant of the concern alone is not enough."""
    theirs = make_person(registered_by=world.other_plaza, **DAUGHTER)
    their_case = make_case(theirs, "sharing", lead_organisation=world.other_plaza)
    candidate = [(theirs.pk, theirs.registered_by_id, theirs.created_at)]
    shown = {"organisation": world.plaza, "case": their_case, "granted_by": None}
    grant_access(
        **shown, level=AccessLevel.VIEW, reason=CaseAccessGrant.Reason.DISCLOSURE, field_groups=["concern"]
    )
    assert identity_visible(world.staff, candidate) == []
    with pytest.raises(PermissionDenied):
        people.add_existing_household_member(actor=world.staff, case=case, person=theirs, relation="child")
    grant_access(
        **shown, level=AccessLevel.VIEW, reason=CaseAccessGrant.Reason.DISCLOSURE, field_groups=["identity"]
    )
    assert identity_visible(world.staff, candidate) == [theirs.pk]
    people.add_existing_household_member(actor=world.staff, case=case, person=theirs, relation="child")
    assert HouseholdMember.objects.filter(person=theirs, ended_on__isnull=True).count() == 1


def test_a_person_is_added_once_never_to_their_own_household_nor_while_living_elsewhere(
    world, case, son, make_person, make_case
):
    people.add_existing_household_member(actor=world.staff, case=case, person=son, relation="child")
    refusals = []
    for person, relation in (
        (son, "child"),  # twice
        (Person.objects.get(pk=case.person_id), "child"),  # the case's own person
        (son, "self"),  # not a relation one is added with
    ):
        with pytest.raises(CaseRuleError) as refused:
            people.add_existing_household_member(
                actor=world.staff, case=case, person=person, relation=relation
            )
        refusals.append(refused.value.message_dict)
    assert refusals[0] == {"person": ["この人は既にこの世帯の世帯員です。"]}
    assert "本人" in refusals[1]["person"][0] and "relation" in refusals[2]
    # Living in another household (the neighbour's case records him there) until he leaves it.
    neighbour = make_case(make_person(name="山田 花子"), "sharing", lead_organisation=world.plaza)
    grant_access(
        case=neighbour,
        granted_by=None,
        organisation=world.plaza,
        level=AccessLevel.LEAD,
        reason=CaseAccessGrant.Reason.OWNER,
        field_groups=["identity", "contact"],
    )
    with pytest.raises(CaseRuleError) as refused:
        people.add_existing_household_member(actor=world.staff, case=neighbour, person=son, relation="other")
    assert "別の世帯" in refused.value.message_dict["person"][0]
    assert HouseholdMember.objects.filter(person=son).count() == 1
    assert len(_events("household.existing_member_added")) == 1


def test_the_page_finds_people_by_name_offers_them_as_radio_buttons_and_keeps_the_input(
    world, case, son, make_person
):
    make_person(registered_by=world.other_plaza, **SON)  # the same name, registered elsewhere
    staff = browser(world.staff)
    html = page(staff.get(_existing_url(case)))
    assert 'name="q"' in html and 'name="search"' in html and "上の欄で探すと" in html
    listed = len(_events("person.viewed")) + len(_events("person.listed"))
    # The search button: the people found, nothing checked, nothing added.
    html = page(staff.post(_existing_url(case), {"q": "ささき けんいち", "search": "1", "relation": "child"}))
    assert html.count('type="radio" name="person"') == 1  # only the one the plaza may see
    assert (
        f'value="{son.pk}"' in html
        and "佐々木 健一（ささき けんいち） · 1972-06-01（昭和47年6月1日）" in html
    )
    assert "has-error" not in html and not HouseholdMember.objects.exists()
    assert "<legend>世帯員に加える人</legend>" in html and 'for=""' not in html  # a named radio group
    (shown,) = (_events("person.viewed") + _events("person.listed"))[listed:]
    assert sorted(json.loads(shown.fields)) == ["birth_date", "kana", "name"]
    assert "けんいち" not in shown.params and "健一" not in shown.params  # never the query
    # No relation chosen: the error beside it, the query, the people found and the choice kept.
    html = page(
        staff.post(_existing_url(case), {"q": "ささき けんいち", "person": str(son.pk), "is_carer": "on"})
    )
    assert "続柄を選んでください。" in html and 'value="ささき けんいち"' in html
    assert re.search(rf'<input type="radio" name="person" value="{son.pk}"[^>]* checked>', html)
    assert re.search(r'<input type="checkbox" name="is_carer"[^>]* checked>', html)
    assert not HouseholdMember.objects.exists()
    # Nobody chosen: said so.
    html = page(staff.post(_existing_url(case), {"q": "ささき けんいち", "relation": "child"}))
    assert "加える人を選んでください。" in html and not HouseholdMember.objects.exists()
    # Found by nothing: said so.
    html = page(staff.post(_existing_url(case), {"q": "いない ひと", "search": "1"}))
    assert "該当する人は見つかりませんでした" in html
    # Chosen and added: back to the case page's household (nobody shown, nothing recorded as shown).
    listed = len(_events("person.viewed")) + len(_events("person.listed"))
    response = staff.post(
        _existing_url(case), {"q": "ささき けんいち", "person": str(son.pk), "relation": "child"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#household-title")
    assert len(_events("person.viewed")) + len(_events("person.listed")) == listed
    assert HouseholdMember.objects.filter(person=son, relation="child").exists()
    # Found again now: marked as living here already, and refused beside the choice if chosen.
    html = page(staff.post(_existing_url(case), {"q": "佐々木 健一", "search": "1"}))
    assert "既にこの世帯の世帯員です" in html
    html = page(
        staff.post(_existing_url(case), {"q": "佐々木 健一", "person": str(son.pk), "relation": "child"})
    )
    assert "この人は既にこの世帯の世帯員です。" in html and 'class="field has-error"' in html


def test_the_search_never_offers_the_cases_own_person(world, case):
    html = page(browser(world.staff).post(_existing_url(case), {"q": "佐々木 トメ", "search": "1"}))
    assert 'type="radio" name="person"' not in html and "該当する人は見つかりませんでした" in html


# --- who may open the two pages -------------------------------------------------------------------


def test_who_may_not_change_the_persons_identity_gets_403_on_both_pages(world, case, son):
    membership = people.add_existing_household_member(
        actor=world.staff, case=case, person=son, relation="child"
    )
    shared_on_consent(world, case, world.agency, ["identity"])  # the agency sees, changes nothing
    pages = [_existing_url(case), _end_url(case, membership.pk)]
    for user in (world.commissioner, world.agency_worker, world.other_staff, world.privacy, world.admin):
        client = browser(user)
        for url in pages:
            assert client.get(url).status_code == 403, (user.username, url)
            assert client.post(url, {"person": str(son.pk), "relation": "child"}).status_code == 403
    for user in (world.commissioner, world.other_staff):  # …nor the services
        with pytest.raises(PermissionDenied):
            people.add_existing_household_member(actor=user, case=case, person=son, relation="child")
        with pytest.raises(PermissionDenied):
            people.end_household_membership(actor=user, case=case, member=membership, ended_on=TODAY())
    assert HouseholdMember.objects.get(pk=membership.pk).ended_on is None
    staff = browser(world.staff)
    assert all(staff.get(url).status_code == 200 for url in pages)


def test_a_contributing_agency_ends_a_membership_but_looks_nobody_up(world, case, son):
    """A contributor with the identity group changes the household; adding someone already
    registered also takes looking people up (cases.view_person), which an agency's role lacks."""
    membership = people.add_existing_household_member(
        actor=world.staff, case=case, person=son, relation="child"
    )
    agency_contributes(world, case, "identity")
    agency = browser(world.agency_worker)
    assert agency.get(_existing_url(case)).status_code == 403
    with pytest.raises(PermissionDenied):
        people.add_existing_household_member(
            actor=world.agency_worker, case=case, person=son, relation="child"
        )
    assert agency.get(_end_url(case, membership.pk)).status_code == 200
    people.end_household_membership(actor=world.agency_worker, case=case, member=membership, ended_on=TODAY())


# --- ending a membership ------------------------------------------------------------------------


def test_a_members_leaving_is_recorded_and_they_can_be_added_again(world, case, son):
    first = people.add_existing_household_member(actor=world.staff, case=case, person=son, relation="child")
    left_on = TODAY() - datetime.timedelta(days=400)
    ended = people.end_household_membership(actor=world.staff, case=case, member=first, ended_on=left_on)
    assert ended.ended_on == left_on
    (event,) = _events("household.member_ended")
    assert json.loads(event.fields) == ["ended_on"]
    assert left_on.isoformat() not in event.params and "健一" not in event.params
    # Moved back: a membership of its own; the former one kept.
    again = people.add_existing_household_member(actor=world.staff, case=case, person=son, relation="child")
    assert again.pk != first.pk
    assert list(
        HouseholdMember.objects.filter(person=son).order_by("pk").values_list("ended_on", flat=True)
    ) == [left_on, None]
    # Leaving again: not before the earlier leaving, when this stay began at the earliest.
    with pytest.raises(CaseRuleError) as refused:
        people.end_household_membership(
            actor=world.staff, case=case, member=again, ended_on=left_on - datetime.timedelta(days=1)
        )
    assert "ended_on" in refused.value.message_dict
    assert HouseholdMember.objects.get(pk=again.pk).ended_on is None


def test_a_leaving_in_the_future_or_twice_is_refused_and_changes_nothing(world, case, son):
    membership = people.add_existing_household_member(
        actor=world.staff, case=case, person=son, relation="child"
    )
    with pytest.raises(CaseRuleError) as refused:
        people.end_household_membership(
            actor=world.staff, case=case, member=membership, ended_on=TODAY() + datetime.timedelta(days=1)
        )
    assert "ended_on" in refused.value.message_dict
    assert HouseholdMember.objects.get(pk=membership.pk).ended_on is None
    people.end_household_membership(actor=world.staff, case=case, member=membership, ended_on=TODAY())
    with pytest.raises(CaseRuleError) as refused:
        people.end_household_membership(actor=world.staff, case=case, member=membership, ended_on=TODAY())
    assert refused.value.messages == [f"この世帯員は既に世帯を離れています（{TODAY().isoformat()}）。"]
    assert len(_events("household.member_ended")) == 1


def test_the_end_page_names_the_member_keeps_what_was_typed_and_says_why(world, case, son):
    membership = people.add_existing_household_member(
        actor=world.staff, case=case, person=son, relation="child"
    )
    staff = browser(world.staff)
    url = _end_url(case, membership.pk)
    html = page(staff.get(url))
    assert "佐々木 健一（子）が世帯を離れた日を記録します。" in html
    assert f'value="{TODAY().isoformat()}"' in html  # today, to start from
    for typed, reason in (
        ("2999-01-01", "今日より後の日付は入力できません。"),
        ("昭和99年1月1日", "日付は 2024-04-01 や 令和6年4月1日 の形で入力してください"),
    ):
        html = page(staff.post(url, {"ended_on": typed}))
        assert f'value="{typed}"' in html and reason in html and 'class="field has-error"' in html
    assert HouseholdMember.objects.get(pk=membership.pk).ended_on is None
    response = staff.post(url, {"ended_on": "令和6年3月31日"})
    assert response.status_code == 302 and response["Location"].endswith("#household-title")
    assert HouseholdMember.objects.get(pk=membership.pk).ended_on == datetime.date(2024, 3, 31)
    html = page(staff.post(url, {"ended_on": "令和6年4月1日"}))  # already ended: said so
    assert "この世帯員は既に世帯を離れています（2024-03-31）。" in html
    assert HouseholdMember.objects.get(pk=membership.pk).ended_on == datetime.date(2024, 3, 31)


@pytest.mark.parametrize(
    "member_id", ["abc", "-1", "１", "²", "1.0", "99999999999999999999999", "0", "' OR 1=1 --"]
)
def test_a_garbled_member_id_is_refused_and_recorded(world, case, son, member_id):
    people.add_existing_household_member(actor=world.staff, case=case, person=son, relation="child")
    denied = len(_events("case.denied"))
    staff = browser(world.staff)
    assert staff.get(_end_url(case, member_id)).status_code == 403
    assert staff.post(_end_url(case, member_id), {"ended_on": "2024-01-01"}).status_code == 403
    assert _denied_actions()[denied:] == ["end_household_membership"] * 2
    assert not HouseholdMember.objects.filter(ended_on__isnull=False).exists()


def test_a_member_of_another_household_is_refused_like_a_missing_one(world, case, concern, son):
    other_case = take(world, concern(identity={"name": "山本 ハル", "kana": "やまもと はる"}))
    theirs = people.add_household_member(actor=world.staff, case=other_case, relation="child", **DAUGHTER)
    staff = browser(world.staff)
    assert staff.get(_end_url(case, theirs.pk)).status_code == 403  # exists, but not hers
    assert staff.get(_end_url(case, 10**9)).status_code == 403  # does not exist
    with pytest.raises(PermissionDenied):
        people.end_household_membership(actor=world.staff, case=case, member=theirs, ended_on=TODAY())
    assert _denied_actions()[-3:] == ["end_household_membership"] * 3
    assert HouseholdMember.objects.get(pk=theirs.pk).ended_on is None
    assert staff.get(_end_url(other_case, theirs.pk)).status_code == 200  # from its own case


def test_one_current_membership_per_person_and_household_in_the_database(world, case, son):
    membership = people.add_existing_household_member(
        actor=world.staff, case=case, person=son, relation="child"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.create(household_id=membership.household_id, person=son, relation="child")
    HouseholdMember.objects.filter(pk=membership.pk).update(ended_on=TODAY())
    HouseholdMember.objects.create(household_id=membership.household_id, person=son, relation="child")


# --- the case page ------------------------------------------------------------------------------


def test_the_case_page_folds_former_members_away_with_the_day_they_left(world, case, son):
    people.add_household_member(actor=world.staff, case=case, relation="child", is_carer=True, **DAUGHTER)
    membership = people.add_existing_household_member(
        actor=world.staff, case=case, person=son, relation="child"
    )
    people.end_household_membership(
        actor=world.staff, case=case, member=membership, ended_on=datetime.date(2019, 3, 31)
    )
    html = _detail(world.staff, case)
    current, former = html.split('<details class="former-members">')
    assert "佐々木 美咲" in current and "佐々木 健一" not in current
    assert "以前の世帯員（1人）" in former and "佐々木 健一" in former and "〜2019-03-31" in former
    assert "1972-06-01（昭和47年6月1日）" in former
    assert _end_url(case, membership.pk) not in html  # a former member leaves no more
    daughter = HouseholdMember.objects.get(relation="child", ended_on__isnull=True)
    assert _end_url(case, daughter.pk) in current and _existing_url(case) in html
    viewed = _events("case.viewed")[-1]  # the page recorded showing both, the former one too
    assert sorted(json.loads(viewed.params)["people"]) == sorted([str(son.pk), str(daughter.person_id)])
    # The reporting commissioner sees none of it.
    assert browser(world.commissioner).get(reverse("cases:case_detail", args=[case.pk])).status_code == 403


def test_when_the_person_leaves_the_household_everyone_in_it_is_former_on_their_case(world, case, son):
    people.add_existing_household_member(actor=world.staff, case=case, person=son, relation="child")
    own = HouseholdMember.objects.get(person_id=case.person_id)
    people.end_household_membership(
        actor=world.staff, case=case, member=own, ended_on=datetime.date(2024, 10, 1)
    )  # into a care home
    html = _detail(world.staff, case)
    former = html.split('<details class="former-members">')[1]
    assert "以前の世帯員（2人）" in former and "佐々木 健一" in former and former.count("〜2024-10-01") == 2
    # A member added now makes her a household of her own.
    people.add_household_member(actor=world.staff, case=case, relation="other", name="施設の 同室者")
    assert Household.objects.count() == 2
    current = _detail(world.staff, case).split('<details class="former-members">')[0]
    assert "施設の 同室者" in current and "佐々木 健一" not in current


def test_former_members_cost_the_case_page_no_statement_more(world, case, son):
    url = reverse("cases:case_detail", args=[case.pk])
    staff = browser(world.staff)
    membership = people.add_existing_household_member(
        actor=world.staff, case=case, person=son, relation="child"
    )
    _html, before = statements(staff, url)
    people.end_household_membership(actor=world.staff, case=case, member=membership, ended_on=TODAY())
    html, after = statements(staff, url)
    assert "以前の世帯員" in html and len(after) == len(before) and len(set(after)) == len(after)
    (union,) = [sql for sql in after if "cases_householdmember" in sql]
    assert "UNION ALL" in union


def test_the_demo_has_a_member_who_moved_out(demo_data):  # noqa: F811
    (former,) = HouseholdMember.objects.filter(ended_on__isnull=False).select_related("person__data_key")
    assert former.relation == "child" and former.ended_on < TODAY()
    assert HouseholdMember.objects.filter(household=former.household, ended_on__isnull=True).count() >= 2
