"""The person's informal supporters and key persons: the ecomap's data.

A supporter is not a resident Tsunagu works with, so they get no data key or Person row of their
own: their name and contact are encrypted under the supported person's key, and erasing that
person makes them unreadable with the rest.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.people import Person
from privacy.fields import EncryptedCharField
from privacy.models import DataKey, EncryptedModel


class Supporter(EncryptedModel):
    class Role(models.TextChoices):
        KEY_PERSON = "key_person", _("キーパーソン")
        NEIGHBOUR = "neighbour", _("近隣住民")
        ANSHIN_KEEPER = "anshin_keeper", _("あんしんキーパー")
        RELATIVE = "relative", _("親族")
        FRIEND = "friend", _("友人")
        OTHER = "other", _("その他")

    person = models.ForeignKey(
        Person, verbose_name=_("本人"), on_delete=models.PROTECT, related_name="supporters"
    )
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    name = EncryptedCharField(_("支援者の氏名"), max_length=100)
    # Free text ("長女", "隣の部屋の人"): it can identify someone, so it is encrypted too.
    relation = EncryptedCharField(_("本人との関係"), max_length=50, blank=True)
    contact = EncryptedCharField(_("支援者の連絡先"), max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登録した人"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("インフォーマルな支援者")
        verbose_name_plural = _("インフォーマルな支援者")
        indexes = [models.Index(fields=["person", "added_at"], name="supporter_person_added")]

    def __str__(self) -> str:
        return f"Supporter {str(self.pk)[:8]}"  # never the name

    def personal_data_key(self) -> DataKey:
        return self.person.data_key
