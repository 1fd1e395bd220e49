"""Encrypted model fields and blind indexes.

A value is encrypted when its row is saved (``pre_save``, which ``save()`` and ``bulk_create()``
both call) under the data key of the person the row belongs to, and decrypted lazily, the first
time the attribute is read: lists decrypt only what they show, and an unchanged value is written
back as the same ciphertext without being decrypted at all.

Querying an encrypted column by value is refused (it could only ever compare ciphertexts); exact
search goes through a ``BlindIndexField``.
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from privacy import crypto
from privacy.exceptions import DecryptionError, EncryptedWriteError
from privacy.keyring import get_keyring


class Ciphertext(bytes):
    """A stored value, as read from the database and not yet decrypted."""


_as_stored: ContextVar[bool] = ContextVar("tsunagu_ciphertexts_as_stored", default=False)


@contextmanager
def ciphertexts_as_stored() -> Iterator[None]:
    """Reads of encrypted attributes return the stored ciphertext, undecrypted (for copying rows)."""
    token = _as_stored.set(True)
    try:
        yield
    finally:
        _as_stored.reset(token)


class BytesField(models.Field):
    """A bytea/BLOB column, like BinaryField but without its per-value placeholder hook.

    BinaryField.get_placeholder() keeps PostgreSQL's bulk_create from inserting through UNNEST
    (one parameter per column), so each value becomes a parameter of its own — at 15 columns and
    thousands of rows, psycopg then spends more time splitting the statement than the server
    spends storing it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))

    def get_internal_type(self) -> str:
        return "BinaryField"

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return None if value is None else connection.Database.Binary(value)

    def from_db_value(self, value, expression, connection):
        return None if value is None else bytes(value)


