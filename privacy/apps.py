"""Field encryption, per-person keys, blind indexes, erasure and retention."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("個人情報保護")
