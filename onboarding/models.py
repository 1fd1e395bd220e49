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
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+", editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The workbook as uploaded, base64: what the import reads again (and checks again) when confirmed.
    content = EncryptedTextField(_("ファイル"), max_length=30_000_000)
    digest = models.CharField(_("SHA-256"), max_length=64)
    rows = models.JSONField(_("シートごとの行数"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("取り込み待ちのファイル")
        verbose_name_plural = _("取り込み待ちのファイル")

    def __str__(self) -> str:
        return f"StagedImport {str(self.pk)[:8]}"

    def personal_data_key(self) -> DataKey:
        return self.data_key
