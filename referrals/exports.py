"""The agency's list of referrals as a file to take away (printing.tables): one row per referral
as the inbox shows it — the case number always, the name and kana only where the list shows them.
What a user may take, and the record of it, are the selector's
(referrals.selectors.referral_inbox_export)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exports import who_cells, who_headers
from printing import tables
from referrals.selectors import ReferralListExport


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def referral_list_rows(found: ReferralListExport) -> list[list[object]]:
    header = [
        *who_headers(),
        _("状態"),
        _("緊急"),
        _("つないだ組織"),
        _("届いた日"),
        _("返事の期限"),
        _("担当者"),
    ]
    rows = [header]
    for referral in found.rows:
        who = referral.who
        rows.append(
            [
                *who_cells(referral.case.reference, who),
                referral.get_state_display(),
                _("緊急") if referral.case.urgent else "",
                referral.referring_organisation.name,
                _day(referral.sent_at),
                referral.accept_by.strftime("%Y-%m-%d") if referral.accept_by else "",
                str(referral.assigned_worker) if referral.assigned_worker else "",
            ]
        )
    return rows


def referral_list_file(found: ReferralListExport, file_format: str) -> bytes:
    return tables.list_file(
        file_format,
        _("つなぎ一覧"),
        referral_list_rows(found),
        _("自機関あてのつなぎ（%(tab)s）") % {"tab": found.tab_label},
        tables.PERSONAL_DATA_HANDLING,
        notes=[[_("氏名"), _("本人確認の情報を見ることを認められたつなぎだけ。ほかは空欄。")]],
    )
