"""Walking a case to a state through the services, as the demo plaza would; racing two actors."""

import datetime
import threading

from django.db import connections

from cases.access import grant_access
from cases.models import AccessLevel, CaseAccessGrant, Consent, MeetingKind
from cases.services import intake, lifecycle, meetings, sharing


def take(world, case):
    return intake.accept_intake(actor=world.staff, case=case, expected_version=case.version)


def support_meeting(world, case, soon, attendees=()):
    """The demo plaza schedules a 支援会議 (社会福祉法 §106-6) on the case, which it refreshes."""
    meeting = meetings.schedule_meeting(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        kind=MeetingKind.SUPPORT_MEETING,
        legal_basis=world.basis["swa-106-6"],
        reference="第3回",
        scheduled_for=soon,
        attendees=list(attendees),
    )
    case.refresh_from_db()
    return meeting


def decided(world, case, outcome, soon):
    """Take the case through a 支援会議 that decides ``outcome``, and follow the decision."""
    meeting = support_meeting(world, case, soon)
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


def shared_on_consent(world, case, recipient, field_groups, purpose=Consent.Purpose.SHARING):
    """The demo plaza records the person's oral consent to share with ``recipient`` for
    ``purpose``, and shares ``field_groups`` of the case on it."""
    consent = sharing.record_consent(
        actor=world.staff, case=case, purpose=purpose, recipients=[recipient], method=Consent.Method.ORAL
    )
    return sharing.disclose(
        actor=world.staff,
        case=case,
        recipient=recipient,
        field_groups=list(field_groups),
        legal_basis=world.basis["consent"],
        consent=consent,
        purpose=purpose,
    )


def agency_contributes(world, case, *groups):
    """The disability agency, asked to contribute to the case with these field groups (as a
    referral's acceptance grants it)."""
    grant_access(
        case=case,
        granted_by=None,
        organisation=world.agency,
        level=AccessLevel.CONTRIBUTE,
        reason=CaseAccessGrant.Reason.REFERRAL,
        field_groups=list(groups),
    )


def opened_days_ago(matter, days: int):
    """The guardianship matter as if its centre had opened it ``days`` ago: a petition's filing
    may not precede its opening, nor a ruling come before the filing or after today."""
    from guardianship.models import GuardianshipMatter

    GuardianshipMatter.objects.filter(pk=matter.pk).update(
        opened_at=matter.opened_at - datetime.timedelta(days=days)
    )
    matter.refresh_from_db()
    return matter


def race(**attempts) -> dict[str, object]:
    """Run each callable in its own thread (and database connection), released at the same
    moment; return what each returned or raised, by name."""
    barrier = threading.Barrier(len(attempts))
    outcomes: dict[str, object] = {}

    def attempt(name, act):
        try:
            barrier.wait()
            outcomes[name] = act()
        except BaseException as exc:  # collected: the caller's assertions say which
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=item) for item in attempts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