class EncryptedAttribute(DeferredAttribute):
    """Decrypts on first read and keeps the plaintext on the instance."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext) and not _as_stored.get():
            value = self.field.decrypt(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedField(BytesField):
    descriptor_class = EncryptedAttribute
    empty_value: object = ""

    # --- plaintext <-> bytes -------------------------------------------------------------
    def encode(self, value) -> bytes:
        return str(value).encode("utf-8")

    def decode(self, raw: bytes):
        return raw.decode("utf-8")

    # --- encryption ----------------------------------------------------------------------
    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self._aad_prefix = f"{cls._meta.label_lower}.{name}:".encode()

    def aad(self, header: bytes, instance) -> bytes:
        """Binds the ciphertext to format, data key, table, column and row (the UUID primary key)."""
        return header + self._aad_prefix + instance.pk.bytes

    def _error(self, instance, reason: str) -> DecryptionError:
        return DecryptionError(model=instance._meta.label, field=self.name, row=instance.pk, reason=reason)

    def _cipher(self, instance) -> tuple[crypto.AESGCM, bytes]:
        """The row's cipher and header, worked out once per instance and data key."""
        data_key = instance.personal_data_key()
        cached = instance.__dict__.get("_tsunagu_cipher")
        if cached is None or cached[0] is not data_key:
            aead = data_key.aead(model=instance._meta.label, field=self.name, row=instance.pk)
            cached = (data_key, aead, crypto.field_header(data_key.id))
            instance.__dict__["_tsunagu_cipher"] = cached
        return cached[1], cached[2]

    def encrypt(self, instance, value) -> bytes:
        if instance.pk is None:
            raise EncryptedWriteError(
                f"{instance._meta.label}.{self.name}: the row needs its primary key first."
            )
        aead, header = self._cipher(instance)
        return header + crypto.seal(aead, self.encode(value), self.aad(header, instance))

    def decrypt(self, instance, stored: bytes):
        if len(stored) < crypto.MIN_FIELD_BYTES:
            raise self._error(instance, "the stored value is truncated")
        if stored[0] != crypto.VERSION_1:
            raise self._error(instance, f"unknown format version {stored[0]}")
        aead, header = self._cipher(instance)
        if stored[: crypto.HEADER_BYTES] != header:
            raise self._error(instance, "the value was encrypted under another person's data key")
        try:
            raw = crypto.open_sealed(aead, stored[crypto.HEADER_BYTES :], self.aad(header, instance))
        except crypto.InvalidTag:
            raise self._error(
                instance, "authentication failed (wrong key, altered or moved ciphertext)"
            ) from None
        return self.decode(raw)

    # --- Django plumbing -----------------------------------------------------------------
    def get_default(self):
        if self.has_default():
            return self.default() if callable(self.default) else self.default
        return None if self.null else self.empty_value

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, Ciphertext):  # NULL, or unchanged since it was read
            return value
        return self.encrypt(model_instance, self.to_python(value))

    def from_db_value(self, value, expression, connection):
        return None if value is None else Ciphertext(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is not None and not (isinstance(value, bytes) and value[:1] == bytes([crypto.VERSION_1])):
            raise EncryptedWriteError(
                f"{self.model._meta.label}.{self.name} is encrypted: it cannot be compared or written as a "
                "raw value. Save the model to write it; search it through its blind index."
            )
        return super().get_db_prep_value(value, connection, prepared)

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        raise EncryptedWriteError(
            f"{self.model._meta.label}.{self.name} is encrypted and is never serialised; "
            "back up the database (and the keyring) instead of dumping data."
        )

    def formfield(self, **kwargs):
        return forms.CharField(max_length=self.max_length, required=not self.blank, **kwargs)


class EncryptedCharField(EncryptedField):
    """Short text (names, phone numbers). ``max_length`` limits the plaintext, in characters."""

    def to_python(self, value):
        return value if value is None else str(value)


class EncryptedTextField(EncryptedCharField):
    """Long free text (notes, minutes)."""

    def formfield(self, **kwargs):
        return super().formfield(widget=forms.Textarea, **kwargs)


class EncryptedDateField(EncryptedField):
    empty_value = None

    def encode(self, value) -> bytes:
        return value.isoformat().encode("ascii")

    def decode(self, raw: bytes):
        return datetime.date.fromisoformat(raw.decode("ascii"))

    def to_python(self, value):
        if value is None or isinstance(value, datetime.date):
            return value.date() if isinstance(value, datetime.datetime) else value
        return models.DateField().to_python(value)

    def formfield(self, **kwargs):
        return forms.DateField(
            required=not self.blank, widget=forms.DateInput(attrs={"type": "date"}), **kwargs
        )


class BlindIndexField(BytesField):
    """HMAC of the normalised plaintext of ``source``, for exact search. Computed on save.

    ``kind`` separates the index spaces (a phone number never matches a name), ``normalise`` turns
    the plaintext into the searchable form. Empty values are not indexed (NULL).
    """

    def __init__(self, *args, source: str = "", kind: str = "", normalise: Callable | None = None, **kwargs):
        self.source, self.kind, self.normalise = source, kind, normalise
        kwargs.setdefault("null", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("max_length", crypto.BLIND_INDEX_BYTES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["kind"] = self.source, self.kind
        return name, path, args, kwargs

    def compute(self, value) -> bytes | None:
        if value is None or value == "":
            return None
        return self.hash(self.normalise(value))

    def hash(self, normalised: str) -> bytes | None:
        """The index of a value already normalised (a search for one part of a name)."""
        if not normalised:
            return None
        return crypto.blind_index(get_keyring().blind_index_key, self.kind, normalised)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self._source_attname = cls._meta.get_field(self.source).attname if not cls._meta.abstract else None

    def pre_save(self, model_instance, add):
        source = model_instance.__dict__.get(self._source_attname)
        if isinstance(source, Ciphertext):  # the source was not touched: its index stands
            return getattr(model_instance, self.attname)
        value = self.compute(source)
        setattr(model_instance, self.attname, value)
        return value
