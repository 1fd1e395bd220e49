"""phones' audit event kinds (registered from ``PhonesConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind("phone.remembered", Action.CREATE, _("この端末でのログインを保持しました（端末 {phone}）")),
    EventKind("phone.revoked", Action.UPDATE, _("端末でのログインを無効にしました（端末 {phone}）")),
    EventKind("phone.key_issued", Action.CREATE, _("端末に送信待ちの記録の鍵を渡しました（端末 {phone}）")),
    EventKind("phone.ended", Action.UPDATE, _("端末でのログインが期限切れで終わりました（端末 {phone}）")),
    EventKind("phone.refused", Action.VIEW, _("無効にされた端末からの要求を断りました（端末 {phone}）")),
]


def register_events() -> None:
    register("phones", kinds=KINDS)
