"""Normalisation for exact search on encrypted fields (blind indexes).

「やまだ　はなこ」, 「ヤマダハナコ」 and 「ﾔﾏﾀﾞ ﾊﾅｺ」 normalise alike: NFKC (jaconv.normalize, which also
unifies width and wave-dash variants), katakana folded to hiragana (jaconv.kata2hira), spaces —
including the ideographic space — and the middle dot ・ removed, Latin letters case-folded.
"""

import datetime
import re

import jaconv

_REMOVED = re.compile(r"[\s・･]+")
_NON_DIGITS = re.compile(r"\D+")


def normalise_name(value: str) -> str:
    text = jaconv.kata2hira(jaconv.normalize(value, "NFKC"))
    return _REMOVED.sub("", text).casefold()


def normalise_phone(value: str) -> str:
    return _NON_DIGITS.sub("", jaconv.normalize(value, "NFKC"))


def normalise_date(value: datetime.date) -> str:
    return value.isoformat()


# Birth dates of elderly residents are usually given in the Japanese era calendar (和暦). Each era
# from the day it began (the day after the previous one ended): 昭和64年1月8日 and 平成元年1月7日 do
# not exist, and a date outside its era is refused rather than read as another day.
ERAS = (
    ("令和", "R", datetime.date(2019, 5, 1)),
    ("平成", "H", datetime.date(1989, 1, 8)),
    ("昭和", "S", datetime.date(1926, 12, 25)),
    ("大正", "T", datetime.date(1912, 7, 30)),
    ("明治", "M", datetime.date(1868, 10, 23)),
)
_ERA_SPANS: dict[str, tuple[datetime.date, datetime.date | None]] = {}
_end = None
for _name, _letter, _start in ERAS:  # newest first: each era ends the day before the next began
    _ERA_SPANS[_name] = _ERA_SPANS[_letter] = (_start, _end)
    _end = _start - datetime.timedelta(days=1)
_DASHES = re.compile(r"[‐‑‒–—―−ー]")
_DATE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])?(?P<y>\d{1,4}|元)[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"
)


def parse_date(text: str) -> datetime.date | None:
    """A typed date: 1948-03-15, 1948/3/15, 1948年3月15日, 昭和23年3月15日, S23.3.15, and any of them
    in full-width digits (「２０１１－０８－０９」). None for anything else, including a day that does
    not exist and an era date outside its era."""
    text = _DASHES.sub("-", _REMOVED.sub("", jaconv.normalize(text, "NFKC"))).upper()
    match = _DATE.match(text)
    if not match:
        return None
    year = 1 if match["y"] == "元" else int(match["y"])
    era = _ERA_SPANS.get(match["era"]) if match["era"] else None
    if era:
        year += era[0].year - 1
    elif match["y"] == "元":
        return None
    try:
        date = datetime.date(year, int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    if era and not (era[0] <= date and (era[1] is None or date <= era[1])):
        return None
    return date


def wareki(date: datetime.date) -> str:
    """The date in the era calendar, as forms and documents print it: 昭和23年3月15日, 令和元年5月1日."""
    for name, _letter, start in ERAS:
        if date >= start:
            year = date.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{date.month}月{date.day}日"
    return f"{date.year}年{date.month}月{date.day}日"
