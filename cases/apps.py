"""Concerns, cases and their workflow: consent, disclosure, support-team meetings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("ケース")
