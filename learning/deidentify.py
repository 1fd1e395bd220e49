"""A case's texts with the people taken out, for a case example (事例検討): names replaced by roles
(本人, 子A, 近隣住民A, 職員A), addresses by the ward, phone numbers by （電話番号）, every date moved
by one offset (so that the intervals between events stay), ages banded. Pure functions over the
decrypted values; the service reads them (and records that it did).

A name is found as learning.identifiers finds it — in kanji or kana, katakana or hiragana, full- or
half-width, with or without spaces — and replaced where it stands: the text is folded one
character at a time, each folded character remembering where it came from, so that a match in the
folded text is a span of the original."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

import jaconv

from learning.identifiers import (
    _ADDRESS_SEPARATOR,
    _BLOCK,
    _HONORIFIC,
    _PHONE,
    Identity,
    name_patterns,
)
from privacy.normalise import fold_variants, parse_date

# A date: a four-digit year or an era's (not 2-3-4, a block number), then month and day. The text
# is folded (case folded too): the era's letter is lower case here.
_DATE = re.compile(
    r"(?:(?:明治|大正|昭和|平成|令和|[mtshr])(?:\d{1,2}|元)|\d{4})[-/.年]\d{1,2}[-/.月]\d{1,2}日?"
)
# A month without its day (2024年4月, 令和6年4月), and a day without its year (12月3日): moved too,
# or — without a year, which the offset cannot be applied to — written as （日付）.
_MONTH = re.compile(r"(?:(?:明治|大正|昭和|平成|令和)(?:\d{1,2}|元)|\d{4})年\d{1,2}月(?!\d)")
_DAY = re.compile(r"(?<![\d年/.-])\d{1,2}月\d{1,2}日")
_MARKS = {"\u3099", "\u309a"}  # combining (semi-)voiced sound marks: half-width ﾞ and ﾟ fold to these


@dataclass
class Folded:
    """A text folded for comparison, each folded character with the span of the original it came
    from."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)


def fold(text: str, *, keep_spaces: bool = False) -> Folded:
    """The text as names are compared (NFKC, variant kanji folded, katakana as hiragana, spaces
    removed, case folded), character by character with where each came from."""
    folded = Folded("")
    chars: list[str] = []
    for index, char in enumerate(text):
        for piece in jaconv.kata2hira(fold_variants(unicodedata.normalize("NFKC", char))).casefold():
            if piece.isspace() and not keep_spaces:
                continue
            joined = unicodedata.normalize("NFC", chars[-1] + piece) if piece in _MARKS and chars else ""
            if len(joined) == 1:  # ﾀﾞ: one character, spanning both (ﾜﾞ or あ゛ stay two)
                chars[-1] = joined
                start, _end = folded.spans[-1]
                folded.spans[-1] = (start, index + 1)
                continue
            chars.append(piece)
            folded.spans.append((index, index + 1))
    folded.text = "".join(chars)
    if len(folded.text) != len(folded.spans):  # every folded character must know where it came from
        raise RuntimeError("fold: folded characters and their spans differ in number")
    return folded


def _replace_spans(text: str, replacements: list[tuple[int, int, str]]) -> str:
    """The text with each (start, end, by) span of it replaced; of overlapping spans the one that
    starts first wins, and of two that start together the longer (a whole name over its surname)."""
    out, at = [], 0
    for start, end, by in sorted(replacements, key=lambda r: (r[0], -r[1])):
        if start < at:
            continue
        out.append(text[at:start])
        out.append(by)
        at = end
    out.append(text[at:])
    return "".join(out)


def _found(folded: Folded, pattern: re.Pattern) -> list[tuple[int, int]]:
    """Original spans of the pattern's matches in the folded text."""
    return [
        (folded.spans[m.start()][0], folded.spans[m.end() - 1][1])
        for m in pattern.finditer(folded.text)
        if m.end() > m.start()
    ]


