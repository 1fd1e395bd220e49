"""The rights-advocacy track: a guardianship matter from the decision to consider guardianship to
the appointed guardian's support, with its petition, candidate pool, matching meetings,
appointments, monitoring and complaints.

State machine (docs/guardianship.md "A matter"; Yokohama's flow, seed 001 lines 1314–1332):

    intake → assessment ─┬─▶ alternative_support ─────────────────────────────▶ ended
                         └─▶ team_formation → petition_preparation → candidate_matching
                              → filed → appointed → supporting ─┬─▶ ended
                                      └─▶ dismissed ──▶ ended   └─▶ candidate_matching (交代)

Transitions are guards only; services check permissions, lock the row and record the audit event.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Area, Organisation
from cases.models import THROUGH_ENGINE, Case, CaseAccessGrant, Person
from guardianship.vocabulary import (
    LEGAL_PROFESSIONS,
    PROFESSIONS,
    Alternative,
    CandidateKind,
    ComplainantKind,
    ComplaintCategory,
    DocumentKind,
    DocumentStatus,
    GuardianshipType,
    Language,
    MatterEndReason,
    MatterState,
    PetitionerKind,
    ReplacementReason,
    Specialism,
    TeamRole,
)
from privacy.fields import EncryptedCharField, EncryptedTextField
from privacy.models import DataKey, EncryptedModel

S = MatterState
# Before a guardian is appointed (or another way is chosen), the case waits for the matter.
UNDECIDED_STATES = [
    S.INTAKE,
    S.ASSESSMENT,
    S.TEAM_FORMATION,
    S.PETITION_PREPARATION,
    S.CANDIDATE_MATCHING,
    S.FILED,
]


class GuardianshipMatter(FSMModelMixin, EncryptedModel):
    State = MatterState

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guardianship_matters")
    centre = models.ForeignKey(
        Organisation,
        verbose_name=_("中核機関"),
        on_delete=models.PROTECT,
        related_name="guardianship_matters",
    )
    area = models.ForeignKey(Area, verbose_name=_("地域"), on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = FSMField(_("状態"), default=S.INTAKE, choices=S.choices, protected=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    opened_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    end_reason = models.CharField(_("終了の理由"), max_length=20, choices=MatterEndReason.choices, blank=True)
    end_note = EncryptedTextField(_("終了についてのメモ"), max_length=2000, null=True, blank=True)

    # Assessment (検討): decision-making capacity and the person's wishes (意思決定支援) — encrypted.
    capacity_concerns = EncryptedTextField(_("判断能力についての心配"), max_length=2000, blank=True)
    wishes = EncryptedTextField(_("本人が話したこと・希望"), max_length=2000, blank=True)
    wishes_supported_by = EncryptedCharField(_("意思決定を支援した人"), max_length=200, blank=True)
    wishes_how = EncryptedTextField(_("どのように支援したか"), max_length=2000, blank=True)
    alternative = models.CharField(
        _("検討した他の支援"), max_length=30, choices=Alternative.choices, blank=True
    )
    alternative_reason = EncryptedTextField(_("他の支援についての検討"), max_length=2000, blank=True)
    # Complexity indicators: plaintext, like categories, for matching and reports.
    has_disputes = models.BooleanField(_("紛争がある"), default=False)
    has_real_estate = models.BooleanField(_("不動産がある"), default=False)
    has_debts = models.BooleanField(_("負債がある"), default=False)
    has_abuse = models.BooleanField(_("虐待がある"), default=False)
    has_family_conflict = models.BooleanField(_("親族間の対立がある"), default=False)
    large_estate = models.BooleanField(_("多額の財産がある"), default=False)
    language = models.CharField(
        _("本人の言語"), max_length=5, choices=Language.choices, default=Language.JAPANESE
    )
    needed_specialisms = models.JSONField(_("必要な専門性"), default=list, blank=True)
    # Organisations providing care or services to the person: their people would be in conflict.
    care_providers = models.ManyToManyField(
        Organisation, verbose_name=_("本人にサービスを提供している組織"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("権利擁護・成年後見の案件")
        verbose_name_plural = _("権利擁護・成年後見の案件")
        permissions = [("manage_matter", _("案件を進められる"))]
        indexes = [models.Index(fields=["centre", "state"], name="matter_centre_state")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=MatterState.values), name="matter_state_valid"),
            models.CheckConstraint(
                condition=Q(state=S.ENDED, ended_at__isnull=False)
                | (~Q(state=S.ENDED) & Q(ended_at__isnull=True)),
                name="matter_ended_at_iff_ended",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.ALTERNATIVE_SUPPORT) | ~Q(alternative=""),
                name="matter_alternative_named",
            ),
            # An ended matter says why; an open one has no reason to end yet.
            models.CheckConstraint(
                condition=Q(state=S.ENDED, end_reason__in=MatterEndReason.values)
                | (~Q(state=S.ENDED) & Q(end_reason="")),
                name="matter_ended_with_reason",
            ),
            # One open matter per case: a replacement loops back inside the same matter.
            models.UniqueConstraint(
                fields=["case"], condition=~Q(state=S.ENDED), name="matter_one_open_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"Matter {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key

    # --- what the matter's complexity allows ----------------------------------------------
    @property
    def needs_legal_professional(self) -> bool:
        """Disputes, debts and large estates need a lawyer or a judicial scrivener."""
        return self.has_disputes or self.has_debts or self.large_estate

    @property
    def needs_professional(self) -> bool:
        """A citizen or relative guardian takes stable, lower-complexity matters only."""
        return (
            self.needs_legal_professional
            or self.has_abuse
            or self.has_family_conflict
            or self.has_real_estate
        )

    def allowed_kinds(self) -> frozenset[str]:
        if self.needs_legal_professional:
            return frozenset(LEGAL_PROFESSIONS)
        if self.needs_professional:
            return frozenset(PROFESSIONS | {CandidateKind.CORPORATE})
        return frozenset(CandidateKind.values)

    # --- transitions (guards only) ---------------------------------------------------------
    @transition(field=state, conditions=THROUGH_ENGINE, source=S.INTAKE, target=S.ASSESSMENT)
    def start_assessment(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.ASSESSMENT, target=S.ALTERNATIVE_SUPPORT)
    def choose_alternative(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.ASSESSMENT, target=S.TEAM_FORMATION)
    def form_team(self) -> None:
        pass

    @transition(
        field=state, conditions=THROUGH_ENGINE, source=S.TEAM_FORMATION, target=S.PETITION_PREPARATION
    )
    def prepare_petition(self) -> None:
        pass

    @transition(
        field=state,
        conditions=THROUGH_ENGINE,
        source=[S.PETITION_PREPARATION, S.SUPPORTING],
        target=S.CANDIDATE_MATCHING,
    )
    def start_matching(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.CANDIDATE_MATCHING, target=S.FILED)
    def file(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.FILED, target=S.APPOINTED)
    def appoint(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.FILED, target=S.DISMISSED)
    def dismiss(self) -> None:
        pass

    @transition(field=state, conditions=THROUGH_ENGINE, source=S.APPOINTED, target=S.SUPPORTING)
    def start_support(self) -> None:
        pass

    # Any stage may end (the case withdrawn, the person dead or moved away); after filing, only
    # with the family court's permission to withdraw (services.end_matter).
    @transition(
        field=state,
        conditions=THROUGH_ENGINE,
        source=[code for code in MatterState.values if code != S.ENDED],
        target=S.ENDED,
    )
    def end(self) -> None:
        self.ended_at = timezone.now()


class Petition(EncryptedModel):
    """The petition to the family court (申立て), its documents and the court's ruling."""

    class Ruling(models.TextChoices):
        APPOINTED = "appointed", _("選任")
        DISMISSED = "dismissed", _("却下")

    matter = models.ForeignKey(GuardianshipMatter, on_delete=models.CASCADE, related_name="petitions")
    type = models.CharField(_("類型"), max_length=20, choices=GuardianshipType.choices)
    petitioner_kind = models.CharField(_("申立人"), max_length=20, choices=PetitionerKind.choices)
    court = models.ForeignKey(
        Organisation, verbose_name=_("家庭裁判所"), on_delete=models.PROTECT, related_name="+"
    )
    subsidy_petition_costs = models.BooleanField(
        _("申立費用の助成（成年後見制度利用支援事業）"), default=False
    )
    subsidy_remuneration = models.BooleanField(_("報酬の助成（成年後見制度利用支援事業）"), default=False)
    filed_on = models.DateField(_("申立日"), null=True, blank=True)
    ruling = models.CharField(_("審判"), max_length=20, choices=Ruling.choices, blank=True)
    ruled_on = models.DateField(_("審判日"), null=True, blank=True)
    # 家事事件手続法 §121: after filing, the petition is withdrawn only with the court's permission.
    withdrawal_permitted_on = models.DateField(_("取下げの許可日"), null=True, blank=True)
    withdrawal_court = models.ForeignKey(
        Organisation,
        verbose_name=_("取下げを許可した家庭裁判所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = EncryptedTextField(_("メモ"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申立て")
        verbose_name_plural = _("申立て")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=GuardianshipType.values), name="petition_type_valid"),
            models.CheckConstraint(
                condition=Q(petitioner_kind__in=PetitionerKind.values), name="petition_petitioner_valid"
            ),
            models.CheckConstraint(
                condition=Q(ruling="", ruled_on__isnull=True)
                | Q(ruling__in=["appointed", "dismissed"], ruled_on__isnull=False, filed_on__isnull=False),
                name="petition_ruled_after_filing",
            ),
            models.CheckConstraint(
                condition=Q(ruled_on__isnull=True) | Q(ruled_on__gte=models.F("filed_on")),
                name="petition_ruling_not_before_filing",
            ),
            # A withdrawal names the court and the day of its permission, not before the filing.
            models.CheckConstraint(
                condition=Q(withdrawal_permitted_on__isnull=True, withdrawal_court__isnull=True)
                | Q(
                    withdrawal_permitted_on__isnull=False,
                    withdrawal_court__isnull=False,
                    filed_on__isnull=False,
                    withdrawal_permitted_on__gte=models.F("filed_on"),
                ),
                name="petition_withdrawal_permitted_after_filing",
            ),
        ]

    def __str__(self) -> str:
        return f"Petition {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.matter.case.person.data_key

    @property
    def documents_ready(self) -> bool:
        return not self.documents.exclude(
            status__in=[DocumentStatus.RECEIVED, DocumentStatus.NOT_APPLICABLE]
        ).exists()


