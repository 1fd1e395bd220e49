import datetime

import pytest

from accounts.models import Membership
from accounts.roles import Role
from cases.selectors import find_people
from privacy.normalise import normalise_name, parse_date


@pytest.fixture
def staff(demo):
    return demo.users["demo_plaza"]


@pytest.mark.parametrize(
    "spelling", ["やまだ　はなこ", "ヤマダハナコ", "ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ・ハナコ", " やまだ はなこ "]
)
def test_kana_and_width_spellings_find_the_same_person(make_person, staff, spelling):
    hanako = make_person(name="山田 花子", kana="やまだ はなこ")
    make_person(name="山田 花江", kana="やまだ はなえ")
    assert list(find_people(staff, spelling)) == [hanako]


def test_name_phone_and_birth_date_are_searchable(make_person, staff):
    hanako = make_person(
        name="山田 花子", kana="ヤマダ ハナコ", phone="045-123-4567", birth_date=datetime.date(1948, 3, 15)
    )
    for query in [
        "山田花子",
        "山田　花子",
        "０４５－１２３－４５６７",
        "0451234567",
        "1948-03-15",
        "昭和23年3月15日",
        "S23.3.15",
        "山田",  # the surname alone, and the given name alone (issue 18)
        "ハナコ",
    ]:
        assert list(find_people(staff, query)) == [hanako], query
    # Exact only: no prefix, no part of a word, no other day or number.
    for query in ["山", "花", "山田花", "やまだ はな", "045-123-4568", "1948-03-16", "", "   "]:
        assert list(find_people(staff, query)) == [], query


def test_index_spaces_do_not_cross(make_person, staff):
    # A name that is all digits is not a phone number, and vice versa.
    make_person(name="0451234567")
    make_person(name="鈴木 一郎", phone="0451234567")
    assert len(find_people(staff, "0451234567")) == 2


def test_people_of_other_organisations_and_unauthorised_users_find_nothing(make_person, demo, staff):
    make_person(name="山田 花子", registered_by=demo.plazas[1])
    assert list(find_people(staff, "山田花子")) == []
    commissioner = demo.users["demo_commissioner"]
    Membership.objects.create(user=commissioner, organisation=demo.plazas[1], role=Role.COMMISSIONER)
    assert list(find_people(commissioner, "山田花子")) == []


def test_indexes_are_truncated_and_not_the_value(make_person):
    person = make_person(name="山田 花子", kana="やまだ はなこ")
    assert len(person.name_index) == 16
    assert person.name_index != normalise_name("山田 花子").encode()[:16]
    assert person.kana_index != person.name_index


def test_normalisation_rules():
    assert normalise_name("ﾔﾏﾀﾞ ﾊﾅｺ") == normalise_name("やまだ　はなこ") == "やまだはなこ"
    assert normalise_name("Yamada HANAKO") == "yamadahanako"
    assert parse_date("令和元年5月1日") == datetime.date(2019, 5, 1)
    assert parse_date("平成31年2月30日") is None
    assert parse_date("山田") is None
