"""cases' audit event kinds, and the words the codes and field names of its events are shown in.

Registered from ``CasesConfig.ready`` (the example to copy for an app's own kinds): the trail
stores codes and field names, people read these words. Codes never change meaning once used.
"""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, Mark, register

KINDS = [
    EventKind("person.registered", Action.CREATE, _("本人を登録しました")),
    EventKind("person.viewed", Action.VIEW, _("本人の情報を閲覧しました"), mark=Mark.PERSON_SHOWN),
    EventKind(
        "person.listed",
        Action.VIEW,
        _("一覧・検索結果で {count} 人の本人情報を閲覧しました"),
        mark=Mark.PEOPLE_SHOWN,
    ),
    EventKind("person.searched_for_report", Action.VIEW, _("開示請求のため本人を検索しました（{count} 件）")),
    EventKind(
        "person.erased", Action.ERASE, _("本人の個人情報を消去しました（{reason}）"), mark=Mark.PERSON_ERASED
    ),
    EventKind("case.reported", Action.CREATE, _("気付きを受け付けました（報告者: {reporter_kind}）")),
    EventKind("case.concern_added", Action.CREATE, _("気付きを追加しました")),
    EventKind(
        "case.imported", Action.CREATE, _("以前の記録からケースを取り込みました（保有の根拠: {legal_basis}）")
    ),
    EventKind("case.viewed", Action.VIEW, _("ケースを閲覧しました")),
    EventKind("case.transitioned", Action.TRANSITION, _("ケースの状態を変更しました（{from} → {to}）")),
    EventKind(
        "case.access_granted", Action.PERMISSION_CHANGE, _("ケースへのアクセス権を付与しました（{reason}）")
    ),
    EventKind(
        "case.access_revoked", Action.PERMISSION_CHANGE, _("ケースへのアクセス権を終了しました（{why}）")
    ),
    EventKind("case.denied", Action.DENIED, _("権限のない操作が拒否されました（{action}）")),
    EventKind("case.consent_recorded", Action.CREATE, _("同意を記録しました（{purpose}）")),
    EventKind("case.consent_withdrawn", Action.UPDATE, _("同意の撤回を記録しました")),
    EventKind("case.disclosed", Action.DISCLOSE, _("関係機関に情報を共有しました（根拠: {basis}）")),
    EventKind("agreement.registered", Action.CREATE, _("協定を登録しました（{agreement_kind}）")),
    EventKind("agreement.renewed", Action.CREATE, _("協定の更新を登録しました")),
    EventKind("agreement.credential_issued", Action.CREATE, _("報告用コードを発行しました（{credential}）")),
    EventKind(
        "agreement.credential_revoked", Action.UPDATE, _("報告用コードを無効にしました（{credential}）")
    ),
    EventKind(
        "agreement.terminated",
        Action.UPDATE,
        _("協定の終了を記録しました（終了したアクセス権: {grants_ended} 件）"),
    ),
    EventKind("case.meeting_scheduled", Action.CREATE, _("会議を設定しました（{kind}）")),
    EventKind("case.meeting_acknowledged", Action.UPDATE, _("会議の守秘義務を確認しました")),
    EventKind("case.meeting_held", Action.UPDATE, _("会議の議事録と決定を記録しました")),
    EventKind("case.meeting_attendee_added", Action.UPDATE, _("会議の出席者を追加しました")),
    EventKind("case.meeting_guest_added", Action.UPDATE, _("会議の出席者（アカウントなし）を記録しました")),
    EventKind(
        "case.meeting_guest_acknowledged", Action.UPDATE, _("守秘義務の誓約書（紙）の受領を記録しました")
    ),
    EventKind("case.minutes_amended", Action.UPDATE, _("議事録を修正しました（{version} 版目）")),
    EventKind("case.action_item_added", Action.CREATE, _("役割分担を追加しました")),
    EventKind("case.action_item_done", Action.UPDATE, _("役割分担を完了にしました")),
    EventKind("case.action_item_reopened", Action.UPDATE, _("役割分担の完了を取り消しました")),
    EventKind("case.watch_visit", Action.UPDATE, _("見守り訪問を記録しました")),
    EventKind("case.progress_recorded", Action.CREATE, _("支援経過を記録しました（{progress_kind}）")),
    EventKind("case.progress_corrected", Action.CREATE, _("支援経過を訂正しました（{progress_kind}）")),
    EventKind("case.printed", Action.EXPORT, _("印刷用PDFを作りました（{document}）")),
    EventKind("case.list_exported", Action.EXPORT, _("ケースの一覧を書き出しました（{rows}件、{format}）")),
    EventKind(
        "case.tasks_exported",
        Action.EXPORT,
        _("自分の役割分担・見守りの一覧を書き出しました（{rows}件、{format}）"),
    ),
    EventKind("case.break_glass", Action.BREAK_GLASS, _("緊急アクセスを開始しました")),
    EventKind("case.break_glass_reviewed", Action.UPDATE, _("緊急アクセスを確認しました")),
    # People, households and supporters, changed from a case (cases.services.people).
    EventKind("person.identity_changed", Action.UPDATE, _("本人の情報を変更しました")),
    EventKind("household.member_added", Action.CREATE, _("世帯員を登録しました（{relation}）")),
    EventKind(
        "household.existing_member_added", Action.CREATE, _("登録済みの人を世帯員に加えました（{relation}）")
    ),
    EventKind(
        "household.member_ended", Action.UPDATE, _("世帯員が世帯を離れたことを記録しました（{relation}）")
    ),
    EventKind("supporter.added", Action.CREATE, _("支援者を登録しました（{supporter_role}）")),
    EventKind("supporter.ended", Action.UPDATE, _("支援者の登録を終了しました（{supporter_role}）")),
    # The legal-basis catalogue is administered (audit.administration.watch, from CasesConfig.ready).
    EventKind("legal_basis.created", Action.CREATE, _("共有の根拠を追加しました（{code}）")),
    EventKind("legal_basis.changed", Action.UPDATE, _("共有の根拠を変更しました（{code}）")),
    EventKind("legal_basis.deleted", Action.UPDATE, _("共有の根拠を削除しました（{code}）")),
]


