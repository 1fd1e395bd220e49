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
]


def register_events() -> None:
    from cases.events import shared_content_field_labels
    from learning.models import Category, Source, SystemicIssue

    register(
        "learning",
        kinds=KINDS,
        parameter_labels={
            "issue_category": dict(Category.choices),
            "issue_source": dict(Source.choices),
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
        },
    )
