"""Errors of the personal-data layer. Messages name models, fields, rows and key ids — never values."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# What a screen shows in place of a value whose data key was destroyed (see DataErased).
ERASED_DISPLAY = _("消去済み")


class KeyringError(ImproperlyConfigured):
    """The keyring is missing, unreadable, malformed, or lacks a key that is needed."""


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, tampered, truncated or moved ciphertext."""

    def __init__(self, *, model: str, field: str, row: object, reason: str):
        self.model, self.field, self.row, self.reason = model, field, row, reason
        super().__init__(f"Cannot decrypt {model}.{field} of row {row}: {reason}")


class DataErased(DecryptionError):
    """The person's data key was destroyed (crypto-shredding): their fields are gone for good."""


class EncryptedWriteError(TypeError):
    """Encrypted fields are written through model saves only: never by raw value or QuerySet.update()."""
