"""Recording audit events (signing checkpoints of the chain: audit/checkpoints.py).

``record`` is the one way to write an event. Services call it inside their own
``transaction.atomic()`` block, so the event commits exactly when the change it records commits.
"""

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from accounts.selectors import organisation_ids_of
from audit import chain, context, sql
from audit.events import PURPOSES, REGISTRY, Mark, kind_marked
from audit.models import AuditEvent

# Parameters are codes, ids and counts — never prose, so never a name or an address.
_CODE = re.compile(r"^[A-Za-z0-9_.:\-]{0,64}$")


class AuditParameterError(ValueError):
    """An event parameter that could carry personal data (free text) was refused."""


def _check_param(name: str, value: object) -> object:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str) and _CODE.match(value):
        return value
    if isinstance(value, list | tuple):
        return [_check_param(name, item) for item in value]
    raise AuditParameterError(f"Audit parameter {name!r} must be a code, an id or a number.")


def _organisation_id_of(actor: User | None) -> int | None:
    """The actor's organisation when they have exactly one; otherwise services name it explicitly."""
    if actor is None:
        return None
    organisations = organisation_ids_of(actor)
    return organisations[0] if len(organisations) == 1 else None


def new_event(
    event: str,
    *,
    actor: User | None = None,
    organisation_id: int | None = None,
    target: object | None = None,
    target_type: str = "",
    target_id: object = "",
    case_id: object = "",
    person_id: object = "",
    fields: Iterable[str] = (),
    purpose: str = "",
    params: dict | None = None,
) -> AuditEvent:
    """An event checked (codes, field names and ids only) and described, not yet in the chain:
    ``append`` gives it its place, time and hash."""
    kind = REGISTRY.get(event)
    if kind is None:
        raise ValueError(
            f"Unknown audit event code {event!r}: register it from its app (audit.events.register)."
        )
    field_names = sorted(set(fields))
    for name in field_names:
        if not _CODE.match(name):
            raise AuditParameterError(f"Audit field name {name!r} is not a field name.")
    if purpose and purpose not in PURPOSES:
        raise AuditParameterError(f"Audit purpose {purpose!r} is not in audit.events.PURPOSES.")
    checked = {str(k): _check_param(k, v) for k, v in (params or {}).items()}
    request = context.current()
    if actor is not None and not actor.is_authenticated:
        actor = None
    if organisation_id is None:
        organisation_id = _organisation_id_of(actor)
    return AuditEvent(
        actor_id=actor.pk if actor else None,
        organisation_id=organisation_id,
        action=kind.action,
        event=event,
        target_type=target._meta.label_lower if target is not None else target_type,
        target_id=str(target.pk) if target is not None else str(target_id or ""),
        case_id=str(case_id or ""),
        person_id=str(person_id or ""),
        fields=chain.canonical_json(field_names),
        purpose=purpose,
        params=chain.canonical_json(checked),
        request_id=request.request_id if request else "",
        client_address=request.client_address if request else "",
    )


_held = threading.local()


@contextmanager
def chained_together() -> Iterator[None]:
    """Events appended inside this block are chained when it ends without an error, in the order
    appended, with one lock, one read of the head and one insert: a transition and the access,
    disclosures and referrals it changes. Open it inside the transaction (the events commit with
    it); the chain's lock is then held only from the block's end to the commit. Nested blocks
    join the outermost."""
    if getattr(_held, "events", None) is not None:
        yield
        return
    _held.events = []
    try:
        yield
        events = _held.events
    finally:
        _held.events = None
    append(events)


def append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chain these events, in this order, after the head: one lock, one read of the head and one
    insert however many they are (a change of access writes one event per grant). Inside
    ``chained_together`` they wait for the block's end."""
    if not events:
        return events
    held = getattr(_held, "events", None)
    if held is not None:
        held.extend(events)
        return events
    with transaction.atomic(savepoint=False):
        sequence, prev_hash = sql.lock_chain_head()
        now = timezone.now()  # after the lock: times never go back along the chain
        for item in events:
            sequence += 1
            item.sequence, item.occurred_at, item.prev_hash = sequence, now, prev_hash
            item.hash = prev_hash = chain.link(prev_hash, chain.encode(canonical_event(item)))
        sql.insert_events(events)
    return events


def record(event: str, **description) -> AuditEvent:
    """Write one event (``new_event``'s arguments) into the chain, in the caller's transaction."""
    return append([new_event(event, **description)])[0]


def canonical_event(item: AuditEvent) -> tuple:
    """What chain.encode hashes: the version, then the columns, the time in its canonical text."""
    return (
        chain.VERSION,
        *(
            chain.canonical_time(item.occurred_at) if column == "occurred_at" else getattr(item, column)
            for column in chain.CANONICAL_COLUMNS
        ),
    )


def record_people_shown(
    *, actor: User, people: Iterable[models.Model], fields: Iterable[str], purpose: str = ""
) -> AuditEvent | None:
    """A page or export showed decrypted fields of these people: one event names them all (of the
    kinds that the app owning people marked PERSON_SHOWN and PEOPLE_SHOWN)."""
    people = list(people)
    if not people:
        return None
    if len(people) == 1:
        person = people[0]
        return record(
            kind_marked(Mark.PERSON_SHOWN).code,
            actor=actor,
            target=person,
            person_id=person.pk,
            fields=fields,
            purpose=purpose,
        )
    ids = [str(person.pk) for person in people]
    return record(
        kind_marked(Mark.PEOPLE_SHOWN).code,
        actor=actor,
        target_type=people[0]._meta.label_lower,
        fields=fields,
        purpose=purpose,
        params={"count": len(ids), "people": ids},
    )


def record_denial(request: HttpRequest) -> AuditEvent:
    match = getattr(request, "resolver_match", None)
    return record(
        "access.denied",
        actor=getattr(request, "user", None),
        params={"method": request.method, "view": match.view_name if match else "unknown"},
    )
