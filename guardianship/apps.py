"""The rights-advocacy track: guardianship matters, candidates, matching, petitions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardianshipConfig(AppConfig):
    name = "guardianship"
    verbose_name = _("権利擁護・成年後見")
