"""Acceptance deadlines count the working days of Japanese public offices."""

import datetime

import pytest

from referrals.working_days import add_working_days, is_working_day

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 11, 24), 2, D(2026, 11, 26)),  # Tuesday → Thursday: nothing in between
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday → Monday: the weekend does not count
        # Golden Week: 5/3 (Sunday) 憲法記念日, 5/4 みどりの日, 5/5 こどもの日, 5/6 振替休日.
        (D(2026, 5, 1), 2, D(2026, 5, 8)),
        # Silver Week: 9/21 敬老の日, 9/22 国民の休日 (between two holidays), 9/23 秋分の日.
        (D(2026, 9, 18), 1, D(2026, 9, 24)),
        # Year-end closure 12/29–1/3, then 1/11 成人の日 (second Monday of January 2027).
        (D(2026, 12, 28), 1, D(2027, 1, 4)),
        (D(2027, 1, 8), 1, D(2027, 1, 12)),
        (D(2026, 11, 24), 0, D(2026, 11, 24)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_working_days():
    assert is_working_day(D(2026, 11, 27))  # a Friday
    assert not is_working_day(D(2026, 11, 23))  # 勤労感謝の日
    assert not is_working_day(D(2026, 11, 28))  # a Saturday
    assert not is_working_day(D(2026, 12, 29)) and not is_working_day(D(2027, 1, 2))
    with pytest.raises(ValueError):
        add_working_days(D(2026, 11, 27), -1)
