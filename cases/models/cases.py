"""The case: one resident's situation, from the concern someone noticed to the people holding it.

State machine (docs/cases.md "States and transitions"), transitions as django-fsm methods with
guards only — services check permissions, lock the row against concurrent edits and record the
audit event:

    noticed ──accept_intake──▶ sharing ──schedule_meeting──▶ team_meeting ──decide──▶ referred
       ├─escalate_urgent──────────┤                                               guardianship
       └─take_urgent──────────────┘
    referred | guardianship ──conclude──▶ watching | closed                        watching
    watching ──close──▶ closed                                                     closed
    watching | closed ──reopen──▶ sharing       any open state ──withdraw──▶ withdrawn
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from accounts.models import Area, Organisation
from cases.models.fsm import THROUGH_ENGINE
from cases.models.people import Household, Person
from cases.vocabulary import ConcernCategory, ObservedSignal, ReporterKind, Urgency, WithdrawalKind
from privacy.fields import EncryptedCharField, EncryptedTextField
from privacy.models import DataKey, EncryptedModel


class CaseState(models.TextChoices):
    NOTICED = "noticed", _("気付き受付")
    SHARING = "sharing", _("情報共有・アセスメント")
    TEAM_MEETING = "team_meeting", _("支援会議")
    REFERRED = "referred", _("つなぎ済み")
    GUARDIANSHIP = "guardianship", _("成年後見")
    WATCHING = "watching", _("見守り")
    CLOSED = "closed", _("終結")
    WITHDRAWN = "withdrawn", _("取り下げ")


S = CaseState
ENDED_STATES = [S.CLOSED, S.WITHDRAWN]
OPEN_STATES = [S.NOTICED, S.SHARING, S.TEAM_MEETING, S.REFERRED, S.GUARDIANSHIP, S.WATCHING]
# Past intake and still open: when a case's information may be shared, disclosed or referred.
IN_WORK_STATES = [state for state in OPEN_STATES if state != S.NOTICED]
DECISION_TARGETS = [S.REFERRED, S.GUARDIANSHIP, S.WATCHING, S.CLOSED]


class Case(FSMModelMixin, EncryptedModel):
    State = CaseState
    ENDED_STATES = ENDED_STATES

    person = models.ForeignKey(Person, verbose_name=_("本人"), on_delete=models.PROTECT, related_name="cases")
    # What people call the case (2026-はまかぜ-0123): given once at creation by
    # cases.services.references, per numbering unit and fiscal year; never the database id.
    reference = models.CharField(_("ケース番号"), max_length=40, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("世帯"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    # No index of their own: case_area_state and case_lead_state begin with them (Meta.indexes).
    area = models.ForeignKey(
        Area, verbose_name=_("地域"), on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("主担当の組織"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        db_index=False,
    )
    urgent = models.BooleanField(_("緊急"), default=False)
    state = FSMField(_("状態"), default=S.NOTICED, choices=S.choices, protected=True)
    # Optimistic locking: every write names the version it saw; a stale one is a conflict.
    version = models.PositiveIntegerField(_("版"), default=1)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    ended_at = models.DateTimeField(_("終結日時"), null=True, blank=True)
    # When an agency first took the person on (a referral accepted): what the reporter is told.
    connected_at = models.DateTimeField(_("つながった日時"), null=True, blank=True)
    withdrawal_reason = EncryptedTextField(_("取り下げの理由"), max_length=1000, blank=True)
    # Plaintext, unlike the reason: the indicators leave out cases registered in error. Empty on
    # cases withdrawn before it was asked (counted, as they were).
    withdrawal_kind = models.CharField(
        _("取り下げの区分"),
        max_length=20,
        choices=WithdrawalKind.choices,
        blank=True,
        default="",
        db_default="",
    )

    class Meta:
        verbose_name = _("ケース")
        verbose_name_plural = _("ケース")
        permissions = [
            # Object permissions, held through access grants:
            ("lead_case", _("ケースの主担当として進められる")),
            ("view_case_status", _("ケースの状況だけを見られる")),
            # Role permissions:
            ("take_intake", _("気付きを受け付けられる")),
            ("take_urgent", _("至急の気付きを区役所として引き受けられる")),
            ("break_glass", _("緊急アクセスができる")),
            ("review_break_glass", _("緊急アクセスを確認できる")),
        ]
        indexes = [
            models.Index(fields=["lead_organisation", "state"], name="case_lead_state"),
            models.Index(fields=["area", "state"], name="case_area_state"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CaseState.values), name="case_state_valid"),
            # Every path that creates a case gives it its number (an empty one would collide).
            models.CheckConstraint(condition=~Q(reference=""), name="case_reference_given"),
            # A constraint, not unique=True: PostgreSQL would add a LIKE-prefix twin nothing reads.
            models.UniqueConstraint(fields=["reference"], name="case_reference_unique"),
            # Closed and withdrawn cases say when they ended (retention counts from then); open ones do not.
            models.CheckConstraint(
                condition=Q(state__in=ENDED_STATES, ended_at__isnull=False)
                | (~Q(state__in=ENDED_STATES) & Q(ended_at__isnull=True)),
                name="case_ended_at_iff_ended",
            ),
            # Past intake, someone leads.
            models.CheckConstraint(
                condition=Q(state__in=[S.NOTICED, S.WITHDRAWN]) | Q(lead_organisation__isnull=False),
                name="case_led_after_intake",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.person.data_key

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_in_work(self) -> bool:
        """Past intake and still open (IN_WORK_STATES)."""
        return self.state in IN_WORK_STATES

    # --- transitions (guards only) ---------------------------------------------------------
    @transition(field=state, conditions=THROUGH_ENGINE, source=S.NOTICED, target=S.SHARING)
    def accept_intake(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=[S.NOTICED, S.SHARING], target=S.SHARING)
    def escalate_urgent(self) -> None:
        self.urgent = True

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.NOTICED, target=S.SHARING)
    def take_urgent(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.SHARING, target=S.TEAM_MEETING)
    def schedule_meeting(self) -> None:
        pass

    @transition(
        field=state, conditions=THROUGH_ENGINE, source=S.TEAM_MEETING, target=RETURN_VALUE(*DECISION_TARGETS)
    )
    def decide(self, outcome: str) -> str:
        if outcome not in DECISION_TARGETS:
            raise ValueError(f"unknown outcome {outcome!r}")
        if outcome == S.CLOSED:
            self.ended_at = timezone.now()
        return outcome

    @transition(
        field=state,
        conditions=THROUGH_ENGINE,
        source=[S.REFERRED, S.GUARDIANSHIP],
        target=RETURN_VALUE(S.WATCHING, S.CLOSED),
    )
    def conclude(self, outcome: str) -> str:
        if outcome not in (S.WATCHING, S.CLOSED):
            raise ValueError(f"unknown outcome {outcome!r}")
        if outcome == S.CLOSED:
            self.ended_at = timezone.now()
        return outcome

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.WATCHING, target=S.CLOSED)
    def close(self) -> None:
        self.ended_at = timezone.now()

    @transition(field=state, conditions=THROUGH_ENGINE, source=[S.WATCHING, S.CLOSED], target=S.SHARING)
    def reopen(self) -> None:
        self.ended_at = None

    @transition(field=state, conditions=THROUGH_ENGINE, source=OPEN_STATES, target=S.WITHDRAWN)
    def withdraw(self) -> None:
        self.ended_at = timezone.now()


class Concern(EncryptedModel):
    """What somebody noticed (気付き). The first thing of every case; later concerns add to it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="concerns")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("報告者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_concerns",
    )
    reporter_kind = models.CharField(_("報告者の種別"), max_length=30, choices=ReporterKind.choices)
    urgency = models.CharField(_("緊急度"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    noticed_on = models.DateField(_("気付いた日"), default=timezone.localdate)
    details = EncryptedTextField(_("気付きの内容"), max_length=4000, blank=True)
    # The name as the reporter wrote it: what they are shown of the person later, whatever the
    # case's record says by then (a corrected name is not theirs to see).
    reported_name = EncryptedCharField(_("報告時の氏名"), max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    # Written on a phone without a network and sent later (docs/offline.md): when the phone says
    # it was written (kept as written; the server's ``created_at`` orders), and the phone's
    # one-time key, so that a retry answers the first concern instead of making a second.
    written_at = models.DateTimeField(_("端末で記録した日時"), null=True, blank=True)
    key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # Whether one of its categories is about rights advocacy (vocabulary.RIGHTS_ADVOCACY), written
    # with the categories when it is recorded (they never change): what indicator ⑤ counts.
    about_rights_advocacy = models.BooleanField(_("権利擁護に関する相談"), default=False, editable=False)
    # A party's report under an agreement (no account): the code it came with names the agreement.
    credential = models.ForeignKey(
        "cases.ReportingCredential",
        verbose_name=_("報告用コード"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns",
    )

    class Meta:
        verbose_name = _("気付き")
        verbose_name_plural = _("気付き")
        indexes = [models.Index(fields=["reported_by", "created_at"], name="concern_reporter_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reporter_kind__in=ReporterKind.values), name="concern_reporter_valid"
            ),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="concern_urgency_valid"),
        ]

    def __str__(self) -> str:
        return f"Concern {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key


class ConcernSignal(models.Model):
    """An observed sign (郵便物がたまっている…), one row each so that reports can count them."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="signals")
    code = models.CharField(_("気付いたこと"), max_length=40, choices=ObservedSignal.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "code"], name="concern_signal_unique"),
            models.CheckConstraint(condition=Q(code__in=ObservedSignal.values), name="concern_signal_valid"),
        ]

    def __str__(self) -> str:
        return self.code


class ConcernCategoryTag(models.Model):
    """A category of need (8050, ヤングケアラー…), one row each so that reports can count them."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("分類"), max_length=40, choices=ConcernCategory.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "code"], name="concern_category_unique"),
            models.CheckConstraint(
                condition=Q(code__in=ConcernCategory.values), name="concern_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ContactLog(models.Model):
    """A commissioner's consultation or liaison (相談・連絡調整), counted for the plan's indicator ⑧.

    No free text: the count and the kind are what the indicator needs, and nothing personal is kept.
    """

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("相談")
        LIAISON = "liaison", _("連絡調整")

    class Counterpart(models.TextChoices):
        """With whom, as indicator ⑧ counts them (委員相互・その他関係機関)."""

        FELLOW_COMMISSIONER = "fellow_commissioner", _("委員相互")
        AGENCY = "agency", _("関係機関")
        OTHER = "other", _("その他")

    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_logs",
        verbose_name=_("民生委員"),
    )
    occurred_on = models.DateField(_("日付"), default=timezone.localdate)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    counterpart = models.CharField(_("相談・連絡の相手"), max_length=20, choices=Counterpart.choices)
    # The commissioner's district when it happened (the indicator counts by district); none on an
    # entry from before the district was kept.
    district = models.ForeignKey(
        Area, verbose_name=_("地区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(_("分野"), max_length=40, choices=ConcernCategory.choices, blank=True)
    with_organisation = models.ForeignKey(
        Organisation, verbose_name=_("連絡先の機関"), on_delete=models.PROTECT, null=True, blank=True
    )
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("相談・連絡調整の記録")
        verbose_name_plural = _("相談・連絡調整の記録")
        indexes = [models.Index(fields=["commissioner", "occurred_on"], name="contactlog_who_when")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["consultation", "liaison"]), name="contactlog_kind"),
            models.CheckConstraint(
                condition=Q(counterpart__in=["fellow_commissioner", "agency", "other"]),
                name="contactlog_counterpart",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class WatchVisit(EncryptedModel):
    """A 見守り follow-up, due on a date; the note of what was seen is encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="watch_visits")
    due_on = models.DateField(_("予定日"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("担当者")
    )
    visited_on = models.DateField(_("訪問日"), null=True, blank=True)
    note = EncryptedTextField(_("見守りの記録"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("見守り訪問")
        verbose_name_plural = _("見守り訪問")
        indexes = [models.Index(fields=["assigned_to", "visited_on", "due_on"], name="watchvisit_due")]

    def __str__(self) -> str:
        return f"WatchVisit {self.due_on}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key


class CaseReferenceCounter(models.Model):
    """The last case number given under one prefix (fiscal year and numbering unit, 2026-はまかぜ):
    the row is locked while a number is taken, so that two cases never get the same one."""

    prefix = models.CharField(_("接頭辞"), max_length=30, unique=True)
    last = models.PositiveIntegerField(_("最後の番号"), default=0)

    class Meta:
        verbose_name = _("ケース番号の採番")
        verbose_name_plural = _("ケース番号の採番")

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"
