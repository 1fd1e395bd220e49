"""Learning from cases: issues that the existing framework cannot solve (既存の枠組みでは解決できない
課題), raised from case work with a category and a description written without personal data —
counted in the ward's register by category, district and month, never listed by case —; the
ward's practitioners' review that takes them up; and case examples with their people taken out,
reviewed by the privacy officer (docs/learning.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from uuid_utils.compat import uuid7

from accounts.models import Area
from privacy.fields import EncryptedCharField, EncryptedTextField
from privacy.models import DataKey, EncryptedModel


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


class ExamplePurpose(models.TextChoices):
    CASE_REVIEW = "case_review", _("事例検討（会議での検討）")
    PUBLICATION = "publication", _("公表（事例集・研修など）")


class ExampleStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    SUBMITTED = "submitted", _("審査待ち")
    RETURNED = "returned", _("差し戻し")
    APPROVED = "approved", _("承認")
    REFUSED = "refused", _("不承認")


class CaseExample(EncryptedModel):
    """A case written up with its people taken out, for 事例検討 or publication: drafted by the
    case's lead from the case (learning/deidentify.py), edited, then reviewed by the privacy
    officer. Its texts are encrypted under the person's data key, like the records they were drawn
    from: a draft may still name someone until it is checked, and erasing the person erases the
    example with them. Only an approved one is shown to a review's attendees or exported, and only its lead
    and the officer see which case it came from."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("目的"), max_length=20, choices=ExamplePurpose.choices)
    title = EncryptedCharField(_("事例の題名"), max_length=200)
    body = EncryptedTextField(_("事例の本文"), max_length=20000)
    # What the re-identification check compares (age band, district, household, categories) and
    # the rare attributes the draft flagged: codes and bands, nothing that names anyone.
    quasi_identifiers = models.JSONField(_("準識別子"), default=dict)
    flags = models.JSONField(_("一般化が必要な点"), default=list)
    # The days every date was moved by: never shown, so that no date can be moved back.
    date_offset = models.IntegerField(editable=False)
    status = models.CharField(
        _("状態"), max_length=20, choices=ExampleStatus.choices, default=ExampleStatus.DRAFT
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    officer_comment = EncryptedTextField(_("審査のコメント"), max_length=4000, blank=True)
    k = models.PositiveIntegerField(_("同じ組合せのケースの数"), null=True, blank=True)
    k_reason = EncryptedTextField(_("基準に満たなくても認める理由"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("審査した日時"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    shown_at = models.ManyToManyField(ReviewMeeting, blank=True, related_name="examples")

    class Meta:
        verbose_name = _("事例（匿名化）")
        verbose_name_plural = _("事例（匿名化）")
        ordering = ["-created_at"]
        permissions = [("review_caseexample", _("匿名化した事例を審査する"))]

    def __str__(self) -> str:
        return f"CaseExample {self.pk}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key
