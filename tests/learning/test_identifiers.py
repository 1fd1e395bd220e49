"""The check of a text for a case's people's identifiers (learning/identifiers.py): a name however
it is typed, an address by its block number and building, a phone number, a date of birth in any
calendar — and nothing where a text only looks alike."""

import datetime

import jaconv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning.identifiers import ADDRESS, BIRTH_DATE, NAME, PHONE, Identity, identifiers_in

TOME = Identity(
    names=("佐々木 トメ", "ささき とめ"),
    address="つなぐ市はまかぜ区中小来川町3丁目12番5号 さくら荘201",
    phone="045-123-4567",
    birth_date=datetime.date(1940, 3, 15),
)
SON = Identity(names=("佐々木 健一", "ささき けんいち"), birth_date=datetime.date(1972, 6, 1))
NEIGHBOUR = Identity(names=("髙橋 一",), phone="090 2222 3333")


@pytest.mark.parametrize(
    "text, found",
    [
        ("佐々木トメさんの年金が足りない", [NAME]),
        ("佐々木　トメ", [NAME]),  # an ideographic space
        ("ササキ トメ", [NAME]),  # the reading, in katakana
        ("ｻｻｷ ﾄﾒ", [NAME]),  # half-width
        ("さ さ き", [NAME]),  # spaced out
        ("トメさんは", [NAME]),  # a short given name, with an honorific
        ("長男の健一が", [NAME]),  # a household member's given name
        ("高橋さんが見守る", [NAME]),  # a supporter's variant kanji, folded
        ("中小来川町3-12-5に住む", [ADDRESS]),
        ("３－１２－５", [ADDRESS]),
        ("3丁目12番地5号", [ADDRESS]),
        ("さくら荘の二階", [ADDRESS]),
        ("045(123)4567", [PHONE]),
        ("連絡は090-9999-8888へ", [PHONE]),  # any phone number at all
        ("090 2222 3333", [PHONE]),
        ("昭和15年3月15日生まれ", [BIRTH_DATE]),
        ("S15.3.15", [BIRTH_DATE]),
        ("1972/6/1生", [BIRTH_DATE]),
        ("佐々木さん（1940-03-15）、045-123-4567", [NAME, PHONE, BIRTH_DATE]),
    ],
)
def test_an_identifier_is_found_however_it_is_typed(text, found):
    assert identifiers_in(text, [TOME, SON, NEIGHBOUR]) == found


@pytest.mark.parametrize(
    "text",
    [
        "記録をまとめると、通いの場がない",  # とめ inside a word, no honorific
        "林業の仕事を失った",
        "13-12-55 号棟の話ではない",  # not the block number: other numbers around it
        "2026年4月から待機している",
        "特別養護老人ホームの待機が長い",
        "年金は月に6万円",
    ],
)
def test_a_text_that_only_looks_alike_passes(text):
    assert identifiers_in(text, [TOME, SON, NEIGHBOUR]) == []


names = st.text(alphabet="山田花子佐藤健一鈴木", min_size=2, max_size=3)


@given(surname=names, given_name=names, before=st.text(alphabet="課題がある。", max_size=8))
def test_a_name_is_found_in_any_width_and_with_any_spacing(surname, given_name, before):
    person = Identity(names=(f"{surname} {given_name}",))
    for written in (f"{surname}{given_name}", f"{surname}　{given_name}", f"{surname} {given_name}"):
        assert NAME in identifiers_in(before + written, [person])
        assert NAME in identifiers_in(before + jaconv.h2z(written), [person])


@pytest.mark.parametrize(
    "text", ["０９０ー２２２２ー３３３３", "090ｰ2222ｰ3333", "045.123.4567", "０４５‐１２３‐４５６７"]
)
def test_a_phone_number_is_found_whatever_dash_it_is_written_with(text):
    assert identifiers_in(text, []) == [PHONE]
