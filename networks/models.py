"""Networks of local welfare groups and agencies whose secretariat (事務局) is a care plaza: what the
plan's indicator ⑦ counts. A network names organisations and what it is for, never a person."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation


class Network(models.Model):
    name = models.CharField(_("ネットワークの名称"), max_length=200)
    secretariat = models.ForeignKey(
        Organisation, verbose_name=_("事務局"), on_delete=models.PROTECT, related_name="networks_run"
    )
    district = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("目的・活動"), max_length=500, blank=True)
    member_count = models.PositiveIntegerField(_("参加している団体・機関の数"), null=True, blank=True)
    started_on = models.DateField(_("事務局を担い始めた日"))
    ended_on = models.DateField(_("事務局を終えた日"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("地域のネットワーク")
        verbose_name_plural = _("地域のネットワーク")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["district", "started_on"], name="network_district_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="network_ends_after_it_starts",
                violation_error_message=_("終えた日は、担い始めた日より後にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name
