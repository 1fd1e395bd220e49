"""What the key machinery announces; the audit trail listens (privacy imports no audit code)."""

from django.dispatch import Signal

# Sent inside the transaction of each re-wrapped batch: count, kek_id.
data_keys_rewrapped = Signal()
# Sent when key-encryption keys leave the keyring: kek_ids.
keks_retired = Signal()
