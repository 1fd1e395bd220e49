"""The onboarding workbook: its sheets and their columns (Japanese headers, what each means), the
empty template to fill in, and reading a filled one back into rows.

A sheet is found by its name, a column by its header (in any order; an unknown header is an
error, so that nothing typed is silently left behind); empty rows are skipped. Row numbers are
the spreadsheet's own (the header is row 1), so that an error can be found where it was typed.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException


@dataclass(frozen=True)
class Column:
    name: str  # the row form's field
    header: str
    note: str  # what to write, on the template's 説明 sheet
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]

    def header_of(self, name: str) -> str:
        return next(column.header for column in self.columns if column.name == name)


LIST_NOTE = _("複数あるときは「、」で区切る")
YES_NO_NOTE = _("「はい」か「いいえ」")

AREAS = Sheet(
    "areas",
    "地域",
    (
        Column(
            "name", "名称", _("区・地区・ケアプラザ圏域の名称（同じ上位の地域の下では重ならない名称）"), True
        ),
        Column("level", "階層", _("区、地区、ケアプラザ圏域 など（下の一覧）"), True),
        Column(
            "parent",
            "上位の地域",
            _("既にある地域か、このシートの別の行の名称。市区町村の行は空欄"),
        ),
        Column("code", "地方公共団体コード", _("市区町村と区は必須の6桁（例 141003）。地区・圏域は空欄")),
    ),
)

ORGANISATIONS = Sheet(
    "organisations",
    "組織",
    (
        Column("name", "名称", _("組織の正式な名称（既にある組織と同じ名称は使えません）"), True),
        Column(
            "kind",
            "種別",
            _("地域ケアプラザ・地域包括支援センター、民生委員児童委員協議会 など（下の一覧）"),
            True,
        ),
        Column("phone", "電話番号", _("代表の電話番号（民生委員への案内に使う）")),
        Column("areas", "担当地域", _("受け持つ地区・区・圏域の名称。") + LIST_NOTE),
    ),
)
USERS = Sheet(
    "users",
    "利用者",
    (
        Column(
            "username",
            "ログインID",
            _("半角英数字と @.+-_ のみ。同じ人の所属が複数あるときは行を分け、同じIDを書く"),
            True,
        ),
        Column("last_name", "姓", "", True),
        Column("first_name", "名", ""),
        Column("email", "メールアドレス", _("パスワードを設定するための案内が届くアドレス"), True),
        Column("organisation", "所属組織", _("既にある組織か、このファイルの「組織」シートの名称"), True),
        Column("role", "役割", _("民生委員・児童委員、地域ケアプラザの職員 など（下の一覧）"), True),
    ),
)
CANDIDATES = Sheet(
    "candidates",
    "後見人候補者",
    (
        Column(
            "kind",
            "種別",
            _("弁護士、司法書士、社会福祉士、市民後見人、法人後見 など（親族は取り込めない）"),
            True,
        ),
        Column("name", "氏名・名称", "", True),
        Column("contact", "連絡先", ""),
        Column("organisation", "所属組織", _("法人後見は、その法人（組織）の名称が必要")),
        Column("max_caseload", "受任できる件数", _("1以上の整数"), True),
        Column("caseload", "受任中の件数", _("0以上の整数（空欄は0）")),
        Column("areas", "活動できる地域", LIST_NOTE),
        Column("languages", "対応できる言語", _("日本語、英語 など。空欄は日本語。") + LIST_NOTE),
        Column("specialisms", "専門性", _("認知症、債務整理 など。") + LIST_NOTE),
        Column("training_completed_on", "養成課程の修了日", _("市民後見人は必須（例 2024-03-31）")),
        Column("registered_on", "市民後見人バンクへの登録日", _("市民後見人は必須")),
    ),
)
LEGAL_BASES = Sheet(
    "legal_bases",
    "共有の根拠",
    (
        Column("code", "コード", _("半角英数字と - _ の40字まで（既にあるコードは使えません）"), True),
        Column("name", "名称", _("画面に出る根拠の名称"), True),
        Column("citation", "根拠条文", _("例 社会福祉法第106条の6"), True),
        Column("is_consent", "本人の同意による", YES_NO_NOTE + _("（空欄は「いいえ」）")),
        Column(
            "allows_meeting_without_consent",
            "同意前の会議で共有できる",
            YES_NO_NOTE + _("（空欄は「いいえ」）"),
        ),
        Column("requires_reference", "参照の記入が必要", YES_NO_NOTE + _("（空欄は「いいえ」）")),
        Column(
            "organisation_kinds",
            "用いることができる組織の種別",
            _("空欄はすべての種別。") + LIST_NOTE,
        ),
        Column("is_active", "有効", YES_NO_NOTE + _("（空欄は「はい」）")),
    ),
)
# In the order they are written: areas before the organisations and candidates that name them.
SHEETS = (AREAS, ORGANISATIONS, USERS, CANDIDATES, LEGAL_BASES)

# The second workbook, once the directory is in: the persons and open cases kept before Tsunagu.
PEOPLE = Sheet(
    "people",
    "本人とケース",
    (
        Column("name", "氏名", _("姓と名の間に空白（例 山田 花子）"), True),
        Column("kana", "ふりがな", _("ひらがなかカタカナ")),
        Column("birth_date", "生年月日", _("例 1948-03-15")),
        Column("address", "住所", ""),
        Column("phone", "電話番号", ""),
        Column("notes", "メモ", _("4,000字まで")),
        Column("area", "地域", _("本人が暮らす地区・圏域の名称（既にある地域）"), True),
        Column("lead", "主担当の組織", _("このケースを受け持つ組織の名称。その地域を担当している組織"), True),
        Column("opened_on", "受付日", _("元の記録でケースを受け付けた日（例 2019-04-01）"), True),
        Column("state", "状態", _("情報共有・アセスメント か 見守り（空欄は情報共有・アセスメント）")),
        Column(
            "legal_basis",
            "保有の根拠",
            _("この組織が本人の情報を持つ根拠。共有の根拠の一覧のコードか名称（下の一覧）"),
            True,
        ),
        Column("reference", "根拠の参照", _("根拠が参照の記入を求めるとき必須（同意書の日付や番号など）")),
    ),
)
PEOPLE_SHEETS = (PEOPLE,)


class UnreadableWorkbook(Exception):
    """Not a workbook this page can read; the message says what to do."""


@dataclass
class Row:
    number: int  # the spreadsheet's row number
    values: dict[str, object]


def template(choices: dict[tuple[str, str], list[str]], sheets: tuple[Sheet, ...] = SHEETS) -> bytes:
    """The empty workbook: one sheet per kind of record with its headers, and a 説明 sheet with
    what each column takes (``choices``: (sheet key, column name) → the labels it accepts)."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title)
        ws.append([column.header for column in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    notes = book.create_sheet(str(_("説明")))
    notes.append([str(_("シート")), str(_("列")), str(_("必須")), str(_("書き方")), str(_("選べるもの"))])
    for sheet in sheets:
        for column in sheet.columns:
            notes.append(
                [
                    sheet.title,
                    column.header,
                    str(_("必須")) if column.required else "",
                    str(column.note),
                    "、".join(choices.get((sheet.key, column.name), [])),
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(content: bytes, sheets: tuple[Sheet, ...] = SHEETS) -> dict[str, list[Row]]:
    """The rows of each sheet present, by sheet key: each a dict of column name → the cell's value
    (text stripped, a date as a date; an empty cell is absent)."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableWorkbook(
            _("Excel のファイル（.xlsx）を選んでください。このファイルは読めませんでした。")
        ) from error
    found: dict[str, list[Row]] = {}
    try:
        for sheet in sheets:
            if sheet.title not in book.sheetnames:
                continue
            lines = book[sheet.title].iter_rows(values_only=True)
            headers = [_text(value) for value in next(lines, ())]
            by_header = {column.header: column for column in sheet.columns}
            unknown = [h for h in headers if h and h not in by_header]
            if unknown:
                raise UnreadableWorkbook(
                    _(
                        "「%(sheet)s」シートに知らない列があります：%(columns)s。ひな形の見出しのままにしてください。"
                    )
                    % {"sheet": sheet.title, "columns": "、".join(unknown)}
                )
            missing = [c.header for c in sheet.columns if c.required and c.header not in headers]
            if missing:
                raise UnreadableWorkbook(
                    _("「%(sheet)s」シートに必須の列がありません：%(columns)s。")
                    % {"sheet": sheet.title, "columns": "、".join(missing)}
                )
            rows = []
            for number, line in enumerate(lines, start=2):
                values = {
                    by_header[header].name: _value(value)
                    for header, value in zip(headers, line, strict=False)
                    if header and _value(value) not in (None, "")
                }
                if values:
                    rows.append(Row(number, values))
            found[sheet.key] = rows
    finally:
        book.close()
    if not found:
        raise UnreadableWorkbook(
            _("取り込むシートがありません。ひな形のシート名（%(sheets)s）のままにしてください。")
            % {"sheets": "、".join(sheet.title for sheet in sheets)}
        )
    return found


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value
