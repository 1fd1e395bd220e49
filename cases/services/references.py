"""Case numbers people can say and write: 2026-はまかぜ-0123 — the fiscal year the case came in,
its numbering unit, a sequence that starts again each fiscal year. Never the database id.

The numbering unit is the ward where the municipality has wards (each ward office numbers its own
cases, as its registers do) and the municipality where it has none; its short name is its name
without 区・市・町・村. Two units of the same short name share one sequence, so that a number
stays unique whatever the area tree holds.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Area, AreaLevel
from cases.models import CaseReferenceCounter
from privacy.normalise import fiscal_year_of

SHORT_NAME_LENGTH = 20  # a prefix of 4 + 1 + 20 fits CaseReferenceCounter.prefix
NUMBER_DIGITS = 4  # 0001…9999; a larger unit's numbers simply grow a digit


fiscal_year = fiscal_year_of  # the name migration 0009 imports


def short_name(name: str) -> str:
    """はまかぜ区 → はまかぜ, つなぐ市 → つなぐ: the name as a case number carries it."""
    if len(name) > 1 and name[-1] in "区市町村":
        name = name[:-1]
    return name[:SHORT_NAME_LENGTH]


def numbering_unit(area: Area) -> Area:
    """The ward the area lies in, or its municipality where there is no ward."""
    chain = [area, *area.ancestors()]
    return next((a for a in chain if a.level == AreaLevel.WARD), chain[-1])


def reference_prefix(area: Area, day: datetime.date) -> str:
    return f"{fiscal_year_of(day)}-{short_name(numbering_unit(area).name)}"


def format_reference(prefix: str, number: int) -> str:
    return f"{prefix}-{number:0{NUMBER_DIGITS}d}"


def allocate_case_reference(area: Area, day: datetime.date | None = None) -> str:
    """The next case number for a case of this area coming in on ``day`` (today), taken inside
    the caller's transaction: the counter row stays locked until it commits, so that a concurrent
    creation waits for it and takes the next number (on SQLite the whole database's write lock,
    BEGIN IMMEDIATE, does the same). A rolled-back creation gives its number back."""
    (reference,) = allocate_case_references(area, day or timezone.localdate(), 1)
    return reference


def allocate_case_references(area: Area, day: datetime.date, count: int) -> list[str]:
    """``count`` consecutive case numbers at once (an import), as ``allocate_case_reference``
    takes one."""
    prefix = reference_prefix(area, day)
    counter = CaseReferenceCounter.objects.filter(prefix=prefix)
    with transaction.atomic():
        # UPDATE takes the row lock and adds to the value as committed, however long it waited.
        if not counter.update(last=F("last") + count):
            # The fiscal year's first case creates the row. Two at once: one insert wins, the other
            # (IntegrityError in get_or_create's savepoint) finds the winner's row; both then count.
            CaseReferenceCounter.objects.get_or_create(prefix=prefix)
            counter.update(last=F("last") + count)
        last = counter.values_list("last", flat=True).get()
    return [format_reference(prefix, number) for number in range(last - count + 1, last + 1)]
