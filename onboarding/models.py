"""A workbook checked and waiting for its administrator to say 取り込む: kept encrypted under a key
of its own, which is destroyed with the row once it is imported or dropped (nothing of the file is
left behind), and never for longer than STAGED_FOR."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedTextField
from privacy.models import DataKey, EncryptedModel

STAGED_FOR = datetime.timedelta(hours=24)


class StagedImport(EncryptedModel):
    class Kind(models.TextChoices):
        DIRECTORY = "directory", _("地域・組織・利用者など")
        PEOPLE = "people", _("本人とケース")

    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices, default=Kind.DIRECTORY)
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+", editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The workbook as uploaded, base64: what the import reads again (and checks again) when confirmed.
    content = EncryptedTextField(_("ファイル"), max_length=30_000_000)
    digest = models.CharField(_("SHA-256"), max_length=64)
    rows = models.JSONField(_("シートごとの行数"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # A people import is written a batch at a time (onboarding/people.py): how many there are and
    # how many are written. Once one is written the file is kept until the rest are, or it is dropped.
    batches = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("取り込み待ちのファイル")
        verbose_name_plural = _("取り込み待ちのファイル")

    def __str__(self) -> str:
        return f"StagedImport {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.data_key


class StagedBatch(EncryptedModel):
    """One batch of a people import's checked rows (JSON), encrypted under the import's key, and
    deleted as it is written."""

    staged = models.ForeignKey(StagedImport, on_delete=models.CASCADE, related_name="staged_batches")
    number = models.PositiveIntegerField()
    rows = EncryptedTextField(_("行"), max_length=30_000_000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staged", "number"], name="staged_batch_once")]

    def __str__(self) -> str:
        return f"StagedBatch {self.number}"

    def personal_data_key(self) -> DataKey:
        return self.staged.data_key
