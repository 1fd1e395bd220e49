"""The cryptographic primitives, built directly on `cryptography` (AES-256-GCM, HMAC-SHA256).

Stored field format, version 1::

    0x01 | data key id (16 bytes, the DataKey's UUID) | nonce (12 bytes) | ciphertext + GCM tag (16 bytes)

The associated data is the version byte, the data key id, "app_label.model.field:" and the row's
UUID, so a ciphertext moved to another row, column or table — or re-labelled with another key
id — fails to decrypt instead of yielding someone else's data.
"""

import hmac
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION_1 = 1
KEY_ID_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = 1 + KEY_ID_BYTES
MIN_FIELD_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES
BLIND_INDEX_BYTES = 16

# Callers catch crypto.InvalidTag and build crypto.AESGCM ciphers: this module is their one import.
__all__ = [
    "AESGCM",
    "InvalidTag",
    "blind_index",
    "data_key_aad",
    "field_header",
    "new_key",
    "open_sealed",
    "seal",
]


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(aead: AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + aead.encrypt(nonce, plaintext, aad)


def open_sealed(aead: AESGCM, sealed: bytes, aad: bytes) -> bytes:
    """Raises InvalidTag on a wrong key, a changed byte or wrong associated data."""
    return aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)


def field_header(data_key_id: uuid.UUID) -> bytes:
    return bytes([VERSION_1]) + data_key_id.bytes


def data_key_aad(data_key_id: uuid.UUID, kek_id: str) -> bytes:
    return b"tsunagu/datakey/1/" + data_key_id.bytes + kek_id.encode()


def blind_index(key: bytes, kind: str, normalised: str) -> bytes:
    """HMAC-SHA256 over kind and value, truncated: equal inputs match, nothing else can be learnt."""
    return hmac.digest(key, kind.encode() + b"\x00" + normalised.encode(), "sha256")[:BLIND_INDEX_BYTES]
