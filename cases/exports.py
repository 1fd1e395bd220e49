"""A case list as a file to take away (printing.tables): one row per case as the list shows it —
the case number always, the name and kana only where the list shows them — with Japanese headers
and a sheet saying what the file holds. What a user may take, and the record of it, are the
selector's (cases.selectors.lists.inbox_export)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors.lists import CaseListExport
from printing import tables


def who_headers() -> list[str]:
    return [_("ケース番号"), _("氏名"), _("ふりがな")]


def who_cells(reference: str, who) -> list[str]:
    """A row's case number, and its name and kana only where the list shows them."""
    return [
        reference,
        who.label if who.shows_identity else "",
        who.kana if who.shows_identity and not who.erased else "",
    ]


def case_list_rows(found: CaseListExport) -> list[list[object]]:
    header = [
        *who_headers(),
        _("状態"),
        _("緊急"),
        _("地区"),
        _("受付日時"),
        _("主担当"),
    ]
    rows = [header]
    for row in found.rows:
        case, who = row.case, row.who
        rows.append(
            [
                *who_cells(case.reference, who),
                case.get_state_display(),
                _("緊急") if case.urgent else "",
                case.area_name or "",
                timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"),
                case.lead_name or "",
            ]
        )
    return rows


def case_list_file(found: CaseListExport, file_format: str) -> bytes:
    return tables.list_file(
        file_format,
        _("ケース一覧"),
        case_list_rows(found),
        _("受付・担当ケース（%(tab)s）") % {"tab": found.tab_label},
        tables.PERSONAL_DATA_HANDLING,
        notes=[[_("氏名"), _("本人確認の情報を見ることを認められたケースだけ。ほかは空欄。")]],
    )
