"""The normalisation behind the blind indexes: the variant-kanji fold, the name's parts, and a
fingerprint that changes whenever the normalisation does (so that INDEX_VERSION follows it)."""

import hashlib

import pytest

from privacy.normalise import (
    INDEX_VERSION,
    fold_variants,
    join_name,
    normalise_given_name,
    normalise_name,
    normalise_phone,
    normalise_surname,
    split_name,
)

# sha256 of the normalisation of every character below, for each INDEX_VERSION. A change of
# normalisation (ours, or a new version of jaconv or jpnorm) changes it: then bump INDEX_VERSION,
# add the new fingerprint here, and say in the release notes to run manage.py reindex_people.
FINGERPRINTS = {
    2: "21818552b558a5755192728d7831ba79641eee18414b45543fb8b3358601202d",
}

_RANGES = [
    (0x0020, 0x024F),  # Latin
    (0x3000, 0x30FF),  # CJK punctuation, hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs (﨑 U+FA11)
    (0xFF00, 0xFFEF),  # full- and half-width forms
    (0x20000, 0x2A6DF),  # CJK extension B (𠮷 U+20BB7)
]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for start, end in _RANGES:
        for code in range(start, end + 1):
            digest.update(normalise_name(chr(code)).encode("utf-8", "surrogatepass") + b"\x00")
    for sample in ["山田　花子", "ﾔﾏﾀﾞ ﾊﾅｺ", "葛\U000e0100西 さくら", "ジョン・スミス", "山田花子"]:
        digest.update(f"{normalise_surname(sample)}|{normalise_given_name(sample)}\x00".encode())
    digest.update(normalise_phone("０４５－１２３－４５６７").encode())
    return digest.hexdigest()


def test_the_index_version_names_the_normalisation_in_use():
    assert fingerprint() == FINGERPRINTS[INDEX_VERSION], (
        "The normalisation changed: bump privacy.normalise.INDEX_VERSION, record the new fingerprint "
        "here, and run manage.py reindex_people after deploying (docs/privacy.md)."
    )


@pytest.mark.parametrize(
    ("variant", "common"),
    [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("齋藤", "斎藤"),
        ("澤田", "沢田"),
        ("濱田", "浜田"),
        ("德永", "徳永"),
        ("𠮷田", "吉田"),
        ("嶋田", "島田"),
        ("葛\U000e0100西", "葛西"),
    ],
)
def test_variant_kanji_fold_to_the_common_form(variant, common):
    assert fold_variants(variant) == common
    assert normalise_name(variant) == normalise_name(common)


def test_distinct_surnames_stay_distinct():
    # 斉藤 and 斎藤 are two surnames; 齊 is the old form of 斉, 齋 of 斎 (常用漢字表).
    assert normalise_name("斉藤") != normalise_name("斎藤")
    assert normalise_name("齊藤") == normalise_name("斉藤")
    assert normalise_name("ささき") != normalise_name("さざき")


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("山田　花子", ("山田", "花子")),
        ("山田 花子", ("山田", "花子")),
        (" ﾔﾏﾀﾞ  ﾊﾅｺ ", ("ヤマダ", "ハナコ")),
        ("スミス ジョン ポール", ("スミス", "ジョン ポール")),
        ("山田花子", None),
        ("ジョン・スミス", None),
        ("", None),
    ],
)
def test_a_name_splits_at_its_first_space(typed, parts):
    assert split_name(typed) == parts


def test_a_name_joined_from_its_parts_splits_back_into_them():
    assert join_name("山田", "花子") == "山田　花子"
    assert split_name(join_name(" 山田 ", "花子")) == ("山田", "花子")
    assert join_name("山田", "") == "山田" and split_name(join_name("山田", "")) is None
