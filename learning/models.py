"""Issues that the existing framework cannot solve (既存の枠組みでは解決できない課題), raised from
case work: a category and a description written without personal data. They are counted in the
ward's register by category, district and month, never listed by case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from uuid_utils.compat import uuid7

from accounts.models import Area


class Category(models.TextChoices):
    NO_SERVICE = "no_service", _("必要な制度・サービスがない")
    ELIGIBILITY = "eligibility", _("制度の対象外（制度の狭間）")
    WAITING = "waiting", _("空きがない・待機が長い")
    COST = "cost", _("費用を負担できない")
    LANGUAGE = "language", _("言語・コミュニケーションの壁")
    HOUSING = "housing", _("住まいが見つからない・続けられない")
    MOBILITY = "mobility", _("移動手段がない")
    OTHER = "other", _("その他")


# A table's column headings (the full label beside, as its abbreviation's title).
SHORT_LABELS = {
    Category.NO_SERVICE: _("サービスなし"),
    Category.ELIGIBILITY: _("対象外"),
    Category.WAITING: _("待機"),
    Category.COST: _("費用"),
    Category.LANGUAGE: _("言語"),
    Category.HOUSING: _("住まい"),
    Category.MOBILITY: _("移動"),
    Category.OTHER: _("その他"),
}


class Source(models.TextChoices):
    CASE = "case", _("ケースの支援から")
    MEETING = "meeting", _("会議から")
    REFERRAL = "referral", _("つなぎ先のお断り・取り下げから")


class SystemicIssue(models.Model):
    """One flag. ``case`` is kept for whoever raised it (to see their own flags beside the case)
    and is never shown in the register; the description holds no personal data (checked against
    the case's people before saving: learning/identifiers.py)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    category = models.CharField(_("課題の分類"), max_length=20, choices=Category.choices)
    description = models.TextField(_("課題の内容"), max_length=1000)
    source = models.CharField(_("きっかけ"), max_length=10, choices=Source.choices, default=Source.CASE)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(
        "cases.SupportMeeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("挙げた日時"), auto_now_add=True)
    # The review that took it up (once): its raiser follows it there to the answer.
    review_item = models.ForeignKey(
        "ReviewItem", on_delete=models.PROTECT, null=True, blank=True, related_name="issues"
    )

    class Meta:
        verbose_name = _("既存の枠組みでは解決できない課題")
        verbose_name_plural = _("既存の枠組みでは解決できない課題")
        ordering = ["-raised_at"]
        permissions = [("view_register", _("解決できない課題の集計を見る"))]
        indexes = [
            models.Index(fields=["district", "raised_at"], name="issue_district_raised"),
            models.Index(fields=["raised_by", "raised_at"], name="issue_raiser_raised"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="case") & Q(meeting__isnull=True) & Q(referral__isnull=True))
                | (Q(source="meeting") & Q(meeting__isnull=False) & Q(referral__isnull=True))
                | (Q(source="referral") & Q(referral__isnull=False) & Q(meeting__isnull=True)),
                name="issue_source_names_its_record",
            ),
        ]

    def __str__(self) -> str:
        return f"SystemicIssue {self.pk}"


class Addressee(models.TextChoices):
    WARD_POLICY = "ward_policy", _("区の施策")
    CITY_BUREAU = "city_bureau", _("市の局（所管部署）")
    COUNCIL = "council", _("協議会・会議体（区成年後見サポートネットなど）")
    OTHER = "other", _("その他")


class ReviewMeeting(models.Model):
    """The ward's practitioners' review meeting (実務者検討会議): the ward office convenes it over
    its ward, the plazas' and the ward 社協's staff attend, each acknowledging confidentiality before
    they read its agenda. It carries no person: its items are issues, never cases."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    ward = models.ForeignKey(Area, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+")
    convened_by = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("開催する組織"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("会議の名称"), max_length=200)
    scheduled_for = models.DateTimeField(_("日時"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("実務者検討会議")
        verbose_name_plural = _("実務者検討会議")
        ordering = ["-scheduled_for"]
        permissions = [("convene_review", _("実務者検討会議を開催する"))]

    def __str__(self) -> str:
        return self.title


class ReviewAttendance(models.Model):
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("守秘義務を確認した日時"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="review_attendee_once")]

    def __str__(self) -> str:
        return f"{self.meeting} attendee {self.user_id}"


class ReviewItem(models.Model):
    """An item of a review's agenda: the open issues of one category (in one district, or the
    whole ward) taken up together; the meeting's analysis of why the existing framework cannot
    solve them, its proposal and to whom, and — later — the answer."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="items")
    category = models.CharField(_("課題の分類"), max_length=20, choices=Category.choices)
    district = models.ForeignKey(
        Area, verbose_name=_("地区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    analysis = models.TextField(_("解決できない理由（分析）"), max_length=4000, blank=True)
    proposal = models.TextField(_("提案"), max_length=4000, blank=True)
    addressed_to = models.CharField(_("提案先"), max_length=20, choices=Addressee.choices, blank=True)
    reviewed_at = models.DateTimeField(_("検討を記録した日時"), null=True, blank=True)
    outcome = models.TextField(_("回答・結果"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("回答を記録した日時"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版"), default=1)

    class Meta:
        verbose_name = _("検討の議題")
        verbose_name_plural = _("検討の議題")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"ReviewItem {self.pk}"

    @property
    def status(self) -> str:
        if self.answered_at:
            return str(_("回答あり"))
        if self.reviewed_at:
            return str(_("検討済み（回答待ち）"))
        return str(_("検討中"))
