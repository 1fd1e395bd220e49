"""Small numbers hidden where figures leave the organisation holding their records, and nothing
hidden given away by the totals: an attacker who solves every sum with one figure unknown — again
and again, as each answer opens the next — recovers no hidden figure, in generated tables and in
the file a ward caseworker downloads."""

import csv
import io
import re

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cases.models import ContactLog
from indicators.selectors import contact_sums
from indicators.suppression import suppressed
from privacy.normalise import fiscal_year_of
from tests.indicators.test_contacts import MONTHS, generated, table
from tests.screens import browser, page

COUNTERPARTS = 3


PRIME = 2**61 - 1  # ranks of these 0/±1 matrices, exact in this field as over the rationals here


def rank(rows: list[list[int]]) -> int:
    rows, count = [[value % PRIME for value in row] for row in rows], 0
    for j in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(count, len(rows)) if rows[i][j]), None)
        if pivot is None:
            continue
        rows[count], rows[pivot] = rows[pivot], rows[count]
        inverse = pow(rows[count][j], PRIME - 2, PRIME)
        for i in range(count + 1, len(rows)):
            if rows[i][j]:
                factor = rows[i][j] * inverse % PRIME
                rows[i] = [(a - factor * b) % PRIME for a, b in zip(rows[i], rows[count], strict=True)]
        count += 1
    return count


def recovered(values, sums, hidden) -> set:
    """What someone with the table works out exactly: a hidden figure whose own equation (it alone)
    follows from the sums — adding it to them does not raise their rank. (Another method than the
    one suppression uses: no shared mistake.)"""
    unknowns = sorted(hidden)
    equations = []
    for parts, total in sums:
        row = [(cell in parts) - (cell == total) for cell in unknowns]
        if any(row):
            equations.append(row)
    base = rank(equations)
    alone = [[int(cell == other) for other in unknowns] for cell in unknowns]
    return {cell for cell, own in zip(unknowns, alone, strict=True) if rank([*equations, own]) == base}


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


# A table in which hiding each sum's lone hidden figure was not enough: two sums fixed a small one
# together (found in review; kept so that the test always meets it).
GIVEN_AWAY = [
    [7, 0, 1, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0],
    [3, 12, 0, 15, 0, 0, 0, 1, 0, 0, 0, 10, 0, 0, 0, 4],
    [8, 1, 12, 21, 0, 0, 2, 2, 0, 0, 11, 0, 0, 6, 0, 0],
    [33, 3, 1, 37, 11, 0, 9, 0, 0, 6, 11, 0, 0, 0, 0, 0],
    [23, 1, 3, 27, 10, 10, 0, 0, 0, 4, 3, 0, 0, 0, 0, 0],
    [74, 17, 17, 108, 21, 10, 11, 3, 0, 10, 25, 10, 0, 14, 0, 4],
]


@example(GIVEN_AWAY, 5)
@settings(max_examples=100, deadline=None)
@given(district_tables(), st.integers(min_value=2, max_value=10))
def test_no_hidden_figure_is_recovered_from_the_totals(values, threshold):
    sums = contact_sums(len(values) - 1, COUNTERPARTS)
    for parts, total in sums:  # the generated table holds its sums
        assert sum(values[r][c] for r, c in parts) == values[total[0]][total[1]]
    hidden = suppressed(values, sums, threshold)
    small = {(r, c) for r, row in enumerate(values) for c, v in enumerate(row) if 0 < v < threshold}
    assert small <= hidden
    assert not recovered(values, sums, hidden) & small
    for parts, total in sums:  # so, in particular, no sum hides a small figure alone
        assert not (sum(cell in hidden for cell in (*parts, total)) == 1 and hidden & small & {*parts, total})


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
    hidden = {(r, c) for r, row in enumerate(rows) for c, n in enumerate(row[1:]) if n == "＊"}
    # The true figures, from what was made, in the file's rows and columns.
    true = []
    for name, *_figures in rows[:-1]:
        mine = {k: n for k, n in made.items() if (k[0], k[1]) == (name, year)}
        by_counterpart = [
            sum(n for k, n in mine.items() if k[3] == code) for code in ContactLog.Counterpart.values
        ]
        true.append(
            [
                *by_counterpart,
                sum(by_counterpart),
                *(sum(n for k, n in mine.items() if k[2] == m) for m in MONTHS),
            ]
        )
    true.append([sum(column) for column in zip(*true, strict=True)])
    small = {(r, c) for r, row in enumerate(true) for c, n in enumerate(row) if 0 < n < 5}
    assert small and small <= hidden
    assert not recovered(true, contact_sums(len(rows) - 1, COUNTERPARTS), hidden) & small
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
    contacts = re.search(r'<section class="card" id="indicator-contacts">.*?</section>', html, re.S).group(0)
    assert "秘匿なし" in contacts and "＊" not in contacts


def test_the_second_figure_hidden_is_chosen_by_place_not_by_size():
    """Were it the smallest shown, a reader knowing the rule would learn that the other hidden
    figure is no larger than any shown (4, 6, 6 of 16: ＊, ＊, 6 — then the pair is 4 and 6)."""
    from indicators.selectors import column_sums

    for values in ([4, 6, 5], [4, 9, 6], [4, 6, 6]):
        grid = [[v] for v in values] + [[sum(values)]]
        assert suppressed(grid, column_sums(3, 1), 5) == {(0, 0), (1, 0)}, values
    grid = [[7], [6], [3], [16]]  # the small one last: the first shown beside it is the first row
    assert suppressed(grid, column_sums(3, 1), 5) == {(0, 0), (2, 0)}
