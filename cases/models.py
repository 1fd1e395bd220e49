"""Residents and their cases.

Identity and free text are encrypted under the person's own data key (privacy.DataKey);
states, dates and areas stay plaintext so that reports need no decryption.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from accounts.models import Organisation
from privacy.fields import BlindIndexField, EncryptedCharField, EncryptedDateField, EncryptedTextField
from privacy.models import DataKey, EncryptedModel
from privacy.normalise import normalise_date, normalise_name, normalise_phone


class Person(EncryptedModel):
    """The resident a case is about. Never a user of Tsunagu."""

    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="person", editable=False)
    registered_by = models.ForeignKey(
        Organisation,
        verbose_name=_("登録した組織"),
        on_delete=models.PROTECT,
        related_name="registered_people",
    )

    name = EncryptedCharField(_("氏名"), max_length=100)
    kana = EncryptedCharField(_("ふりがな"), max_length=100, blank=True)
    birth_date = EncryptedDateField(_("生年月日"), null=True, blank=True)
    address = EncryptedTextField(_("住所"), max_length=300, blank=True)
    phone = EncryptedCharField(_("電話番号"), max_length=30, blank=True)
    notes = EncryptedTextField(_("メモ"), max_length=4000, blank=True)

    name_index = BlindIndexField(source="name", kind="name", normalise=normalise_name)
    kana_index = BlindIndexField(source="kana", kind="name", normalise=normalise_name)
    phone_index = BlindIndexField(source="phone", kind="phone", normalise=normalise_phone)
    birth_date_index = BlindIndexField(source="birth_date", kind="birth_date", normalise=normalise_date)

    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    erased_at = models.DateTimeField(_("消去日時"), null=True, blank=True)

    IDENTITY_FIELDS = ("name", "kana", "birth_date", "address", "phone", "notes")
    INDEX_FIELDS = ("name_index", "kana_index", "phone_index", "birth_date_index")

    class Meta:
        verbose_name = _("本人")
        verbose_name_plural = _("本人")
        permissions = [("erase_person", _("本人の個人情報を消去できる"))]
        constraints = [
            # An erased person keeps a tombstone row that no blind index can find.
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | Q(name_index__isnull=True, kana_index__isnull=True, phone_index__isnull=True)
                & Q(birth_date_index__isnull=True),
                name="person_erased_has_no_index",
            )
        ]

    def __str__(self) -> str:
        # Never the name: str() reaches logs, admin history and error reports.
        return f"Person {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.data_key

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class CaseState(models.TextChoices):
    NOTICED = "noticed", _("気付き受付")
    SHARING = "sharing", _("情報共有・アセスメント")
    TEAM_MEETING = "team_meeting", _("支援会議")
    REFERRED = "referred", _("つなぎ済み")
    GUARDIANSHIP = "guardianship", _("成年後見")
    WATCHING = "watching", _("見守り")
    CLOSED = "closed", _("終結")
    WITHDRAWN = "withdrawn", _("取り下げ")


ENDED_STATES = [CaseState.CLOSED, CaseState.WITHDRAWN]


class Case(models.Model):
    """The workflow object. Its transitions arrive with the case workflow; the states are DESIGN.md's."""

    State = CaseState
    ENDED_STATES = ENDED_STATES

    person = models.ForeignKey(Person, verbose_name=_("本人"), on_delete=models.PROTECT, related_name="cases")
    state = FSMField(_("状態"), default=State.NOTICED, choices=State.choices, protected=True)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    ended_at = models.DateTimeField(_("終結日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("ケース")
        verbose_name_plural = _("ケース")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CaseState.values), name="case_state_valid"),
            # Closed and withdrawn cases say when they ended (retention counts from then); open ones do not.
            models.CheckConstraint(
                condition=Q(state__in=ENDED_STATES, ended_at__isnull=False)
                | (~Q(state__in=ENDED_STATES) & Q(ended_at__isnull=True)),
                name="case_ended_at_iff_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"
