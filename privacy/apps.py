"""Field encryption, per-person keys, blind indexes, erasure and retention."""

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("個人情報保護")

    def ready(self) -> None:
        # In production a missing or broken keyring stops the process at start, with the reason,
        # rather than at the first request that needs a key. Only `manage.py create_keyring`, which
        # makes the keyring, starts without one (config/settings.py CREATING_KEYRING).
        if not settings.DEBUG and not getattr(settings, "CREATING_KEYRING", False):
            from privacy.keyring import get_keyring

            get_keyring()
