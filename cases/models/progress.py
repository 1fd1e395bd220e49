"""The progress record (支援経過): what was done for the person, when, by whom and with whom.

An entry is never changed or removed once written (記録の訂正): a correction is a new version that
names the one it corrects, and the earlier version stays readable, shown struck through with who
corrected it and when. The text is encrypted under the person's data key; kinds, times and who
wrote it stay plaintext so that activity can be counted without decrypting anything.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.models.cases import Case
from cases.models.meetings import SupportMeeting
from privacy.fields import EncryptedCharField, EncryptedTextField
from privacy.models import DataKey, EncryptedModel


class ProgressKind(models.TextChoices):
    VISIT = "visit", _("訪問")
    PHONE = "phone", _("電話")
    OFFICE_VISIT = "office_visit", _("来所")
    CORRESPONDENCE = "correspondence", _("メール・文書")
    AGENCY_CONFERENCE = "agency_conference", _("関係機関との協議")
    OTHER = "other", _("その他")


class Counterpart(models.TextChoices):
    """With whom the contact was: the person themself, or someone about them."""

    PERSON = "person", _("本人")
    FAMILY = "family", _("家族・親族")
    AGENCY = "agency", _("関係機関")
    COMMISSIONER = "commissioner", _("民生委員・児童委員")
    NEIGHBOUR = "neighbour", _("近隣住民・知人")
    OTHER = "other", _("その他")


class ImmutableEntry(Exception):
    """A progress entry was about to be changed or removed in place (a fault, not a user error)."""


class ProgressEntry(EncryptedModel):
    Kind = ProgressKind
    Counterpart = Counterpart

    # PROTECT: the record outlives nothing it belongs to; erasure destroys the person's key instead.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="progress_entries")
    kind = models.CharField(_("種別"), max_length=20, choices=ProgressKind.choices)
    occurred_at = models.DateTimeField(_("日時"))
    counterpart = models.CharField(_("相手"), max_length=20, choices=Counterpart.choices)
    # Free text may name someone (「長男」「○○ケアマネ」): encrypted like the text.
    counterpart_note = EncryptedCharField(_("相手（補足）"), max_length=100, blank=True)
    text = EncryptedTextField(_("内容"), max_length=4000)
    meeting = models.ForeignKey(
        SupportMeeting,
        verbose_name=_("関連する会議"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A referral of the referrals app, which cases may not import (docs/cases.md "Progress record"):
    # a plain id that the referrals app offers and checks through cases.signals.progress_links.
    referral_id = models.UUIDField(_("関連するつなぎ"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記録者"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("記録した組織"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)
    # The version this one corrects: at most one correction per version, so versions form a chain.
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("訂正した記録"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    correction_reason = EncryptedCharField(_("訂正の理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("支援経過")
        verbose_name_plural = _("支援経過")
        indexes = [models.Index(fields=["case", "occurred_at"], name="progress_case_time")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ProgressKind.values), name="progress_kind_valid"),
            models.CheckConstraint(
                condition=Q(counterpart__in=Counterpart.values), name="progress_counterpart_valid"
            ),
            models.CheckConstraint(
                condition=~Q(corrects=models.F("id")), name="progress_not_self_correcting"
            ),
        ]

    def __str__(self) -> str:
        return f"ProgressEntry {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.case.person.data_key

    def save(self, *args, **kwargs) -> None:
        # Written once: a correction is a new row (cases.services.progress.correct_progress).
        if not self._state.adding:
            raise ImmutableEntry(f"{self} is never changed in place")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEntry(f"{self} is never deleted")