def shared_content_field_labels() -> dict[str, str]:
    """Labels of the case fields a page reads on a disclosure (``SharedContent.fields_read``):
    referrals and guardianship record them on their own events and register these with their own."""
    from cases.models import Person
    from cases.vocabulary import PERSON_FIELDS_BY_GROUP

    return {
        **{
            name: Person._meta.get_field(name).verbose_name
            for names in PERSON_FIELDS_BY_GROUP.values()
            for name in names
        },
        "concern.details": _("気付きの内容"),
        "meeting.minutes": _("議事録"),
        "progress.text": _("支援経過"),
    }


def people_field_labels() -> dict[str, str]:
    """Labels of the fields the people, household and supporter events and the case page's
    household section name (cases.services.people, cases.selectors.people)."""
    return {
        "relation": _("続柄・関係"),
        "is_carer": _("介護・世話をしている"),
        "role": _("役割"),
        "contact": _("支援者の連絡先"),
        "ended_at": _("終了日時"),
        "person": _("世帯員として加えた人"),
        "ended_on": _("世帯を離れた日"),
        "household.name": _("世帯員の氏名"),
        "household.kana": _("世帯員のふりがな"),
        "household.birth_date": _("世帯員の生年月日"),
        "supporter.name": _("支援者の氏名"),
        "supporter.relation": _("支援者と本人の関係"),
        "supporter.contact": _("支援者の連絡先"),
    }


def register_events() -> None:
    from cases.models import (
        BreakGlassFinding,
        CaseAccessGrant,
        CaseState,
        Consent,
        HouseholdMember,
        MeetingKind,
        ProgressEntry,
        Supporter,
    )
    from cases.vocabulary import (
        AgreementKind,
        ErasureReason,
        FieldGroup,
        GuestStanding,
        ReporterKind,
        Urgency,
    )

    register("cases", kinds=SEARCH_KINDS)

    register(
        "cases",
        kinds=KINDS,
        parameter_labels={
            "from": dict(CaseState.choices),
            "to": dict(CaseState.choices),
            "reporter_kind": dict(ReporterKind.choices),
            "urgency": dict(Urgency.choices),
            "purpose": dict(Consent.Purpose.choices),
            "kind": dict(MeetingKind.choices),
            "standing": dict(GuestStanding.choices),
            # A grant's reason, or an erasure's: the codes differ.
            "reason": {**dict(CaseAccessGrant.Reason.choices), **dict(ErasureReason.choices)},
            "progress_kind": dict(ProgressEntry.Kind.choices),
            "relation": dict(HouseholdMember.Relation.choices),
            "supporter_role": dict(Supporter.Role.choices),
            "document": {"meeting_record": _("支援会議の記録")},
            "finding": dict(BreakGlassFinding.choices),
            "state": dict(CaseState.choices),
            "agreement_kind": dict(AgreementKind.choices),
        },
        field_labels={
            **shared_content_field_labels(),
            **dict(FieldGroup.choices),  # a grant's or a disclosure's groups of fields
            "details": _("気付きの内容"),
            "reported_name": _("報告時の氏名"),
            "meeting.agenda": _("議題"),
            "agenda": _("議題"),
            "minutes": _("議事録"),
            "reason": _("理由"),
            "note": _("見守りの記録"),
            "representative": _("代理で同意した人"),
            "action_items": _("役割分担"),
            "decision.reason": _("決定の理由"),
            "action_item.description": _("役割分担の内容"),
            "action_item.result": _("役割分担の結果"),
            "guest.name": _("出席者の氏名"),
            "guest.relation": _("出席者と本人との関係・役割"),
            "guest.organisation": _("出席者の所属"),
            "amendment.previous_minutes": _("修正前の議事録"),
            "amendment.reason": _("議事録の修正の理由"),
            # The break-glass review (cases.services.sharing.review_break_glass) and its list's read
            "finding": _("確認の結果"),
            "finding_note": _("確認のメモ"),
            "break_glass.reason": _("緊急アクセスの理由"),
            "break_glass.finding_note": _("緊急アクセスの確認のメモ"),
            # A progress entry's fields (cases.services.progress.ENTRY_FIELDS)
            **{
                name: ProgressEntry._meta.get_field(name).verbose_name
                for name in (
                    "kind",
                    "occurred_at",
                    "counterpart",
                    "counterpart_note",
                    "text",
                    "correction_reason",
                )
            },
            "meeting": _("関連する会議"),
            "referral": _("関連するつなぎ"),
            # A case brought in from earlier records (cases.services.importing)
            "reference": _("根拠の参照"),
            "imported.reference": _("保有の根拠の参照"),
            **people_field_labels(),
        },
    )


# --- search (issue 18, part 4): keeping people findable --------------------------------------------
SEARCH_KINDS = [
    EventKind(
        "people.reindexed",
        Action.UPDATE,
        _("本人の検索用索引を再計算しました（{count} 人、正規化のバージョン {version}）"),
    ),
]
