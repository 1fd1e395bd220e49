"""backups' audit event kinds (registered from ``BackupsConfig.ready``; cases/events.py is the example)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind("backup.taken", Action.EXPORT, _("データベースのバックアップ {backup} を取りました")),
    EventKind(
        "backup.restored",
        Action.UPDATE,
        _("バックアップ {backup} から復元しました（消去の再適用 {erasures} 件）"),
    ),
]


def register_events() -> None:
    register("backups", kinds=KINDS)
