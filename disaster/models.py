"""The evacuation-support list (避難行動要支援者名簿, 災害対策基本法 §49-10 ff.), its individual
evacuation plans (個別避難計画, §49-14), the issues of the list handed to the associations that
signed a list-provision agreement (§49-11), and the disasters declared by a ward office during
which the list may be given without consent (§49-11 ③) — docs/disaster.md.

A listed person is a ``cases.Person``: what identifies them, their care level, disability grade
and plan are encrypted under their data key; the area, the consent's state and the dates stay
plaintext, so that an issue can be made without decrypting anyone it leaves out.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation
from cases.models import Agreement, Person
from privacy.fields import EncryptedCharField, EncryptedTextField
from privacy.models import DataKey, EncryptedModel

# 要介護1〜5 and the six grades of the physical disability certificate, kept as their digit.
CARE_LEVELS = [("", _("なし・要支援")), *((str(n), format_lazy(_("要介護{}"), n)) for n in range(1, 6))]
DISABILITY_GRADES = [("", _("なし")), *((str(n), format_lazy(_("{}級"), n)) for n in range(1, 7))]


class CriterionKind(models.TextChoices):
    """What a listing criterion looks at (the threshold, where there is one, is the criterion's)."""

    CARE_LEVEL = "care_level", _("要介護度（この段階以上）")
    DISABILITY_GRADE = "disability_grade", _("身体障害者手帳の等級（この級以上の重さ）")
    LIVES_ALONE = "lives_alone", _("一人暮らし")
    SELF_REGISTRATION = "self_registration", _("本人の申出（手上げ方式）")


class ListingCriterion(models.Model):
    """A rule of the municipality for who is listed (名簿に掲載する者の範囲): data, not code, so
    that each city sets its own (``disaster.criteria`` applies them)."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    label = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("見る項目"), max_length=20, choices=CriterionKind.choices)
    threshold = models.PositiveSmallIntegerField(
        _("基準の値"),
        null=True,
        blank=True,
        help_text=_("要介護度は 1〜5（この段階以上）、手帳の等級は 1〜6（この級以上の重さ）。"),
    )
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("名簿の掲載基準")
        verbose_name_plural = _("名簿の掲載基準")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CriterionKind.values), name="criterion_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=["lives_alone", "self_registration"]) | Q(threshold__gte=1),
                name="criterion_threshold_given",
                violation_error_message=_("要介護度・手帳の等級の基準には、基準の値を入力してください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ConsentStatus(models.TextChoices):
    """The person's answer to giving their entry to the association in normal times (§49-11 ②)."""

    GIVEN = "given", _("同意あり")
    REFUSED = "refused", _("同意なし（拒否）")
    NOT_ASKED = "not_asked", _("未確認")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("書面")
    ORAL = "oral", _("口頭")
    SELF_REGISTRATION = "self_registration", _("本人の申出（手上げ）")


class Registration(EncryptedModel):
    """A person on the evacuation-support list of a ward."""

    class Removal(models.TextChoices):
        MOVED = "moved", _("転出")
        DIED = "died", _("死亡")
        NO_LONGER_MEETS = "no_longer_meets", _("基準に該当しなくなった")
        OWN_REQUEST = "own_request", _("本人の申出")

    person = models.OneToOneField(
        Person, verbose_name=_("本人"), on_delete=models.PROTECT, related_name="evacuation_registration"
    )
    office = models.ForeignKey(
        Organisation, verbose_name=_("名簿を作成する区役所"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("住んでいる地域"), on_delete=models.PROTECT, related_name="+"
    )
    # What the criteria look at. Health and disability are special-care information: encrypted.
    care_level = EncryptedCharField(_("要介護度"), max_length=10, blank=True)
    disability_grade = EncryptedCharField(_("身体障害者手帳の等級"), max_length=10, blank=True)
    lives_alone = models.BooleanField(_("一人暮らし"), default=False)
    self_registered = models.BooleanField(_("本人の申出による登録"), default=False)
    criteria = models.ManyToManyField(ListingCriterion, verbose_name=_("該当する基準"), related_name="+")

    consent = models.CharField(
        _("平常時の名簿提供への同意"),
        max_length=20,
        choices=ConsentStatus.choices,
        default=ConsentStatus.NOT_ASKED,
    )
    consent_method = models.CharField(
        _("同意の確認方法"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    consent_on = models.DateField(_("同意を確認した日"), null=True, blank=True)

    registered_on = models.DateField(_("掲載日"), default=timezone.localdate)
    removed_on = models.DateField(_("掲載を終えた日"), null=True, blank=True)
    removal_reason = models.CharField(
        _("掲載を終えた理由"), max_length=20, choices=Removal.choices, blank=True
    )
    version = models.PositiveIntegerField(_("版"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("避難行動要支援者名簿の登録")
        verbose_name_plural = _("避難行動要支援者名簿の登録")
        permissions = [("manage_evacuation_list", _("避難行動要支援者名簿を作成・提供する"))]
        indexes = [models.Index(fields=["area", "consent"], name="registration_area_consent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__in=ConsentStatus.values), name="registration_consent_valid"
            ),
            models.CheckConstraint(
                condition=Q(consent=ConsentStatus.NOT_ASKED)
                | Q(consent_on__isnull=False, consent_method__gt=""),
                name="registration_consent_dated",
                violation_error_message=_("同意の有無を記録するときは、確認した日と方法を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removal_reason__gt=""),
                name="registration_removal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Registration {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.person.data_key

    @property
    def is_listed(self) -> bool:
        return self.removed_on is None

    @property
    def care_level_label(self) -> str:
        return str(dict(CARE_LEVELS).get(self.care_level, ""))

    @property
    def disability_grade_label(self) -> str:
        return str(dict(DISABILITY_GRADES).get(self.disability_grade, ""))


class EvacuationPlan(EncryptedModel):
    """The person's individual evacuation plan (個別避難計画): who helps, where to, how, what to
    bring, what care they need and whom to call. Every field can identify someone: encrypted."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="plan")
    supporter_1 = EncryptedCharField(
        _("避難支援者（1人目）"), max_length=100, help_text=_("氏名、または役割（例: 自治会防災部）")
    )
    supporter_2 = EncryptedCharField(
        _("避難支援者（2人目）"), max_length=100, help_text=_("氏名、または役割")
    )
    destination = EncryptedCharField(_("避難先"), max_length=200)
    route = EncryptedTextField(_("避難の方法・経路"), max_length=1000, blank=True)
    belongings = EncryptedTextField(_("持ち出す物"), max_length=1000, blank=True)
    medical_needs = EncryptedTextField(_("医療・介護で必要なこと"), max_length=1000, blank=True)
    contacts = EncryptedTextField(_("緊急時の連絡先"), max_length=500, blank=True)
    made_on = models.DateField(_("作成・見直しの日"), default=timezone.localdate)
    version = models.PositiveIntegerField(_("版"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    FIELDS = ("supporter_1", "supporter_2", "destination", "route", "belongings", "medical_needs", "contacts")

    class Meta:
        verbose_name = _("個別避難計画")
        verbose_name_plural = _("個別避難計画")

    def __str__(self) -> str:
        return f"Plan {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.registration.person.data_key


class DisasterKind(models.TextChoices):
    EARTHQUAKE = "earthquake", _("地震")
    STORM_FLOOD = "storm_flood", _("風水害")
    LANDSLIDE = "landslide", _("土砂災害")
    TSUNAMI = "tsunami", _("津波")
    OTHER = "other", _("その他")


class Declaration(models.Model):
    """A disaster a ward office declared for an area, from its start until it ends: while it lasts
    the list of the area may be given without consent (§49-11 ③). Nothing personal."""

    kind = models.CharField(_("災害の種類"), max_length=20, choices=DisasterKind.choices)
    title = models.CharField(_("名称"), max_length=200, help_text=_("例: 台風第10号による大雨"))
    office = models.ForeignKey(
        Organisation, verbose_name=_("宣言した区役所"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(Area, verbose_name=_("対象の地域"), on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("発生・宣言の日時"), default=timezone.now)
    ended_at = models.DateTimeField(_("終了の日時"), null=True, blank=True)
    is_drill = models.BooleanField(_("訓練"), default=False)
    # When the persons still unchecked were first made known (disaster.services.escalate_unchecked).
    escalated_at = models.DateTimeField(_("未確認の方を知らせた日時"), null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("災害の宣言")
        verbose_name_plural = _("災害の宣言")
        ordering = ["-started_at"]
        permissions = [("declare_disaster", _("災害の発生を宣言・終了する"))]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DisasterKind.values), name="declaration_kind_valid"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="declaration_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def in_effect(self) -> bool:
        return self.ended_at is None


class ProvisionBasis(models.TextChoices):
    """The ground an issue of the list was given on."""

    CONSENT = "consent", _("災害対策基本法 第49条の11第2項（平常時、本人の同意による提供）")
    DISASTER = "disaster", _("災害対策基本法 第49条の11第3項（災害時、生命・身体の保護のため同意なしで提供）")


class ListIssue(models.Model):
    """One numbered, versioned handing-over of the list to an agreement's party: who is in it is
    fixed when it is made (``entries``); it stays outstanding until it is recalled — superseded
    by a newer version, or its agreement ended — and its return or destruction confirmed."""

    class Recall(models.TextChoices):
        SUPERSEDED = "superseded", _("新しい版の提供")
        AGREEMENT_ENDED = "agreement_ended", _("協定の終了")
        DISASTER_ENDED = "disaster_ended", _("災害の宣言の終了")

    class Return(models.TextChoices):
        RETURNED = "returned", _("返却")
        DESTROYED = "destroyed", _("廃棄")

    number = models.PositiveIntegerField(_("番号"), unique=True)
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("協定"), on_delete=models.PROTECT, related_name="+"
    )
    # The party, kept beside the agreement so that the register needs no join to say to whom.
    recipient = models.ForeignKey(
        Organisation, verbose_name=_("提供先"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版"))
    basis = models.CharField(_("提供の根拠"), max_length=20, choices=ProvisionBasis.choices)
    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("災害の宣言"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    # Who at the association took it (a name, as it will be printed on every page).
    received_by = models.CharField(_("受け取った人"), max_length=100)
    issued_at = models.DateTimeField(_("提供日時"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("手渡した職員"), on_delete=models.PROTECT, related_name="+"
    )
    recalled_at = models.DateTimeField(_("回収を求めた日時"), null=True, blank=True)
    recall_reason = models.CharField(_("回収の理由"), max_length=20, choices=Recall.choices, blank=True)
    returned_on = models.DateField(_("返却・廃棄の確認日"), null=True, blank=True)
    return_method = models.CharField(_("返却・廃棄"), max_length=20, choices=Return.choices, blank=True)
    return_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    persons = models.ManyToManyField(Registration, through="ListIssueEntry", related_name="issues")

    class Meta:
        verbose_name = _("名簿の提供")
        verbose_name_plural = _("名簿の提供")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="list_issue_version_unique"),
            models.CheckConstraint(
                condition=Q(basis=ProvisionBasis.CONSENT) | Q(declaration__isnull=False),
                name="list_issue_disaster_declared",
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(recalled_at__isnull=False, return_method__gt=""),
                name="list_issue_returned_after_recall",
            ),
        ]

    def __str__(self) -> str:
        return f"No. {self.number}"

    @property
    def is_current(self) -> bool:
        """Still in use by its recipient: neither recalled nor, its agreement having ended, due."""
        return self.recalled_at is None and self.agreement.in_force

    @property
    def is_outstanding(self) -> bool:
        """Held by the recipient after it should have come back: recalled, or its agreement ended,
        and its return or destruction not yet confirmed."""
        return not self.is_current and self.returned_on is None

    def status(self) -> str:
        if self.returned_on is not None:
            return str(
                _("返却を確認済み") if self.return_method == self.Return.RETURNED else _("廃棄を確認済み")
            )
        if self.is_current:
            return str(_("提供中"))
        return str(_("回収待ち"))


class ListIssueEntry(models.Model):
    """A person as an issue gave them, and whether their consent or the disaster was the ground."""

    issue = models.ForeignKey(ListIssue, on_delete=models.CASCADE, related_name="entries")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    with_consent = models.BooleanField(_("同意による提供"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "registration"], name="list_issue_entry_unique")
        ]

    def __str__(self) -> str:
        return f"Entry {self.pk}"


class CheckAssignment(models.Model):
    """Who checks on a listed person when a disaster strikes: a supporter or commissioner with an
    account, assigned by the ward office (the plan's supporters, by name or role, may have none)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="checkers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("安否確認の担当"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("安否確認の担当")
        verbose_name_plural = _("安否確認の担当")
        constraints = [
            models.UniqueConstraint(fields=["registration", "user"], name="check_assignment_unique")
        ]
        indexes = [models.Index(fields=["user"], name="check_assignment_user")]

    def __str__(self) -> str:
        return f"Assignment {self.pk}"


class SafetyStatus(models.TextChoices):
    SAFE = "safe", _("無事")
    NEEDS_HELP = "needs_help", _("要支援")
    ABSENT = "absent", _("不在")
    UNREACHABLE = "unreachable", _("連絡つかず")
    EVACUATED = "evacuated", _("避難済み")


# What the coverage view counts as needing the ward office's attention.
NEEDS_ATTENTION = (SafetyStatus.NEEDS_HELP, SafetyStatus.UNREACHABLE)


class SafetyCheck(EncryptedModel):
    """One safety check (安否確認) of a listed person during a declared disaster: the latest of a
    person's counts. The server's time orders them; the phone's, when it wrote the check offline,
    is kept beside it. ``key`` is the client's idempotency key: a retry answers the first check."""

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="checks")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="checks")
    status = models.CharField(_("安否"), max_length=20, choices=SafetyStatus.choices)
    note = EncryptedTextField(_("メモ"), max_length=1000, blank=True)
    checked_at = models.DateTimeField(_("記録日時"), default=timezone.now)
    written_at = models.DateTimeField(_("端末で記録した日時"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("安否確認")
        verbose_name_plural = _("安否確認")
        indexes = [
            models.Index(fields=["declaration", "registration", "checked_at"], name="safety_check_latest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SafetyStatus.values), name="safety_status_valid")
        ]

    def __str__(self) -> str:
        return f"Check {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.registration.person.data_key
