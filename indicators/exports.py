"""An indicator's table as a file to take away: Excel (the table, and a sheet with its definition)
or CSV in UTF-8 with a byte-order mark, which Excel on Windows opens as UTF-8. Japanese headers,
one row per district and the total, figures as numbers, a hidden one as ＊; each file states the
rule on small numbers applied (Excel: the definitions' sheet; CSV: its last row)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.selectors import ContactsTable

HIDDEN = "＊"  # a small number, or one that would give a small number away (indicators/suppression.py)


def contacts_rows(table: ContactsTable) -> list[list[object]]:
    """The header and one row per district, then the total: by counterpart, their sum, by month."""
    header = [_("地区"), *table.counterparts, _("計"), *map(str, table.months)]
    rows = [
        [
            _as_text(row.name),
            *(HIDDEN if n is None else n for n in (*row.by_counterpart, row.total, *row.by_month)),
        ]
        for row in [*table.rows, table.totals]
    ]
    return [header, *rows]


def definition_rows(table: ContactsTable) -> list[list[str]]:
    indicator = table.indicator
    return [
        [_("指標"), f"{indicator.code} {indicator.title}"],
        [_("年度"), table.fiscal_year_label],
        [_("数えるもの"), str(indicator.counts)],
        [_("もとの記録"), str(indicator.source)],
        [_("数えないもの"), str(indicator.excludes)],
        [_("小さい数の秘匿"), table.rule],
        [_("書き出した日時"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]


def contacts_xlsx(table: ContactsTable) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"指標{table.indicator.code}"
    for row in contacts_rows(table):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    definitions = book.create_sheet(_("定義"))
    for row in definition_rows(table):
        definitions.append(row)
    definitions.column_dimensions["A"].width = 16
    definitions.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def contacts_csv(table: ContactsTable) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([*contacts_rows(table), [_("注"), table.rule]])
    return "\ufeff".encode() + out.getvalue().encode()


def _as_text(name: str) -> str:
    """A name a spreadsheet must not take for a formula (one an administrator typed as "=…")."""
    return f"'{name}" if name[:1] in ("=", "+", "-", "@") else name
