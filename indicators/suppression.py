"""Small numbers kept from being told: a figure shown outside the organisation that holds its
records hides the counts from 1 to threshold − 1 (a handful of contacts can point at a person),
then hides more — secondary suppression — until no small figure can be worked out from the rest.

A table is its figures (cells and totals alike) and its sums: each sum names its parts and its
total. Someone holding the table knows every sum and every figure shown, so the hidden figures
are the unknowns of a set of linear equations. A hidden figure is given away when the equations
fix it — not only when a sum hides it alone, but through any combination of sums (two hidden
figures forced equal by one sum and added in another). After the small figures are hidden, as long
as the equations fix one of them, one more figure beside it is hidden — the first part shown of a
sum it is in, chosen by place and never by size, a total only when no part is left — and the
equations are solved again."""

from collections.abc import Sequence
from fractions import Fraction

Cell = tuple[int, int]
Sum = tuple[Sequence[Cell], Cell]  # (its parts, its total)


def suppressed(values: list[list[int]], sums: list[Sum], threshold: int) -> set[Cell]:
    """The figures to hide: every one from 1 to threshold − 1, and as many more as it takes for
    none of those to be fixed by the table's sums."""
    small = {(r, c) for r, row in enumerate(values) for c, value in enumerate(row) if 0 < value < threshold}
    hidden = set(small)
    while given_away := sorted(fixed(sums, hidden) & small):
        cell = given_away[0]
        hidden.add(_beside(cell, values, sums, hidden))
    return hidden


def fixed(sums: list[Sum], hidden: set[Cell]) -> set[Cell]:
    """The hidden figures that the sums determine, whatever the others are: a figure is fixed when
    the equations, reduced, have a row naming it alone."""
    unknowns = sorted(hidden)
    column = {cell: j for j, cell in enumerate(unknowns)}
    rows = []
    for parts, total in sums:
        row = [Fraction(0)] * len(unknowns)
        for cell in parts:
            if cell in column:
                row[column[cell]] += 1
        if total in column:
            row[column[total]] -= 1
        if any(row):
            rows.append(row)
    found = set()
    for row in _reduced(rows):
        named = [j for j, value in enumerate(row) if value]
        if len(named) == 1:
            found.add(unknowns[named[0]])
    return found


def _reduced(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """The rows in reduced row echelon form (exact arithmetic: no rounding decides a leak)."""
    rows = [list(row) for row in rows]
    pivot_row = 0
    width = len(rows[0]) if rows else 0
    for j in range(width):
        pivot = next((i for i in range(pivot_row, len(rows)) if rows[i][j]), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][j]
        rows[pivot_row] = [value / lead for value in rows[pivot_row]]
        for i in range(len(rows)):
            if i != pivot_row and rows[i][j]:
                factor = rows[i][j]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[pivot_row], strict=True)]
        pivot_row += 1
    return rows[:pivot_row]


def _beside(cell: Cell, values: list[list[int]], sums: list[Sum], hidden: set[Cell]) -> Cell:
    """One more figure to hide with ``cell``: of the sums it is in, the first part shown by place
    (a non-zero one first: hiding a zero tells the least), else a total shown, else the first
    figure shown anywhere. By place, not by size: were it the smallest, whoever knows the rule
    would know the other hidden figure is no larger than any shown, and could bound the small one."""

    def value(other: Cell) -> int:
        return values[other[0]][other[1]]

    parts = [other for ps, total in sums if cell in (*ps, total) for other in ps if other not in hidden]
    if parts:
        return min(parts, key=lambda other: (value(other) == 0, other))
    totals = [total for ps, total in sums if cell in (*ps, total) and total not in hidden]
    if totals:
        return min(totals)
    # Its sums hide all they hold, yet others fix it: the smallest figure shown anywhere. (With
    # every figure hidden, none is fixed: the sums alone cannot tell a count from zero.)
    shown = [(r, c) for r, row in enumerate(values) for c in range(len(row)) if (r, c) not in hidden]
    return min(shown, key=lambda other: (value(other) == 0, other))
