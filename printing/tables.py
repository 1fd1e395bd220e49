"""A table as a file to take away: Excel (the table, and a sheet describing it) or CSV in UTF-8
with a byte-order mark, which Excel on Windows opens as UTF-8. The one writer of every export
(indicators, lists): which rows a user may take, and the audit event that records it, are the
business of the selector of the app that owns them; this module only writes the bytes."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def xlsx(
    title: str,
    rows: list[list[object]],
    described: list[list[str]],
    described_title: str,
    page_header: str = "",
) -> bytes:
    """The rows (the first a header, in bold, frozen) on a sheet named ``title``, and the sheet
    ``described_title`` saying what they are (two columns: what, and its text). ``page_header`` is
    printed at the top of every page of both sheets."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit on a sheet's name
    for row in rows:
        sheet.append([as_text(value) if isinstance(value, str) else value for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    about = book.create_sheet(described_title[:31])
    for row in described:
        about.append([str(value) for value in row])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 100
    if page_header:
        for each in (sheet, about):
            for header in (each.oddHeader, each.evenHeader, each.firstHeader):
                header.center.text = page_header.replace("&", "&&")  # & starts a code in a header
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], note: list[str]) -> bytes:
    """The rows, then ``note`` (what the file is, or the rule applied) as the last row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[as_text(value) if isinstance(value, str) else value for value in row] for row in rows])
    writer.writerow([str(value) for value in note])
    return "\ufeff".encode() + out.getvalue().encode()


# How a list of people's records is to be handled, said in the file (its 取扱い).
PERSONAL_DATA_HANDLING = gettext_lazy(
    "個人情報を含みます。必要な人の間だけで使い、用が済んだら消してください。"
    "書き出したことは監査記録に残ります。"
)


def list_file(
    file_format: str,
    sheet: str,
    rows: list[list[object]],
    what: str,
    handling: str,
    notes=(),
    page_header: str = "",
) -> bytes:
    """A list of people's records (the first row its header) as a file: Excel with a sheet saying
    what it is, how many rows, ``notes`` (what, text), how to handle it and when it was written,
    and ``page_header`` atop every printed page; CSV with how to handle it as its last row."""
    handling = str(handling)
    if file_format == "csv":
        return csv_bytes(rows, [_("取扱い"), handling])
    about = [
        [_("一覧"), what],
        [_("件数"), str(len(rows) - 1)],
        *notes,
        [_("取扱い"), handling],
        [_("書き出した日時"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]
    return xlsx(sheet, rows, about, _("この一覧について"), page_header=page_header)


def as_text(value: str) -> str:
    """A text a spreadsheet must not take for a formula (one typed as "=…", "+…", "-…", "@…")."""
    value = str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def file_response(content: bytes, file_format: str, name: str) -> HttpResponse:
    """The file as a download; ``name`` says what it is and when, never whom."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
