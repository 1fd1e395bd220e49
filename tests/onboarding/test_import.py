"""The onboarding import, as an administrator uses it: a workbook with one bad row writes nothing
and says which row and column; a good one, once confirmed, creates the organisations, users (their
roles waiting for a second administrator) and guardian candidates it lists — all of it recorded,
and nothing of the file left behind."""

import datetime
import io
import json

from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import MembershipRequest, Organisation, User
from audit.models import AuditEvent
from guardianship.models import GuardianCandidate
from onboarding.models import StagedImport
from onboarding.services import check_workbook
from onboarding.workbook import SHEETS
from privacy.models import DataKey
from tests.screens import browser, page

HEADERS = {sheet.key: [column.header for column in sheet.columns] for sheet in SHEETS}


def xlsx(**sheets: list[dict]) -> bytes:
    """A workbook with these rows (header → value) under the template's sheet names and headers."""
    book = Workbook()
    if sheets:  # else its one sheet, "Sheet"
        book.remove(book.active)
    for sheet in SHEETS:
        if sheet.key not in sheets:
            continue
        ws = book.create_sheet(sheet.title)
        ws.append(HEADERS[sheet.key])
        for row in sheets[sheet.key]:
            ws.append([row.get(header) for header in HEADERS[sheet.key]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_file(world) -> bytes:
    district = world.demo.districts[0].name
    return xlsx(
        organisations=[
            {
                "名称": "試験市あおば地域ケアプラザ",
                "種別": "地域ケアプラザ・地域包括支援センター",
                "電話番号": "045-000-0001",
                "担当地域": district,
            },
            {"名称": "社会福祉法人 試験会", "種別": "other"},
        ],
        users=[
            {
                "ログインID": "aoba_sato",
                "姓": "佐藤",
                "名": "一郎",
                "メールアドレス": "sato@example.org",
                "所属組織": "試験市あおば地域ケアプラザ",
                "役割": "地域ケアプラザ職員",
            },
            {
                "ログインID": "aoba_sato",
                "姓": "佐藤",
                "名": "一郎",
                "メールアドレス": "sato@example.org",
                "所属組織": world.ward.name,
                "役割": "ward_caseworker",
            },
            {
                "ログインID": "iin_suzuki",
                "姓": "鈴木",
                "メールアドレス": "suzuki@example.org",
                "所属組織": world.plaza.name,
                "役割": "民生委員・児童委員",
            },
        ],
        candidates=[
            {
                "種別": "弁護士",
                "氏名・名称": "弁護士 試験太郎",
                "受任できる件数": 5,
                "対応できる言語": "日本語、英語",
                "専門性": "債務整理",
                "活動できる地域": district,
            },
            {
                "種別": "市民後見人",
                "氏名・名称": "試験 花子",
                "受任できる件数": 1,
                "養成課程の修了日": datetime.date(2024, 3, 1),
                "市民後見人バンクへの登録日": datetime.date(2024, 4, 1),
            },
            {
                "種別": "法人後見",
                "氏名・名称": "社会福祉法人 試験会",
                "所属組織": "社会福祉法人 試験会",
                "受任できる件数": 10,
            },
        ],
    )


def upload(client, content: bytes, name: str = "onboarding.xlsx"):
    return client.post(reverse("onboarding:upload"), {"workbook": io.BytesIO(content) | _named(name)})


class _named:  # an uploaded file needs a name
    def __init__(self, name):
        self.name = name

    def __ror__(self, buffer):
        buffer.name = self.name
        return buffer


def counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        GuardianCandidate.objects.count(),
        MembershipRequest.objects.count(),
    )


def test_a_good_file_is_checked_kept_encrypted_then_imported_all_at_once(world):
    admin = browser(world.admin)
    before = counts()
    answer = upload(admin, good_file(world))
    assert answer.status_code == 302, page(answer)
    assert counts() == before  # checking writes nothing of the file
    staged = StagedImport.objects.get()
    preview = page(admin.get(answer["Location"]))
    assert "組織" in preview and ">3<" in preview  # three user rows, three candidates
    with connection.cursor() as cursor:  # the file is kept encrypted only
        cursor.execute("SELECT content FROM onboarding_stagedimport")
        stored = bytes(cursor.fetchone()[0])
    assert "試験".encode() not in stored and b"aoba_sato" not in stored

    answer = admin.post(answer["Location"], {"import": "1"})
    assert answer.status_code == 302
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 3, before[3] + 3)
    plaza = Organisation.objects.get(name="試験市あおば地域ケアプラザ")
    assert plaza.kind == "care_plaza" and list(plaza.areas.all()) == [world.demo.districts[0]]
    sato = User.objects.get(username="aoba_sato")
    assert (sato.last_name, sato.email, sato.has_usable_password()) == ("佐藤", "sato@example.org", False)
    # Every role reads cases: each waits for a second administrator (four-eyes), none given alone.
    assert not sato.memberships.exists()
    assert set(MembershipRequest.objects.filter(user=sato).values_list("role", flat=True)) == {
        "plaza_staff",
        "ward_caseworker",
    }
    citizen = GuardianCandidate.objects.get(kind="citizen")
    assert citizen.name == "試験 花子" and citizen.registered_on == datetime.date(2024, 4, 1)
    lawyer = GuardianCandidate.objects.get(kind="lawyer")
    assert lawyer.languages == ["en", "ja"] and lawyer.specialisms == ["debt"]
    assert GuardianCandidate.objects.get(kind="corporate").organisation.name == "社会福祉法人 試験会"
    # Recorded: the check, the import with its counts, and each record made by the administrator.
    imported = AuditEvent.objects.get(event="onboarding.imported")
    assert json.loads(imported.params) == {
        "areas": 0,
        "legal_bases": 0,
        "organisations": 2,
        "users": 2,
        "memberships": 0,
        "requests": 3,
        "candidates": 3,
    }
    assert imported.actor_id == world.admin.pk
    assert (
        AuditEvent.objects.filter(event="guardianship.candidate_registered", actor=world.admin).count() == 3
    )
    assert AuditEvent.objects.filter(actor=world.admin, target_type="accounts.organisation").count() >= 2
    assert "試験" not in "".join(AuditEvent.objects.values_list("params", flat=True))
    # Nothing of the file is left: the row gone, its key destroyed.
    assert not StagedImport.objects.exists()
    assert DataKey.objects.get(pk=staged.data_key_id).is_destroyed


