"""Key rotation, crypto-shredding, and recomputing blind indexes after a change of normalisation."""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import Model, QuerySet

from privacy import signals
from privacy.crypto import new_key
from privacy.fields import BlindIndexField
from privacy.keyring import (
    Keyring,
    new_kek_id,
    reload_keyring,
)
from privacy.models import DataKey, RecordedBackup
from privacy.normalise import INDEX_VERSION
from privacy.secretstore import SecretStore, configured_store


@dataclass
class RotationReport:
    new_kek_id: str | None  # None when resuming an unfinished rotation
    rewrapped: int
    retired: list[str]
    deploy_first: bool = False  # the new keyring must reach the servers before the re-wrap
    # Keys no data key uses any more but a recorded backup still needs: kept (key id -> backups).
    kept: dict[str, int] = field(default_factory=dict)


@dataclass
class RotationPlan:
    resumes: bool  # an earlier rotation was interrupted: finish it instead of starting another
    data_keys: int


def data_keys_to_rewrap(keyring: Keyring):
    return DataKey.objects.filter(destroyed_at__isnull=True).exclude(kek_id=keyring.current_kek_id)


def plan_rotation() -> RotationPlan:
    """What rotate_keys would do now (for --dry-run); changes nothing."""
    keyring = reload_keyring()
    pending = data_keys_to_rewrap(keyring).count()
    if pending:
        return RotationPlan(resumes=True, data_keys=pending)
    return RotationPlan(resumes=False, data_keys=DataKey.objects.filter(destroyed_at__isnull=True).count())


def rotate_keys(
    *,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    store: SecretStore | None = None,
    even_if_backups_need_it: bool = False,
) -> RotationReport:
    """Add a key-encryption key, re-wrap every data key under it, retire the keys no longer used.

    Rows are never re-encrypted: only the small wrapped data keys change. Each batch commits on
    its own, so an interrupted rotation loses nothing; running it again resumes it (it starts a new
    rotation only when no data key is left under an older key-encryption key).

    With a store whose servers learn of a new keyring only when the operator deploys it (the
    environment), a rotation takes two runs: the first adds the key and stops, so that no data key is
    wrapped under a key the servers do not have yet; the second, after the deploy, re-wraps and
    retires, and its keyring is deployed in turn.

    A key that no data key uses any more is destroyed (removed from the keyring) only when no
    recorded backup still needs it: destroying it would make those backups unreadable. Such keys
    stay in the keyring, reported in ``kept``, unless ``even_if_backups_need_it``.
    """
    store = store or configured_store()
    keyring = store.load()
    started = None
    if not data_keys_to_rewrap(keyring).exists():
        started = new_kek_id()
        added = replace(keyring, current_kek_id=started, keks={**keyring.keks, started: new_key()})
        if store.needs_deploy:
            store.save(added)
            return RotationReport(new_kek_id=started, rewrapped=0, retired=[], deploy_first=True)
        keyring = store.save(added)
    total = data_keys_to_rewrap(keyring).count()

    done = 0
    while True:
        with transaction.atomic():
            batch = list(data_keys_to_rewrap(keyring).select_for_update().order_by("id")[:batch_size])
            if not batch:
                break
            for key in batch:
                key.rewrap(keyring.current_kek_id)
            DataKey.objects.bulk_update(batch, ["wrapped", "kek_id"])
            signals.data_keys_rewrapped.send(DataKey, count=len(batch), kek_id=keyring.current_kek_id)
        done += len(batch)
        if progress:
            progress(done, total)

    retired = _unused_keks(keyring)
    kept = (
        {} if even_if_backups_need_it else {k: n for k, n in keks_needed_by_backups().items() if k in retired}
    )
    retired = [k for k in retired if k not in kept]
    if retired:
        with transaction.atomic():
            signals.keks_retired.send(DataKey, kek_ids=retired)
            store.save(replace(keyring, keks={k: v for k, v in keyring.keks.items() if k not in retired}))
    return RotationReport(new_kek_id=started, rewrapped=done, retired=retired, kept=kept)


def _unused_keks(keyring: Keyring) -> list[str]:
    used = set(live_kek_ids())
    return sorted(k for k in keyring.keks if k != keyring.current_kek_id and k not in used)


def live_kek_ids() -> list[str]:
    """The key-encryption keys the live data keys are wrapped under: what a backup taken now needs."""
    return sorted(set(DataKey.objects.filter(destroyed_at__isnull=True).values_list("kek_id", flat=True)))


def keks_needed_by_backups() -> Counter:
    """Key id -> how many recorded backups (not discarded) need it."""
    needed: Counter = Counter()
    for kek_ids in RecordedBackup.objects.filter(discarded_at__isnull=True).values_list("kek_ids", flat=True):
        needed.update(set(kek_ids))
    return needed


def record_backup(*, location: str, taken_at: datetime.datetime, kek_ids: list[str]) -> RecordedBackup:
    return RecordedBackup.objects.create(location=location, taken_at=taken_at, kek_ids=sorted(kek_ids))


def discard_backup(*, location: str, at: datetime.datetime) -> RecordedBackup | None:
    """The operator deleted this backup: its keys need no longer be kept for it. None when unknown."""
    with transaction.atomic():
        backup = RecordedBackup.objects.select_for_update().filter(location=location).first()
        if backup is not None and backup.discarded_at is None:
            backup.discarded_at = at
            backup.save(update_fields=["discarded_at"])
        return backup


def destroy_data_key(data_key: DataKey) -> None:
    """Crypto-shredding: the key material is gone, so is every field encrypted under it."""
    data_key.destroy()
    data_key.save(update_fields=["wrapped", "destroyed_at"])


# --- blind indexes -------------------------------------------------------------------------------


def rows_to_reindex(rows: QuerySet) -> QuerySet:
    """The rows whose blind indexes were computed with an older normalisation (``index_version``)."""
    return rows.filter(index_version__lt=INDEX_VERSION)


def reindex_blind_indexes(
    rows: QuerySet,
    *,
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
    on_batch: Callable[[list[Model]], None] | None = None,
) -> int:
    """Recompute every blind index of ``rows`` still at an older ``index_version``, oldest key first.

    Each batch is locked, decrypted, re-indexed and marked with the current version in one
    transaction (``on_batch`` runs inside it, for the caller's audit event), so an interrupted run
    loses nothing and the next run continues with the rows still at an older version. Only the
    index columns and the version are written: no ciphertext changes. Returns how many rows changed.
    """
    model = rows.model
    fields = [field for field in model._meta.concrete_fields if isinstance(field, BlindIndexField)]
    pending = rows_to_reindex(rows)
    total = pending.count()
    done = 0
    while True:
        with transaction.atomic():
            batch = list(pending.select_for_update(of=("self",)).order_by("pk")[:batch_size])
            if not batch:
                break
            for row in batch:
                for field in fields:
                    setattr(row, field.attname, field.compute(getattr(row, field.source)))
                row.index_version = INDEX_VERSION
            model.objects.bulk_update(batch, [field.attname for field in fields] + ["index_version"])
            if on_batch:
                on_batch(batch)
        done += len(batch)
        if progress:
            progress(done, total)
    return done
