"""The keyring: key-encryption keys (one current, older ones for unwrapping), the blind-index key
and the audit signing key.

It comes from the file named by TSUNAGU_KEYRING or from the JSON held in TSUNAGU_KEYRING_JSON
(settings.TSUNAGU_KEYRING / settings.TSUNAGU_KEYRING_JSON). The file must be private to its
owner (mode 0600). Format (JSON, keys base64)::

    {"format": 1, "current_kek": "<id>", "keks": {"<id>": "<32 bytes>", ...},
     "blind_index_key": "<32 bytes>", "audit_signing_key": "<32-byte Ed25519 seed>"}

The parsed keyring is cached per process and re-read when the file changes (or when a key id is
not in it), so servers sharing the file pick up a rotation without restarting.
"""

import base64
import binascii
import hashlib
import json
import os
import secrets
import stat
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from privacy.exceptions import KeyringError

FORMAT = 1
KEY_BYTES = 32


@dataclass(frozen=True)
class Keyring:
    current_kek_id: str
    keks: dict[str, bytes]
    blind_index_key: bytes
    audit_signing_key: bytes
    source: str  # a path, or "environment"; for messages only

    def kek(self, kek_id: str) -> bytes:
        try:
            return self.keks[kek_id]
        except KeyError:
            raise KeyringError(
                f"Key-encryption key {kek_id!r} is not in the keyring ({self.source})."
            ) from None

    @property
    def current_kek(self) -> bytes:
        return self.kek(self.current_kek_id)

    def fingerprints(self) -> dict:
        """Each key's fingerprint: a short hash that tells whether two keyrings hold the same key,
        safe to write beside a backup (it reveals nothing of the key)."""

        def fingerprint(key: bytes) -> str:
            return hashlib.sha256(b"tsunagu-key-fingerprint/1\0" + key).hexdigest()[:16]

        return {
            "keks": {kid: fingerprint(key) for kid, key in sorted(self.keks.items())},
            "blind_index_key": fingerprint(self.blind_index_key),
            "audit_signing_key": fingerprint(self.audit_signing_key),
        }

    def to_json(self) -> str:
        def b64(key: bytes) -> str:
            return base64.b64encode(key).decode()

        return json.dumps(
            {
                "format": FORMAT,
                "current_kek": self.current_kek_id,
                "keks": {kid: b64(key) for kid, key in self.keks.items()},
                "blind_index_key": b64(self.blind_index_key),
                "audit_signing_key": b64(self.audit_signing_key),
            },
            indent=2,
        )


def new_kek_id() -> str:
    return f"kek-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"


def generate_keyring(source: str = "generated") -> Keyring:
    kek_id = new_kek_id()
    return Keyring(
        current_kek_id=kek_id,
        keks={kek_id: secrets.token_bytes(KEY_BYTES)},
        blind_index_key=secrets.token_bytes(KEY_BYTES),
        audit_signing_key=secrets.token_bytes(KEY_BYTES),
        source=source,
    )


def parse_keyring(text: str, source: str) -> Keyring:
    def key(value: object, name: str) -> bytes:
        try:
            raw = base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            raise KeyringError(f"Keyring {source}: {name} is not valid base64.") from None
        if len(raw) != KEY_BYTES:
            raise KeyringError(f"Keyring {source}: {name} must be {KEY_BYTES} bytes, not {len(raw)}.")
        return raw

    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise KeyringError(f"Keyring {source} is not valid JSON.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KeyringError(f"Keyring {source} has an unknown format (expected format {FORMAT}).")
    for required in ("current_kek", "keks", "blind_index_key", "audit_signing_key"):
        if required not in data:
            raise KeyringError(f"Keyring {source} lacks {required!r}.")
    if not isinstance(data["keks"], dict) or not data["keks"]:
        raise KeyringError(f"Keyring {source} holds no key-encryption key.")
    keks = {str(kid): key(value, f"key-encryption key {kid!r}") for kid, value in data["keks"].items()}
    if data["current_kek"] not in keks:
        raise KeyringError(
            f"Keyring {source}: the current key-encryption key {data['current_kek']!r} is missing."
        )
    return Keyring(
        current_kek_id=data["current_kek"],
        keks=keks,
        blind_index_key=key(data["blind_index_key"], "blind_index_key"),
        audit_signing_key=key(data["audit_signing_key"], "audit_signing_key"),
        source=source,
    )


def read_keyring_file(path: Path) -> Keyring:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyringError(
            f"Keyring file {path} does not exist. Create one with `manage.py create_keyring {path}` "
            "(`make setup` does this for development)."
        ) from None
    except OSError as exc:
        raise KeyringError(f"Keyring file {path} cannot be read: {exc.strerror}.") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyringError(f"Keyring file {path} is readable by others; make it private: chmod 600 {path}")
    return parse_keyring(text, str(path))


def write_keyring_file(path: Path, keyring: Keyring) -> None:
    """Write atomically with mode 0600: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keyring-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(keyring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def keyring_path() -> Path | None:
    return Path(settings.TSUNAGU_KEYRING) if settings.TSUNAGU_KEYRING else None


def _load() -> Keyring:
    if settings.TSUNAGU_KEYRING_JSON:
        return parse_keyring(settings.TSUNAGU_KEYRING_JSON, "TSUNAGU_KEYRING_JSON")
    path = keyring_path()
    if path is None:
        raise KeyringError("No keyring configured: set TSUNAGU_KEYRING (a file) or TSUNAGU_KEYRING_JSON.")
    return read_keyring_file(path)


_lock = threading.Lock()
_cached: Keyring | None = None
_cached_stamp: tuple[int, int] | None = None


def _file_stamp() -> tuple[int, int] | None:
    """Modification time and size of the keyring file, so that a rotation elsewhere is seen at once."""
    path = keyring_path()
    if settings.TSUNAGU_KEYRING_JSON or path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def get_keyring() -> Keyring:
    global _cached, _cached_stamp
    stamp = _file_stamp()
    with _lock:
        if _cached is None or stamp != _cached_stamp:
            _cached, _cached_stamp = _load(), stamp
        return _cached


def reload_keyring() -> Keyring:
    global _cached
    with _lock:
        _cached = None
    return get_keyring()


def kek(kek_id: str) -> bytes:
    """The key-encryption key with this id, reloading the keyring once if it is not known yet."""
    keyring = get_keyring()
    if kek_id not in keyring.keks:
        keyring = reload_keyring()
    return keyring.kek(kek_id)
