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


# Birth dates of elderly residents are usually given in the Japanese era calendar (和暦).
_ERAS = {
    "明治": 1867,
    "大正": 1911,
    "昭和": 1925,
    "平成": 1988,
    "令和": 2018,
    "M": 1867,
    "T": 1911,
    "S": 1925,
    "H": 1988,
    "R": 2018,
}
_DATE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])?(?P<y>\d{1,4}|元)[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$"
)


def parse_date(text: str) -> datetime.date | None:
    """A date typed in a search box: 1948-03-15, 1948/3/15, 1948年3月15日, 昭和23年3月15日, S23.3.15."""
    match = _DATE.match(_REMOVED.sub("", jaconv.normalize(text, "NFKC")).upper())
    if not match:
        return None
    year = 1 if match["y"] == "元" else int(match["y"])
    if match["era"]:
        year += _ERAS[match["era"]]
    try:
        return datetime.date(year, int(match["m"]), int(match["d"]))
    except ValueError:
        return None
