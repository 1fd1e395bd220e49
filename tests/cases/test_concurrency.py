"""Two people acting on one case at once: exactly one wins, the other gets a conflict."""

from audit.models import AuditEvent
from audit.verify import verify_chain
from cases.exceptions import CaseConflict
from cases.models import Case, CaseState
from cases.services import intake, lifecycle
from tests.workflow import race


def test_concurrent_transitions_leave_one_winner_and_a_consistent_trail(committed_db, world, concern):
    case = concern()
    version = case.version
    outcomes = race(
        intake=lambda: intake.accept_intake(actor=world.staff, case=case, expected_version=version),
        withdraw=lambda: lifecycle.withdraw(
            actor=world.commissioner, case=case, expected_version=version, reason="勘違い"
        ),
    )
    winners = [name for name, result in outcomes.items() if isinstance(result, Case)]
    losers = [name for name, result in outcomes.items() if isinstance(result, CaseConflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    case.refresh_from_db()
    assert case.version == version + 1
    assert case.state == (CaseState.SHARING if winners == ["intake"] else CaseState.WITHDRAWN)
    transitions = AuditEvent.objects.filter(case_id=str(case.pk), event="case.transitioned")
    assert transitions.count() == 1  # the loser left no event
    assert verify_chain().ok
