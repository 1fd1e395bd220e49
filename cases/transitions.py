"""The one transition engine: every change of a case, a referral or a guardianship matter made
under the version its actor saw goes through ``act`` (any locked, versioned, audited change) or
``transition`` (a move through the record's django-fsm state machine, on top of ``act``).

One path for all three: in one transaction the record's row is locked and the actor's permission
decided on the locked row, the version compared (``Conflict`` when stale), the work done, the
record saved with a new version and the audit events chained in one append at the end. A refusal
rolls everything back, is recorded in a transaction of its own (``cases.access.deny``) and raised
as PermissionDenied. Input rules belong in ``before``: they run only for a permitted actor, so a
stranger learns nothing from them.

What differs per kind of record is a ``Machine``: how to lock and check (a case: one written
statement, ``cases.access.lock_permitted_case``; the others: the ORM, then the permission on the
locked row), how to save, which audit event a transition records and for which organisation,
case and person, and the wording of "not in this state". Referrals and guardianship declare
theirs beside their services (``referrals.services.REFERRALS``, ``guardianship.services.MATTERS``).
"""

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed, can_proceed

from accounts.models import User
from audit import services as audit
from cases.access import GrantsExpired, deny, lock_permitted_case, revoke_expired_grants, save_case
from cases.exceptions import CaseRuleError, Conflict
from cases.models import Case
from cases.models.fsm import engine_running
from cases.signals import case_ended

R = TypeVar("R", bound=models.Model)
T = TypeVar("T")


class Machine(Generic[R]):
    """What the engine needs to know of one kind of versioned record. Subclasses say it in the
    domain's words; the engine never names a kind of record."""

    model: type[R]
    # The audit event every transition of this kind records.
    transitioned_event: str
    # "Someone else changed it first" (Conflict's message) and "not in this state", naming the thing.
    conflict_message: str
    not_allowed_message: str  # with %(state)s

    def lock(self, actor: User | None, record: R, permission: str | None) -> tuple[R, bool]:
        """The record's row, locked for the caller's transaction, and whether the actor holds
        ``permission`` on it (None: the caller acts for the system, or already checked in this
        transaction)."""
        raise NotImplementedError

    def save(self, locked: R, fields: Iterable[str]) -> None:
        """Write the locked record with its version bumped (``fields``: what changed besides the
        state machine's own, for machines that write only what changed)."""
        locked.version += 1
        locked.save()

    def case_of(self, record: R) -> Case:
        """The case a refusal is recorded against."""
        return record.case

    def audit_ids(self, locked: R) -> dict[str, Any]:
        """organisation_id, case_id and person_id of the record's audit events."""
        raise NotImplementedError

    def record(
        self,
        event: str,
        *,
        actor: User | None,
        locked: R,
        fields: Iterable[str] = (),
        organisation_id: Any = None,
        params: dict | None = None,
    ) -> None:
        """Record an audit event about the locked record (``organisation_id``: whom the actor acted
        for, when it is not the machine's own choice)."""
        ids = self.audit_ids(locked)
        if organisation_id is not None:
            ids["organisation_id"] = organisation_id
        audit.record(event, actor=actor, target=locked, fields=list(fields), params=params or {}, **ids)

    def transitioned(self, actor: User | None, locked: R) -> None:
        """What a transition of this kind announces once it is saved and audited."""


class RowMachine(Machine[R]):
    """A record of a case locked through the ORM (its ``related`` rows read with it), the
    permission then decided on the locked row by ``permitted``; its events name the organisation
    in the field ``organisation`` (unless the actor acts for another), its case and person."""

    related: tuple[str, ...] = ()
    organisation: str

    def lock(self, actor: User | None, record: R, permission: str | None) -> tuple[R, bool]:
        locked = (
            self.model.objects.select_for_update(of=("self",)).select_related(*self.related).get(pk=record.pk)
        )
        return locked, permission is None or self.permitted(actor, locked, permission)

    def permitted(self, actor: User | None, locked: R, permission: str) -> bool:
        raise NotImplementedError

    def audit_ids(self, locked: R) -> dict[str, Any]:
        return {
            "organisation_id": getattr(locked, self.organisation),
            "case_id": locked.case_id,
            "person_id": locked.case.person_id,
        }


class _Refused(Exception):
    """The actor lacks the permission: the transaction rolls back before the refusal is recorded."""


