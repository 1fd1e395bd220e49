"""Dates as people type them: 和暦 with its era bounds, full-width digits, and no future for the
day something happened."""

import datetime

import pytest
from django.utils import timezone

from cases.forms import JapaneseDateField
from cases.templatetags.people import wareki as wareki_filter
from privacy.normalise import date_with_wareki, parse_date, wareki


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("２０１１－０８－０９", datetime.date(2011, 8, 9)),
        ("２０１１年８月９日", datetime.date(2011, 8, 9)),
        ("昭和２３年３月１５日", datetime.date(1948, 3, 15)),
        ("S23.3.15", datetime.date(1948, 3, 15)),
        ("昭和64年1月7日", datetime.date(1989, 1, 7)),  # the last day of Shōwa
        ("平成元年1月8日", datetime.date(1989, 1, 8)),  # the first of Heisei
        ("平成31年4月30日", datetime.date(2019, 4, 30)),
        ("令和元年5月1日", datetime.date(2019, 5, 1)),
        ("大正元年7月30日", datetime.date(1912, 7, 30)),
    ],
)
def test_dates_as_typed(typed, meant):
    assert parse_date(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "昭和64年1月8日",
        "平成元年1月7日",
        "平成31年5月1日",
        "令和元年4月30日",
        "大正15年12月25日",
        "元年1月1日",
        "2011-02-30",
    ],
)
def test_days_that_do_not_exist_are_refused(typed):
    assert parse_date(typed) is None


def test_wareki_is_how_forms_print_a_date():
    assert wareki(datetime.date(1948, 3, 15)) == "昭和23年3月15日"
    assert wareki(datetime.date(1989, 1, 7)) == "昭和64年1月7日"
    assert wareki(datetime.date(1989, 1, 8)) == "平成元年1月8日"
    assert wareki(datetime.date(2019, 5, 1)) == "令和元年5月1日"
    for day in (datetime.date(1930, 1, 1), datetime.date(1999, 12, 31), datetime.date(2026, 4, 1)):
        assert parse_date(wareki(day)) == day


def test_a_date_of_birth_shows_the_western_date_with_its_era_date_beside_it():
    assert date_with_wareki(datetime.date(1948, 3, 15)) == "1948-03-15（昭和23年3月15日）"
    assert date_with_wareki(datetime.date(1989, 1, 8)) == "1989-01-08（平成元年1月8日）"
    assert date_with_wareki(datetime.date(1868, 1, 1)) == "1868-01-01"  # before Meiji: no era here
    assert wareki_filter(datetime.date(2019, 5, 1)) == "2019-05-01（令和元年5月1日）"  # {{ d|wareki }}
    assert wareki_filter("") == ""  # anything but a date, unchanged


def test_the_date_field_reads_what_people_type_and_says_what_it_wants():
    field = JapaneseDateField(past=True)
    assert field.clean("令和元年5月1日") == datetime.date(2019, 5, 1)
    assert field.clean("２０１１－０８－０９") == datetime.date(2011, 8, 9)
    with pytest.raises(Exception) as refused:
        field.clean("昭和64年1月8日")
    assert "令和6年4月1日" in str(refused.value)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(Exception) as future:
        field.clean(tomorrow.isoformat())
    assert "今日より後" in str(future.value)
    assert field.clean(timezone.localdate().isoformat()) == timezone.localdate()
    assert JapaneseDateField().clean(tomorrow.isoformat()) == tomorrow  # a due date may be ahead
    assert JapaneseDateField(required=False).clean("") is None
