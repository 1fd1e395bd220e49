"""Signed checkpoints of the audit chain: the head's sequence and hash, signed with the keyring's
Ed25519 key, so that a copy kept outside the database shows any later rewrite of the chain. A write
of its own, apart from recording events (audit/services.py), for the privacy officer's screen and
``manage.py audit_checkpoint``."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.utils import timezone

from audit.models import AuditCheckpoint
from audit.sql import lock_chain_head
from privacy.keyring import get_keyring


def checkpoint_message(sequence: int, head_hash: str) -> bytes:
    return f"tsunagu-audit-checkpoint/1\n{sequence}\n{head_hash}".encode("ascii")


def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(get_keyring().audit_signing_key)


def public_key_hex() -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


@transaction.atomic
def sign_checkpoint() -> AuditCheckpoint | None:
    """Sign the current head of the chain. None when the chain is empty or the head is signed already."""
    sequence, head_hash = lock_chain_head()
    if sequence == 0 or AuditCheckpoint.objects.filter(sequence=sequence).exists():
        return None
    return AuditCheckpoint.objects.create(
        sequence=sequence,
        hash=head_hash,
        signed_at=timezone.now(),
        signature=signing_key().sign(checkpoint_message(sequence, head_hash)).hex(),
        public_key=public_key_hex(),
    )
