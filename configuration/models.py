"""A municipality's settings, versioned: every change is a new row (never an update), so that
what was offered when, and who changed it, stays readable."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Area


class MunicipalConfiguration(models.Model):
    municipality = models.ForeignKey(
        Area, verbose_name=_("自治体"), on_delete=models.PROTECT, related_name="configurations"
    )
    version = models.PositiveIntegerField(_("版"))
    values = models.JSONField(_("設定"), default=dict)  # setting key → value (registry.Setting)
    changed = models.JSONField(_("変えた設定"), default=list)  # the keys this version changed
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("自治体ごとの設定")
        verbose_name_plural = _("自治体ごとの設定")
        ordering = ["municipality", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "version"], name="configuration_one_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="configuration_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"Configuration {self.municipality_id} v{self.version}"
