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
