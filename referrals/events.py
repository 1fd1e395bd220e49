"""referrals' audit event kinds, and the words the codes and field names of its events are shown in
(registered from ``ReferralsConfig.ready``; cases/events.py is the example)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind("referral.drafted", Action.CREATE, _("つなぎの下書きを作りました")),
    EventKind("referral.transitioned", Action.TRANSITION, _("つなぎの状態を変更しました（{from} → {to}）")),
    EventKind("referral.viewed", Action.VIEW, _("つなぎで共有された情報を閲覧しました")),
    EventKind("referral.printed", Action.EXPORT, _("印刷用PDFを作りました（{document}）")),
    EventKind(
        "referral.list_exported",
        Action.EXPORT,
        _("自機関あてのつなぎの一覧を書き出しました（{rows}件、{format}）"),
    ),
    # The acceptance deadlines are administered (audit.administration.watch, from ReferralsConfig.ready).
    EventKind(
        "acceptance_deadline.created",
        Action.CREATE,
        _("つなぎの返事の期限を設定しました（{organisation_kind}）"),
    ),
    EventKind(
        "acceptance_deadline.changed",
        Action.UPDATE,
        _("つなぎの返事の期限を変更しました（{organisation_kind}）"),
    ),
    EventKind(
        "acceptance_deadline.deleted",
        Action.UPDATE,
        _("つなぎの返事の期限を削除しました（{organisation_kind}）"),
    ),
]


def register_events() -> None:
    from cases.events import shared_content_field_labels
    from referrals.models import ReferralState

    register(
        "referrals",
        kinds=KINDS,
        parameter_labels={
            "from": dict(ReferralState.choices),
            "to": dict(ReferralState.choices),
            # organisation_kind: audit's common vocabulary (the organisations' own events use it)
            "document": {"case_summary": _("つなぎのためのケース概要")},
        },
        field_labels={
            **shared_content_field_labels(),  # what the agency read of the case
            "purpose": _("つなぐ目的"),
            "text": _("やりとりの内容"),
        },
    )
