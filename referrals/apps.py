"""Referrals from a case to an agency, and their acceptance loop."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("つなぎ（紹介）")
