"""guardianship's audit event kinds, and the words the codes and field names of its events are
shown in (registered from ``GuardianshipConfig.ready``; cases/events.py is the example)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind("guardianship.opened", Action.CREATE, _("権利擁護・成年後見の案件を受け付けました")),
    EventKind("guardianship.transitioned", Action.TRANSITION, _("案件の状態を変更しました（{from} → {to}）")),
    EventKind("guardianship.assessed", Action.UPDATE, _("アセスメントを記録しました")),
    EventKind("guardianship.updated", Action.UPDATE, _("案件の記録を更新しました（{what}）")),
    EventKind("guardianship.viewed", Action.VIEW, _("案件を閲覧しました")),
    EventKind("guardianship.printed", Action.EXPORT, _("印刷用PDFを作りました（{document}）")),
    EventKind("guardianship.matching_scheduled", Action.CREATE, _("候補者調整会議の議題にしました")),
    EventKind(
        "guardianship.matching_acknowledged", Action.UPDATE, _("候補者調整会議の守秘義務を確認しました")
    ),
    EventKind("guardianship.candidate_chosen", Action.UPDATE, _("候補者を選びました（{rank} 位）")),
    EventKind("guardianship.candidate_answered", Action.UPDATE, _("候補者の受任の意向を記録しました")),
    EventKind("guardianship.candidate_registered", Action.CREATE, _("後見人等の候補者を登録しました")),
    EventKind("guardianship.candidates_viewed", Action.VIEW, _("候補者名簿を閲覧しました（{count} 件）")),
    EventKind(
        "guardianship.candidates_exported",
        Action.EXPORT,
        _("候補者名簿を書き出しました（{rows}件、{format}）"),
    ),
    EventKind("guardianship.ended", Action.TRANSITION, _("案件を終えました（{reason}）")),
    EventKind("guardianship.conflict_declared", Action.CREATE, _("候補者の利益相反を記録しました")),
    EventKind("guardianship.council_recorded", Action.CREATE, _("区協議会の開催を記録しました")),
    EventKind("guardianship.council_deleted", Action.UPDATE, _("区協議会の開催の記録を取り消しました")),
]


def register_events() -> None:
    from cases.events import shared_content_field_labels
    from guardianship.vocabulary import (
        CandidateKind,
        DocumentKind,
        DocumentStatus,
        MatterEndReason,
        MatterState,
        ReplacementReason,
        TeamRole,
    )

    register(
        "guardianship",
        kinds=KINDS,
        parameter_labels={
            "from": dict(MatterState.choices),
            "to": dict(MatterState.choices),
            "kind": dict(CandidateKind.choices) | dict(DocumentKind.choices),
            "status": dict(DocumentStatus.choices),
            "documents": dict(DocumentKind.choices),
            "statuses": dict(DocumentStatus.choices),
            "document": {
                "person_information_sheet": _("本人情報シート（下書き）"),
                "petition_circumstances": _("申立事情説明書（下書き）"),
            },
            "reason": dict(MatterEndReason.choices) | dict(ReplacementReason.choices),
            "team_role": dict(TeamRole.choices),
            "what": {
                "document": _("申立書類"),
                "documents": _("申立書類の状況"),
                "report_scheduled": _("報告の予定"),
                "report": _("後見活動の報告"),
                "complaint": _("苦情の受付"),
                "complaint_closed": _("苦情への対応"),
                "team_member": _("チームの構成員の追加"),
                "team_member_removed": _("チームの構成員の削除"),
                "replacement": _("後見人等の交代"),
            },
        },
        field_labels={
            **shared_content_field_labels(),  # what the matter page read of the case
            "capacity_concerns": _("判断能力についての心配"),
            "wishes": _("本人が話したこと・希望"),
            "wishes_supported_by": _("意思決定を支援した人"),
            "wishes_how": _("どのように支援したか"),
            "alternative_reason": _("他の支援についての検討"),
            "decision_reason": _("決定の理由"),
            "summary": _("報告の内容"),
            "details": _("内容"),  # a complaint's
            "handling": _("対応"),
            "outcome": _("結果"),
            "name": _("氏名"),
            "contact": _("連絡先"),
            "end_note": _("終了についてのメモ"),
            "replacement_note": _("交代についてのメモ"),
            "team_name": _("チームの構成員の氏名"),
        },
    )
