"""Working days of Japanese public offices, for referral deadlines.

Not a working day: Saturdays, Sundays, national holidays (jpholiday: 振替休日 and 国民の休日
included) and the year-end closure of 29 December to 3 January (行政機関の休日に関する法律 §1).
"""

import datetime

import jpholiday


def is_working_day(day: datetime.date) -> bool:
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return not ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day
