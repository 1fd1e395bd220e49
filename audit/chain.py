"""The hash chain: one canonical encoding, used by writing and by verification alike.

hash = SHA-256(previous hash ‖ canonical JSON of the event). The canonical JSON is an array — the
encoding's version, then the columns in the fixed order of CANONICAL_COLUMNS — ASCII-only, without
spaces, so that it is the same bytes on every database and every Python.
"""

import hashlib
import json
import json.encoder
from collections.abc import Sequence
from datetime import UTC, datetime

VERSION = 1
GENESIS = "0" * 64

# Every column of the event except the two hashes, in hashing order.
CANONICAL_COLUMNS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "organisation_id",
    "action",
    "event",
    "target_type",
    "target_id",
    "case_id",
    "person_id",
    "fields",
    "purpose",
    "params",
    "request_id",
    "client_address",
)

_encoder = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), sort_keys=True)
# The same encoding through the C encoder made once, not once per call as JSONEncoder.encode does:
# verification encodes every event of the trail. tests/audit/test_chain.py checks they agree.
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_fast = (
    _c_make_encoder(
        None, _encoder.default, json.encoder.encode_basestring_ascii, None, ":", ",", True, False, True
    )
    if _c_make_encoder
    else None
)


def canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: object) -> str:
    """How ``fields`` and ``params`` are stored: canonical JSON text, never re-formatted by a database."""
    return _encoder.encode(value)


def encode(event: Sequence) -> bytes:
    """The canonical bytes of one event: VERSION, then its CANONICAL_COLUMNS values (time canonical)."""
    return ("".join(_fast(event, 0)) if _fast else _encoder.encode(event)).encode("ascii")


def link(prev_hash: str, encoded: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + encoded).hexdigest()
