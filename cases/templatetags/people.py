"""``{{ date|wareki }}``: a date in the Japanese era calendar with the Western year beside it —
昭和23年3月15日（1948年）— as people born under an era give and read their date of birth."""

import datetime

from django import template

from privacy.normalise import wareki as era_date

register = template.Library()


@register.filter
def wareki(value) -> str:
    """A date as 昭和23年3月15日（1948年）; anything else unchanged."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f"{era_date(value)}（{value.year}年）"
    return value
