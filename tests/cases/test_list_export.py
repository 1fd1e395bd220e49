"""The inbox taken away as Excel or CSV: the rows the list shows under its tab and filters, a name
only where the list shows it, the export recorded with its fields and rows' count, a list too long
refused with the reason, nobody else's cases in it."""

import csv
import io
import json

from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from cases import selectors
from cases.models import CaseAccessGrant
from cases.selectors import lists
from tests.screens import browser, page


def test_the_inbox_as_excel_holds_the_pages_rows_and_the_export_is_recorded(world, concern):
    first = concern(identity={"name": "一 太郎", "kana": "はじめ たろう"})
    second = concern(identity={"name": '=HYPERLINK("x")', "kana": ""})
    hidden = concern(identity={"name": "見えない 人"})
    CaseAccessGrant.objects.filter(case=hidden, reason="intake").update(field_groups=["concern"])
    last = AuditEvent.objects.latest("sequence").sequence
    response = browser(world.staff).get(reverse("cases:inbox_xlsx"), {"tab": "open", "sort": "newest"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cases_')
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].values)
    assert rows[0][:3] == ("ケース番号", "氏名", "ふりがな")
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference[first.reference][1:3] == ("一 太郎", "はじめ たろう")
    assert by_reference[second.reference][1] == '\'=HYPERLINK("x")'  # text, never a formula
    assert by_reference[hidden.reference][1:3] == (None, None)  # the list shows no name: nor the file
    assert [row[0] for row in rows[1:]] == [hidden.reference, second.reference, first.reference]
    about = dict(book["この一覧について"].values)
    assert about["件数"] == "3" and "監査記録" in about["取扱い"]
    [exported] = AuditEvent.objects.filter(sequence__gt=last, event="case.list_exported")
    assert json.loads(exported.params) == {"rows": 3, "format": "xlsx"}
    assert sorted(json.loads(exported.fields)) == ["kana", "name"]
    [listed] = AuditEvent.objects.filter(sequence__gt=last, event="person.listed")
    assert sorted(json.loads(listed.params)["people"]) == sorted(
        [str(first.person_id), str(second.person_id)]
    )


def test_the_csv_keeps_the_filters_and_opens_in_excel_as_utf8(world, concern):
    concern()
    theirs = [area for area in selectors.case_list_choices(world.staff).areas if area != world.district]
    response = browser(world.staff).get(reverse("cases:inbox_csv"), {"area": theirs[0].pk})
    content = response.content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "ケース番号" and len(rows) == 2  # the header and the note: no case there
    assert rows[-1][0] == "取扱い"
    assert json.loads(AuditEvent.objects.get(event="case.list_exported").params) == {
        "rows": 0,
        "format": "csv",
    }


def test_a_list_too_long_is_refused_with_the_reason_and_nothing_recorded(world, concern, monkeypatch):
    concern(), concern()
    monkeypatch.setattr(lists, "EXPORT_MOST", 1)
    plaza = browser(world.staff)
    response = plaza.get(reverse("cases:inbox_xlsx"), {"tab": "open"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("cases:inbox"))
    assert not AuditEvent.objects.filter(event__in=["case.list_exported", "person.listed"]).exists()
    assert "書き出せるのは1件までです" in page(plaza.get(response["Location"]))


def test_nobody_else_takes_the_list(world, concern):
    case = concern()
    assert browser(world.commissioner).get(reverse("cases:inbox_csv")).status_code == 403
    assert browser(world.agency_worker).get(reverse("cases:inbox_csv")).status_code == 403
    other = browser(world.other_staff).get(reverse("cases:inbox_csv"))
    assert other.status_code == 200 and case.reference not in other.content.decode("utf-8-sig")


@override_settings(LANGUAGE_CODE="ja")
def test_the_inbox_offers_the_files_with_its_filters(world, concern):
    concern()
    html = page(
        browser(world.staff).get(reverse("cases:inbox"), {"tab": "open", "page": "1", "sort": "newest"})
    )
    assert f'href="{reverse("cases:inbox_xlsx")}?tab=open&amp;sort=newest"' in html
