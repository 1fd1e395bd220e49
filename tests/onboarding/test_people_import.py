"""The persons and open cases kept before Tsunagu, imported as an administrator does it: a file with
one bad row writes nothing and says which row and column; a good one is written a batch at a time
with its progress shown, each person encrypted under their own key, each case led by its
organisation with the ground it holds the person's data on — and an import interrupted part-way
carries on where it stopped, writing no row twice."""

import datetime
import io
import json

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from audit.models import AuditEvent
from cases import selectors
from cases.models import Case, CaseAccessGrant, Person
from cases.services.importing import import_open_cases
from onboarding import people
from onboarding.models import StagedBatch, StagedImport
from onboarding.workbook import PEOPLE
from privacy.models import DataKey
from tests.onboarding.test_import import _named
from tests.screens import browser, follow_post, page

HEADERS = [column.header for column in PEOPLE.columns]


def xlsx(rows: list[dict]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = PEOPLE.title
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(header) for header in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(world, n: int, **changes) -> dict:
    found = {
        "氏名": f"取込 太郎{n}",
        "ふりがな": "とりこみ たろう",
        "生年月日": datetime.date(1940, 1, 1) + datetime.timedelta(days=n),
        "住所": f"つなぐ市はまかぜ区{n}丁目",
        "地域": world.district.name,
        "主担当の組織": world.plaza.name,
        "受付日": datetime.date(2019, 5, 1),
        "状態": "見守り",
        "保有の根拠": "consent",
        "根拠の参照": "2019-05-01 同意書",
    }
    found.update(changes)
    return found


def upload(client, content: bytes):
    return client.post(
        reverse("onboarding:people"), {"workbook": io.BytesIO(content) | _named("people.xlsx")}
    )


def test_a_good_file_is_imported_batch_by_batch_encrypted_and_led(world, monkeypatch):
    monkeypatch.setattr(people, "BATCH_ROWS", 2)
    admin = browser(world.admin)
    before = Person.objects.count(), Case.objects.count()
    answer = upload(admin, xlsx([row(world, n) for n in range(5)]))
    assert answer.status_code == 302, page(answer)
    assert (Person.objects.count(), Case.objects.count()) == before  # checking writes nothing
    staged = StagedImport.objects.get(kind=StagedImport.Kind.PEOPLE)
    assert (staged.batches, staged.written, StagedBatch.objects.count()) == (3, 0, 3)
    with connection.cursor() as cursor:  # the checked rows are kept encrypted only
        cursor.execute("SELECT rows FROM onboarding_stagedbatch")
        stored = b"".join(bytes(found) for (found,) in cursor.fetchall())
    assert "取込".encode() not in stored and "同意書".encode() not in stored
    shown = page(admin.get(answer["Location"]))
    assert "5 件登録します" in shown and 'value="0"' in shown

    # The page's script asks for each batch in turn (htmx): the bar moves, the next is asked by itself.
    first = admin.post(answer["Location"], {"batch": "0"}, headers={"HX-Request": "true"})
    assert (
        'value="2"' in page(first) and 'hx-trigger="load"' in page(first) and "2 / 5 件（40%）" in page(first)
    )
    assert Person.objects.count() == before[0] + 2
    admin.post(answer["Location"], {"batch": "1"}, headers={"HX-Request": "true"})
    last = admin.post(answer["Location"], {"batch": "2"}, headers={"HX-Request": "true"})
    assert "本人とケースを 5 件取り込みました" in page(last) and 'hx-trigger="load"' not in page(last)

    imported = Case.objects.filter(imported__isnull=False).select_related("person", "imported__legal_basis")
    assert imported.count() == 5
    case = imported.get(person__name_index=Person._meta.get_field("name_index").compute("取込 太郎3"))
    assert case.person.name == "取込 太郎3" and case.person.birth_date == datetime.date(1940, 1, 4)
    assert (case.state, case.lead_organisation, case.area) == ("watching", world.plaza, world.district)
    assert case.reference.startswith("2019-")  # numbered in the fiscal year it was opened
    assert case.imported.legal_basis.code == "consent" and case.imported.reference == "2019-05-01 同意書"
    assert case.imported.opened_on == datetime.date(2019, 5, 1) and case.imported.imported_by == world.admin
    assert len({c.person.data_key_id for c in imported}) == 5  # a key each
    # The lead organisation holds it: its staff find it, read it; another plaza does not.
    assert CaseAccessGrant.objects.filter(case=case, organisation=world.plaza, reason="owner").exists()
    assert selectors.case_page(world.staff, case.pk).case == case
    assert not selectors.cases_visible_to(world.other_staff).filter(pk=case.pk).exists()
    # Recorded by the administrator, one event a row: the person's fields written, the case, its
    # ground and its lead's grant; then the import's counts. No value anywhere.
    assert AuditEvent.objects.filter(event="case.imported", actor=world.admin).count() == 5
    event = AuditEvent.objects.get(event="case.imported", case_id=str(case.pk))
    assert event.person_id == str(case.person_id) and event.organisation_id == world.plaza.pk
    assert json.loads(event.fields) == ["address", "birth_date", "kana", "name", "reference"]
    assert json.loads(event.params) == {
        "state": "watching",
        "legal_basis": "consent",
        "lead": world.plaza.pk,
        "level": 40,
    }
    # The case page says where it began, and the ground with its reference to its lead.
    shown = page(browser(world.staff).get(reverse("cases:case_detail", args=[case.pk])))
    began = "以前の記録から取り込み: 見守り（元の記録での受付日 2019-05-01、"
    assert began + "保有の根拠: 本人（または代理人）の同意（2019-05-01 同意書））" in shown
    assert "気付き受付" not in shown
    viewed = AuditEvent.objects.filter(event="case.viewed", case_id=str(case.pk)).latest("sequence")
    assert "imported.reference" in json.loads(viewed.fields)
    done = AuditEvent.objects.get(event="onboarding.people_imported")
    assert json.loads(done.params) == {"people": 5, "batches": 3}
    assert "取込" not in "".join(AuditEvent.objects.values_list("params", flat=True))
    # Nothing of the file left behind: the import's row and batches gone, its key destroyed.
    assert not StagedImport.objects.exists() and not StagedBatch.objects.exists()
    assert DataKey.objects.get(pk=staged.data_key_id).is_destroyed


def test_one_bad_row_writes_nothing_and_says_where(world):
    admin = browser(world.admin)
    rows = [row(world, n) for n in range(4)]
    rows[1]["受付日"] = "昨日"  # row 3 of the sheet
    rows[2]["状態"] = "支援会議"  # row 4: not a state a case comes in at
    rows[3]["保有の根拠"] = "appi-69-2-3"  # row 5: not a ground a care plaza may use
    before = Person.objects.count(), Case.objects.count(), DataKey.objects.count()
    answer = upload(admin, xlsx(rows))
    html = page(answer)
    assert answer.status_code == 200 and "何も登録していません" in html
    assert (Person.objects.count(), Case.objects.count(), DataKey.objects.count()) == before
    assert not StagedImport.objects.exists()
    found = {(p.row, p.column) for p in people.check_people(xlsx(rows)).problems}
    assert found == {(3, "受付日"), (4, "状態"), (5, "保有の根拠")}
    assert '行">3</td><td data-label="列">受付日</td>' in html
    checked = AuditEvent.objects.get(event="onboarding.people_checked")
    assert json.loads(checked.params) == {"people": 0, "errors": 3}


def test_the_directory_the_file_names_and_the_people_already_known_are_checked(world, make_person):
    make_person(name="既存 花子", birth_date=datetime.date(1950, 2, 3))
    rows = [
        row(world, 0, 地域="どこにもない地区"),
        row(world, 1, 主担当の組織=world.other_plaza.name),  # a plaza outside its area
        row(world, 2, 受付日=datetime.date.today() + datetime.timedelta(days=3)),
        row(world, 3, 保有の根拠="swa-106-6", 根拠の参照=None),  # ground asking a reference, none given
        row(world, 4, 氏名="既存 花子", 生年月日=datetime.date(1950, 2, 3)),
        row(world, 5, 氏名="二重 一郎", 生年月日=datetime.date(1960, 1, 1)),
        row(world, 6, 氏名="二重 一郎", 生年月日=datetime.date(1960, 1, 1)),
    ]
    found = {(p.row, p.column): p.message for p in people.check_people(xlsx(rows)).problems}
    assert found[2, "地域"] == "地域「どこにもない地区」がありません。"
    assert found[3, "主担当の組織"] == "主担当の組織は、この地域を担当していません。"
    assert found[4, "受付日"] == "受付日が未来の日付です。"
    assert "参照" in found[5, "根拠の参照"]
    assert "既に登録されています" in found[6, "氏名"]
    assert found[8, "氏名"] == "7行目と同じ氏名・生年月日の人です。"
    assert len(found) == 6


def test_an_interrupted_import_carries_on_and_writes_no_row_twice(world, monkeypatch):
    monkeypatch.setattr(people, "BATCH_ROWS", 2)
    checked, staged = people.stage_people(actor=world.admin, content=xlsx([row(world, n) for n in range(5)]))
    assert staged is not None and not checked.problems
    people.write_batch(actor=world.admin, staged=staged, number=0)

    # The server dies while the second batch is written, after its rows went in: its transaction
    # rolls back whole.
    def write_then_die(**arguments):
        import_open_cases(**arguments)
        raise SystemExit("killed")

    with monkeypatch.context() as patch:
        patch.setattr(people, "import_open_cases", write_then_die)
        with pytest.raises(SystemExit):
            people.write_batch(actor=world.admin, staged=staged, number=1)
    assert Case.objects.filter(imported__isnull=False).count() == 2
    staged.refresh_from_db()
    assert staged.written == 1 and StagedBatch.objects.filter(staged=staged).count() == 2

    # A stale tab asks for a batch already written: nothing happens.
    with pytest.raises(people.Conflict):
        people.write_batch(actor=world.admin, staged=staged, number=0)
    # Carried on from the page (the administrator's unfinished import is offered there).
    admin = browser(world.admin)
    assert reverse("onboarding:people_import", args=[staged.pk]) in page(
        admin.get(reverse("onboarding:people"))
    )
    for number in (1, 2):
        people.write_batch(actor=world.admin, staged=staged, number=number)
    names = sorted(person.name for person in Person.objects.filter(cases__imported__isnull=False))
    assert names == sorted(f"取込 太郎{n}" for n in range(5))  # each once
    assert not StagedImport.objects.exists()


def test_only_an_administrator_imports_and_only_their_own_file(world):
    _checked, staged = people.stage_people(actor=world.admin, content=xlsx([row(world, 0)]))
    for user in (world.staff, world.privacy):
        client = browser(user)
        assert client.get(reverse("onboarding:people")).status_code == 403
        refused = client.post(reverse("onboarding:people_import", args=[staged.pk]), {"batch": "0"})
        assert refused.status_code == 403
    assert not Case.objects.filter(imported__isnull=False).exists()
    # The directory's confirmation page does not take a people import.
    assert browser(world.admin).get(reverse("onboarding:confirm", args=[staged.pk])).status_code == 403


def test_without_script_each_press_writes_one_batch(world, monkeypatch):
    monkeypatch.setattr(people, "BATCH_ROWS", 2)
    admin = browser(world.admin)
    here = upload(admin, xlsx([row(world, n) for n in range(3)]))["Location"]
    pressed = admin.post(here, {"batch": "0"})
    assert pressed.status_code == 302 and pressed["Location"] == here
    shown = page(admin.get(here))
    assert "2 / 3 件" in shown and "続ける" in shown and 'hx-trigger="load"' not in shown
    last = admin.post(here, {"batch": "1"})
    assert last["Location"] == reverse("onboarding:people")
    assert "本人とケースを 3 件取り込みました" in page(admin.get(last["Location"]))
    assert Case.objects.filter(imported__isnull=False).count() == 3


def test_an_imported_persons_erasure_leaves_the_case_page_readable(world):
    from cases.services.lifecycle import withdraw
    from cases.services.people import erase_person
    from cases.vocabulary import WithdrawalKind

    _checked, staged = people.stage_people(actor=world.admin, content=xlsx([row(world, 0)]))
    people.write_batch(actor=world.admin, staged=staged, number=0)
    case = Case.objects.get(imported__isnull=False)
    withdraw(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        reason="転居",
        kind=WithdrawalKind.NO_LONGER_NEEDED,
    )
    erase_person(actor=None, person=Person.objects.get(pk=case.person_id))
    shown = page(browser(world.staff).get(reverse("cases:case_detail", args=[case.pk])))
    assert "保有の根拠: 本人（または代理人）の同意）" in shown and "同意書" not in shown


def test_imported_cases_stand_in_the_leads_lists_home_and_exports(world):
    """A case without a concern (it came from paper) is listed like any other: the inbox's
    watching tab and its export, the home page, the person search."""
    _checked, staged = people.stage_people(actor=world.admin, content=xlsx([row(world, 0)]))
    people.write_batch(actor=world.admin, staged=staged, number=0)
    case = Case.objects.get(imported__isnull=False)
    staff = browser(world.staff)
    for url in (
        reverse("cases:inbox") + "?tab=watching",
        reverse("cases:inbox_csv") + "?tab=watching",
        reverse("home"),
        reverse("cases:my_tasks"),
    ):
        answer = staff.get(url)
        assert answer.status_code == 200, url
    listed = page(staff.get(reverse("cases:inbox") + "?tab=watching"))
    assert case.reference in listed and "取込 太郎0" in listed
    found = follow_post(staff, reverse("cases:person_search"), {"q": "取込 太郎0"})
    assert reverse("cases:case_detail", args=[case.pk]) in found and "見守り" in found


def test_a_row_is_checked_and_written_as_the_persons_own_page_would(world):
    """The identity as the screens store it (kana in hiragana, half-width digits, one space) and
    dates as people write them, 和暦 too; a phone the page would refuse is refused at its cell."""
    written = row(
        world,
        0,
        ふりがな="トリコミ　タロウ",
        生年月日="昭和15年1月1日",
        電話番号="０４５－１２３－４５６７",
        受付日="R1.5.1",
    )
    refused = row(world, 1, 電話番号="123")
    found = {(p.row, p.column) for p in people.check_people(xlsx([written, refused])).problems}
    assert found == {(3, "電話番号")}
    _checked, staged = people.stage_people(actor=world.admin, content=xlsx([written]))
    people.write_batch(actor=world.admin, staged=staged, number=0)
    case = Case.objects.select_related("person", "imported").get(imported__isnull=False)
    person = case.person
    assert (person.kana, person.phone) == ("とりこみ たろう", "045-123-4567")
    assert person.birth_date == datetime.date(1940, 1, 1) and case.imported.opened_on == datetime.date(
        2019, 5, 1
    )