def test_one_bad_row_writes_nothing_and_says_where(world):
    admin = browser(world.admin)
    rows = load_workbook(io.BytesIO(good_file(world)))
    rows["後見人候補者"]["E3"] = "たくさん"  # 受任できる件数 of the candidate on row 3
    rows["利用者"]["F4"] = "町内会長"  # 役割 of the user on row 4
    out = io.BytesIO()
    rows.save(out)
    before = counts()
    answer = upload(admin, out.getvalue())
    html = page(answer)
    assert answer.status_code == 200 and counts() == before and not StagedImport.objects.exists()
    assert "何も登録していません" in html
    problems = check_workbook(out.getvalue()).problems
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("利用者", 4, "役割"),
        ("後見人候補者", 3, "受任できる件数"),
    ]
    assert "「町内会長」は選べません" in html and '行">4</td><td data-label="列">役割</td>' in html
    checked = AuditEvent.objects.get(event="onboarding.checked")
    assert json.loads(checked.params)["errors"] == 2


def test_rows_that_contradict_each_other_or_the_directory_are_refused(world):
    content = xlsx(
        organisations=[{"名称": world.plaza.name, "種別": "care_plaza"}],
        users=[
            {
                "ログインID": "demo_plaza",
                "姓": "重複",
                "メールアドレス": "a@example.org",
                "所属組織": "どこにもない組織",
                "役割": "plaza_staff",
            },
            {
                "ログインID": "new_one",
                "姓": "新",
                "メールアドレス": "b@example.org",
                "所属組織": world.plaza.name,
                "役割": "plaza_staff",
            },
            {
                "ログインID": "new_one",
                "姓": "別人",
                "メールアドレス": "b@example.org",
                "所属組織": world.plaza.name,
                "役割": "plaza_staff",
            },
        ],
        candidates=[
            {
                "種別": "市民後見人",
                "氏名・名称": "日付なし",
                "受任できる件数": 1,
                "活動できる地域": "存在しない地区",
            }
        ],
    )
    found = {(p.sheet, p.row, p.column): p.message for p in check_workbook(content).problems}
    assert found[("組織", 2, "名称")] == "同じ名称の組織が既にあります。"
    assert found[("利用者", 2, "ログインID")] == "このログインIDは既に使われています。"
    assert "組織がありません" in found[("利用者", 2, "所属組織")]
    assert found[("利用者", 4, "姓")] == "同じログインIDの3行目と違います。"
    assert found[("利用者", 4, "役割")] == "3行目と同じ所属です。"
    assert found[("後見人候補者", 2, "活動できる地域")] == "地域「存在しない地区」がありません。"
    assert "養成課程の修了日" in found[("後見人候補者", 2, "")]


