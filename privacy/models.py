"""Per-person data keys, and the abstract base of every model that holds encrypted personal data."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from uuid_utils.compat import uuid7

from privacy import crypto
from privacy.exceptions import DataErased, KeyringError
from privacy.fields import BytesField, ciphertexts_as_stored
from privacy.keyring import get_keyring, kek


class DataKeyQuerySet(models.QuerySet):
    def build(self, count: int = 1) -> list["DataKey"]:
        """New, unsaved data keys wrapped under the current key-encryption key (bulk_create them)."""
        keyring = get_keyring()
        wrapper = crypto.AESGCM(keyring.current_kek)
        keys = []
        for _i in range(count):
            key = DataKey(id=uuid7(), kek_id=keyring.current_kek_id)
            plain = crypto.new_key()
            key.wrapped = crypto.seal(wrapper, plain, crypto.data_key_aad(key.id, key.kek_id))
            key._plain = plain
            keys.append(key)
        return keys

    def generate(self) -> "DataKey":
        (key,) = self.build(1)
        key.save(force_insert=True)
        return key


class DataKey(models.Model):
    """A random 256-bit key for one person, stored wrapped by a key-encryption key of the keyring.

    Destroying it (crypto-shredding) makes every field encrypted under it unreadable for good.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    wrapped = BytesField(_("暗号化されたデータ鍵"), null=True)
    kek_id = models.CharField(_("鍵暗号化鍵ID"), max_length=64)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    destroyed_at = models.DateTimeField(_("破棄日時"), null=True, blank=True)

    objects = DataKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("データ鍵")
        verbose_name_plural = _("データ鍵")
        constraints = [
            # A key is either live (wrapped material, no destruction time) or destroyed (neither).
            models.CheckConstraint(
                condition=(Q(wrapped__isnull=False) & Q(destroyed_at__isnull=True))
                | (Q(wrapped__isnull=True) & Q(destroyed_at__isnull=False)),
                name="datakey_live_or_destroyed",
            )
        ]

    def __str__(self) -> str:
        return f"DataKey {self.id}"

    def __getstate__(self) -> dict:
        # Key material never leaves the process, not even in a pickled copy.
        state = super().__getstate__()
        state.pop("_plain", None)
        state.pop("_aead", None)
        return state

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None

    def _plain_key(self, *, model: str, field: str, row: object) -> bytes:
        """The unwrapped key, cached on this instance only (never across requests)."""
        cached = getattr(self, "_plain", None)
        if cached is not None:
            return cached
        if self.is_destroyed:
            raise DataErased(model=model, field=field, row=row, reason="the data key was destroyed (erased)")
        try:
            wrapper = crypto.AESGCM(kek(self.kek_id))
            self._plain = crypto.open_sealed(
                wrapper, bytes(self.wrapped), crypto.data_key_aad(self.id, self.kek_id)
            )
        except crypto.InvalidTag:
            raise KeyringError(
                f"Data key {self.id} cannot be unwrapped with key-encryption key {self.kek_id!r}: "
                "the keyring holds a different key under that id, or the wrapped key was altered."
            ) from None
        return self._plain

    def aead(self, *, model: str, field: str, row: object) -> crypto.AESGCM:
        """The data key as an AES-GCM cipher for the field ``model.field`` of ``row`` (for messages)."""
        cached = getattr(self, "_aead", None)
        if cached is None:
            cached = self._aead = crypto.AESGCM(self._plain_key(model=model, field=field, row=row))
        return cached

    def rewrap(self, kek_id: str) -> None:
        """Wrap the same key material under another key-encryption key (rotation). Rows stay as they are."""
        plain = self._plain_key(model="privacy.DataKey", field="wrapped", row=self.id)
        self.wrapped = crypto.seal(crypto.AESGCM(kek(kek_id)), plain, crypto.data_key_aad(self.id, kek_id))
        self.kek_id = kek_id

    def destroy(self) -> None:
        self.wrapped = None
        self.destroyed_at = timezone.now()
        self._plain = self._aead = None


class EncryptedModel(models.Model):
    """Base of models with encrypted fields.

    The primary key is a UUID made before the row is written, because every ciphertext is bound
    to its row; time-ordered (UUIDv7), so that new rows append to the index instead of splitting
    random pages. Subclasses say whose data key encrypts them by implementing ``personal_data_key``.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)

    class Meta:
        abstract = True

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_tsunagu_cipher", None)  # holds the unwrapped key (privacy.fields)
        return state

    def refresh_from_db(self, *args, **kwargs) -> None:
        # Django copies each refreshed value with getattr(), which would decrypt every field (and
        # fail on an erased person's tombstone); copy the ciphertexts instead and decrypt on read.
        with ciphertexts_as_stored():
            super().refresh_from_db(*args, **kwargs)

    def personal_data_key(self) -> DataKey:
        raise NotImplementedError(f"{type(self).__name__} must say which person's data key encrypts it.")


class RecordedBackup(models.Model):
    """A database backup that exists somewhere, and the key-encryption keys it cannot be read without.

    Written by ``manage.py backup``; ``rotate_keys`` keeps every key a recorded backup needs in the
    keyring (docs/operations.md "Keys"). When the operator deletes the backup, ``manage.py
    backup --discard`` marks it discarded and its keys may go. No personal data: a path and key ids.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    taken_at = models.DateTimeField(_("取得日時"))
    location = models.CharField(_("保存場所"), max_length=1024, unique=True)
    kek_ids = models.JSONField(_("必要な鍵暗号化鍵"), default=list)
    discarded_at = models.DateTimeField(_("破棄日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("バックアップ")
        verbose_name_plural = _("バックアップ")
        ordering = ["-taken_at"]

    def __str__(self) -> str:
        return f"{self.location} ({self.taken_at:%Y-%m-%d %H:%M})"
