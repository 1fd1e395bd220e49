"""Normalisation for exact search on encrypted fields (blind indexes).

「やまだ　はなこ」, 「ヤマダハナコ」 and 「ﾔﾏﾀﾞ ﾊﾅｺ」 normalise alike: NFKC (jaconv.normalize, which also
unifies width and wave-dash variants), variant kanji folded to one form (fold_variants: 髙橋 and
高橋, 山﨑 and 山崎, 渡邊 and 渡辺), katakana folded to hiragana (jaconv.kata2hira), spaces —
including the ideographic space — and the middle dot ・ removed, Latin letters case-folded.

A name is also indexed by its parts (split_name): the surname and the given name, each searchable
alone. Changing anything here changes the stored indexes: bump INDEX_VERSION and run
``manage.py reindex_people`` (docs/privacy.md).
"""

import datetime
import re

import jaconv
import jpnorm

# The normalisation the stored blind indexes were computed with (Person.index_version). Version 1:
# before the variant-kanji fold and the name parts. tests/privacy/test_normalise.py holds the
# fingerprint of each version and fails when the normalisation changes without a new one.
INDEX_VERSION = 2


def current_index_version() -> int:
    """A new row's indexes are computed with the current normalisation (the field's default)."""
    return INDEX_VERSION


_REMOVED = re.compile(r"[\s・･]+")
_NON_DIGITS = re.compile(r"\D+")
_NAME_SEPARATOR = re.compile(r"\s+")  # after NFKC the ideographic space 「　」 is a space too

# The variant-kanji fold comes from jpnorm (pinned; its tables are in jpnorm-core's
# src/l1_char/kanji.rs): the 常用漢字表's old forms to the new (國→国, 邊→辺, 齋→斎, 齊→斉, 澤→沢,
# 濱→浜, 德→徳) and the variants common in names (髙→高, 﨑→崎, 邉→辺, 濵→浜, 嶋→島, 冨→富, 𠮷→吉),
# and it drops ideographic variation selectors (葛󠄀 → 葛). Nothing else of jpnorm's is switched on:
# kana, long vowels and spacing stay as jaconv leaves them. 斉 and 斎 stay two characters (two
# surnames, both common): a search by kana finds both.
_VARIANTS = jpnorm.Normalizer(
    "none", kyujitai_to_shinjitai=True, unify_itaiji=True, remove_variation_selectors=True
)


def fold_variants(text: str) -> str:
    """Variant and old kanji to their common form: 髙橋 → 高橋, 山﨑 → 山崎, 渡邉 → 渡辺."""
    return _VARIANTS.normalize(text)


def normalise_name(value: str) -> str:
    text = jaconv.kata2hira(fold_variants(jaconv.normalize(value, "NFKC")))
    return _REMOVED.sub("", text).casefold()


def split_name(value: str) -> tuple[str, str] | None:
    """A name as typed, split into (surname, given name) at its first space, full- or half-width:
    「山田　花子」, 「山田 花子」 and 「ヤマダ ハナコ」 split; 「山田花子」 does not (None), because
    nothing tells where a Japanese surname ends (佐々木 / 佐 々木 ...). A name typed without a space
    is still found by its full form, not by its parts; forms that ask for surname and given name
    separately store them with join_name, so they split again here. Everything after the first
    space is the given name (middle names stay with it); ・ never splits (foreign names are written
    either way round)."""
    parts = _NAME_SEPARATOR.split(jaconv.normalize(value, "NFKC").strip(), maxsplit=1)
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def join_name(surname: str, given_name: str) -> str:
    """The name stored from separate surname and given name: 「山田　花子」 (an ideographic space,
    as Japanese forms write it), or whichever part was given alone."""
    return "　".join(part.strip() for part in (surname, given_name) if part and part.strip())


def normalise_surname(value: str) -> str:
    """The surname's searchable form; empty (not indexed) when the name has no space in it."""
    parts = split_name(value)
    return normalise_name(parts[0]) if parts else ""


def normalise_given_name(value: str) -> str:
    """The given name's searchable form; empty (not indexed) when the name has no space in it."""
    parts = split_name(value)
    return normalise_name(parts[1]) if parts else ""


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


FISCAL_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]  # a fiscal year's months, in its order


def fiscal_year_of(date: datetime.date) -> int:
    """The fiscal year (年度) a day falls in, by the calendar year of its April: 2027-03-31 is 2026."""
    return date.year if date.month >= 4 else date.year - 1


def fiscal_year_label(year: int) -> str:
    """A fiscal year as offices write it: 令和8年度（2026年度）. The era is the one that began by the
    end of the fiscal year's first calendar year: 2019 (令和 from May) is 令和元年度, while 1988 —
    平成 began in January 1989, within it — stays 昭和63年度."""
    era = fiscal_year_in_era(year)
    return f"{era}（{year}年度）" if era else f"{year}年度"


def fiscal_year_in_era(year: int) -> str:
    """The era's name of a fiscal year alone (令和8年度), where a chart has room for no more; empty
    before the first era known here."""
    for name, _letter, start in ERAS:
        if start.year <= year:
            number = year - start.year + 1
            return f"{name}{'元' if number == 1 else number}年度"
    return ""


def date_with_wareki(date: datetime.date) -> str:
    """The date as screens show a date of birth: the Western date first, its era date beside it —
    1948-03-15（昭和23年3月15日）. Before the first era known here, the Western date alone."""
    era = wareki(date)
    iso = date.isoformat()
    return iso if era[0].isdigit() else f"{iso}（{era}）"