def test_the_directory_changing_before_the_confirmation_writes_nothing(world):
    admin = browser(world.admin)
    answer = upload(admin, good_file(world))
    Organisation.objects.create(
        name="社会福祉法人 試験会", kind="other", municipality=world.plaza.municipality
    )
    before = counts()
    refused = admin.post(answer["Location"], {"import": "1"})
    assert refused.status_code == 409 and "取り込めませんでした" in refused.content.decode()
    assert counts() == before and not AuditEvent.objects.filter(event="onboarding.imported").exists()


def test_only_an_administrator_and_only_their_own_kept_file(world):
    admin = browser(world.admin)
    answer = upload(admin, good_file(world))
    for user in (world.staff, world.privacy):
        other = browser(user)
        assert other.get(reverse("onboarding:upload")).status_code == 403
        assert other.get(reverse("onboarding:template")).status_code == 403
        assert other.post(answer["Location"], {"import": "1"}).status_code == 403
    second = User.objects.create(username="second_admin", last_name="管理")
    from accounts.services import add_membership

    add_membership(user=second, organisation=world.admin.memberships.first().organisation, role="sysadmin")
    assert (
        browser(User.objects.get(pk=second.pk)).post(answer["Location"], {"import": "1"}).status_code == 403
    )
    assert StagedImport.objects.count() == 1 and not User.objects.filter(username="aoba_sato").exists()
    # Its administrator may drop it instead: nothing registered, nothing kept.
    admin.post(answer["Location"], {"discard": "1"})
    assert not StagedImport.objects.exists() and not User.objects.filter(username="aoba_sato").exists()
    assert AuditEvent.objects.filter(event="onboarding.discarded").count() == 1


def test_a_file_that_is_not_a_workbook_gets_a_clear_answer(world):
    admin = browser(world.admin)
    html = page(upload(admin, b"name,kind\n", name="list.csv"))
    assert "Excel のファイル（.xlsx）を選んでください" in html and not StagedImport.objects.exists()
    html = page(upload(admin, xlsx()))  # a workbook without the template's sheets
    assert "取り込むシートがありません" in html


def test_the_template_has_every_sheet_and_what_each_column_takes(world):
    answer = browser(world.admin).get(reverse("onboarding:template"))
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == [*(sheet.title for sheet in SHEETS), "説明"]
    assert [c.value for c in book["利用者"][1]] == HEADERS["users"]
    notes = {(row[0], row[1]): row[4] for row in book["説明"].iter_rows(min_row=2, values_only=True)}
    assert "民生委員・児童委員" in notes[("利用者", "役割")]
    # The template, filled as it comes, is read back without problems.
    assert check_workbook(answer.content).problems == []


def code(first_five: str) -> str:
    from accounts.models import local_government_code_check_digit

    return first_five + local_government_code_check_digit(first_five)


