"""The agency's received referrals taken away as Excel or CSV: the rows its inbox shows under the
tab and filters, a name only where the inbox shows it, the export recorded with its fields and
rows' count, a list too long refused with the reason, nobody else's referrals in it."""

import csv
import io
import json

from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from cases.selectors import lists
from referrals.models import ReferralState
from tests.screens import browser, page


def test_the_received_list_as_excel_holds_the_inboxs_rows_and_is_recorded(world, received_in_bulk):
    named = received_in_bulk(2, name="受付")
    unnamed = received_in_bulk(1, identity=False, name="匿名")
    received_in_bulk(1, state=ReferralState.ACCEPTED, name="対応中")  # another tab
    agency = browser(world.agency_worker)
    assert reverse("referrals:inbox_xlsx") in page(agency.get(reverse("referrals:inbox")))
    last = AuditEvent.objects.latest("sequence").sequence
    response = agency.get(reverse("referrals:inbox_xlsx"), {"tab": "waiting", "sort": "oldest"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="referrals_')
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].values)
    assert rows[0][:4] == ("ケース番号", "氏名", "ふりがな", "状態")
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {r.case.reference for r in [*named, *unnamed]}  # this tab only
    assert by_reference[named[0].case.reference][1] == "受付 000"
    assert by_reference[unnamed[0].case.reference][1] is None  # the inbox shows no name: nor the file
    assert by_reference[named[0].case.reference][5] == world.plaza.name
    about = dict(book["この一覧について"].values)
    assert about["件数"] == "3" and "未対応" in about["一覧"] and "監査記録" in about["取扱い"]
    [exported] = AuditEvent.objects.filter(sequence__gt=last, event="referral.list_exported")
    assert json.loads(exported.params) == {"rows": 3, "format": "xlsx"}
    assert sorted(json.loads(exported.fields)) == ["kana", "name"]
    [listed] = AuditEvent.objects.filter(sequence__gt=last, event="person.listed")
    assert sorted(json.loads(listed.params)["people"]) == sorted(str(r.case.person_id) for r in named)


def test_the_csv_keeps_the_filters_and_a_list_too_long_is_refused(world, received_in_bulk, monkeypatch):
    received_in_bulk(2, name="普通")
    agency = browser(world.agency_worker)
    content = agency.get(reverse("referrals:inbox_csv"), {"urgency": "urgent"}).content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "ケース番号" and len(rows) == 2 and rows[-1][0] == "取扱い"  # no urgent one
    monkeypatch.setattr(lists, "EXPORT_MOST", 1)
    response = agency.get(reverse("referrals:inbox_xlsx"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("referrals:inbox"))
    assert "書き出せるのは1件までです" in page(agency.get(response["Location"]))
    assert AuditEvent.objects.filter(event="referral.list_exported").count() == 1  # the CSV only


def test_nobody_else_takes_the_list(world, received_in_bulk):
    [referral] = received_in_bulk(1, name="秘密")
    assert browser(world.commissioner).get(reverse("referrals:inbox_csv")).status_code == 403
    other = browser(world.staff).get(reverse("referrals:inbox_csv"))  # the plaza sent it, received none
    assert other.status_code == 200 and referral.case.reference not in other.content.decode("utf-8-sig")
