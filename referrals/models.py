"""A referral (つなぎ) from a case to an agency, and what the two sides say to each other.

State machine (docs/referrals.md "The state machine", with the agency's question loop of issue 6):

    draft ──send──▶ sent ──accept──▶ accepted ──complete──▶ completed
                     │ ▲  └─decline──▶ declined
                 ask │ │ answer           (from sent, overdue or returned)
                     ▼ │
                   returned
    sent ──mark_overdue──▶ overdue   (the acceptance deadline passed; still awaiting an answer)
    draft | sent | returned | overdue | accepted ──withdraw──▶ withdrawn

Transitions are guards only; services check permissions, lock the row and record the audit event.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Organisation, OrganisationKind
from cases.models import THROUGH_ENGINE, Case, Consent, Disclosure, LegalBasis
from cases.vocabulary import FieldGroup
from privacy.fields import EncryptedTextField
from privacy.models import DataKey, EncryptedModel

# Working days an agency has to accept or decline, unless AcceptanceDeadline says otherwise.
DEFAULT_ACCEPTANCE_WORKING_DAYS = 5


class ReferralState(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SENT = "sent", _("返事待ち")
    RETURNED = "returned", _("つなぎ先から質問")
    OVERDUE = "overdue", _("返事の期限超過")
    ACCEPTED = "accepted", _("引き受け")
    COMPLETED = "completed", _("完了")
    DECLINED = "declined", _("お断り")
    WITHDRAWN = "withdrawn", _("取り下げ")


S = ReferralState
AWAITING_ANSWER = [S.SENT, S.OVERDUE]  # the agency owes an answer
OPEN = [S.DRAFT, S.SENT, S.RETURNED, S.OVERDUE, S.ACCEPTED]
SETTLED = [S.COMPLETED, S.DECLINED, S.WITHDRAWN]
SENT_STATES = [S.SENT, S.RETURNED, S.OVERDUE, S.ACCEPTED, S.COMPLETED, S.DECLINED]


class AcceptanceDeadline(models.Model):
    """How many working days an organisation kind has to answer a referral."""

    organisation_kind = models.CharField(
        _("組織の種別"), max_length=40, choices=OrganisationKind.choices, unique=True
    )
    working_days = models.PositiveSmallIntegerField(_("返事の期限（開庁日数）"))

    class Meta:
        verbose_name = _("つなぎの返事の期限")
        verbose_name_plural = _("つなぎの返事の期限")
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1, working_days__lte=60), name="deadline_days_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_organisation_kind_display()}: {self.working_days}"

    @classmethod
    def for_kind(cls, kind: str) -> int:
        row = cls.objects.filter(organisation_kind=kind).values_list("working_days", flat=True).first()
        return row or DEFAULT_ACCEPTANCE_WORKING_DAYS


class Referral(FSMModelMixin, EncryptedModel):
    State = ReferralState

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    referring_organisation = models.ForeignKey(
        Organisation, verbose_name=_("つなぐ組織"), on_delete=models.PROTECT, related_name="referrals_made"
    )
    recipient = models.ForeignKey(
        Organisation, verbose_name=_("つなぎ先"), on_delete=models.PROTECT, related_name="referrals_received"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作成者"), on_delete=models.PROTECT, related_name="+"
    )
    # What the agency will see (field groups, minimum necessary), why, and on which ground.
    field_groups = models.JSONField(_("共有する項目"), default=list)
    purpose = EncryptedTextField(_("つなぐ目的・依頼したいこと"), max_length=2000)
    legal_basis = models.ForeignKey(
        LegalBasis, verbose_name=_("根拠"), on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(
        Consent, verbose_name=_("同意"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = EncryptedTextField(_("根拠の参照"), max_length=500, blank=True)
    disclosure = models.OneToOneField(
        Disclosure, on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )

    state = FSMField(_("状態"), default=S.DRAFT, choices=S.choices, protected=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    sent_at = models.DateTimeField(_("送付日時"), null=True, blank=True)
    accept_by = models.DateField(_("返事の期限"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("引き受け日時"), null=True, blank=True)
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("つなぎ先の担当者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_referrals",
    )
    settled_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    # Something happened on the agency's side (or the deadline passed) that the referrer has not
    # opened yet: their inbox shows it first.
    referrer_attention = models.BooleanField(_("つなぐ側の確認待ち"), default=False)

    class Meta:
        verbose_name = _("つなぎ")
        verbose_name_plural = _("つなぎ")
        permissions = [("respond_referral", _("つなぎに返事できる"))]
        indexes = [
            models.Index(fields=["recipient", "state"], name="referral_recipient_state"),
            models.Index(fields=["referring_organisation", "state"], name="referral_referrer_state"),
            models.Index(fields=["accept_by"], condition=Q(state="sent"), name="referral_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ReferralState.values), name="referral_state_valid"),
            # Sent means shared: a disclosure, a send date and a deadline.
            models.CheckConstraint(
                condition=~Q(state__in=SENT_STATES)
                | Q(disclosure__isnull=False, sent_at__isnull=False, accept_by__isnull=False),
                name="referral_sent_is_disclosed",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[S.ACCEPTED, S.COMPLETED]) | Q(assigned_worker__isnull=False),
                name="referral_accepted_has_worker",
            ),
            models.CheckConstraint(
                condition=Q(state__in=SETTLED, settled_at__isnull=False)
                | (~Q(state__in=SETTLED) & Q(settled_at__isnull=True)),
                name="referral_settled_at_iff_settled",
            ),
            # One open referral per case and agency: a second would split the conversation.
            models.UniqueConstraint(
                fields=["case", "recipient"], condition=Q(state__in=OPEN), name="referral_one_open_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def field_group_labels(self) -> list[str]:
        return [str(FieldGroup(code).label) for code in self.field_groups if code in FieldGroup.values]

    # --- transitions (guards only) ---------------------------------------------------------
    @transition(field=state, conditions=THROUGH_ENGINE, source=S.DRAFT, target=S.SENT)
    def send(self) -> None:
        self.sent_at = timezone.now()

    @transition(field=state, conditions=THROUGH_ENGINE, source=AWAITING_ANSWER, target=S.RETURNED)
    def ask(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.RETURNED, target=S.SENT)
    def answer(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.SENT, target=S.OVERDUE)
    def mark_overdue(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=AWAITING_ANSWER, target=S.ACCEPTED)
    def accept(self) -> None:
        self.accepted_at = timezone.now()

    @transition(
        field=state, conditions=THROUGH_ENGINE, source=[*AWAITING_ANSWER, S.RETURNED], target=S.DECLINED
    )
    def decline(self) -> None:
        self.settled_at = timezone.now()

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.ACCEPTED, target=S.COMPLETED)
    def complete(self) -> None:
        self.settled_at = timezone.now()

    @transition(field=state, conditions=THROUGH_ENGINE, source=OPEN, target=S.WITHDRAWN)
    def withdraw(self) -> None:
        self.settled_at = timezone.now()


class ReferralMessage(EncryptedModel):
    """What one side told the other: the agency's question, the answer, the reason for declining
    or withdrawing, the outcome. Kept, not overwritten: a second question is a second row."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("質問")
        ANSWER = "answer", _("回答")
        DECLINE_REASON = "decline_reason", _("お断りの理由")
        OUTCOME = "outcome", _("支援の結果")
        WITHDRAW_REASON = "withdraw_reason", _("取り下げの理由")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    text = EncryptedTextField(_("内容"), max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        verbose_name = _("つなぎのやりとり")
        verbose_name_plural = _("つなぎのやりとり")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["question", "answer", "decline_reason", "outcome", "withdraw_reason"]),
                name="referral_message_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"

    def personal_data_key(self) -> DataKey:
        return self.referral.case.person.data_key


# The receiving organisation's group holds view/respond on the referral: one row each, a real FK.
class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        indexes = [
            models.Index(fields=["group", "permission", "content_object"], name="referral_group_perm_lookup")
        ]
