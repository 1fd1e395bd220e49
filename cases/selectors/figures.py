"""Counts for the plan's indicators (the ``indicators`` app reads them): plaintext columns only,
nothing personal decrypted or shown, so nothing to record."""

import datetime
from collections.abc import Iterable

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from accounts.models import Area
from cases.models import ContactLog


def contact_counts(
    districts: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[tuple[int, int, str], int]:
    """Indicator ⑧'s counts: the commissioners' consultations and liaisons in these districts
    between two days (both included), by (district id, month, counterpart) — kinds together."""
    rows = (
        ContactLog.objects.filter(district__in=list(districts), occurred_on__gte=start, occurred_on__lte=end)
        .order_by()
        .annotate(month=ExtractMonth("occurred_on"))
        .values_list("district_id", "month", "counterpart")
        .annotate(n=Count("pk"))
    )
    return {(district, month, counterpart): n for district, month, counterpart, n in rows}
