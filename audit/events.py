"""The registry of audit event kinds, and the words their stored codes are shown in.

A row stores the stable code and its parameters, never rendered prose; the Japanese and English
templates registered here render it for people. Codes never change meaning once used: add a new
code instead.

Each app owns its kinds and its vocabulary: it declares them in its own ``events.py`` and calls
``register`` from its ``AppConfig.ready`` (docs/audit.md names the example to copy). An event is
rendered with the labels of the app that owns its kind, then with audit's common labels below, so
two apps never overwrite each other's words. audit owns the kinds of the events it records for
the apps below it (accounts' sign-in and administration, privacy's key rotation) and names no app
above it: where it must recognise a feature app's kind (an erasure, a page that showed people),
that kind carries a ``Mark``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.core.exceptions import ImproperlyConfigured
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


class Mark:
    """What audit itself must recognise in a kind that an app above it owns. At most one kind
    carries each mark."""

    PERSON_SHOWN = "person_shown"  # record_people_shown: one person's decrypted fields were shown
    PEOPLE_SHOWN = "people_shown"  # ... several people's, in one list
    PERSON_ERASED = "person_erased"  # the person's data was erased (the access report says when)

    ALL = frozenset({PERSON_SHOWN, PEOPLE_SHOWN, PERSON_ERASED})


@dataclass(frozen=True)
class EventKind:
    code: str
    action: str
    template: str  # rendered with the event's params; Japanese source, English in locale/en
    mark: str = ""  # a Mark, for the few kinds audit must recognise without naming them
    app: str = ""  # the app that registered it: its vocabulary renders the event


@dataclass
class Vocabulary:
    """One app's kinds and the labels of the codes its events carry."""

    kinds: dict[str, EventKind] = field(default_factory=dict)
    # parameter name → stored code → label (state names, kinds …)
    parameter_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # field name (as recorded in an event's ``fields``) → label
    field_labels: dict[str, str] = field(default_factory=dict)


COMMON = "audit"  # audit's own vocabulary is every event's fallback
VOCABULARIES: dict[str, Vocabulary] = {}
REGISTRY: dict[str, EventKind] = {}  # every registered kind, by code


def register(
    app: str,
    *,
    kinds: Iterable[EventKind] = (),
    parameter_labels: Mapping[str, Mapping[str, str]] | None = None,
    field_labels: Mapping[str, str] | None = None,
) -> None:
    """Register ``app``'s event kinds and the labels its events' parameter values and field names
    are shown with. Registering the identical thing again does nothing (``ready`` may run twice);
    a kind code another app owns, a label name audit's common vocabulary owns (or, for audit, one
    an app owns), or the same code or label with another meaning raises ImproperlyConfigured,
    and nothing is registered."""
    kinds = [replace(kind, app=app) for kind in kinds]
    parameter_labels = {name: dict(labels) for name, labels in (parameter_labels or {}).items()}
    field_labels = dict(field_labels or {})
    _check(app, kinds, parameter_labels, field_labels)
    vocabulary = VOCABULARIES.setdefault(app, Vocabulary())
    for kind in kinds:
        vocabulary.kinds[kind.code] = REGISTRY[kind.code] = kind
    for name, labels in parameter_labels.items():
        vocabulary.parameter_labels.setdefault(name, {}).update(labels)
    vocabulary.field_labels.update(field_labels)


def _check(app: str, kinds: list[EventKind], parameter_labels: dict, field_labels: dict) -> None:
    problems = []
    actions = {code for code, _label in Action.CHOICES}
    marked = {kind.mark: kind.code for kind in REGISTRY.values() if kind.mark}
    for kind in kinds:
        known = REGISTRY.get(kind.code)
        if known is not None and known.app != app:
            problems.append(f"event kind {kind.code!r} belongs to {known.app!r}")
        elif known is not None and known != kind:
            problems.append(f"event kind {kind.code!r} is already registered with another meaning")
        if kind.action not in actions:
            problems.append(f"event kind {kind.code!r} has no action {kind.action!r}")
        if kind.mark and kind.mark not in Mark.ALL:
            problems.append(f"event kind {kind.code!r} has no mark {kind.mark!r}")
        elif kind.mark and marked.setdefault(kind.mark, kind.code) != kind.code:
            problems.append(f"mark {kind.mark!r} is already carried by {marked[kind.mark]!r}")

    # audit's names are every event's fallback: no app may give one of them a meaning of its own.
    rivals = [other for other in VOCABULARIES if other != app] if app == COMMON else [COMMON]
    own = VOCABULARIES.get(app, Vocabulary())
    for name in parameter_labels:
        owner = next((r for r in rivals if name in VOCABULARIES.get(r, Vocabulary()).parameter_labels), None)
        if owner:
            problems.append(f"parameter {name!r} belongs to {owner!r}")
        known = own.parameter_labels.get(name, {})
        problems += [
            f"label of parameter {name!r} = {code!r} is already registered with another meaning"
            for code, label in parameter_labels[name].items()
            if code in known and known[code] != label
        ]
    for name, label in field_labels.items():
        owner = next((r for r in rivals if name in VOCABULARIES.get(r, Vocabulary()).field_labels), None)
        if owner:
            problems.append(f"field {name!r} belongs to {owner!r}")
        if name in own.field_labels and own.field_labels[name] != label:
            problems.append(f"label of field {name!r} is already registered with another meaning")
    if problems:
        raise ImproperlyConfigured(f"Audit vocabulary of {app!r}: " + "; ".join(problems) + ".")


