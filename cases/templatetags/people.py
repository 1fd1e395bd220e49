"""``{{ date|wareki }}``: a date of birth as screens show it, the Western date with its era date
beside it — 1948-03-15（昭和23年3月15日）— so that it reads for people who give their date in 和暦
and for those who give it in 西暦 (``privacy.normalise.date_with_wareki``)."""

import datetime

from django import template

from privacy.normalise import date_with_wareki

register = template.Library()


@register.filter
def wareki(value) -> str:
    """A date as 1948-03-15（昭和23年3月15日）; anything else unchanged."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return date_with_wareki(value)
    return value