class PetitionDocument(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("書類"), max_length=40, choices=DocumentKind.choices)
    status = models.CharField(
        _("状況"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.NEEDED
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "kind"], name="petition_document_unique"),
            models.CheckConstraint(
                condition=Q(status__in=DocumentStatus.values), name="petition_document_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.status}"


class GuardianCandidate(EncryptedModel):
    """Someone who could be appointed: a professional, a citizen guardian of the citizen-guardian
    bank, a corporate guardian, or a relative of the person. Name and contact encrypted under the
    candidate's own data key; kind, areas, languages, specialisms and load stay plaintext for
    matching."""

    data_key = models.OneToOneField(
        DataKey, on_delete=models.PROTECT, related_name="guardian_candidate", editable=False
    )
    kind = models.CharField(_("種別"), max_length=30, choices=CandidateKind.choices)
    name = EncryptedCharField(_("氏名・名称"), max_length=100)
    contact = EncryptedTextField(_("連絡先"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属・法人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guardian_candidates",
    )
    # The candidate's own account, when they have one: once appointed they join the case team.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guardian_candidate",
    )
    relative_of = models.ForeignKey(
        Person,
        verbose_name=_("親族である本人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    areas = models.ManyToManyField(Area, verbose_name=_("活動できる地域"), blank=True, related_name="+")
    languages = models.JSONField(_("対応できる言語"), default=list, blank=True)
    specialisms = models.JSONField(_("専門性"), default=list, blank=True)
    max_caseload = models.PositiveSmallIntegerField(_("受任できる件数"))
    caseload = models.PositiveSmallIntegerField(_("受任中の件数"), default=0)
    available = models.BooleanField(_("受任可能"), default=True)
    training_completed_on = models.DateField(_("養成課程の修了日"), null=True, blank=True)
    registered_on = models.DateField(_("市民後見人バンクへの登録日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("後見人等の候補者")
        verbose_name_plural = _("後見人等の候補者")
        permissions = [("manage_candidates", _("候補者名簿を管理できる"))]
        indexes = [models.Index(fields=["kind", "available"], name="candidate_kind_available")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CandidateKind.values), name="candidate_kind_valid"),
            models.CheckConstraint(condition=Q(max_caseload__gte=1), name="candidate_takes_one_at_least"),
            # A citizen guardian has completed the city's training and is in the bank.
            models.CheckConstraint(
                condition=~Q(kind=CandidateKind.CITIZEN)
                | Q(training_completed_on__isnull=False, registered_on__isnull=False),
                name="candidate_citizen_trained_and_registered",
            ),
            models.CheckConstraint(
                condition=Q(kind=CandidateKind.RELATIVE, relative_of__isnull=False)
                | (~Q(kind=CandidateKind.RELATIVE) & Q(relative_of__isnull=True)),
                name="candidate_relative_iff_relative_of",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CandidateKind.CORPORATE) | Q(organisation__isnull=False),
                name="candidate_corporate_is_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"Candidate {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.data_key

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == CandidateKind.CITIZEN and not (self.training_completed_on and self.registered_on):
            raise ValidationError(_("市民後見人は、養成課程の修了日と市民後見人バンクへの登録日が必要です。"))
        if (
            self.training_completed_on
            and self.registered_on
            and self.registered_on < self.training_completed_on
        ):
            raise ValidationError(_("バンクへの登録日は、養成課程の修了日より後の日付にしてください。"))
        if (self.kind == CandidateKind.RELATIVE) != (self.relative_of_id is not None):
            raise ValidationError(
                _("親族の候補者には、親族である本人を選んでください（親族以外は選びません）。")
            )
        if self.kind == CandidateKind.CORPORATE and self.organisation_id is None:
            raise ValidationError(_("法人後見の候補者には、法人（組織）を選んでください。"))
        unknown = set(self.languages) - set(Language.values) or set(self.specialisms) - set(Specialism.values)
        if unknown:
            raise ValidationError(_("選べない言語・専門性があります。"))


class ConflictDeclaration(models.Model):
    """A candidate's declared conflict of interest with a person (family, business, other)."""

    candidate = models.ForeignKey(GuardianCandidate, on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    declared_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "person"], name="conflict_unique")]

    def __str__(self) -> str:
        return f"Conflict {self.pk}"


class TeamMember(EncryptedModel):
    """Someone of the person's support team (チーム), formed before the petition: their
    organisation (when they belong to one of the directory), name and part. The name is kept
    under the person's key, with the matter."""

    matter = models.ForeignKey(GuardianshipMatter, on_delete=models.CASCADE, related_name="team")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = EncryptedCharField(_("氏名"), max_length=100)
    role = models.CharField(_("役割"), max_length=30, choices=TeamRole.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("チームの構成員")
        verbose_name_plural = _("チームの構成員")
        ordering = ["added_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(role__in=TeamRole.values), name="team_member_role")]

    def __str__(self) -> str:
        return f"TeamMember {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.matter.case.person.data_key


class MatchingMeeting(models.Model):
    """成年後見人等候補者調整会議: several matters on one agenda. No free text of its own: what is
    said about a matter is kept with that matter's agenda item, under that person's key."""

    centre = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="matching_meetings")
    scheduled_for = models.DateTimeField(_("日時"))
    convened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("出席者"), blank=True, related_name="+"
    )
    held_at = models.DateTimeField(_("開催日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("候補者調整会議")
        verbose_name_plural = _("候補者調整会議")
        ordering = ["-scheduled_for"]

    def __str__(self) -> str:
        return f"MatchingMeeting {self.pk}"

    @property
    def access_until(self):
        return self.scheduled_for + datetime.timedelta(hours=MATCHING_ACCESS_HOURS)


# How long after its start a matching meeting's outside attendees may still open it.
MATCHING_ACCESS_HOURS = 72


class MatchingAcknowledgement(models.Model):
    """An attendee from outside the centre (a professional association, the ward office) confirmed
    the duty of confidentiality on screen; only then do they see the meeting's matters, and only
    until ``MatchingMeeting.access_until``."""

    meeting = models.ForeignKey(MatchingMeeting, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("守秘の確認日時"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="matching_acknowledgement_unique")
        ]

    def __str__(self) -> str:
        return f"MatchingAcknowledgement {self.pk}"


class AgendaItem(EncryptedModel):
    """One matter on a matching meeting's agenda, and what the meeting decided for it."""

    meeting = models.ForeignKey(MatchingMeeting, on_delete=models.CASCADE, related_name="items")
    matter = models.ForeignKey(GuardianshipMatter, on_delete=models.CASCADE, related_name="agenda_items")
    decision_reason = EncryptedTextField(_("決定の理由"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("決定日時"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "matter"], name="agenda_item_unique")]

    def __str__(self) -> str:
        return f"AgendaItem {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.matter.case.person.data_key


class MatchProposal(models.Model):
    """A ranked candidate for an agenda item, with the explanation of the score (codes and
    parameters, rendered in Japanese on the screen) and what became of it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("提案")
        SELECTED = "selected", _("選定（内諾の確認中）")
        ACCEPTED = "accepted", _("受任の内諾")
        REFUSED = "refused", _("辞退")
        NOT_SELECTED = "not_selected", _("見送り")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="proposals")
    candidate = models.ForeignKey(GuardianCandidate, on_delete=models.PROTECT, related_name="proposals")
    rank = models.PositiveSmallIntegerField(_("順位"))
    score = models.PositiveSmallIntegerField(_("点数"))
    reasons = models.JSONField(_("説明"), default=list)
    backup = models.ForeignKey(
        GuardianCandidate,
        verbose_name=_("後方支援"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("結果"), max_length=20, choices=Status.choices, default=Status.PROPOSED)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["item", "candidate"], name="proposal_candidate_unique"),
            models.UniqueConstraint(fields=["item", "rank"], name="proposal_rank_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status__in=["selected", "accepted"]), name="proposal_one_chosen"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.rank}"


class Appointment(models.Model):
    """A guardian appointed by the court. A replacement ends it and starts another: the history stays."""

    class EndReason(models.TextChoices):
        REPLACED = "replaced", _("交代")
        MATTER_ENDED = "matter_ended", _("案件の終了")

    matter = models.ForeignKey(GuardianshipMatter, on_delete=models.CASCADE, related_name="appointments")
    candidate = models.ForeignKey(GuardianCandidate, on_delete=models.PROTECT, related_name="appointments")
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="appointments")
    type = models.CharField(_("類型"), max_length=20, choices=GuardianshipType.choices)
    appointed_on = models.DateField(_("選任日"))
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    end_reason = models.CharField(_("終了の理由"), max_length=20, choices=EndReason.choices, blank=True)
    grant = models.ForeignKey(
        CaseAccessGrant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("選任")
        verbose_name_plural = _("選任")
        ordering = ["appointed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"], condition=Q(ended_on__isnull=True), name="appointment_one_active"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                name="appointment_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class Replacement(EncryptedModel):
    """A replacement of the guardian (交代): why, with a note, and the appointment it ended."""

    matter = models.ForeignKey(GuardianshipMatter, on_delete=models.CASCADE, related_name="replacements")
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("終了した選任"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacement",
    )
    reason = models.CharField(_("交代の理由"), max_length=20, choices=ReplacementReason.choices)
    note = EncryptedTextField(_("交代についてのメモ"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("後見人等の交代")
        verbose_name_plural = _("後見人等の交代")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ReplacementReason.values), name="replacement_reason_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Replacement {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.matter.case.person.data_key


class MonitoringReport(EncryptedModel):
    """The guardian's periodic report to the centre (後見活動の報告), due on a date."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reports")
    due_on = models.DateField(_("提出期限"))
    submitted_on = models.DateField(_("提出日"), null=True, blank=True)
    summary = EncryptedTextField(_("報告の内容"), max_length=4000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("後見活動の報告")
        verbose_name_plural = _("後見活動の報告")
        ordering = ["due_on"]
        indexes = [models.Index(fields=["due_on"], condition=Q(submitted_on__isnull=True), name="report_due")]

    def __str__(self) -> str:
        return f"Report {self.due_on}"

    def personal_data_key(self) -> DataKey:
        return self.appointment.matter.case.person.data_key


class Complaint(EncryptedModel):
    """A complaint about a guardian (不正防止・苦情相談): who, about whom, what, how it was handled."""

    matter = models.ForeignKey(GuardianshipMatter, on_delete=models.CASCADE, related_name="complaints")
    appointment = models.ForeignKey(
        Appointment, verbose_name=_("対象の後見人等"), on_delete=models.PROTECT, related_name="complaints"
    )
    complainant_kind = models.CharField(_("申し出た人"), max_length=20, choices=ComplainantKind.choices)
    category = models.CharField(_("分類"), max_length=20, choices=ComplaintCategory.choices)
    details = EncryptedTextField(_("内容"), max_length=4000)
    handling = EncryptedTextField(_("対応"), max_length=4000, blank=True)
    outcome = EncryptedTextField(_("結果"), max_length=2000, blank=True)
    received_on = models.DateField(_("受付日"), default=timezone.localdate)
    closed_on = models.DateField(_("完了日"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("苦情")
        verbose_name_plural = _("苦情")
        ordering = ["received_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=ComplaintCategory.values), name="complaint_category"
            ),
            models.CheckConstraint(
                condition=Q(complainant_kind__in=ComplainantKind.values), name="complaint_complainant"
            ),
        ]

    def __str__(self) -> str:
        return f"Complaint {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.matter.case.person.data_key


class CouncilMeeting(models.Model):
    """A meeting of a ward's guardianship council (区協議会: 区成年後見サポートネット; a city without
    wards has the city's): when, and how many took part — what the plan's indicator 1-(3) counts.
    No one is named."""

    area = models.ForeignKey(
        Area, verbose_name=_("区（区のない市では市）"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("開催日"))
    participants = models.PositiveIntegerField(_("参加者数"))
    theme = models.CharField(_("テーマ"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("区協議会の開催")
        verbose_name_plural = _("区協議会の開催")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["area", "held_on"], name="council_area_held")]
        constraints = [
            models.CheckConstraint(condition=Q(participants__gte=1), name="council_has_participants"),
        ]

    def __str__(self) -> str:
        return f"CouncilMeeting {self.pk}"


# The centre's group holds view/manage on its matters: direct foreign-key rows.
class MatterUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(GuardianshipMatter, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class MatterGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(GuardianshipMatter, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
