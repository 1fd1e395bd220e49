"""learning's audit event kinds (registered from ``LearningConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    # The check of a description reads the case's people's identifiers (never shown to anyone):
    # recorded whether it finds one or not, so that repeated tries show in the trail.
    EventKind(
        "systemic_issue.checked",
        Action.VIEW,
        _("課題の説明に個人を特定する情報がないか確かめました（見つかったもの: {identifiers_found}）"),
    ),
    EventKind(
        "systemic_issue.raised",
        Action.CREATE,
        _("既存の枠組みでは解決できない課題を挙げました（{issue_category}）"),
    ),
    EventKind("review.convened", Action.CREATE, _("実務者検討会議を設定しました（出席者 {attendees} 人）")),
    EventKind("review.acknowledged", Action.UPDATE, _("実務者検討会議の守秘義務を確認しました")),
    EventKind(
        "review.item_added",
        Action.UPDATE,
        _("解決できない課題を議題にしました（{issue_category}、{issues} 件）"),
    ),
    EventKind(
        "review.item_reviewed", Action.UPDATE, _("議題の検討結果を記録しました（提案先: {addressee}）")
    ),
    EventKind("review.item_answered", Action.UPDATE, _("議題への回答・結果を記録しました")),
    EventKind("example.drafted", Action.VIEW, _("ケースから匿名化した事例の下書きを作りました")),
    EventKind("example.edited", Action.UPDATE, _("匿名化した事例を直しました")),
    EventKind(
        "example.checked",
        Action.VIEW,
        _("事例の本文に個人を特定する情報がないか確かめました（見つかったもの: {identifiers_found}）"),
    ),
    EventKind(
        "example.submitted", Action.UPDATE, _("事例の審査を依頼しました（同じ組合せのケース: {k} 件）")
    ),
    EventKind(
        "example.reviewed",
        Action.UPDATE,
        _("事例を審査しました（{example_decision}、同じ組合せのケース: {k} 件、基準: {minimum} 件）"),
    ),
    EventKind("example.shown", Action.DISCLOSE, _("承認された事例を実務者検討会議に示しました")),
    EventKind("example.viewed", Action.VIEW, _("承認された事例を閲覧しました")),
    EventKind("example.exported", Action.EXPORT, _("承認された事例を書き出しました")),
]


def register_events() -> None:
    from cases.events import shared_content_field_labels
    from learning.models import Addressee, Category, ReviewItem, Source, SystemicIssue

    register(
        "learning",
        kinds=KINDS,
        parameter_labels={
            "issue_category": dict(Category.choices),
            "issue_source": dict(Source.choices),
            "addressee": dict(Addressee.choices),
            "example_decision": {"approve": _("承認"), "return": _("差し戻し"), "refuse": _("不承認")},
            "identifiers_found": {
                "name": _("氏名"),
                "address": _("住所"),
                "phone": _("電話番号"),
                "birth_date": _("生年月日"),
                "none": _("なし"),
            },
        },
        field_labels={
            **shared_content_field_labels(),
            "supporter.name": _("支援者の氏名"),
            "issue.description": SystemicIssue._meta.get_field("description").verbose_name,
            **{
                f"review.{name}": ReviewItem._meta.get_field(name).verbose_name
                for name in ("analysis", "proposal", "addressed_to", "outcome")
            },
        },
    )
