"""Who may know what about a case, and on what ground.

Every act of sharing is a Disclosure under a consent or a LegalBasis. What an organisation or a
user may see of a case is a CaseAccessGrant — the source of truth — which services mirror into
django-guardian's direct foreign-key permission tables for fast, indexed permission filtering.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Organisation, OrganisationKind
from cases.models.agreements import Agreement
from cases.models.cases import Case
from cases.models.people import Person
from cases.vocabulary import FIELD_GROUP_LABELS, AgreementKind
from privacy.fields import EncryptedCharField, EncryptedTextField
from privacy.models import DataKey, EncryptedModel

# Each field group's (lazy) label by code: FieldGroup.values builds a new list on every call.


class LegalBasis(models.Model):
    """A ground for sharing personal data. Data, not code: the law is moving (docs/cases.md "Legal bases")."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    citation = models.CharField(_("根拠条文"), max_length=200)
    is_consent = models.BooleanField(
        _("本人の同意による"),
        default=False,
        help_text=_("同意による共有は、共有先を含む有効な同意の記録が必要です。"),
    )
    allows_meeting_without_consent = models.BooleanField(
        _("同意前の会議で共有できる"),
        default=False,
        help_text=_("社会福祉法第106条の6の支援会議のように、守秘義務を負う構成員で同意前に共有できる根拠。"),
    )
    requires_reference = models.BooleanField(
        _("参照の記入が必要"), default=False, help_text=_("照会文書の番号や、緊急性の説明など。")
    )
    required_agreement = models.CharField(
        _("必要な協定"),
        max_length=20,
        choices=AgreementKind.choices,
        blank=True,
        help_text=_("この根拠による共有には、共有先とのこの種類の有効な協定が必要です。空欄は不要。"),
    )
    organisation_kinds = models.JSONField(
        _("この根拠を用いることができる組織の種別"),
        default=list,
        help_text=_("空欄はすべての種別。"),
    )
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("共有の根拠")
        verbose_name_plural = _("共有の根拠")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def may_be_invoked_by(self, organisation: Organisation) -> bool:
        return self.is_active and (
            not self.organisation_kinds or organisation.kind in self.organisation_kinds
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = set(self.organisation_kinds or []) - set(OrganisationKind.values)
        if unknown:
            raise ValidationError({"organisation_kinds": _("存在しない組織の種別があります。")})


class Consent(EncryptedModel):
    """The person's (or their representative's) agreement to share, for a purpose, with named recipients."""

    class Purpose(models.TextChoices):
        SHARING = "sharing", _("支援のための情報共有")
        MEETING = "meeting", _("支援会議・ケース会議での検討")
        REFERRAL = "referral", _("関係機関へのつなぎ")
        GUARDIANSHIP = "guardianship", _("権利擁護・成年後見の相談")

    class Method(models.TextChoices):
        WRITTEN = "written", _("書面")
        ORAL = "oral", _("口頭")

    person = models.ForeignKey(
        Person, verbose_name=_("本人"), on_delete=models.PROTECT, related_name="consents"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents", null=True, blank=True)
    purpose = models.CharField(_("目的"), max_length=20, choices=Purpose.choices)
    recipients = models.ManyToManyField(Organisation, verbose_name=_("共有先"), related_name="+")
    method = models.CharField(_("方法"), max_length=10, choices=Method.choices)
    # Empty when the person themself agreed; otherwise who agreed for them (encrypted: a name).
    representative = EncryptedCharField(_("代理で同意した人"), max_length=100, blank=True)
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("確認した職員")
    )
    obtained_on = models.DateField(_("同意を得た日"), default=timezone.localdate)
    # The last day it grounds a disclosure (inclusive); empty: until withdrawn.
    valid_until = models.DateField(
        _("有効期限"), null=True, blank=True, help_text=_("空欄は期限なし（撤回されるまで有効）。")
    )
    recorded_at = models.DateTimeField(_("記録日時"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回日時"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("同意")
        verbose_name_plural = _("同意")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("obtained_on")),
                name="consent_valid_after_obtained",
            )
        ]

    def __str__(self) -> str:
        return f"Consent {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.person.data_key

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    # Whether it grounds a given disclosure (purpose, recipients, date) is one rule, with its
    # reasons: cases.services.sharing.check_consent.