def test_areas_and_legal_bases_are_imported_with_what_names_them(world):
    """A ward, its district and a plaza area from the 地域 sheet, in any order; an organisation and
    a candidate on the same file serve them; a legal basis joins the catalogue. Each record is an
    audited administrative change by the administrator."""
    from accounts.models import Area
    from cases.models import LegalBasis

    content = xlsx(
        areas=[  # the child first: rows are written coarser levels first
            {"名称": "試験圏域", "階層": "ケアプラザ圏域", "上位の地域": "試験地区"},
            {"名称": "試験地区", "階層": "district", "上位の地域": "試験区"},
            {
                "名称": "試験区",
                "階層": "区",
                "上位の地域": world.demo.municipality.name,
                "地方公共団体コード": code("14199"),
            },
        ],
        organisations=[
            {"名称": "試験地区の地域ケアプラザ", "種別": "care_plaza", "担当地域": "試験地区、試験圏域"}
        ],
        candidates=[
            {"種別": "社会福祉士", "氏名・名称": "試験 次郎", "受任できる件数": 2, "活動できる地域": "試験区"}
        ],
        legal_bases=[
            {
                "コード": "test-ordinance-12",
                "名称": "試験市個人情報保護条例第12条",
                "根拠条文": "試験市条例第12条",
                "参照の記入が必要": "はい",
                "用いることができる組織の種別": "区役所（福祉保健センター）の課、care_plaza",
            }
        ],
    )
    assert check_workbook(content).problems == []
    admin = browser(world.admin)
    answer = admin.post(upload(admin, content)["Location"], {"import": "1"})
    assert answer.status_code == 302
    ward = Area.objects.get(name="試験区")
    assert (ward.level, ward.parent, ward.code) == ("ward", world.demo.municipality, code("14199"))
    district = Area.objects.get(name="試験地区", parent=ward, level="district")
    plaza_area = Area.objects.get(name="試験圏域", parent=district, level="plaza_area")
    plaza = Organisation.objects.get(name="試験地区の地域ケアプラザ")
    assert set(plaza.areas.all()) == {district, plaza_area}
    assert plaza.municipality == world.demo.municipality
    assert list(GuardianCandidate.objects.get(kind="social_worker").areas.all()) == [ward]
    basis = LegalBasis.objects.get(code="test-ordinance-12")
    assert (basis.requires_reference, basis.is_consent, basis.is_active) == (True, False, True)
    assert sorted(basis.organisation_kinds) == ["care_plaza", "ward_office"]
    made = AuditEvent.objects.filter(event="area.created", actor=world.admin)
    assert sorted(json.loads(e.params)["area_level"] for e in made) == ["district", "plaza_area", "ward"]
    assert AuditEvent.objects.filter(event="legal_basis.created", actor=world.admin).count() == 1
    imported = json.loads(AuditEvent.objects.get(event="onboarding.imported").params)
    assert (imported["areas"], imported["organisations"], imported["legal_bases"]) == (3, 1, 1)
    assert "試験" not in "".join(AuditEvent.objects.values_list("params", flat=True))


