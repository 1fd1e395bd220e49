"""A case list as a file to take away (printing.tables): one row per case as the list shows it —
the case number always, the name and kana only where the list shows them — with Japanese headers
and a sheet saying what the file holds. What a user may take, and the record of it, are the
selector's (cases.selectors.lists.inbox_export)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors.lists import CaseListExport, TaskListExport
from printing import tables
from privacy.templatetags.personal_data import personal


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


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def task_list_rows(found: TaskListExport) -> list[list[object]]:
    """A section of the tasks page as its rows show it: a meeting's time and kind, an item's due day,
    text and (done) result, a visit's due and visited days — beside the case's number and name."""
    if found.section == "meetings":
        header = [_("日時"), _("会議の種類"), *who_headers(), _("守秘義務の確認")]
        body = [
            [
                _moment(a.meeting.held_at or a.meeting.scheduled_for),
                a.meeting.get_kind_display(),
                *who_cells(a.meeting.case.reference, a.who),
                _("確認済み") if a.acknowledged_at else _("未確認"),
            ]
            for a in found.rows
        ]
    elif found.section == "items":
        header = [_("期限"), _("役割分担"), *who_headers(), _("完了"), _("結果")]
        body = [
            [
                _day(item.due_on),
                personal(item, "description"),
                *who_cells(item.meeting.case.reference, item.who),
                _moment(item.done_at),
                (personal(item, "result") or "") if item.done_at else "",
            ]
            for item in found.rows
        ]
    else:
        header = [_("予定日"), *who_headers(), _("訪問日")]
        body = [[_day(v.due_on), *who_cells(v.case.reference, v.who), _day(v.visited_on)] for v in found.rows]
    return [header, *body]


def task_list_file(found: TaskListExport, file_format: str) -> bytes:
    return tables.list_file(
        file_format,
        _("役割分担と見守り"),
        task_list_rows(found),
        found.label,
        tables.PERSONAL_DATA_HANDLING,
        notes=[[_("氏名"), _("本人確認の情報を見ることを認められたケースだけ。ほかは空欄。")]],
    )


def case_list_file(found: CaseListExport, file_format: str) -> bytes:
    return tables.list_file(
        file_format,
        _("ケース一覧"),
        case_list_rows(found),
        _("受付・担当ケース（%(tab)s）") % {"tab": found.tab_label},
        tables.PERSONAL_DATA_HANDLING,
        notes=[[_("氏名"), _("本人確認の情報を見ることを認められたケースだけ。ほかは空欄。")]],
    )
