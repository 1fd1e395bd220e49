"""The candidate pool as a file to take away (printing.tables): a row per candidate as the pool's
page shows it, with Japanese headers and a sheet saying what the file holds and how to handle it.
Who may take it, and the record of it, are the selector's (``candidate_pool_export``)."""

from django.utils.translation import gettext as _

from guardianship.models import GuardianCandidate
from printing import tables


def candidate_rows(pool: list[GuardianCandidate]) -> list[list[object]]:
    header = [
        _("氏名・名称"),
        _("種別"),
        _("受任中の件数"),
        _("受任できる件数"),
        _("受任可能"),
        _("活動できる地域"),
        _("市民後見人バンクへの登録日"),
        _("一人の本人の親族"),
    ]
    rows = [header]
    for c in pool:
        rows.append(
            [
                c.name,
                c.get_kind_display(),
                c.caseload,
                c.max_caseload,
                _("はい") if c.available else _("停止中"),
                "、".join(area.name for area in c.areas.all()),
                c.registered_on.isoformat() if c.registered_on else "",
                _("はい") if c.relative_of_id else "",
            ]
        )
    return rows


def candidates_file(pool: list[GuardianCandidate], file_format: str) -> bytes:
    return tables.list_file(
        file_format,
        _("候補者名簿"),
        candidate_rows(pool),
        _("後見人等の候補者名簿"),
        _(
            "候補者の個人情報を含みます。中核機関の中だけで使い、用が済んだら消してください。"
            "書き出したことは監査記録に残ります。"
        ),
    )
