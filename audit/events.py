"""The one registry of audit event kinds.

A row stores the stable code and its parameters, never rendered prose; the Japanese and English
templates here render it for people. Codes never change meaning once used: add a new code
instead. Later features add their kinds here.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Action:
    """The action categories of docs/audit.md "What an event holds"; every kind belongs to one."""

    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    TRANSITION = "transition"
    DISCLOSE = "disclose"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    PERMISSION_CHANGE = "permission_change"
    BREAK_GLASS = "break_glass"
    ERASE = "erase"
    KEY_ROTATION = "key_rotation"
    DENIED = "denied"

    CHOICES = [
        (VIEW, _("閲覧")),
        (CREATE, _("作成")),
        (UPDATE, _("更新")),
        (TRANSITION, _("状態変更")),
        (DISCLOSE, _("情報提供")),
        (EXPORT, _("出力")),
        (LOGIN, _("ログイン")),
        (LOGIN_FAILED, _("ログイン失敗")),
        (PERMISSION_CHANGE, _("権限変更")),
        (BREAK_GLASS, _("緊急アクセス")),
        (ERASE, _("消去")),
        (KEY_ROTATION, _("鍵の更新")),
        (DENIED, _("拒否")),
    ]


@dataclass(frozen=True)
class EventKind:
    code: str
    action: str
    template: str  # rendered with the event's params; Japanese source, English in locale/en


KINDS = [
    EventKind("auth.login", Action.LOGIN, _("ログインしました")),
    EventKind("auth.logout", Action.LOGIN, _("ログアウトしました")),
    # No longer written (failures are counted by django-axes, outside the trail); kept for old events.
    EventKind("auth.login_failed", Action.LOGIN_FAILED, _("ログインに失敗しました")),
    EventKind(
        "auth.locked_out",
        Action.LOGIN_FAILED,
        _("ログインを一時的にロックしました（{locked}、{minutes} 分間）"),
    ),
    EventKind(
        "auth.unlocked",
        Action.PERMISSION_CHANGE,
        _("ログインのロックを解除しました（失敗 {failures} 回の記録）"),
    ),
    EventKind(
        "auth.session_ended", Action.LOGIN, _("セッションの期限でログアウトしました（{session_limit}）")
    ),
    EventKind("auth.otp_enrolled", Action.UPDATE, _("二要素認証を設定しました")),
    EventKind(
        "auth.otp_reset",
        Action.PERMISSION_CHANGE,
        _("利用者 {user} の二要素認証をリセットしました（端末 {devices} 件を削除）"),
    ),
    EventKind(
        "auth.otp_recovery_used", Action.LOGIN, _("回復コードでログインしました（残り {remaining} 個）")
    ),
    EventKind("auth.otp_recovery_regenerated", Action.UPDATE, _("回復コードを作り直しました（{count} 個）")),
    EventKind("access.denied", Action.DENIED, _("権限のない操作が拒否されました（{method} {view}）")),
    EventKind("person.registered", Action.CREATE, _("本人を登録しました")),
    EventKind("person.viewed", Action.VIEW, _("本人の情報を閲覧しました")),
    EventKind("person.listed", Action.VIEW, _("検索結果で {count} 人の本人情報を閲覧しました")),
    EventKind("person.searched_for_report", Action.VIEW, _("開示請求のため本人を検索しました（{count} 件）")),
    EventKind("person.erased", Action.ERASE, _("本人の個人情報を消去しました（{reason}）")),
    EventKind("keys.rewrapped", Action.KEY_ROTATION, _("{count} 件のデータ鍵を鍵 {kek} で再暗号化しました")),
    EventKind("keys.retired", Action.KEY_ROTATION, _("鍵暗号化鍵 {keks} を廃棄しました")),
    EventKind("audit.access_report", Action.EXPORT, _("本人のアクセス報告を作成しました")),
    EventKind("case.reported", Action.CREATE, _("気付きを受け付けました（報告者: {reporter_kind}）")),
    EventKind("case.concern_added", Action.CREATE, _("気付きを追加しました")),
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
    EventKind("case.meeting_scheduled", Action.CREATE, _("会議を設定しました（{kind}）")),
    EventKind("case.meeting_acknowledged", Action.UPDATE, _("会議の守秘義務を確認しました")),
    EventKind("case.meeting_held", Action.UPDATE, _("会議の議事録と決定を記録しました")),
    EventKind("case.action_item_done", Action.UPDATE, _("役割分担を完了にしました")),
    EventKind("case.watch_visit", Action.UPDATE, _("見守り訪問を記録しました")),
    EventKind("case.break_glass", Action.BREAK_GLASS, _("緊急アクセスを開始しました")),
    EventKind("case.break_glass_reviewed", Action.UPDATE, _("緊急アクセスを確認しました")),
    EventKind("referral.drafted", Action.CREATE, _("つなぎの下書きを作りました")),
    EventKind("referral.transitioned", Action.TRANSITION, _("つなぎの状態を変更しました（{from} → {to}）")),
    EventKind("referral.viewed", Action.VIEW, _("つなぎで共有された情報を閲覧しました")),
    EventKind("guardianship.opened", Action.CREATE, _("権利擁護・成年後見の案件を受け付けました")),
    EventKind("guardianship.transitioned", Action.TRANSITION, _("案件の状態を変更しました（{from} → {to}）")),
    EventKind("guardianship.assessed", Action.UPDATE, _("アセスメントを記録しました")),
    EventKind("guardianship.updated", Action.UPDATE, _("案件の記録を更新しました（{what}）")),
    EventKind("guardianship.viewed", Action.VIEW, _("案件を閲覧しました")),
    EventKind("guardianship.matching_scheduled", Action.CREATE, _("候補者調整会議の議題にしました")),
    EventKind("guardianship.candidate_chosen", Action.UPDATE, _("候補者を選びました（{rank} 位）")),
    EventKind("guardianship.candidate_answered", Action.UPDATE, _("候補者の受任の意向を記録しました")),
    EventKind("guardianship.candidate_registered", Action.CREATE, _("後見人等の候補者を登録しました")),
    EventKind("guardianship.candidates_viewed", Action.VIEW, _("候補者名簿を閲覧しました（{count} 件）")),
    EventKind("guardianship.conflict_declared", Action.CREATE, _("候補者の利益相反を記録しました")),
    # Administration (audit/administration.py): whoever made the change, through whatever path.
    EventKind("user.created", Action.CREATE, _("利用者を登録しました")),
    EventKind("user.changed", Action.UPDATE, _("利用者の登録内容を変更しました")),
    EventKind(
        "user.access_changed", Action.PERMISSION_CHANGE, _("利用者の有効・管理権限の設定を変更しました")
    ),
    EventKind("user.deleted", Action.PERMISSION_CHANGE, _("利用者を削除しました")),
    EventKind(
        "user.groups_changed", Action.PERMISSION_CHANGE, _("利用者のグループを変更しました（{change}）")
    ),
    EventKind("auth.password_changed", Action.PERMISSION_CHANGE, _("パスワードが設定されました")),
    EventKind(
        "auth.password_hash_replaced",
        Action.PERMISSION_CHANGE,
        _("パスワードのハッシュが置き換えられました（ログイン時の方式更新、または直接の書き換え）"),
    ),
    EventKind(
        "auth.password_reset_sent", Action.PERMISSION_CHANGE, _("パスワード再設定のリンクを送りました")
    ),
    EventKind("membership.added", Action.PERMISSION_CHANGE, _("所属を追加しました（{role}）")),
    EventKind("membership.changed", Action.PERMISSION_CHANGE, _("所属を変更しました（{role}）")),
    EventKind("membership.removed", Action.PERMISSION_CHANGE, _("所属を削除しました（{role}）")),
    EventKind(
        "membership.requested",
        Action.PERMISSION_CHANGE,
        _("所属の追加を申請しました（{role}、別の管理者の承認待ち）"),
    ),
    EventKind(
        "membership.request_decided", Action.PERMISSION_CHANGE, _("所属の申請を{decision}しました（{role}）")
    ),
    EventKind(
        "membership.request_deleted", Action.PERMISSION_CHANGE, _("所属の申請を削除しました（{role}）")
    ),
    EventKind("legal_basis.created", Action.CREATE, _("共有の根拠を追加しました（{code}）")),
    EventKind("legal_basis.changed", Action.UPDATE, _("共有の根拠を変更しました（{code}）")),
    EventKind("legal_basis.deleted", Action.UPDATE, _("共有の根拠を削除しました（{code}）")),
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

REGISTRY: dict[str, EventKind] = {kind.code: kind for kind in KINDS}

# Why personal data was read or shared: codes stored on events, labels shown to people.
PURPOSES: dict[str, str] = {
    "search": _("本人の確認（検索）"),
    "disclosure_request": _("開示請求への対応"),
    "case_work": _("ケースの支援"),
    "meeting": _("支援会議"),
    "emergency": _("緊急の対応"),
}

# Labels for parameter values that are codes of a higher app (state names…): apps register them
# at start-up, so that the trail stores codes and people read words.
PARAMETER_LABELS: dict[str, dict[str, str]] = {
    # accounts.signin's locks and accounts.middleware's session limits
    "locked": {"account": _("アカウント"), "address": _("接続元アドレス")},
    "session_limit": {"idle": _("一定時間操作なし"), "absolute": _("ログインからの上限時間")},
}


def register_parameter_labels(name: str, labels: dict[str, str]) -> None:
    PARAMETER_LABELS.setdefault(name, {}).update(labels)
