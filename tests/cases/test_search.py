"""Search that finds people: by surname or given name alone, through variant kanji, by a date typed
in full-width digits or the era calendar; only people the user may see, each with the cases they
may open; every search in the audit trail by field names, never the query."""

import datetime
import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.access import grant_access
from cases.models import AccessLevel, CaseAccessGrant, Person
from cases.selectors import person_search
from cases.selectors.search import RESULT_LIMIT, people_found
from cases.vocabulary import FieldGroup
from tests.screens import browser, follow_post, page


def found(actor, query: str) -> list:
    return [result.person.pk for result in people_found(actor, query).people]


def test_the_surname_alone_or_the_given_name_alone_finds_the_person(world, make_person):
    hanako = make_person(name="山田　花子", kana="ヤマダ ハナコ")
    make_person(name="田中 花江", kana="たなか はなえ")
    for query in ["山田", "やまだ", "ﾔﾏﾀﾞ", "花子", "はなこ", "山田 花子", "やまだ　はなこ", "山田花子"]:
        assert found(world.staff, query) == [hanako.pk], query
    # Exact parts only: never a prefix or a piece of a word, never a surname paired with another's name.
    for query in ["山", "やま", "はな", "田中 花子", "花子 山田", "山田 はな"]:
        assert found(world.staff, query) == [], query


def test_a_name_typed_without_a_space_is_found_whole_but_not_by_its_parts(world, make_person):
    person = make_person(name="山田花子")
    assert person.surname_index is None and person.given_name_index is None
    assert found(world.staff, "山田花子") == [person.pk]
    assert found(world.staff, "山田") == []


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("高橋 一郎", "髙橋"),
        ("髙橋 一郎", "高橋"),
        ("髙橋 一郎", "高橋一郎"),
        ("山崎 二郎", "山﨑"),
        ("山﨑 二郎", "山崎 二郎"),
        ("渡辺 三郎", "渡邊"),
        ("渡邊 三郎", "渡辺"),
        ("渡邉 三郎", "渡邊 三郎"),
        ("齋藤 四郎", "斎藤"),
        ("濱田 五郎", "浜田"),
        ("澤井 六郎", "沢井"),
    ],
)
def test_variant_kanji_find_each_other(world, make_person, stored, typed):
    person = make_person(name=stored)
    make_person(name="高田 七郎")
    assert found(world.staff, typed) == [person.pk]


@pytest.mark.parametrize(
    "typed",
    [
        "２０１１－０８－０９",
        "２０１１/８/９",
        "2011-08-09",
        "平成23年8月9日",
        "平成２３年８月９日",
        "H23.8.9",
    ],
)
def test_a_date_of_birth_in_full_width_digits_or_the_era_calendar_finds_the_person(world, make_person, typed):
    yui = make_person(name="佐藤 ゆい", birth_date=datetime.date(2011, 8, 9))
    make_person(name="佐藤 ゆう", birth_date=datetime.date(2011, 8, 10))
    assert found(world.staff, typed) == [yui.pk]


def test_people_the_user_may_not_see_are_neither_shown_nor_counted(world, make_person, make_case):
    mine = make_person(name="高橋 一郎")  # registered by the user's plaza
    make_person(name="高橋 次郎", registered_by=world.other_plaza)
    # A case shared with the user's plaza for its concern only: the user may open it, not read who.
    shared = make_person(name="高橋 三郎", registered_by=world.other_plaza)
    grant_access(
        case=make_case(shared, lead_organisation=world.other_plaza),
        granted_by=None,
        organisation=world.plaza,
        level=AccessLevel.VIEW,
        reason=CaseAccessGrant.Reason.DISCLOSURE,
        field_groups=[FieldGroup.CONCERN],
    )
    results = people_found(world.staff, "髙橋")
    assert [r.person.pk for r in results.people] == [mine.pk]
    assert results.count == 1
    html = follow_post(browser(world.staff), reverse("cases:person_search"), {"q": "たかはし"})
    assert "高橋 一郎" not in html  # no kana on the record: the kana search finds none
    html = follow_post(browser(world.staff), reverse("cases:person_search"), {"q": "高橋"})
    assert "1 件見つかりました" in html and "高橋 一郎" in html
    assert "次郎" not in html and "三郎" not in html
    assert found(world.other_staff, "高橋") == [
        p.pk for p in Person.objects.filter(registered_by=world.other_plaza).order_by("-created_at")
    ]


def test_a_user_without_the_search_finds_no_one(world, make_person):
    # Even a person the commissioners' council registered itself (a concern's subject).
    make_person(name="高橋 一郎", registered_by=world.commissioner.memberships.get().organisation)
    assert found(world.commissioner, "高橋") == []
    assert browser(world.commissioner).post(reverse("cases:person_search"), {"q": "高橋"}).status_code == 403


def test_results_link_to_the_cases_the_user_may_open_and_to_no_other(world, concern, make_case):
    case = concern()  # the commissioner's concern, taken in by the user's plaza
    person = case.person
    closed = make_case(person, state="closed", lead_organisation=world.plaza)
    grant_access(
        case=closed,
        granted_by=None,
        organisation=world.plaza,
        level=AccessLevel.VIEW,
        reason=CaseAccessGrant.Reason.OWNER,
        field_groups=list(FieldGroup.values),
    )
    elsewhere = make_case(person, lead_organisation=world.other_plaza)  # no grant to the user's plaza
    results = people_found(world.staff, "佐々木")
    assert [r.person.pk for r in results.people] == [person.pk]
    assert {c.pk for c in results.people[0].cases} == {case.pk, closed.pk}
    html = follow_post(browser(world.staff), reverse("cases:person_search"), {"q": "佐々木"})
    assert reverse("cases:case_detail", args=[case.pk]) in html
    assert reverse("cases:case_detail", args=[closed.pk]) in html  # a closed case is still found
    assert reverse("cases:case_detail", args=[elsewhere.pk]) not in html
    page(browser(world.staff).get(reverse("cases:case_detail", args=[closed.pk])))  # and it opens


def test_a_search_is_recorded_with_field_names_never_the_query(world, make_person):
    hanako = make_person(name="山田 花子", kana="やまだ はなこ")
    before = AuditEvent.objects.count()
    person_search(world.staff, "ハナコ")
    (event,) = AuditEvent.objects.order_by("sequence")[before:]
    assert event.person_id == str(hanako.pk)
    assert sorted(json.loads(event.fields)) == ["birth_date", "kana", "name"]
    assert event.purpose == "search"
    recorded = json.dumps([getattr(event, f.attname) for f in AuditEvent._meta.fields], default=str)
    assert "ハナコ" not in recorded and "はなこ" not in recorded and "花子" not in recorded


def test_a_long_list_shows_the_newest_and_counts_them_all(world, make_person):
    people = [make_person(name=f"鈴木 {n}") for n in range(RESULT_LIMIT + 2)]
    results = people_found(world.staff, "すずき")  # no kana: nothing
    assert results.count == 0
    results = people_found(world.staff, "鈴木")
    assert results.count == RESULT_LIMIT + 2 and results.more
    assert [r.person.pk for r in results.people] == [p.pk for p in reversed(people)][:RESULT_LIMIT]
