"""Case examples (issue 24 parts 3–4): a draft from the case with its people taken out — names as
roles, addresses as the ward, phone numbers gone, dates moved by one offset that keeps every
interval, ages banded —; the lead edits it and asks for review (refused while it still names
someone); the privacy officer sees k — how many cases share its quasi-identifiers — and approves
(with a reason when k is too small), returns or refuses; only an approved example is shown at a
review or exported, and only its lead and the officer see which case it came from."""

import datetime
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from cases.exceptions import CaseRuleError, Conflict
from cases.models import ConcernCategoryTag
from cases.services import people, progress
from learning import examples
from learning.deidentify import replace_people
from learning.identifiers import Identity, identifiers_in
from learning.models import CaseExample, ExampleStatus
from privacy.normalise import parse_date
from tests.screens import browser, page

TOME = Identity(
    "本人",
    ("佐々木 トメ", "ささき とめ"),
    "つなぐ市はまかぜ区中小来川町3丁目12番5号 さくら荘201",
    "045-123-4567",
    datetime.date(1940, 3, 15),
)
SON = Identity("子A", ("佐々木 健一", "ささき けんいち"), birth_date=datetime.date(1972, 6, 1))
NEIGHBOUR = Identity("近隣住民A", ("髙橋 一",), phone="090-2222-3333")
WRITTEN = {
    TOME: ["佐々木トメさん", "ササキ トメさん", "ｻｻｷ ﾄﾒ", "佐々木　トメ", "トメさん"],
    SON: ["佐々木健一さん", "健一さん", "ケンイチさん", "ｹﾝｲﾁ"],
    NEIGHBOUR: ["髙橋さん", "高橋一さん", "髙橋　一さん"],  # a supporter has no reading recorded
}
ADDRESSES = ["中小来川町3丁目12番5号", "中小来川町３－１２－５", "3-12-5", "さくら荘"]
PHONES = ["045-123-4567", "０４５（１２３）４５６７", "090 2222 3333", "080-1111-2222"]
days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2026, 12, 31))


def written_date(day: datetime.date, form: int) -> str:
    return [f"{day:%Y-%m-%d}", f"{day.year}年{day.month}月{day.day}日", f"{day.year}/{day.month}/{day.day}"][
        form
    ]


@given(
    names=st.tuples(*(st.sampled_from(forms) for forms in WRITTEN.values())),
    address=st.sampled_from(ADDRESSES),
    phone=st.sampled_from(PHONES),
    dates=st.lists(days, min_size=3, max_size=3, unique=True),
    forms=st.lists(st.integers(0, 2), min_size=3, max_size=3),
    offset=st.integers(-365, 365).filter(lambda d: abs(d) >= 30),
)
def test_a_record_naming_the_person_the_son_and_a_neighbour_loses_every_identifier(
    names, address, phone, dates, forms, offset
):
    person, son, neighbour = names
    text = (
        f"{written_date(dates[0], forms[0])}、{person}（昭和15年3月15日生）が{address}に一人で住んでいると"
        f"{neighbour}から連絡（{phone}）。{written_date(dates[1], forms[1])}、{son}と面談。"
        f"{written_date(dates[2], forms[2])}に再訪問。"
    )
    people = [TOME, SON, NEIGHBOUR]
    draft = replace_people(
        text, people, "はまかぜ区", datetime.timedelta(days=offset), datetime.date(2026, 12, 6)
    )
    assert identifiers_in(draft, people) == [], draft
    assert "本人" in draft and "子A" in draft and "近隣住民A" in draft
    assert "80代" in draft  # the date of birth as an age band
    moved = [parse_date(m) for m in re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", draft)]
    assert moved == [day + datetime.timedelta(days=offset) for day in dates], draft  # intervals kept


def test_half_width_and_spacing_come_back_as_one_role():
    draft = replace_people(
        "ｻｻｷ ﾄﾒさんとｻｻｷ ｹﾝｲﾁさん",
        [TOME, SON],
        "はまかぜ区",
        datetime.timedelta(0),
        datetime.date(2026, 1, 1),
    )
    assert draft == "本人と子A"


@pytest.fixture
def recorded(world, tome):
    """The case of 佐々木 トメ with her son, a neighbour, and progress naming them all."""
    people.add_household_member(
        actor=world.staff, case=tome, relation="child", name="佐々木 健一", kana="ささき けんいち"
    )
    people.add_supporter(
        actor=world.staff, case=tome, role="neighbour", name="髙橋 一", contact="090-2222-3333"
    )
    progress.record_progress(
        actor=world.staff,
        case=tome,
        kind="visit",
        occurred_at=datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC),
        counterpart="person",
        text="トメさん宅（中小来川町3-12-5）を訪問。長男の健一さんは不在。高橋さん（090-2222-3333）が見守っている。",
    )
    tome.refresh_from_db()  # its household, made with the son
    return tome


