"""Changing a case under the version its actor saw: ``act_on_case`` locks and checks it, and
``run_transition``, which every transition service uses, moves it through its state machine."""

from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from accounts.models import User
from audit import services as audit
from cases.access import CASE_PK, CASE_TABLE, GrantsExpired, deny, lock_permitted_case, revoke_expired_grants
from cases.exceptions import CaseRuleError, Conflict
from cases.models import Case
from cases.signals import case_ended

T = TypeVar("T")


def save_case(case: Case, fields: list[str]) -> None:
    """Write these fields, a new version and the update time of a case the caller has locked.

    What ``save(update_fields=…)`` does (each field's ``pre_save``: encrypted fields are sealed,
    ``updated_at`` stamped), in one written UPDATE: this is every transition's path, and building
    Django's query cost more than running it (docs/performance.md)."""
    case.version += 1
    written = [Case._meta.get_field(name) for name in dict.fromkeys([*fields, "version", "updated_at"])]
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in written)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CASE_TABLE} SET {assignments} WHERE {CASE_PK} = %s",  # noqa: S608 (names from the model)
            [
                *(field.get_db_prep_save(field.pre_save(case, False), connection) for field in written),
                Case._meta.pk.get_db_prep_value(case.pk, connection),
            ],
        )
        if cursor.rowcount != 1:
            raise Case.DoesNotExist("No case with this id.")


def act_on_case(
    *, actor: User, case: Case, expected_version: int, permission: str, action: str, work: Callable[[Case], T]
) -> T:
    """Lock the case and check the actor's permission on it (one statement), compare the version
    the actor saw, then ``work(locked)`` in the same transaction, the events it records chained in
    one append at the end. A refusal is recorded after the rollback (and raised as
    PermissionDenied); ``action`` names it."""
    while True:
        try:
            with transaction.atomic(), audit.chained_together():
                locked, permitted = lock_permitted_case(actor, case, permission)
                if not permitted:  # before the version: a stranger learns nothing of the case
                    raise _Refused
                if locked.version != expected_version:
                    raise Conflict()
                return work(locked)
        except GrantsExpired:  # revoked in a transaction of their own; then the check again
            revoke_expired_grants()
        except _Refused:
            deny(actor, action=action, case=case)  # in a transaction of its own, after the rollback


def run_transition(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    name: str,
    args: tuple = (),
    permission: str = "lead_case",
    before: Callable[[Case], None] | None = None,
    after: Callable[[Case], None] | None = None,
    extra_fields: tuple[str, ...] = (),
) -> Case:
    """Transition ``name`` on the locked case (``act_on_case``), save it and audit it.
    ``before(locked)`` may check rules or write more, inside the same transaction; it raises
    CaseRuleError to refuse. ``after(locked)`` runs in the same transaction once the transition is
    saved (what it writes stands or falls with it)."""

    def transition(locked: Case) -> Case:
        if before is not None:
            before(locked)
        previous = locked.state
        try:
            getattr(locked, name)(*args)
        except TransitionNotAllowed:
            raise CaseRuleError(
                _("このケースは今の状態（%(state)s）ではこの操作ができません。")
                % {"state": locked.get_state_display()},
                code="transition_not_allowed",
            ) from None
        save_case(locked, ["state", "ended_at", "urgent", *extra_fields])
        audit.record(
            "case.transitioned",
            actor=actor,
            organisation_id=locked.lead_organisation_id,
            target=locked,
            case_id=locked.pk,
            person_id=locked.person_id,
            params={"transition": name, "from": previous, "to": locked.state},
        )
        if after is not None:
            after(locked)
        if locked.state in Case.ENDED_STATES:
            case_ended.send(sender=Case, case=locked, actor=actor)
        return locked

    return act_on_case(
        actor=actor,
        case=case,
        expected_version=expected_version,
        permission=permission,
        action=name,
        work=transition,
    )


class _Refused(Exception):
    """The actor lacks the permission: the transition's transaction rolls back before the refusal
    is recorded (and raised as PermissionDenied)."""