def test_area_and_legal_basis_rows_that_break_the_rules_are_refused(world):
    from accounts.models import Area
    from cases.models import LegalBasis

    district, neighbour = world.demo.districts[:2]
    before = (Area.objects.count(), LegalBasis.objects.count())
    content = xlsx(
        areas=[
            {"名称": "コードのない区", "階層": "区", "上位の地域": world.demo.municipality.name},
            {"名称": "逆さの地区", "階層": "地区", "上位の地域": "迷子の圏域"},
            {"名称": "試験圏域", "階層": "plaza_area", "上位の地域": neighbour.name},
            {"名称": "迷子の圏域", "階層": "plaza_area", "上位の地域": "どこにもない地区"},
            {"名称": district.name, "階層": "地区", "上位の地域": world.demo.ward.name},
            {
                "名称": "二つ目の市",
                "階層": "市区町村",
                "上位の地域": world.demo.ward.name,
                "地方公共団体コード": world.demo.ward.code,
            },
            {"名称": "試験圏域", "階層": "plaza_area", "上位の地域": neighbour.name},
            {
                "名称": "誤りのコード",
                "階層": "区",
                "上位の地域": world.demo.municipality.name,
                "地方公共団体コード": "141000",
            },
        ],
        legal_bases=[
            {"コード": LegalBasis.objects.first().code, "名称": "既にある", "根拠条文": "第1条"},
            {"コード": "new-basis", "名称": "新しい", "根拠条文": "第2条"},
            {"コード": "new-basis", "名称": "二度目", "根拠条文": "第3条"},
            {"コード": "other-basis", "名称": "迷い", "根拠条文": "第5条", "本人の同意による": "たぶん"},
            {
                "コード": "日本語のコード",
                "名称": "書式",
                "根拠条文": "第4条",
                "用いることができる組織の種別": "町内会",
            },
        ],
    )
    found = {(p.sheet, p.row, p.column): p.message for p in check_workbook(content).problems}
    assert found.pop(("地域", 2, "地方公共団体コード")) == "市区町村と区には地方公共団体コードが必要です。"
    assert (
        found.pop(("地域", 3, "上位の地域")) == "上位の地域は、この地域より大きな階層でなければなりません。"
    )
    assert found.pop(("地域", 5, "上位の地域")) == "地域「どこにもない地区」がありません。"
    assert found.pop(("地域", 6, "名称")) == "同じ上位の地域の下に、同じ名称の地域が既にあります。"
    assert found.pop(("地域", 7, "地方公共団体コード")) == "このコードの地域が既にあります。"
    assert found.pop(("地域", 7, "上位の地域")) == "市区町村の行は、上位の地域を空欄にしてください。"
    assert found.pop(("地域", 8, "名称")) == "4行目と同じ上位の地域の下で、同じ名称です。"
    assert "検査数字" in found.pop(("地域", 9, "地方公共団体コード"))
    assert found.pop(("共有の根拠", 2, "コード")) == "このコードの根拠が既にあります（変更は管理画面で）。"
    assert found.pop(("共有の根拠", 4, "コード")) == "3行目と同じコードです。"
    assert (
        found.pop(("共有の根拠", 5, "本人の同意による"))
        == "「たぶん」は「はい」か「いいえ」で書いてください。"
    )
    assert found.pop(("共有の根拠", 6, "コード"))  # Django's own words for a slug
    assert "「町内会」は選べません" in found.pop(("共有の根拠", 6, "用いることができる組織の種別"))
    assert found == {}  # nothing else, and the rows without a problem are not blamed
    admin = browser(world.admin)
    assert upload(admin, content).status_code == 200
    assert (Area.objects.count(), LegalBasis.objects.count()) == before and not StagedImport.objects.exists()


def test_a_workbook_written_in_japanese_is_read_whatever_the_screens_language(world):
    """The sheets and headers are Japanese; so are the choices written in them, even when the
    administrator's screens are in English (or the cell says the English label)."""
    from django.utils import translation

    content = xlsx(
        areas=[
            {
                "名称": "英語画面の区",
                "階層": "区",
                "上位の地域": world.demo.municipality.name,
                "地方公共団体コード": code("14198"),
            }
        ],
        users=[
            {
                "ログインID": "en_screen",
                "姓": "英",
                "メールアドレス": "en@example.org",
                "所属組織": world.plaza.name,
                "役割": "民生委員・児童委員",
            }
        ],
        candidates=[
            {"種別": "Lawyer", "氏名・名称": "候補", "受任できる件数": 1, "対応できる言語": "日本語、英語"}
        ],
    )
    with translation.override("en"):
        assert check_workbook(content).problems == []
    with translation.override("ja"):
        [problem] = check_workbook(content).problems  # an English label is for English screens
        assert (problem.sheet, problem.column) == ("後見人候補者", "種別")
