"""Counts for the plan's indicators (the ``indicators`` app reads them): plaintext columns only,
nothing personal decrypted or shown, so nothing to record."""

import datetime
from collections.abc import Iterable

from django.db.models import Count

from accounts.models import Area
from cases.models import ContactLog


def contact_counts(
    districts: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[tuple[int, int, str], int]:
    """Indicator ⑧'s counts: the commissioners' consultations and liaisons in these districts
    between two days (both included), by (district id, month, counterpart) — kinds together."""
    # Grouped by day, the months summed here: a month extracted in SQL is a function call per row
    # on SQLite (bench/indicators.py), and a year has no more than 366 days a district.
    rows = (
        ContactLog.objects.filter(district__in=list(districts), occurred_on__gte=start, occurred_on__lte=end)
        .order_by()
        .values_list("district_id", "occurred_on", "counterpart")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[int, int, str], int] = {}
    for district, day, counterpart, n in rows:
        key = (district, day.month, counterpart)
        counts[key] = counts.get(key, 0) + n
    return counts
