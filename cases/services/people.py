"""Writes on persons and cases."""

import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from audit import services as audit
from cases.access import require_role_permission
from cases.exceptions import CaseRuleError
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
    changes nothing. Refused (CaseRuleError) while the person has an open case: the people working
    on it still need what it says, and a case cannot be worked on without its person.
    """
    _require(actor, "cases.erase_person", "erase_person")
    with transaction.atomic():
        return _erase(actor, person, reason)


def _erase(actor: User | None, person: Person, reason: str) -> Person:
    person = Person.objects.select_for_update().select_related("data_key").get(pk=person.pk)
    if person.is_erased:
        return person
    # Locking the cases too: a reopen waiting on one of them then finds the person erased.
    if any(case.is_open for case in Case.objects.select_for_update().filter(person=person).only("state")):
        raise CaseRuleError(
            _(
                "この本人には終結していないケースがあるため、消去できません。ケースが終結または取り下げられてから消去してください。"
            ),
            code="open_case",
        )
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
    """People not yet erased, with no open case, whose record was last in use more than ``years`` ago.

    "Last in use" is when their last case ended; for a person recorded without any case (a
    neighbour's name noted at a visit, a household member), when they were recorded — no screen
    edits a person outside a case, so nothing later touches the record. Each row carries that
    moment as ``last_activity``.
    """
    try:
        cutoff = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - years, day=28)
    open_cases = Case.objects.filter(person=OuterRef("pk")).exclude(state__in=ENDED_STATES)
    return (
        Person.objects.filter(erased_at__isnull=True)
        # Every ended case has ended_at (a database constraint); no case at all leaves the Max null.
        .annotate(last_activity=Coalesce(Max("cases__ended_at"), "created_at"))
        .filter(last_activity__lt=cutoff)
        .exclude(Exists(open_cases))
        .order_by("last_activity", "pk")
    )