def act(
    machine: Machine[R],
    *,
    actor: User | None,
    record: R,
    expected_version: int,
    permission: str | None,
    action: str,
    work: Callable[[R], T],
) -> T:
    """Lock the record and decide the actor's permission on the locked row, compare the version
    the actor saw, then ``work(locked)`` in the same transaction, the events it records chained in
    one append at the end. ``work`` saves through ``machine.save``. A refusal is recorded after
    the rollback (``action`` names it) and raised as PermissionDenied."""
    while True:
        try:
            with transaction.atomic(), audit.chained_together():
                locked, permitted = machine.lock(actor, record, permission)
                if not permitted:  # before the version: a stranger learns nothing of the record
                    raise _Refused
                if locked.version != expected_version:
                    raise Conflict(machine.conflict_message)
                return work(locked)
        except GrantsExpired:  # revoked in a transaction of their own; then the check again
            revoke_expired_grants()
        except _Refused:
            deny(actor, action=action, case=machine.case_of(record))  # its own transaction


def transition(
    machine: Machine[R],
    *,
    actor: User | None,
    record: R,
    expected_version: int,
    name: str,
    permission: str | None,
    action: str | None = None,
    args: tuple = (),
    before: Callable[[R], None] | None = None,
    after: Callable[[R], None] | None = None,
    fields: tuple[str, ...] = (),
    event_fields: Iterable[str] = (),
    organisation_id: Any = None,
) -> R:
    """Transition ``name`` on the locked record (``act``), save it and record the machine's
    transition event. The state is checked first; then ``before(locked)`` checks the rules and
    input (raising CaseRuleError) and may write more or set fields (``fields`` names those a
    machine that writes only what changed must include); after the save and the event,
    ``after(locked)`` writes what belongs with the transition (the same transaction)."""

    def run(locked: R) -> R:
        method = getattr(locked, name)
        previous = locked.state
        if not can_proceed(method, check_conditions=False):
            raise _not_allowed(machine, locked)
        if before is not None:
            before(locked)
        try:
            with engine_running():  # the transition's condition: only here (cases.models.fsm)
                method(*args)
        except TransitionNotAllowed:
            raise _not_allowed(machine, locked) from None
        machine.save(locked, fields)
        machine.record(
            machine.transitioned_event,
            actor=actor,
            locked=locked,
            fields=event_fields,
            organisation_id=organisation_id,
            params={"transition": name, "from": previous, "to": locked.state},
        )
        if after is not None:
            after(locked)
        machine.transitioned(actor, locked)
        return locked

    return act(
        machine,
        actor=actor,
        record=record,
        expected_version=expected_version,
        permission=permission,
        action=action or name,
        work=run,
    )


def _not_allowed(machine: Machine, locked: models.Model) -> CaseRuleError:
    return CaseRuleError(
        machine.not_allowed_message % {"state": locked.get_state_display()}, code="transition_not_allowed"
    )


class CaseMachine(Machine[Case]):
    """Cases: the lock and the permission check are one written statement, and the save one
    written UPDATE (cases.access: every transition's path, measured by bench/cases.py)."""

    model = Case
    transitioned_event = "case.transitioned"
    conflict_message = Conflict.message
    not_allowed_message = gettext_lazy("このケースは今の状態（%(state)s）ではこの操作ができません。")

    def lock(self, actor: User | None, record: Case, permission: str | None) -> tuple[Case, bool]:
        return lock_permitted_case(actor, record, permission)

    def save(self, locked: Case, fields: Iterable[str]) -> None:
        save_case(locked, ["state", "ended_at", "urgent", *fields])

    def case_of(self, record: Case) -> Case:
        return record

    def audit_ids(self, locked: Case) -> dict[str, Any]:
        return {
            "organisation_id": locked.lead_organisation_id,
            "case_id": locked.pk,
            "person_id": locked.person_id,
        }

    def transitioned(self, actor: User | None, locked: Case) -> None:
        if locked.state in Case.ENDED_STATES:
            case_ended.send(sender=Case, case=locked, actor=actor)


CASES = CaseMachine()


def lead_transition(*, actor: User, case: Case, expected_version: int, name: str, **hooks) -> Case:
    """A case transition by its lead organisation (``lead_case``, what most of them need);
    ``hooks``: ``transition``'s ``args``, ``before``, ``after``, ``fields``."""
    return transition(
        CASES,
        actor=actor,
        record=case,
        expected_version=expected_version,
        permission="lead_case",
        name=name,
        **hooks,
    )
