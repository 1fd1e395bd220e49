"""A notification tells one user that something happened and where to look: its kind, a link (a
path of ids, never a name) and, for a case, the case's id — what the notifications page shows of
the case is decided when it is shown, by the app that owns cases (``notifications.signals``). Nothing
personal is stored here, so nothing personal can leave in an e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened. The label names the kind on the settings page; ``MESSAGES`` says it happened."""

    CONCERN_NEW = "concern_new", _("新しい気付き")
    CASE_ESCALATED = "case_escalated", _("緊急の引継ぎ")
    CONCERN_ACCEPTED = "concern_accepted", _("報告した気付きの受付")
    REFERRAL_RECEIVED = "referral_received", _("つなぎの受付")
    REFERRAL_ACCEPTED = "referral_accepted", _("つなぎの引き受け")
    REFERRAL_DECLINED = "referral_declined", _("つなぎのお断り")
    REFERRAL_OVERDUE = "referral_overdue", _("回答期限を過ぎたつなぎ")
    ACTION_ITEM_ASSIGNED = "action_item_assigned", _("役割分担の割り当て")
    ACTION_ITEM_OVERDUE = "action_item_overdue", _("期限を過ぎた役割分担")
    WATCH_VISIT_DUE = "watch_visit_due", _("予定日を迎えた見守り訪問")
    MATTER_OPENED = "matter_opened", _("権利擁護・成年後見の新しい案件")
    GUARDIAN_REPORT_DUE = "guardian_report_due", _("提出期限を迎えた後見活動の報告")
    BREAK_GLASS_USED = "break_glass_used", _("担当ケースへの緊急アクセス")
    BREAK_GLASS_REVIEW = "break_glass_review", _("確認が必要な緊急アクセス")
    SIGN_IN_LOCKED = "sign_in_locked", _("サインインのロック")
    LIST_RECALL_DUE = "list_recall_due", _("回収が必要な避難行動要支援者名簿")
    DISASTER_DECLARED = "disaster_declared", _("災害の発生の宣言")
    SAFETY_CHECKS_OVERDUE = "safety_checks_overdue", _("安否未確認の方")
    REVIEW_INVITED = "review_invited", _("実務者検討会議への出席依頼")
    ISSUE_ANSWERED = "issue_answered", _("挙げた課題への回答")


# What happened, as the list, the e-mail's subject and the digest say it: never about whom.
MESSAGES = {
    Kind.CONCERN_NEW: _("新しい気付きが届きました"),
    Kind.CASE_ESCALATED: _("緊急のケースが引き継がれました"),
    Kind.CONCERN_ACCEPTED: _("報告した気付きが受け付けられました"),
    Kind.REFERRAL_RECEIVED: _("新しいつなぎ（紹介）が届きました"),
    Kind.REFERRAL_ACCEPTED: _("つなぎ先が引き受けました"),
    Kind.REFERRAL_DECLINED: _("つなぎ先がお断りしました"),
    Kind.REFERRAL_OVERDUE: _("回答期限を過ぎたつなぎがあります"),
    Kind.ACTION_ITEM_ASSIGNED: _("役割分担が割り当てられました"),
    Kind.ACTION_ITEM_OVERDUE: _("期限を過ぎた役割分担があります"),
    Kind.WATCH_VISIT_DUE: _("見守り訪問の予定日です"),
    Kind.MATTER_OPENED: _("権利擁護・成年後見の新しい案件が届きました"),
    Kind.GUARDIAN_REPORT_DUE: _("後見活動の報告の提出期限です"),
    Kind.BREAK_GLASS_USED: _("担当ケースで緊急アクセスが使われました"),
    Kind.BREAK_GLASS_REVIEW: _("確認が必要な緊急アクセスがあります"),
    Kind.SIGN_IN_LOCKED: _("サインインがロックされたアカウントがあります"),
    Kind.LIST_RECALL_DUE: _("協定が終わり、回収が必要な名簿があります"),
    Kind.DISASTER_DECLARED: _("災害の発生が宣言されました"),
    Kind.SAFETY_CHECKS_OVERDUE: _("安否の記録がまだない方がいます"),
    Kind.REVIEW_INVITED: _("実務者検討会議への出席を依頼されました"),
    Kind.ISSUE_ANSWERED: _("挙げた課題に、検討の結果と回答が記録されました"),
}
URGENT_MESSAGES = {Kind.CONCERN_NEW: _("至急の気付きが届きました")}


def message_of(kind: str, urgent: bool = False) -> str:
    """What happened, in the active language."""
    return str((URGENT_MESSAGES.get(kind) if urgent else None) or MESSAGES[kind])


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("種類"), max_length=30, choices=Kind.choices)
    urgent = models.BooleanField(_("至急"), default=False)
    # A path of this site (/cases/<uuid>/): where the work is. Ids only, never a name.
    link = models.CharField(_("リンク"), max_length=300)
    # The case it is about, if any: not a foreign key (cases is above this app); what is shown of
    # it is decided at the time of viewing (notifications.signals.cases_shown).
    case_id = models.UUIDField(null=True, blank=True)
    # What makes a reminder once a day: kind, object and day. A recipient has each key once.
    key = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    read_at = models.DateTimeField(_("既読の日時"), null=True, blank=True)
    # When it went out by e-mail (alone or in a digest); empty: not (yet) e-mailed.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            # The list (newest first) and the bell's count (unread), per recipient.
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notification_kind_valid"),
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"

    @property
    def message(self) -> str:
        return message_of(self.kind, self.urgent)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How one user wants to hear: which kinds by e-mail, at once or in one daily digest, and in
    which language. A user without a row gets every kind by e-mail at once, in Japanese."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    email_kinds = models.JSONField(_("メールで受け取る通知"), default=list, blank=True)
    digest = models.BooleanField(_("1日1回まとめて受け取る"), default=False)
    language = models.CharField(_("メールの言語"), max_length=10, choices=settings.LANGUAGES, default="ja")

    class Meta:
        verbose_name = _("通知の設定")
        verbose_name_plural = _("通知の設定")

    def __str__(self) -> str:
        return f"Preference {self.user_id}"

    def wants_email(self, kind: str) -> bool:
        return kind in self.email_kinds


def default_preference(user) -> Preference:
    return Preference(user=user, email_kinds=list(Kind.values), digest=False, language=settings.LANGUAGE_CODE)
