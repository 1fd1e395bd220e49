"""A phone its user marked as their own at sign-in (docs/offline.md "Remembered phones")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Phone(models.Model):
    """Where a sign-in is kept: the session lasts until the phone has been idle for
    ``TSUNAGU_PHONE_IDLE_DAYS`` and is bound to the phone's cookie (``token_hash`` is the SHA-256
    of its value; the value itself is never stored). Revoking ends the session, and the phone's
    next request is told so and wipes what waits on it. No personal data: a label from the
    browser's own name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phones", verbose_name=_("利用者")
    )
    label = models.CharField(_("端末"), max_length=60)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    session_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最終利用"), null=True, blank=True, editable=False)
    key_issued_at = models.DateTimeField(_("鍵を渡した日時"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("無効にした日時"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("無効にした人"),
    )

    class Meta:
        verbose_name = _("ログインを保持している端末")
        verbose_name_plural = _("ログインを保持している端末")
        ordering = ["-created_at"]
        permissions = [("revoke_phone", _("端末でのログインを無効にする"))]

    def __str__(self) -> str:
        return f"{self.label} #{self.pk}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
