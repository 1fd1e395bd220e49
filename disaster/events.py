"""disaster's audit event kinds (registered from ``DisasterConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind(
        "evacuation.registered", Action.CREATE, _("避難行動要支援者名簿に登録しました（同意: {consent}）")
    ),
    EventKind("evacuation.changed", Action.UPDATE, _("避難行動要支援者名簿の登録を変更しました")),
    EventKind(
        "evacuation.removed", Action.UPDATE, _("避難行動要支援者名簿から外しました（{removal_reason}）")
    ),
    EventKind("evacuation.plan_saved", Action.UPDATE, _("個別避難計画を記録しました")),
    EventKind(
        "evacuation.list_issued",
        Action.DISCLOSE,
        _("名簿を提供しました（第{number}号・第{version}版、{rows} 人、根拠: {list_basis}）"),
    ),
    EventKind(
        "evacuation.person_provided", Action.DISCLOSE, _("名簿の提供に含めました（根拠: {list_basis}）")
    ),
    EventKind(
        "evacuation.list_printed",
        Action.EXPORT,
        _("提供した名簿を書き出しました（第{number}号、{document_format}）"),
    ),
    EventKind(
        "evacuation.list_recalled",
        Action.UPDATE,
        _("名簿の回収を求めました（第{number}号、{recall_reason}）"),
    ),
    EventKind(
        "evacuation.list_returned", Action.UPDATE, _("名簿の{return_method}を確認しました（第{number}号）")
    ),
    EventKind("evacuation.checker_assigned", Action.UPDATE, _("安否確認の担当を決めました")),
    EventKind("evacuation.checker_unassigned", Action.UPDATE, _("安否確認の担当を外しました")),
    EventKind("safety.checked", Action.CREATE, _("安否を記録しました（{safety_status}）")),
    EventKind(
        "safety.escalated",
        Action.UPDATE,
        _("安否未確認の方を区役所に知らせました（{unchecked} 人）"),
    ),
    # The listing criteria are administered (audit.administration.watch, from DisasterConfig.ready).
    EventKind("listing_criterion.created", Action.CREATE, _("名簿の掲載基準を追加しました（{code}）")),
    EventKind("listing_criterion.changed", Action.UPDATE, _("名簿の掲載基準を変更しました（{code}）")),
    EventKind("listing_criterion.deleted", Action.UPDATE, _("名簿の掲載基準を削除しました（{code}）")),
    EventKind("disaster.declared", Action.CREATE, _("災害の発生を宣言しました（{disaster_kind}）")),
    EventKind(
        "disaster.ended", Action.UPDATE, _("災害の終了を記録しました（回収を求めた名簿: {recalled} 件）")
    ),
]


def register_events() -> None:
    from cases.events import shared_content_field_labels
    from disaster.models import (
        ConsentStatus,
        DisasterKind,
        EvacuationPlan,
        ListIssue,
        ProvisionBasis,
        Registration,
        SafetyStatus,
    )

    plan = {
        f"plan.{name}": EvacuationPlan._meta.get_field(name).verbose_name for name in EvacuationPlan.FIELDS
    }
    registration = {
        f"registration.{name}": Registration._meta.get_field(name).verbose_name
        for name in (
            "area",
            "care_level",
            "disability_grade",
            "lives_alone",
            "self_registered",
            "consent",
            "consent_method",
            "consent_on",
        )
    }
    register(
        "disaster",
        kinds=KINDS,
        parameter_labels={
            "consent": dict(ConsentStatus.choices),
            "removal_reason": dict(Registration.Removal.choices),
            "list_basis": dict(ProvisionBasis.choices),
            "recall_reason": dict(ListIssue.Recall.choices),
            "return_method": dict(ListIssue.Return.choices),
            "disaster_kind": dict(DisasterKind.choices),
            "safety_status": dict(SafetyStatus.choices),
            "document_format": {"pdf": "PDF", "xlsx": "Excel"},
        },
        field_labels={
            **shared_content_field_labels(),
            **plan,
            **registration,
            "safety.note": _("安否確認のメモ"),
        },
    )
