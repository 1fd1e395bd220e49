"""The candidate pool taken away as Excel or CSV by the centre that manages it: every candidate as
the pool's page shows them, the export recorded with its rows and the field name, a pool too long
refused, and nobody else let take it."""

import csv
import io
import json

from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from guardianship import selectors
from tests.screens import browser, page


def test_the_centre_takes_the_pool_as_excel_and_the_export_is_recorded(world, candidate):
    candidate("citizen", name="市民 花子")
    candidate("lawyer", name="=弁護 士郎", max_caseload=10, caseload=4)
    response = browser(world.coordinator).get(reverse("guardianship:candidates_xlsx"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith(
        'attachment; filename="candidates_'
    )
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].values)
    assert rows[0][:4] == ("氏名・名称", "種別", "受任中の件数", "受任できる件数")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["市民 花子"][1] == "市民後見人" and by_name["市民 花子"][6] == "2024-04-01"
    assert by_name["'=弁護 士郎"][2:5] == (4, 10, "はい")  # a name that looks like a formula stays text
    assert "監査記録" in dict(book["この一覧について"].values)["取扱い"]
    event = AuditEvent.objects.get(event="guardianship.candidates_exported")
    assert json.loads(event.params) == {"rows": 2, "format": "xlsx"} and json.loads(event.fields) == ["name"]
    assert "花子" not in event.params


def test_the_csv_and_a_pool_too_long(world, candidate, monkeypatch):
    candidate("citizen", name="市民 花子")
    candidate("citizen", name="市民 次郎")
    centre = browser(world.coordinator)
    rows = list(
        csv.reader(
            io.StringIO(centre.get(reverse("guardianship:candidates_csv")).content.decode("utf-8-sig"))
        )
    )
    assert [row[0] for row in rows[1:3]] == ["市民 花子", "市民 次郎"] and rows[-1][0] == "取扱い"
    monkeypatch.setattr(selectors, "EXPORT_MOST", 1)
    response = centre.get(reverse("guardianship:candidates_xlsx"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event="guardianship.candidates_exported").count() == 1  # the CSV's
    assert "書き出せるのは1件までです" in page(centre.get(response["Location"]))


def test_nobody_else_takes_the_pool(world, candidate):
    candidate("citizen", name="市民 花子")
    for outsider in (world.staff, world.ward_worker, world.agency_worker, world.admin):
        response = browser(outsider).get(reverse("guardianship:candidates_csv"))
        assert response.status_code == 403 and "花子" not in response.content.decode()
    assert not AuditEvent.objects.filter(event="guardianship.candidates_exported").exists()
    assert AuditEvent.objects.filter(event="case.denied", actor=world.staff).exists()
