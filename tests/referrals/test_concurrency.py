"""The agency accepts while the referrer withdraws: exactly one wins, the other gets a conflict."""

import threading

from django.db import connections

from audit.models import AuditEvent
from audit.verify import verify_chain
from referrals import services
from referrals.exceptions import ReferralConflict
from referrals.models import Referral, ReferralState


def test_concurrent_accept_and_withdraw_leave_one_winner(committed_db, world, sent):
    referral = sent()
    version = referral.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def attempt(name, act):
        try:
            barrier.wait()
            outcomes[name] = act()
        except BaseException as exc:  # collected: the assertion below says which
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=attempt,
            args=(
                "accept",
                lambda: services.accept_referral(
                    actor=world.agency_worker,
                    referral=referral,
                    expected_version=version,
                    worker=world.agency_worker,
                ),
            ),
        ),
        threading.Thread(
            target=attempt,
            args=(
                "withdraw",
                lambda: services.withdraw_referral(
                    actor=world.staff, referral=referral, expected_version=version, reason="本人が辞退"
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [name for name, result in outcomes.items() if isinstance(result, Referral)]
    losers = [name for name, result in outcomes.items() if isinstance(result, ReferralConflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    referral.refresh_from_db()
    assert referral.version == version + 1
    assert referral.state == (ReferralState.ACCEPTED if winners == ["accept"] else ReferralState.WITHDRAWN)
    events = AuditEvent.objects.filter(target_id=str(referral.pk), event="referral.transitioned")
    assert events.count() == 2  # the send and the winner; the loser left nothing
    assert referral.messages.count() == (1 if winners == ["withdraw"] else 0)
    assert verify_chain().ok
