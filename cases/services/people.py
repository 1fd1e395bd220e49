"""Writes on persons and cases."""

import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import Organisation, User
from audit import services as audit
from cases.access import require_role_permission
from cases.models import ENDED_STATES, Case, Person
from privacy.models import DataKey
from privacy.services import destroy_data_key


def _require(actor: User | None, perm: str, action: str) -> None:
    """``actor`` None is the system itself (demo data, retention): nothing to check."""
    if actor is not None:
        require_role_permission(actor, perm, action=action)


def register_person(*, actor: User | None, registered_by: Organisation, **identity) -> Person:
    """Create a person with a data key of their own; identity fields are encrypted on save."""
    _require(actor, "cases.add_person", "register_person")
    with transaction.atomic():
        return _register(actor, registered_by, identity)


def _register(actor: User | None, registered_by: Organisation, identity: dict) -> Person:
    person = Person(data_key=DataKey.objects.generate(), registered_by=registered_by, **identity)
    person.full_clean(exclude=["data_key"])
    person.save(force_insert=True)
    audit.record(
        "person.registered",
        actor=actor,
        organisation_id=registered_by.pk,
        target=person,
        person_id=person.pk,
        fields=[name for name, value in identity.items() if value not in (None, "")],
    )
    return person


def erase_person(*, actor: User | None, person: Person, reason: str = "request") -> Person:
    """Crypto-shredding: destroy the person's data key and their blind indexes; keep a tombstone row.

    ``actor`` None is the system itself (apply_retention, reason "retention"). Erasing twice
    changes nothing.
    """
    _require(actor, "cases.erase_person", "erase_person")
    with transaction.atomic():
        return _erase(actor, person, reason)


def _erase(actor: User | None, person: Person, reason: str) -> Person:
    person = Person.objects.select_for_update().select_related("data_key").get(pk=person.pk)
    if person.is_erased:
        return person
    destroy_data_key(person.data_key)
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now(), **dict.fromkeys(Person.INDEX_FIELDS))
    person.refresh_from_db()
    audit.record(
        "person.erased",
        actor=actor,
        target=person,
        person_id=person.pk,
        fields=Person.IDENTITY_FIELDS,
        params={"reason": reason},
    )
    return person


def people_due_for_erasure(*, now: datetime.datetime, years: int) -> QuerySet[Person]:
    """People not yet erased whose cases have all ended, the last of them more than ``years`` ago."""
    try:
        cutoff = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - years, day=28)
    open_cases = Case.objects.filter(person=OuterRef("pk")).exclude(state__in=ENDED_STATES)
    return (
        Person.objects.filter(erased_at__isnull=True)
        .annotate(last_ended=Max("cases__ended_at"))
        .filter(last_ended__lt=cutoff)
        .exclude(Exists(open_cases))
        .order_by("last_ended", "pk")
    )
