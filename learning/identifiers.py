"""Whether a text written to leave the circle of a case names its people: their names (in kanji or
kana, katakana or hiragana, full- or half-width, with or without spaces), their address, their
phone number, their date of birth — and any phone number at all. Pure functions over the people's
decrypted values; the service reads those (and records that it did) and refuses the text with
what kind of identifier it found, never the identifier itself.

Names are compared as the blind indexes compare them (privacy.normalise.normalise_name: NFKC,
variant kanji folded, katakana to hiragana, spaces removed): a whole name always; its surname
or given name alone when long enough not to be an ordinary word (two kanji, three kana), or
when an honorific follows it (林さん, トメさん).
Addresses by their block number (3丁目12番5号, 3-12-5 and ３－１２－５ alike), the building after
it, and the whole address. Dates of birth in any way parse_date reads one (1948-03-15, 昭和23年3月15日,
S23.3.15)."""

import datetime
import re
from dataclasses import dataclass

import jaconv

from privacy.normalise import fold_variants, normalise_name, normalise_phone, parse_date, split_name

NAME, ADDRESS, PHONE, BIRTH_DATE = "name", "address", "phone", "birth_date"
KINDS = (NAME, ADDRESS, PHONE, BIRTH_DATE)

_KANA = re.compile(r"^[\u3041-\u309f\u30a0-\u30ffー]+$")
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[‐‑‒–—―−ー－-]")
# Between two numbers of an address: 丁目, 番地, 番, 号, の and dashes all separate alike.
_ADDRESS_SEPARATOR = re.compile(r"(?<=\d)(?:丁目|番地の?|番|号|の|-)(?=\d)")
_BLOCK = re.compile(r"\d+(?:-\d+)+")
# A Japanese phone number: 0, then 9 or 10 more digits, in groups as people write them.
# Between a phone number's groups: any dash or long-vowel mark people type (090ー2222ー3333), a
# dot, brackets, spaces.
_GROUP = r"[-‐‑‒–—―−ーｰ－().\s]*"
_PHONE = re.compile(rf"(?<!\d)0\d{{1,4}}{_GROUP}\d{{1,4}}{_GROUP}\d{{3,4}}(?!\d)")
_RUN = re.compile(rf"\d(?:{_GROUP}\d)*")
_DATE = re.compile(
    r"(?:明治|大正|昭和|平成|令和|[MTSHRmtshr])?\s*(?:\d{1,4}|元)\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
)
_HONORIFIC = "(?:さん|さま|様|ちゃん|くん|君|氏|殿)"  # as normalise_name leaves them
_KANJI_PART = 2  # the shortest surname or given name looked for alone, in kanji
_KANA_PART = 3  # and in kana (「あい」 is in あいさつ)
_BUILDING = 3  # the shortest building name looked for alone


@dataclass(frozen=True)
class Identity:
    """What identifies one person, as decrypted: their name and its reading, address, phone and
    date of birth (any may be empty), and the role a de-identified text writes them as (本人, 子A)."""

    role: str = ""
    names: tuple[str, ...] = ()
    address: str = ""
    phone: str = ""
    birth_date: datetime.date | None = None


def identifiers_in(text: str, people: list[Identity]) -> list[str]:
    """The kinds of identifier (KINDS, in that order) the text contains of these people, and
    PHONE for any phone number."""
    folded = normalise_name(text)
    as_address = _address_form(text)
    found = set()
    for person in people:
        if any(re.search(p, folded) for name in person.names for p in name_patterns(name)):
            found.add(NAME)
        if person.address and any(_contains(as_address, part) for part in _address_parts(person.address)):
            found.add(ADDRESS)
        if person.phone and len(digits := normalise_phone(person.phone)) >= 6:
            if any(digits in run for run in _digit_runs(text)):
                found.add(PHONE)
        if person.birth_date and person.birth_date in _dates(text):
            found.add(BIRTH_DATE)
    if _PHONE.search(jaconv.normalize(text, "NFKC")):
        found.add(PHONE)
    return [kind for kind in KINDS if kind in found]


def name_patterns(name: str) -> list[str]:
    """Patterns of a name's folded forms (normalise_name): the whole name, each part long enough
    to be a name on its own, and a shorter part where an honorific follows (林さん, トメさん) — the
    check's rule and the draft's alike."""
    whole = normalise_name(name)
    patterns = [re.escape(whole)] if whole else []
    for part in map(normalise_name, split_name(name) or ()):
        shortest = _KANA_PART if _KANA.match(part) else _KANJI_PART
        if part:
            patterns.append(re.escape(part) + ("" if len(part) >= shortest else f"(?={_HONORIFIC})"))
    return patterns


def _address_form(text: str) -> str:
    """A text as addresses are compared: NFKC, variants folded, no spaces, one kind of dash, the
    separators between an address's numbers as dashes."""
    text = _DASHES.sub("-", _SPACES.sub("", fold_variants(jaconv.normalize(text, "NFKC"))))
    previous = None
    while previous != text:  # 3丁目12番5号: each separator sits between two numbers
        previous, text = text, _ADDRESS_SEPARATOR.sub("-", text)
    return text


def _address_parts(address: str) -> list[str]:
    """The whole address, its block number (3-12-5) and the building named after it."""
    whole = _address_form(address)
    parts = [whole]
    block = _BLOCK.search(whole)
    if block:
        parts.append(block.group())
        building = re.sub(r"^[号-]*", "", whole[block.end() :])
        building = re.sub(r"\d+(号室|号)?$", "", building)  # the flat's number alone is no name
        if len(building) >= _BUILDING:
            parts.append(building)
    return [part for part in parts if part]


def _contains(text: str, part: str) -> bool:
    """Whether ``part`` is in ``text``, a number in it not the end of a longer one: 3-12-5 is not
    in 13-12-55."""
    before = r"(?<!\d)" if part[0].isdigit() else ""
    after = r"(?!\d)" if part[-1].isdigit() else ""
    return re.search(before + re.escape(part) + after, text) is not None


def _digit_runs(text: str) -> list[str]:
    """The numbers written in a text, each with its separators taken out (090-1234-5678, 090 1234
    5678, (045)123-4567)."""
    return [re.sub(r"\D", "", run.group()) for run in _RUN.finditer(jaconv.normalize(text, "NFKC"))]


def _dates(text: str) -> set[datetime.date]:
    found = set()
    for match in _DATE.finditer(jaconv.normalize(text, "NFKC")):
        date = parse_date(match.group())
        if date:
            found.add(date)
    return found
