"""Written agreements (協定) with businesses, associations and clinics: what each allows to be
shared, under which personal-information clauses, and while it is in force (docs/cases.md
"Agreements"). An agreement names organisations, never a person: nothing here is encrypted."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation
from cases.vocabulary import FIELD_GROUP_LABELS, AgreementKind


class AgreementQuerySet(models.QuerySet):
    def in_force_between(self, start: datetime.date, end: datetime.date) -> "AgreementQuerySet":
        """Those in force on at least one day from ``start`` to ``end`` (both included): the
        query of ``Agreement.in_force_on``."""
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=start),
            Q(terminated_on__isnull=True) | Q(terminated_on__gt=start),
            valid_from__lte=end,
        )


class Agreement(models.Model):
    kind = models.CharField(_("協定の種類"), max_length=20, choices=AgreementKind.choices)
    title = models.CharField(_("協定の名称"), max_length=200)
    party = models.ForeignKey(
        Organisation, verbose_name=_("協定の相手方"), on_delete=models.PROTECT, related_name="agreements"
    )
    municipal_side = models.ForeignKey(
        Organisation,
        verbose_name=_("市・区の担当"),
        on_delete=models.PROTECT,
        related_name="agreements_administered",
    )
    area = models.ForeignKey(Area, verbose_name=_("対象の地域"), on_delete=models.PROTECT, related_name="+")
    field_groups = models.JSONField(_("共有できる情報"), default=list)
    # The personal-information clauses, as the signed text says them.
    storage_clause = models.TextField(_("保管の方法"), max_length=2000)
    handlers_clause = models.TextField(_("取り扱う者"), max_length=2000)
    return_clause = models.TextField(_("名簿などの返却・廃棄"), max_length=2000)
    breach_clause = models.TextField(_("漏えいなどの報告"), max_length=2000)
    valid_from = models.DateField(_("有効期間の始まり"))
    valid_until = models.DateField(
        _("有効期間の終わり"), null=True, blank=True, help_text=_("空欄は、終了の届け出まで。")
    )
    # A renewal is a new agreement for the next period; the one it follows stays as it was.
    renews = models.OneToOneField(
        "self",
        verbose_name=_("更新前の協定"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
    )
    terminated_on = models.DateField(_("終了日"), null=True, blank=True)
    termination_reason = models.CharField(_("終了の理由"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("協定")
        verbose_name_plural = _("協定")
        ordering = ["party__name", "-valid_from", "pk"]
        permissions = [("manage_agreements", _("協定を登録・更新・終了する"))]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AgreementKind.values), name="agreement_kind_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="agreement_ends_after_it_starts",
                violation_error_message=_("有効期間の終わりは、始まりより後の日付にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(terminated_on__gte=F("valid_from")),
                name="agreement_terminated_after_start",
                violation_error_message=_("終了日は、有効期間の始まりより後の日付にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self) -> datetime.date | None:
        """The last day it is in force (None: until it is terminated)."""
        ends = [self.valid_until] if self.valid_until is not None else []
        if self.terminated_on is not None:  # no longer in force from the day it was terminated
            ends.append(self.terminated_on - datetime.timedelta(days=1))
        return min(ends) if ends else None

    def in_force_on(self, day: datetime.date) -> bool:
        last = self.last_day
        return self.valid_from <= day and (last is None or day <= last)

    @property
    def in_force(self) -> bool:
        return self.in_force_on(timezone.localdate())

    @property
    def status(self) -> str:
        """What the registry shows: 有効 / 開始前 / 期間満了 / 終了."""
        today = timezone.localdate()
        if self.terminated_on is not None and self.terminated_on <= today:
            return str(_("終了"))
        if today < self.valid_from:
            return str(_("開始前"))
        if self.valid_until is not None and self.valid_until < today:
            return str(_("期間満了"))
        return str(_("有効"))

    @property
    def field_group_labels(self) -> list[str]:
        return [str(FIELD_GROUP_LABELS[code]) for code in self.field_groups if code in FIELD_GROUP_LABELS]

    def covers(self, area: Area) -> bool:
        """Whether the area is the agreement's or lies in it."""
        return self.area_id in {area.pk, *(above.pk for above in area.ancestors())}


class ReportingCredential(models.Model):
    """The code a party's staff report concerns with under an agreement, without an account each
    (a delivery round's phone, a shop's counter): issued by the ward office, handed to the party,
    revoked by either. Only its hash is stored; its first group finds it (docs/cases.md
    "Reporting under an agreement")."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("協定"), on_delete=models.PROTECT, related_name="credentials"
    )
    label = models.CharField(_("用途"), max_length=100, help_text=_("例: 配達員用、店舗用"))
    prefix = models.CharField(_("識別子"), max_length=8, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("発行日時"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(_("最後の報告"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("無効にした日時"), null=True, blank=True)
    # None with revoked_at set: the party revoked it itself (a lost card), from the reporting page.
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("報告用コード")
        verbose_name_plural = _("報告用コード")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix})"
