"""Small numbers kept from being told: a figure shown outside the organisation that holds its
records hides the counts from 1 to threshold − 1 (a handful of contacts can point at a person),
then hides more — secondary suppression — until no total gives a hidden figure away.

A table is its figures (cells and totals alike) and its sums: each sum names its parts and its
total. After the small figures are hidden, any sum with exactly one hidden figure would give it
away (the total minus the parts shown), so one more of its figures is hidden — the smallest part
shown, a total only when no part is left — until every sum hides none or at least two."""

from collections.abc import Sequence

Cell = tuple[int, int]
Sum = tuple[Sequence[Cell], Cell]  # (its parts, its total)


def suppressed(values: list[list[int]], sums: list[Sum], threshold: int) -> set[Cell]:
    """The figures to hide: every one from 1 to threshold − 1, and as many more as it takes."""
    hidden = {(r, c) for r, row in enumerate(values) for c, value in enumerate(row) if 0 < value < threshold}
    changed = True
    while changed:
        changed = False
        for parts, total in sums:
            members = [*parts, total]
            if sum(cell in hidden for cell in members) != 1:
                continue
            shown = [cell for cell in parts if cell not in hidden]
            # The smallest part shown (a non-zero one first: hiding a zero tells the least); the
            # total only when every part is hidden but one.
            candidates = sorted(
                shown, key=lambda cell: (values[cell[0]][cell[1]] == 0, values[cell[0]][cell[1]])
            )
            hidden.add(candidates[0] if candidates else total)
            changed = True
    return hidden
