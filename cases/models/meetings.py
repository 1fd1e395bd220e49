"""Support-team meetings: who attends (each acknowledging confidentiality first), what was said,
what was decided and who does what by when. Agenda, minutes and reasons are encrypted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.models.cases import Case, CaseState
from cases.models.sharing import LegalBasis
from cases.vocabulary import GuestStanding
from privacy.fields import EncryptedTextField
from privacy.models import DataKey, EncryptedModel


class MeetingKind(models.TextChoices):
    # A 支援会議 may discuss a person before they consent; its members are bound to confidentiality.
    SUPPORT_MEETING = "support_meeting", _("支援会議（社会福祉法第106条の6）")
    MULTI_AGENCY = "multi_agency", _("重層的支援会議")
    INDIVIDUAL_CASE = "individual_case", _("個別ケース会議")
    COMMUNITY_CARE = "community_care", _("地域ケア会議")


# The duty each attendee acknowledges, by the basis the meeting rests on: a statutory meeting's
# members are bound by its law (with a penalty); a meeting on the person's consent binds them to
# the consent's purpose and recipients; any other basis to the purpose it was recorded for.
_STATUTORY_DUTY = {
    "swa-106-6": _(
        "この支援会議（社会福祉法第106条の6）で知り得た本人や世帯の秘密を、正当な理由なく漏らしません。"
        "支援会議の構成員には法律上の守秘義務があり、違反には罰則があります。"
    ),
    "hardship-9": _(
        "この支援会議（生活困窮者自立支援法第9条）で知り得た本人や世帯の秘密を、正当な理由なく漏らしません。"
        "支援会議の構成員には法律上の守秘義務（同条第5項）があり、違反には罰則があります。"
    ),
    "child-welfare-25-2": _(
        "この要保護児童対策地域協議会（児童福祉法第25条の2）で知り得た子どもや家庭の秘密を、正当な理由なく"
        "漏らしません。協議会の構成員には法律上の守秘義務（同法第25条の5）があり、違反には罰則があります。"
    ),
}
_ON_CONSENT = _(
    "この会議は本人の同意に基づいて開かれます。会議で知り得た本人や世帯の情報は、同意された目的の"
    "ためにだけ使い、同意のない人に漏らしません。"
)
_COMMUNITY_CARE_DUTY = _(
    "地域ケア会議の事務に従事する者には介護保険法第115条の48の守秘義務があり、違反には罰則があります。"
)


def confidentiality_text(meeting: "SupportMeeting") -> str:
    """What an attendee of this meeting undertakes, on screen and on the paper a guest signs."""
    basis = meeting.legal_basis
    if basis.code in _STATUTORY_DUTY:
        text = str(_STATUTORY_DUTY[basis.code])
    elif meeting.consent_id is not None or basis.is_consent:
        text = str(_ON_CONSENT)
    else:
        text = _(
            "この会議は「%(basis)s」（%(citation)s）に基づいて開かれます。会議で知り得た本人や世帯の情報を、"
            "その目的以外に使わず、正当な理由なく漏らしません。"
        ) % {"basis": basis.name, "citation": basis.citation}
    if meeting.kind == MeetingKind.COMMUNITY_CARE:
        text += str(_COMMUNITY_CARE_DUTY)
    return str(text) + meeting.undertaking


class SupportMeeting(EncryptedModel):
    Kind = MeetingKind

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("会議の種類"), max_length=30, choices=MeetingKind.choices)
    legal_basis = models.ForeignKey(
        LegalBasis, verbose_name=_("根拠"), on_delete=models.PROTECT, related_name="+"
    )
    convened_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scheduled_for = models.DateTimeField(_("日時"))
    # Attendees from other organisations see the case only until then (time-boxed access).
    access_until = models.DateTimeField(_("出席者が閲覧できる期限"))
    # The person's consent the meeting rests on (None: a statutory basis such as §106-6): the
    # attendees' access rests on it too, and ends when it is withdrawn or expires.
    consent = models.ForeignKey(
        "cases.Consent",
        verbose_name=_("同意"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agenda = EncryptedTextField(_("議題"), max_length=2000, blank=True)
    minutes = EncryptedTextField(_("議事録"), max_length=20000, blank=True)
    # What the convening municipality adds to the undertaking for this kind of meeting, as it was
    # when the meeting was scheduled (configuration: cases.undertaking_<kind>): every attendee
    # acknowledges the same words, whatever the municipality sets later. Policy, nothing personal.
    undertaking = models.TextField(_("自治体が加える誓約の文"), blank=True, default="", db_default="")
    held_at = models.DateTimeField(_("開催日時"), null=True, blank=True)
    # How many kinds of trouble (the categories of the case's concerns) were known when it was
    # held, written with its minutes: indicator 1-(2) counts the meetings on cases with two or
    # more, and counting them afresh for each of a year's meetings was the slowest of the
    # indicators (docs/performance.md).
    kinds_of_trouble = models.PositiveSmallIntegerField(
        _("開催時に把握していた課題の種類の数"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("支援会議")
        verbose_name_plural = _("支援会議")
        ordering = ["scheduled_for"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(
                condition=Q(access_until__gte=models.F("scheduled_for")), name="meeting_access_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key

    @property
    def is_held(self) -> bool:
        return self.held_at is not None


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(SupportMeeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_attendances"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("守秘義務の確認日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("会議の出席者")
        verbose_name_plural = _("会議の出席者")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"


class MeetingGuest(EncryptedModel):
    """An attendee without an account — a family member, a neighbour, a doctor — who signs the
    confidentiality undertaking on paper; the lead records that it was signed."""

    meeting = models.ForeignKey(SupportMeeting, on_delete=models.CASCADE, related_name="guests")
    name = EncryptedTextField(_("氏名"), max_length=200)
    relation = EncryptedTextField(_("本人との関係・役割"), max_length=200)
    organisation = EncryptedTextField(_("所属"), max_length=200, blank=True)
    standing = models.CharField(
        _("出席の立場"), max_length=20, choices=GuestStanding.choices, blank=True, default="", db_default=""
    )
    paper_acknowledged_at = models.DateTimeField(_("守秘義務の誓約書（紙）の受領日時"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会議の出席者（アカウントなし）")
        verbose_name_plural = _("会議の出席者（アカウントなし）")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Guest {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.meeting.case.person.data_key


class MinutesAmendment(EncryptedModel):
    """One amendment of a held meeting's minutes: the text as it was before, who changed it, when
    and why. The meeting holds the current text; these rows, newest last, every earlier one."""

    meeting = models.ForeignKey(SupportMeeting, on_delete=models.CASCADE, related_name="amendments")
    previous_minutes = EncryptedTextField(_("修正前の議事録"), max_length=20000)
    reason = EncryptedTextField(_("修正の理由"), max_length=1000)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(_("修正日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("議事録の修正")
        verbose_name_plural = _("議事録の修正")
        ordering = ["amended_at"]

    def __str__(self) -> str:
        return f"Amendment {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.meeting.case.person.data_key


class Decision(EncryptedModel):
    meeting = models.ForeignKey(SupportMeeting, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(
        _("決定"),
        max_length=20,
        choices=[
            (s.value, s.label)
            for s in (CaseState.REFERRED, CaseState.GUARDIANSHIP, CaseState.WATCHING, CaseState.CLOSED)
        ],
    )
    reason = EncryptedTextField(_("理由"), max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("決定")
        verbose_name_plural = _("決定")

    def __str__(self) -> str:
        return f"Decision {self.outcome}"

    def personal_data_key(self) -> DataKey:
        return self.meeting.case.person.data_key


class ActionItem(EncryptedModel):
    meeting = models.ForeignKey(SupportMeeting, on_delete=models.CASCADE, related_name="action_items")
    description = EncryptedTextField(_("内容"), max_length=1000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items")
    due_on = models.DateField(_("期限"))
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    # What came of it, in a line, said when it was done; whoever marked it done may undo it for a day.
    result = EncryptedTextField(_("結果"), max_length=200, blank=True, null=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("役割分担")
        verbose_name_plural = _("役割分担")
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="actionitem_due")]

    def __str__(self) -> str:
        return f"ActionItem due {self.due_on}"

    def personal_data_key(self) -> DataKey:
        return self.meeting.case.person.data_key
