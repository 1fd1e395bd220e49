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