def test_the_lead_drafts_an_example_that_names_nobody(world, recorded):
    example = examples.propose_example(
        actor=world.staff, case=recorded, purpose="case_review", title="8050世帯の支援"
    )
    body = example.body
    for gone in ("佐々木", "トメ", "健一", "高橋", "髙橋", "3-12-5", "090-2222-3333"):
        assert gone not in body, gone
    assert "本人" in body and "子A" in body and "近隣住民A" in body and "はまかぜ区" in body
    assert 30 <= abs(example.date_offset) <= 365
    assert example.quasi_identifiers["household"] == "parent_child"
    event = AuditEvent.objects.get(event="example.drafted")
    assert (
        event.case_id == str(recorded.pk) and "progress.text" in event.fields and "トメ" not in event.params
    )


def test_only_the_lead_drafts_one(world, recorded):
    for who in (world.commissioner, world.agency_worker, world.privacy, world.other_staff):
        assert (
            browser(who)
            .post(
                reverse("learning:propose_example", args=[recorded.pk]),
                {"purpose": "case_review", "title": "x"},
            )
            .status_code
            == 403
        )
    assert not CaseExample.objects.exists()


def test_a_draft_that_still_names_someone_is_not_sent_for_review(world, recorded):
    example = examples.propose_example(actor=world.staff, case=recorded, purpose="case_review", title="事例")
    example = examples.edit_example(
        actor=world.staff,
        example=example,
        expected_version=example.version,
        title="事例",
        body=example.body + "\nｻｻｷ ｹﾝｲﾁさんが同席。",
    )
    with pytest.raises(CaseRuleError, match="個人が特定できる情報が残っています"):
        examples.submit_example(actor=world.staff, example=example, expected_version=example.version)
    assert CaseExample.objects.get().status == ExampleStatus.DRAFT
    with pytest.raises(Conflict):
        examples.edit_example(actor=world.staff, example=example, expected_version=1, title="x", body="y")


def _same_profile_cases(world, concern, count):
    """``count`` more cases like 佐々木 トメ's: the same district, age band, household and
    categories."""
    from tests.workflow import take

    made = []
    for n in range(count):
        made.append(
            take(
                world,
                concern(
                    identity={
                        "name": f"山田 {n}子",
                        "kana": "やまだ",
                        "birth_date": datetime.date(1940, 1, 1),
                    }
                ),
            )
        )
    return made


def test_k_fails_for_a_unique_combination_and_passes_for_a_common_one(world, recorded, concern):
    officer = browser(world.privacy)
    example = examples.propose_example(actor=world.staff, case=recorded, purpose="case_review", title="事例")
    example = examples.submit_example(actor=world.staff, example=example, expected_version=example.version)
    assert example.k == 1  # her household (with a son) is the only one of its kind
    html = page(
        officer.post(
            reverse("learning:example_review", args=[example.pk]),
            {"decision": "approve", "version": example.version},
        )
    )
    assert "基準の5件に足りません" in html and CaseExample.objects.get().status == ExampleStatus.SUBMITTED
    # A single person of the same age band, district and categories is common enough.
    alone = _same_profile_cases(world, concern, 5)[0]
    common = examples.propose_example(
        actor=world.staff, case=alone, purpose="case_review", title="単身の事例"
    )
    common = examples.submit_example(actor=world.staff, example=common, expected_version=common.version)
    assert common.k == 5  # five alike (the three-category tag set of the concern fixture)
    response = officer.post(
        reverse("learning:example_review", args=[common.pk]),
        {"decision": "approve", "version": common.version},
    )
    assert (
        response.status_code == 302 and CaseExample.objects.get(pk=common.pk).status == ExampleStatus.APPROVED
    )
    # The unique one, approved with the officer's reason.
    officer.post(
        reverse("learning:example_review", args=[example.pk]),
        {"decision": "approve", "version": example.version, "k_reason": "世帯の構成を本文で伏せたため"},
    )
    assert CaseExample.objects.get(pk=example.pk).k_reason == "世帯の構成を本文で伏せたため"


