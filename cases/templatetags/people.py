"""``{{ date|wareki }}``: a date in the Japanese era calendar with the Western one beside it —
昭和23年3月15日（1948年）— as people born under an era give and read their date of birth."""

import datetime

from django import template

register = template.Library()

# Each era's first day, latest first (明治 from the calendar reform's first Gregorian year).
_ERAS = [
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
    (datetime.date(1912, 7, 30), "大正"),
    (datetime.date(1873, 1, 1), "明治"),
]


def era_date(value: datetime.date) -> str:
    """昭和23年3月15日; 平成元年1月8日 for an era's first year; the Western date before 明治6年."""
    for start, era in _ERAS:
        if value >= start:
            year = value.year - start.year + 1 if era != "明治" else value.year - 1867
            return f"{era}{'元' if year == 1 else year}年{value.month}月{value.day}日"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def wareki(value) -> str:
    """A date as 昭和23年3月15日（1948年）; anything else unchanged."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f"{era_date(value)}（{value.year}年）"
    return value