def replace_people(
    text: str, people: list[Identity], ward: str, offset: datetime.timedelta, on: datetime.date
) -> str:
    """The text with every name of ``people`` replaced by their role, their addresses by the
    ward, any phone number by （電話番号）, their dates of birth by their age band on ``on``, and
    every other date moved by ``offset``."""
    folded = fold(text)
    replacements: list[tuple[int, int, str]] = []
    # A form shared by two people (a surname in a household) is written as the first's role: the
    # person's own comes first.
    roles: dict[str, str] = {}
    for person in people:
        for name in person.names:
            for pattern in name_patterns(name):
                roles.setdefault(pattern, person.role)
    for pattern, role in roles.items():
        replacements += [(s, e, role) for s, e in _found(folded, re.compile(pattern))]
    as_address = _address_folded(text)
    for person in people:
        for part in _address_parts(person.address):
            pattern = re.compile(("(?<!\\d)" if part[0].isdigit() else "") + _address_pattern(part))
            replacements += [(s, e, f"（{ward}内）") for s, e in _found(as_address, pattern)]
    text = _replace_spans(text, replacements)
    spaced = fold(text, keep_spaces=True)
    text = _replace_spans(text, [(s, e, "（電話番号）") for s, e in _found(spaced, _PHONE)])
    for role in {person.role for person in people}:  # 本人さん → 本人
        text = re.sub(re.escape(role) + _HONORIFIC, role, text)
    births = {person.birth_date: person for person in people if person.birth_date}
    return shift_dates(text, offset, births, on)


def shift_dates(
    text: str, offset: datetime.timedelta, births: dict | None = None, on: datetime.date | None = None
) -> str:
    """Every date in the text (in any form parse_date reads) moved by ``offset`` and written as
    2026年4月1日 — but someone's date of birth (``births``) as their age band on ``on``."""
    folded = fold(text)
    replacements = []
    for start, end in _found(folded, _DATE):
        date = parse_date(text[start:end])
        if date is None:
            continue
        if births and date in births:
            replacements.append((start, end, age_band(date, on or datetime.date.today())))
        else:
            replacements.append((start, end, japanese_date(date + offset)))
    for start, end in _found(folded, _MONTH):
        first = parse_date(f"{text[start:end]}1日")
        if first is not None:
            moved = first + offset
            replacements.append((start, end, f"{moved.year}年{moved.month}月"))
    replacements += [(start, end, "（日付）") for start, end in _found(folded, _DAY)]
    return _replace_spans(text, replacements)


def japanese_date(date: datetime.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _address_folded(text: str) -> Folded:
    """A text folded as addresses compare (the separators between numbers as dashes)."""
    folded = fold(text)
    chars = list(folded.text)
    for i in range(1, len(chars) - 1):
        if chars[i] in "‐‑‒–—―−ー-" and chars[i - 1].isdigit() and chars[i + 1].isdigit():
            chars[i] = "-"
    folded.text = "".join(chars)
    return folded


def _address_pattern(part: str) -> str:
    """A folded address part as a pattern: its dashes match any separator people write between
    an address's numbers (3丁目12番5号, 3-12-5)."""
    pieces = [re.escape(piece) for piece in part.split("-")]
    return "(?:丁目|番地の?|番|号|の|-)".join(pieces) + ("(?:号)?(?!\\d)" if part[-1].isdigit() else "")


def _address_parts(address: str) -> list[str]:
    """The address's forms to replace: whole, its block number, the building after it."""
    if not address:
        return []
    whole = fold(address).text
    previous = None
    while previous != whole:
        previous, whole = whole, _ADDRESS_SEPARATOR.sub("-", whole)
    parts = [whole]
    block = _BLOCK.search(whole)
    if block:
        parts.append(block.group())
        building = re.sub(r"^[号-]*", "", whole[block.end() :])
        building = re.sub(r"\d+(号室|号)?$", "", building)
        if len(building) >= 3:
            parts.append(building)
    return parts


def age_band(birth_date: datetime.date | None, on: datetime.date) -> str:
    """An age as its decade (80代); 90 and over as one band, rare enough to single someone out."""
    if birth_date is None:
        return "年齢不明"
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age >= 90:
        return "90代以上"
    return f"{age // 10 * 10}代" if age >= 10 else "10歳未満"
