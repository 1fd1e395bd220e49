"""The agency accepts while the referrer withdraws: exactly one wins, the other gets a conflict."""

from audit.models import AuditEvent
from audit.verify import verify_chain
from cases.exceptions import Conflict
from referrals import services
from referrals.models import Referral, ReferralState
from tests.workflow import race


def test_concurrent_accept_and_withdraw_leave_one_winner(committed_db, world, sent):
    referral = sent()
    version = referral.version
    outcomes = race(
        accept=lambda: services.accept_referral(
            actor=world.agency_worker,
            referral=referral,
            expected_version=version,
            worker=world.agency_worker,
        ),
        withdraw=lambda: services.withdraw_referral(
            actor=world.staff, referral=referral, expected_version=version, reason="本人が辞退"
        ),
    )
    winners = [name for name, result in outcomes.items() if isinstance(result, Referral)]
    losers = [name for name, result in outcomes.items() if isinstance(result, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    referral.refresh_from_db()
    assert referral.version == version + 1
    assert referral.state == (ReferralState.ACCEPTED if winners == ["accept"] else ReferralState.WITHDRAWN)
    events = AuditEvent.objects.filter(target_id=str(referral.pk), event="referral.transitioned")
    assert events.count() == 2  # the send and the winner; the loser left nothing
    assert referral.messages.count() == (1 if winners == ["withdraw"] else 0)
    assert verify_chain().ok
