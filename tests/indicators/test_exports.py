"""⑧ to take away: the Excel file opens (read back with openpyxl) with the page's numbers and a
sheet of definitions; the CSV is UTF-8 with a byte-order mark; each export is recorded (the
indicator, the year, the rows, the format: no field, nothing personal); an outsider gets none."""

import csv
import io
import json

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from privacy.normalise import fiscal_year_of
from tests.indicators.test_contacts import generated, table
from tests.screens import browser, page


def test_the_files_hold_the_pages_figures_and_each_export_is_recorded(world):
    generated(world)
    ward = browser(world.ward_worker)
    year = fiscal_year_of(timezone.localdate())
    html = page(ward.get(reverse("indicators:index"), {"year": year}))
    on_page = {
        name: by_counterpart + table(html, "contacts-by-month")[name]
        for name, by_counterpart in table(html, "contacts-by-counterpart").items()
    }

    answer = ward.get(reverse("indicators:contacts_xlsx"), {"year": year})
    assert answer.status_code == 200 and f"indicator-8_{year}.xlsx" in answer["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    sheet, definitions = book.worksheets
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("地区", "委員相互", "関係機関", "その他", "計") and rows[0][5] == "4月"
    assert {row[0]: [None if n == "＊" else n for n in row[1:]] for row in rows[1:]} == on_page
    assert None in [n for row in on_page.values() for n in row]  # small numbers hidden, as on the page
    stated = dict(definitions.iter_rows(values_only=True))
    assert "数えるもの" in stated and "5未満" in stated["小さい数の秘匿"]

    answer = ward.get(reverse("indicators:contacts_csv"), {"year": year})
    assert answer.content.startswith("\ufeff".encode())
    read = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert {row[0]: [None if n == "＊" else int(n) for n in row[1:]] for row in read[1:-1]} == on_page
    assert read[-1][0] == "注"

    exported = AuditEvent.objects.filter(event="indicators.exported", actor=world.ward_worker).order_by(
        "sequence"
    )
    assert [json.loads(e.params)["format"] for e in exported] == ["xlsx", "csv"]
    params = json.loads(exported.first().params)
    assert (params["indicator"], params["fiscal_year"], params["rows"]) == ("8", year, len(on_page) - 1)
    assert all(e.fields == "[]" and e.action == "export" for e in exported)


def test_an_outsider_gets_no_file(world):
    for file_format in ("xlsx", "csv"):
        assert browser(world.admin).get(reverse(f"indicators:contacts_{file_format}")).status_code == 403
    assert not AuditEvent.objects.filter(event="indicators.exported").exists()
