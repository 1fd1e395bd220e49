"""Keeping people findable: recomputing their blind indexes after a change of normalisation.

The search itself is a read (``cases.selectors.search``); this is the one write it needs, run by
``manage.py reindex_people`` after a deployment that bumps ``privacy.normalise.INDEX_VERSION``.
"""

from collections.abc import Callable

from audit import services as audit
from cases.models import Person
from privacy.normalise import INDEX_VERSION
from privacy.services import reindex_blind_indexes, rows_to_reindex


def people_to_reindex():
    """Living persons whose indexes are older than the current normalisation (the erased have none)."""
    return rows_to_reindex(Person.objects.filter(erased_at__isnull=True))


def reindex_people(*, batch_size: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the blind indexes of every person still at an older index version, in batches that
    each commit with their audit event (a count, never who): resumable by running it again."""

    def recorded(batch: list) -> None:
        audit.record("people.reindexed", params={"count": len(batch), "version": INDEX_VERSION})

    return reindex_blind_indexes(
        Person.objects.filter(erased_at__isnull=True).select_related("data_key"),
        batch_size=batch_size,
        progress=progress,
        on_batch=recorded,
    )
