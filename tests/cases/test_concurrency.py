"""Two people acting on one case at once: exactly one wins, the other gets a conflict."""

import threading
import time

from django.db import transaction

from audit.models import AuditEvent
from audit.verify import verify_chain
from cases.access import grant_access
from cases.exceptions import Conflict
from cases.models import AccessLevel, Case, CaseAccessGrant, CaseState, CaseUserObjectPermission
from cases.services import intake, lifecycle
from tests.workflow import race


def test_concurrent_transitions_leave_one_winner_and_a_consistent_trail(committed_db, world, concern):
    case = concern()
    version = case.version
    outcomes = race(
        intake=lambda: intake.accept_intake(actor=world.staff, case=case, expected_version=version),
        withdraw=lambda: lifecycle.withdraw(
            actor=world.commissioner, case=case, expected_version=version, reason="勘違い", kind="in_error"
        ),
    )
    winners = [name for name, result in outcomes.items() if isinstance(result, Case)]
    losers = [name for name, result in outcomes.items() if isinstance(result, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    case.refresh_from_db()
    assert case.version == version + 1
    assert case.state == (CaseState.SHARING if winners == ["intake"] else CaseState.WITHDRAWN)
    transitions = AuditEvent.objects.filter(case_id=str(case.pk), event="case.transitioned")
    assert transitions.count() == 1  # the loser left no event
    assert verify_chain().ok


def test_two_grants_of_the_same_rows_at_once_both_stand(committed_db, world, concern):
    """A user acknowledging two meetings of one case at the same moment: the second change's
    guardian rows are already being written by the first, and it waits and goes on, not fails."""
    case = concern()
    first_written = threading.Event()

    def grant(then_wait: bool):
        with transaction.atomic():
            grant_access(
                case=case,
                user=world.agency_worker,
                level=AccessLevel.VIEW,
                reason="meeting",
                granted_by=world.staff,
            )
            if then_wait:  # the rows are written, not committed: the other change meets them
                first_written.set()
                time.sleep(0.5)
        return "granted"

    def second():
        first_written.wait(10)
        return grant(then_wait=False)

    outcomes = race(first=lambda: grant(then_wait=True), second=second)
    assert outcomes == {"first": "granted", "second": "granted"}, outcomes
    assert (
        CaseAccessGrant.objects.filter(case=case, user=world.agency_worker, revoked_at__isnull=True).count()
        == 2
    )
    rows = CaseUserObjectPermission.objects.filter(content_object=case, user=world.agency_worker)
    assert sorted(rows.values_list("permission__codename", flat=True)) == ["view_case", "view_case_status"]
    assert verify_chain().ok