def test_only_an_approved_example_is_shown_or_exported(world, recorded):
    example = examples.propose_example(actor=world.staff, case=recorded, purpose="publication", title="事例")
    lead = browser(world.staff)
    assert lead.get(reverse("learning:example_text", args=[example.pk])).status_code == 403
    example = examples.submit_example(actor=world.staff, example=example, expected_version=example.version)
    example = examples.review_example(
        actor=world.privacy,
        example=example,
        expected_version=example.version,
        decision="approve",
        k_reason="研修用に限る",
    )
    text = lead.get(reverse("learning:example_text", args=[example.pk]))
    assert text.status_code == 200 and "事例" in text.content.decode() and "トメ" not in text.content.decode()
    assert AuditEvent.objects.filter(event="example.exported").count() == 1
    assert ConcernCategoryTag.objects.exists()


def test_erasing_the_person_erases_the_example_with_them(world, recorded, soon):
    from cases.models import CaseState
    from cases.services.people import erase_person
    from tests.workflow import decided

    example = examples.propose_example(actor=world.staff, case=recorded, purpose="publication", title="事例A")
    example = examples.submit_example(actor=world.staff, example=example, expected_version=example.version)
    examples.review_example(
        actor=world.privacy,
        example=example,
        expected_version=example.version,
        decision="approve",
        k_reason="研修用",
    )
    decided(world, recorded, CaseState.CLOSED, soon)  # a person is erased once their cases ended
    erase_person(actor=world.privacy, person=recorded.person)
    officer = browser(world.privacy)
    html = page(officer.get(reverse("learning:example", args=[example.pk])))
    assert "事例A" not in html and "消去済み" in html  # the text went with the person's key
    assert officer.get(reverse("learning:example_text", args=[example.pk])).status_code == 403
    assert officer.post(reverse("learning:example_review", args=[example.pk]), {}).status_code == 403


@pytest.mark.parametrize(
    "text, expected",
    [
        ("「あ゛」と佐田さん", "「あ゛」と本人"),  # a mark that joins nothing keeps every later span right
        ("ﾜﾞｼｰﾘｰ氏と佐田ダイスケさん、2024年4月1日", "ﾜﾞｼｰﾘｰ氏と本人、2024年7月10日"),
        ("S15.3.15生", "80代生"),  # an era letter: the date of birth as its band
        ("本町2-3-4と会議室1.2.3", "本町2-3-4と会議室1.2.3"),  # block numbers are no dates
        ("12月3日に訪問（2024年12月3日）", "（日付）に訪問（2025年3月13日）"),  # a day without its year goes
        ("令和6年4月から", "2024年7月から"),  # a month moves with the rest
        ("電話 ０９０ー２２２２ー３３３３ か 090ｰ2222ｰ3333", "電話 （電話番号） か （電話番号）"),
    ],
)
def test_tricky_writing_is_taken_out_and_nothing_else_is_garbled(text, expected):
    person = Identity("本人", ("佐田 ダイスケ", "さだ だいすけ"), birth_date=datetime.date(1940, 3, 15))
    on = datetime.date(2026, 12, 6)
    assert replace_people(text, [person], "はまかぜ区", datetime.timedelta(days=100), on) == expected


def test_the_officer_reads_no_draft_until_asked_and_a_reading_is_recorded(world, recorded):
    example = examples.propose_example(actor=world.staff, case=recorded, purpose="case_review", title="事例")
    officer = browser(world.privacy)
    assert officer.get(reverse("learning:example", args=[example.pk])).status_code == 403
    examples.submit_example(actor=world.staff, example=example, expected_version=example.version)
    assert officer.get(reverse("learning:example", args=[example.pk])).status_code == 200
    assert AuditEvent.objects.filter(event="example.viewed", actor=world.privacy).count() == 1