def kind_marked(mark: str) -> EventKind:
    """The kind that carries ``mark``, whichever app registered it."""
    for kind in REGISTRY.values():
        if kind.mark == mark:
            return kind
    raise LookupError(f"No audit event kind is registered with the mark {mark!r}.")


def parameter_labels(kind: EventKind | None, name: str) -> Mapping[str, str]:
    """The labels of parameter ``name``'s codes in an event of ``kind``: its app's, else audit's."""
    for app in (kind.app if kind else COMMON, COMMON):
        labels = VOCABULARIES.get(app, Vocabulary()).parameter_labels.get(name)
        if labels is not None:
            return labels
    return {}


def field_label(kind: EventKind | None, name: str) -> str | None:
    """The label of field ``name`` in an event of ``kind``: its app's, else audit's; None if neither."""
    for app in (kind.app if kind else COMMON, COMMON):
        label = VOCABULARIES.get(app, Vocabulary()).field_labels.get(name)
        if label is not None:
            return label
    return None


# audit's own kinds: the events of the apps below it, and of the trail itself.
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
    EventKind("keys.rewrapped", Action.KEY_ROTATION, _("{count} 件のデータ鍵を鍵 {kek} で再暗号化しました")),
    EventKind("keys.retired", Action.KEY_ROTATION, _("鍵暗号化鍵 {keks} を廃棄しました")),
    EventKind("audit.access_report", Action.EXPORT, _("本人のアクセス報告を作成しました")),
    EventKind(
        "audit.access_report_printed",
        Action.EXPORT,
        _("本人のアクセス報告の印刷用PDFを作りました（{count} 件）"),
    ),
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
    EventKind("organisation.created", Action.CREATE, _("組織を追加しました（{organisation_kind}）")),
    EventKind("organisation.changed", Action.UPDATE, _("組織を変更しました（{organisation_kind}）")),
    EventKind("organisation.deleted", Action.UPDATE, _("組織を削除しました（{organisation_kind}）")),
    EventKind("area.created", Action.CREATE, _("地域を追加しました（{area_level}）")),
    EventKind("area.changed", Action.UPDATE, _("地域を変更しました（{area_level}）")),
    EventKind("area.deleted", Action.UPDATE, _("地域を削除しました（{area_level}）")),
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
]

# Why personal data was read or shared: codes stored on events, labels shown to people.
PURPOSES: dict[str, str] = {
    "search": _("本人の確認（検索）"),
    "disclosure_request": _("開示請求への対応"),
    "case_work": _("ケースの支援"),
    "meeting": _("支援会議"),
    "emergency": _("緊急の対応"),
    "evacuation_support": _("避難支援（避難行動要支援者名簿）"),
    # learning: a text meant to leave the case checked for its people's identifiers
    "de_identification": _("個人を特定する情報の確認"),
}

register(
    COMMON,
    kinds=KINDS,
    parameter_labels={
        # accounts.signin's locks and accounts.middleware's session limits
        "locked": {"account": _("アカウント"), "address": _("接続元アドレス")},
        "session_limit": {"idle": _("一定時間操作なし"), "absolute": _("ログインからの上限時間")},
        # the files an export makes (printing.tables)
        "format": {"xlsx": "Excel", "csv": "CSV"},
    },
)
# The common parameter labels, every event's fallback (audit.administration adds accounts' roles).
PARAMETER_LABELS = VOCABULARIES[COMMON].parameter_labels
