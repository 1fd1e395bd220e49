"""Walking a case to a state through the services, as the demo plaza would."""

from cases.models import MeetingKind
from cases.services import intake, lifecycle, meetings


def take(world, case):
    return intake.accept_intake(actor=world.staff, case=case, expected_version=case.version)


def decided(world, case, outcome, soon):
    """Take the case through a 支援会議 that decides ``outcome``, and follow the decision."""
    meeting = meetings.schedule_meeting(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        kind=MeetingKind.SUPPORT_MEETING,
        legal_basis=world.basis["swa-106-6"],
        reference="第3回",
        scheduled_for=soon,
        attendees=[],
    )
    case.refresh_from_db()
    meetings.hold_meeting(
        actor=world.staff,
        meeting=meeting,
        expected_version=case.version,
        minutes="検討した",
        decision=outcome,
        reason="理由",
    )
    case.refresh_from_db()
    return lifecycle.decide(actor=world.staff, case=case, expected_version=case.version, outcome=outcome)
