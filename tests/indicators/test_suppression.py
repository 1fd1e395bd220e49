"""Small numbers hidden where figures leave the organisation holding their records, and nothing
hidden given away by the totals: an attacker who solves every sum with one figure unknown — again
and again, as each answer opens the next — recovers no hidden figure, in generated tables and in
the file a ward caseworker downloads."""

import csv
import io

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.selectors import contact_sums
from indicators.suppression import suppressed
from privacy.normalise import fiscal_year_of
from tests.indicators.test_contacts import MONTHS, generated, table
from tests.screens import browser, page

COUNTERPARTS = 3


def recovered(values, sums, hidden) -> set:
    """What someone with the table works out: each sum with one figure unknown gives it, and each
    figure found may open another sum."""
    known = {(r, c) for r, row in enumerate(values) for c in range(len(row))} - hidden
    found, progress = set(), True
    while progress:
        progress = False
        for parts, total in sums:
            unknown = [cell for cell in (*parts, total) if cell not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                found.add(unknown[0])
                progress = True
    return found


def with_totals(cells: list[list[int]]) -> list[list[int]]:
    """Rows of (counterparts…, months…) as the page's table: the row's total between them, and a
    total row below."""
    rows = [[*row[:COUNTERPARTS], sum(row[:COUNTERPARTS]), *row[COUNTERPARTS:]] for row in cells]
    return [*rows, [sum(row[c] for row in rows) for c in range(len(rows[0]))]]


@st.composite
def district_tables(draw):
    """Districts whose months add up to the same total as their counterparts."""
    cells = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        months = draw(st.lists(st.integers(min_value=0, max_value=12), min_size=12, max_size=12))
        total = sum(months)
        first = draw(st.integers(min_value=0, max_value=total))
        second = draw(st.integers(min_value=0, max_value=total - first))
        cells.append([first, second, total - first - second, *months])
    return with_totals(cells)


@settings(max_examples=300, deadline=None)
@given(district_tables(), st.integers(min_value=2, max_value=10))
def test_no_hidden_figure_is_recovered_from_the_totals(values, threshold):
    sums = contact_sums(len(values) - 1, COUNTERPARTS)
    for parts, total in sums:  # the generated table holds its sums
        assert sum(values[r][c] for r, c in parts) == values[total[0]][total[1]]
    hidden = suppressed(values, sums, threshold)
    small = {(r, c) for r, row in enumerate(values) for c, v in enumerate(row) if 0 < v < threshold}
    assert small <= hidden
    assert not recovered(values, sums, hidden) & hidden
    for parts, total in sums:  # every sum hides none or at least two
        assert sum(cell in hidden for cell in (*parts, total)) != 1


def test_a_ward_caseworkers_file_gives_nothing_hidden_away(world):
    made, who = generated(world)
    year = fiscal_year_of(timezone.localdate())
    ward = browser(world.ward_worker)
    html = page(ward.get(reverse("indicators:index"), {"year": year}))
    assert "5未満の数" in html
    by_month = table(html, "contacts-by-month")
    assert None in [n for row in by_month.values() for n in row]  # something was small enough to hide
    read = list(
        csv.reader(
            io.StringIO(
                ward.get(reverse("indicators:contacts_csv"), {"year": year}).content.decode("utf-8-sig")
            )
        )
    )
    assert read[-1][0] == "注" and "5未満" in read[-1][1]
    rows = read[1:-1]
    values = [[None if n == "＊" else int(n) for n in row[1:]] for row in rows]
    hidden = {(r, c) for r, row in enumerate(values) for c, n in enumerate(row) if n is None}
    placeholder = [[0 if n is None else n for n in row] for row in values]
    assert not recovered(placeholder, contact_sums(len(rows) - 1, COUNTERPARTS), hidden)
    # What is shown is what was made; what is small is hidden.
    for district in who:
        for month, shown_value in zip(MONTHS, by_month[district.name], strict=True):
            expected = sum(
                n for (d, y, m, _c), n in made.items() if (d, y, m) == (district.name, year, month)
            )
            assert shown_value in (expected, None) and (shown_value is None or not 0 < expected < 5)


@override_settings(TSUNAGU_SMALL_NUMBERS=5)
def test_a_commissioner_sees_their_councils_own_figures_exactly(world):
    generated(world)
    html = page(browser(world.commissioner).get(reverse("indicators:index")))
    assert "秘匿なし" in html and "＊" not in html
