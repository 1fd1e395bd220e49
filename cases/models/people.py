"""Residents and the households they live in.

Identity and free text are encrypted under the person's own data key (privacy.DataKey);
states, dates and areas stay plaintext so that reports need no decryption.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation
from privacy.fields import BlindIndexField, EncryptedCharField, EncryptedDateField, EncryptedTextField
from privacy.models import DataKey, EncryptedModel
from privacy.normalise import (
    current_index_version,
    normalise_date,
    normalise_given_name,
    normalise_name,
    normalise_phone,
    normalise_surname,
)


class Person(EncryptedModel):
    """The resident a case is about. Never a user of Tsunagu."""

    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="person", editable=False)
    registered_by = models.ForeignKey(
        Organisation,
        verbose_name=_("登録した組織"),
        on_delete=models.PROTECT,
        related_name="registered_people",
    )

    # Blank when a concern is about someone not yet identified ("the flat with the full letterbox").
    name = EncryptedCharField(_("氏名"), max_length=100, blank=True)
    kana = EncryptedCharField(_("ふりがな"), max_length=100, blank=True)
    birth_date = EncryptedDateField(_("生年月日"), null=True, blank=True)
    address = EncryptedTextField(_("住所"), max_length=300, blank=True)
    phone = EncryptedCharField(_("電話番号"), max_length=30, blank=True)
    notes = EncryptedTextField(_("メモ"), max_length=4000, blank=True)

    name_index = BlindIndexField(source="name", kind="name", normalise=normalise_name)
    kana_index = BlindIndexField(source="kana", kind="name", normalise=normalise_name)
    phone_index = BlindIndexField(source="phone", kind="phone", normalise=normalise_phone)
    birth_date_index = BlindIndexField(source="birth_date", kind="birth_date", normalise=normalise_date)
    # The parts of the name (privacy.normalise.split_name), for a search by surname or given name
    # alone; NULL when the name was typed without a space. Kana shares each part's index space.
    surname_index = BlindIndexField(source="name", kind="surname", normalise=normalise_surname)
    given_name_index = BlindIndexField(source="name", kind="given_name", normalise=normalise_given_name)
    kana_surname_index = BlindIndexField(source="kana", kind="surname", normalise=normalise_surname)
    kana_given_name_index = BlindIndexField(source="kana", kind="given_name", normalise=normalise_given_name)
    # The normalisation the indexes were computed with; older rows wait for manage.py reindex_people.
    index_version = models.PositiveSmallIntegerField(default=current_index_version, editable=False)

    # Raised by each change of the identity fields: two people editing the same person get a
    # conflict, not a lost update (cases.services.people.update_person_identity).
    version = models.PositiveIntegerField(_("版"), default=1, editable=False)

    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    erased_at = models.DateTimeField(_("消去日時"), null=True, blank=True)
    # Set when a household member or a supporter is first recorded for the person (never unset):
    # the case page reads the household and supporters only then, and asks nothing otherwise.
    has_circle = models.BooleanField(_("世帯員・支援者の記録あり"), default=False, editable=False)

    IDENTITY_FIELDS = ("name", "kana", "birth_date", "address", "phone", "notes")
    INDEX_FIELDS = (
        "name_index",
        "kana_index",
        "phone_index",
        "birth_date_index",
        "surname_index",
        "given_name_index",
        "kana_surname_index",
        "kana_given_name_index",
    )

    class Meta:
        verbose_name = _("本人")
        verbose_name_plural = _("本人")
        permissions = [("erase_person", _("本人の個人情報を消去できる"))]
        constraints = [
            # An erased person keeps a tombstone row that no blind index can find.
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | Q(name_index__isnull=True, kana_index__isnull=True, phone_index__isnull=True)
                & Q(birth_date_index__isnull=True)
                & Q(surname_index__isnull=True, given_name_index__isnull=True)
                & Q(kana_surname_index__isnull=True, kana_given_name_index__isnull=True),
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


class Household(models.Model):
    """People living together whose situation is one case: 8050, young carers, double care."""

    area = models.ForeignKey(Area, verbose_name=_("地域"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(Person, through="HouseholdMember", related_name="households")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("世帯")
        verbose_name_plural = _("世帯")

    def __str__(self) -> str:
        return f"Household {self.pk}"


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        # Relations are to the household's first member: the person whose case recorded it.
        SELF = "self", _("本人")
        PARENT = "parent", _("親")
        CHILD = "child", _("子")
        SPOUSE = "spouse", _("配偶者")
        SIBLING = "sibling", _("きょうだい")
        GRANDPARENT = "grandparent", _("祖父母")
        OTHER = "other", _("その他")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_memberships")
    relation = models.CharField(_("続柄"), max_length=20, choices=Relation.choices)
    is_carer = models.BooleanField(_("介護・世話をしている"), default=False)
    # The day they stopped living in the household (moved out, went into care, died); a former
    # member is kept, shown folded on the case page. Someone who moves back is a new membership.
    ended_on = models.DateField(_("世帯を離れた日"), null=True, blank=True)

    class Meta:
        verbose_name = _("世帯員")
        verbose_name_plural = _("世帯員")
        constraints = [
            # Once as a current member; any number of times as a former one.
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=models.Q(ended_on__isnull=True),
                name="household_member_unique_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} member {self.person}"