class Disclosure(EncryptedModel):
    """One act of sharing: to whom, which field groups, on which ground, by whom, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures")
    recipient = models.ForeignKey(
        Organisation, verbose_name=_("共有先"), on_delete=models.PROTECT, related_name="+"
    )
    field_groups = models.JSONField(_("共有した項目"), default=list)
    legal_basis = models.ForeignKey(
        LegalBasis, verbose_name=_("根拠"), on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("同意"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
    )
    reference = EncryptedTextField(_("根拠の参照"), max_length=500, blank=True)
    # The agreement the sharing was made under (its ground asked for one, or it was named).
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("協定"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
    )
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disclosed_at = models.DateTimeField(_("共有日時"), default=timezone.now)

    class Meta:
        verbose_name = _("情報共有の記録")
        verbose_name_plural = _("情報共有の記録")
        ordering = ["disclosed_at"]

    def __str__(self) -> str:
        return f"Disclosure {str(self.pk)[:8]}"

    @property
    def field_group_labels(self) -> list[str]:
        return [str(FIELD_GROUP_LABELS[code]) for code in self.field_groups if code in FIELD_GROUP_LABELS]

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key


class ImportedCase(EncryptedModel):
    """A case brought in from records kept before Tsunagu (paper, a spreadsheet): the ground on
    which its lead organisation holds the person's data, and the day the case was opened there.
    Written by the onboarding import (cases.services.importing), never changed."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="imported")
    legal_basis = models.ForeignKey(
        LegalBasis, verbose_name=_("保有の根拠"), on_delete=models.PROTECT, related_name="+"
    )
    reference = EncryptedTextField(_("根拠の参照"), max_length=500, blank=True)
    opened_on = models.DateField(_("元の記録での受付日"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("取り込んだ日時"), default=timezone.now)

    class Meta:
        verbose_name = _("取り込んだケース")
        verbose_name_plural = _("取り込んだケース")

    def __str__(self) -> str:
        return f"ImportedCase {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key


class AccessLevel(models.IntegerChoices):
    STATUS = 10, _("状況のみ")
    VIEW = 20, _("閲覧")
    CONTRIBUTE = 30, _("記録・協力")
    LEAD = 40, _("主担当")


# The guardian permissions each level carries (cumulative).
LEVEL_PERMISSIONS = {
    AccessLevel.STATUS: ["view_case_status"],
    AccessLevel.VIEW: ["view_case_status", "view_case"],
    AccessLevel.CONTRIBUTE: ["view_case_status", "view_case", "change_case"],
    AccessLevel.LEAD: ["view_case_status", "view_case", "change_case", "lead_case"],
}


class CaseAccessGrant(models.Model):
    """Who may see a case, how far, why and until when. Guardian's rows follow these."""

    class Reason(models.TextChoices):
        OWNER = "owner", _("主担当")
        INTAKE = "intake", _("受付")
        REPORTER = "reporter", _("気付きの報告者")
        DISCLOSURE = "disclosure", _("情報共有")
        MEETING = "meeting", _("会議への出席")
        REFERRAL = "referral", _("つなぎ先")
        GUARDIAN = "guardian", _("後見人等")
        BREAK_GLASS = "break_glass", _("緊急アクセス")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="case_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="case_grants"
    )
    level = models.PositiveSmallIntegerField(_("権限"), choices=AccessLevel.choices)
    field_groups = models.JSONField(_("見られる項目"), default=list)
    reason = models.CharField(_("理由"), max_length=20, choices=Reason.choices)
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("期限"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("ケースへのアクセス権")
        verbose_name_plural = _("ケースへのアクセス権")
        indexes = [
            models.Index(fields=["case", "revoked_at"], name="grant_case_live"),
            models.Index(fields=["expires_at"], condition=Q(revoked_at__isnull=True), name="grant_expiring"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, user__isnull=True)
                | Q(organisation__isnull=True, user__isnull=False),
                name="grant_to_organisation_or_user",
            ),
            models.CheckConstraint(condition=Q(level__in=AccessLevel.values), name="grant_level_valid"),
        ]

    def __str__(self) -> str:
        return f"Grant {self.pk} on {self.case}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class BreakGlassFinding(models.TextChoices):
    """What the privacy officer found when reviewing an emergency access."""

    APPROPRIATE = "appropriate", _("妥当")
    NEEDS_FOLLOW_UP = "needs_follow_up", _("要確認")


class BreakGlassAccess(EncryptedModel):
    """Access taken in an emergency without a grant: reason required, time-limited, reviewed —
    the review records a finding (妥当 / 要確認) and a note."""

    Finding = BreakGlassFinding

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("理由"), max_length=1000)
    grant = models.OneToOneField(CaseAccessGrant, on_delete=models.PROTECT, related_name="break_glass")
    started_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Empty until reviewed (and on reviews recorded before findings existed).
    finding = models.CharField(_("確認の結果"), max_length=20, choices=BreakGlassFinding.choices, blank=True)
    # May name the person or what was read: encrypted under the person's key, like the reason.
    finding_note = EncryptedTextField(_("確認のメモ"), max_length=2000, null=True, blank=True)

    class Meta:
        verbose_name = _("緊急アクセス")
        verbose_name_plural = _("緊急アクセス")
        constraints = [
            models.CheckConstraint(
                condition=Q(finding="") | Q(finding__in=BreakGlassFinding.values, reviewed_at__isnull=False),
                name="break_glass_finding_when_reviewed",
            )
        ]

    def __str__(self) -> str:
        return f"BreakGlass {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key


# django-guardian's documented fast path: permission rows with a real foreign key to the case.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        indexes = [
            models.Index(fields=["group", "permission", "content_object"], name="case_group_perm_lookup")
        ]
