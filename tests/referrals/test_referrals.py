"""The referral loop walked through the services, as the side that may take each step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from audit.verify import verify_chain
from cases import selectors as case_selectors
from cases.access import field_groups_for, has_case_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import CaseAccessGrant, CaseState, Disclosure
from cases.services import lifecycle, sharing
from referrals import selectors, services
from referrals.models import AcceptanceDeadline, Referral, ReferralMessage, ReferralState
from referrals.receivers import overdue_referrals
from referrals.working_days import add_working_days

S = ReferralState


def transitions(referral):
    return list(
        AuditEvent.objects.filter(target_id=str(referral.pk), event="referral.transitioned")
        .order_by("sequence")
        .values_list("params", flat=True)
    )


def test_draft_shares_nothing_until_sent(world, referred, draft):
    referral = draft()
    assert referral.state == S.DRAFT and referral.referring_organisation == world.plaza
    assert referral.disclosure_id is None
    assert not Disclosure.objects.filter(case=referred, recipient=world.agency).exists()
    assert field_groups_for(world.agency_worker, referred) == set()
    assert list(selectors.referrals_received_by(world.agency_worker)) == []
    with pytest.raises(PermissionDenied):
        selectors.referral_for(world.agency_worker, referral.pk)
    assert AuditEvent.objects.filter(target_id=str(referral.pk), event="referral.drafted").count() == 1


def test_the_whole_loop_sent_accepted_completed(world, referred, draft):
    referral = draft()
    referral = services.send_referral(actor=world.staff, referral=referral, expected_version=referral.version)
    assert referral.state == S.SENT and referral.sent_at is not None
    assert referral.accept_by == add_working_days(timezone.localdate(), 5)
    # The send is a Disclosure naming the fields, and a grant of exactly those fields.
    assert referral.disclosure.field_groups == ["concern", "identity"]
    assert referral.disclosure.consent == referred.consent
    grant = CaseAccessGrant.objects.get(disclosure=referral.disclosure)
    assert (grant.organisation, grant.reason, grant.field_groups) == (
        world.agency,
        CaseAccessGrant.Reason.REFERRAL,
        ["concern", "identity"],
    )
    # The agency sees it in its inbox, and the shared fields only.
    assert list(selectors.referrals_received_by(world.agency_worker)) == [referral]
    view = selectors.referral_for(world.agency_worker, referral.pk)
    assert view.is_recipient and not view.is_referrer
    assert [name for name in view.content.fields_read] == ["name", "kana", "birth_date", "concern.details"]
    assert view.content.meetings == []
    # ...and not the case itself.
    assert not has_case_permission(world.agency_worker, referred, "view_case")

    referral = services.accept_referral(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        worker=world.agency_worker,
    )
    assert referral.state == S.ACCEPTED and referral.assigned_worker == world.agency_worker
    assert referral.referrer_attention
    referred.refresh_from_db()
    assert case_selectors.CommissionerStatus.of(referred) == "つながりました"

    referral = services.complete_referral(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        outcome="サービス利用開始",
    )
    assert referral.state == S.COMPLETED and referral.settled_at is not None
    # The agency's sight of the shared fields ends with its part.
    assert field_groups_for(world.agency_worker, referred) == set()
    assert selectors.referral_for(world.agency_worker, referral.pk).content.fields_read == []
    assert [m.kind for m in referral.messages.all()] == [ReferralMessage.Kind.OUTCOME]
    assert [p for p in transitions(referral)] == [
        '{"from":"draft","to":"sent","transition":"send"}',
        '{"from":"sent","to":"accepted","transition":"accept"}',
        '{"from":"accepted","to":"completed","transition":"complete"}',
    ]
    assert verify_chain().ok


def test_a_declined_referral_returns_to_the_referrer_with_its_reason(world, referred, sent):
    referral = sent()
    with pytest.raises(CaseRuleError, match="理由"):
        services.decline_referral(
            actor=world.agency_worker, referral=referral, expected_version=referral.version, reason="  "
        )
    referral = services.decline_referral(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        reason="対象年齢外のため",
    )
    assert referral.state == S.DECLINED
    [first] = selectors.referrals_sent_by(world.staff)
    assert first == referral and first.referrer_attention
    view = selectors.referral_for(world.staff, referral.pk)
    assert [(m.kind, m.text) for m in view.messages] == [
        (ReferralMessage.Kind.DECLINE_REASON, "対象年齢外のため")
    ]
    services.mark_seen_by_referrer(actor=world.staff, referral=referral)
    referral.refresh_from_db()
    assert not referral.referrer_attention
    assert field_groups_for(world.agency_worker, referred) == set()


def test_the_agency_may_ask_instead_of_declining(world, referred, sent):
    referral = sent()
    referral = services.ask_question(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        question="ご家族の連絡先は？",
    )
    assert referral.state == S.RETURNED and referral.referrer_attention
    with pytest.raises(PermissionDenied):  # the agency cannot answer its own question
        services.answer_question(
            actor=world.agency_worker, referral=referral, expected_version=referral.version, answer="…"
        )
    referral = services.answer_question(
        actor=world.staff,
        referral=referral,
        expected_version=referral.version,
        answer="長男が同居しています。",
    )
    assert referral.state == S.SENT and not referral.referrer_attention
    assert [m.kind for m in referral.messages.all()] == ["question", "answer"]
    referral = services.accept_referral(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        worker=world.agency_worker,
    )
    assert referral.state == S.ACCEPTED


def test_the_referrer_may_withdraw_and_the_agency_loses_sight(world, referred, sent):
    referral = sent()
    referral = services.withdraw_referral(
        actor=world.staff, referral=referral, expected_version=referral.version, reason="本人が辞退"
    )
    assert referral.state == S.WITHDRAWN
    assert field_groups_for(world.agency_worker, referred) == set()
    view = selectors.referral_for(world.agency_worker, referral.pk)
    assert not view.shows_referral_text and view.messages == []


def test_every_step_is_refused_to_the_wrong_side_and_the_refusal_is_audited(world, referred, sent):
    referral = sent()
    outsiders = [world.commissioner, world.other_staff, world.anshin_worker, world.coordinator, world.privacy]
    agency_steps = [
        lambda who: services.accept_referral(
            actor=who, referral=referral, expected_version=referral.version, worker=world.agency_worker
        ),
        lambda who: services.decline_referral(
            actor=who, referral=referral, expected_version=referral.version, reason="x"
        ),
        lambda who: services.ask_question(
            actor=who, referral=referral, expected_version=referral.version, question="x"
        ),
        lambda who: services.complete_referral(
            actor=who, referral=referral, expected_version=referral.version, outcome="x"
        ),
    ]
    referrer_steps = [
        lambda who: services.withdraw_referral(
            actor=who, referral=referral, expected_version=referral.version, reason="x"
        ),
        lambda who: services.answer_question(
            actor=who, referral=referral, expected_version=referral.version, answer="x"
        ),
        lambda who: services.draft_referral(
            actor=who,
            case=referred,
            recipient=world.anshin,
            field_groups=["identity"],
            purpose="x",
            legal_basis=world.basis["consent"],
            consent=referred.consent,
        ),
    ]
    refusals = 0
    for who in outsiders:
        for step in agency_steps + referrer_steps:
            with pytest.raises(PermissionDenied):
                step(who)
            refusals += 1
        with pytest.raises(PermissionDenied):
            selectors.referral_for(who, referral.pk)
        refusals += 1
    for step in agency_steps:  # the referrer cannot answer for the agency
        with pytest.raises(PermissionDenied):
            step(world.staff)
        refusals += 1
    for step in referrer_steps:  # nor the agency for the referrer
        with pytest.raises(PermissionDenied):
            step(world.agency_worker)
        refusals += 1
    assert AuditEvent.objects.filter(event="case.denied", case_id=str(referred.pk)).count() == refusals
    referral.refresh_from_db()
    assert referral.state == S.SENT and referral.version == 2


def test_stale_versions_and_wrong_states_change_nothing(world, sent):
    referral = sent()
    stale = referral.version
    with pytest.raises(CaseRuleError, match="つなぎ先の組織の職員"):
        services.accept_referral(
            actor=world.agency_worker, referral=referral, expected_version=stale, worker=world.staff
        )
    services.accept_referral(
        actor=world.agency_worker, referral=referral, expected_version=stale, worker=world.agency_worker
    )
    with pytest.raises(Conflict, match="他の人が先に"):
        services.decline_referral(
            actor=world.agency_worker, referral=referral, expected_version=stale, reason="x"
        )
    referral.refresh_from_db()
    with pytest.raises(CaseRuleError, match="今の状態（引き受け）"):
        services.ask_question(
            actor=world.agency_worker, referral=referral, expected_version=referral.version, question="x"
        )
    referral.refresh_from_db()
    assert referral.state == S.ACCEPTED and referral.version == stale + 1


def test_sharing_rules_hold_for_referrals(world, referred, draft):
    with pytest.raises(CaseRuleError, match="同意の記録を選んでください"):
        draft(consent=None)
    with pytest.raises(CaseRuleError, match="共有先に含まれていない組織があります"):
        draft(recipient=world.child_ward)  # the consent names two other organisations
    with pytest.raises(CaseRuleError, match="共有する項目"):
        draft(field_groups=())
    with pytest.raises(CaseRuleError, match="目的"):
        draft(purpose=" ")
    referral = draft()
    with pytest.raises(CaseRuleError, match="既に進行中"):
        draft()
    # Consent withdrawn between the draft and the send: nothing is shared.
    sharing.withdraw_consent(actor=world.staff, consent=referred.consent)
    with pytest.raises(CaseRuleError, match="撤回されています"):
        services.send_referral(actor=world.staff, referral=referral, expected_version=referral.version)
    referral.refresh_from_db()
    assert referral.state == S.DRAFT and referral.disclosure_id is None


def test_withdrawn_consent_ends_the_agencys_sight_of_a_sent_referral(world, referred, sent):
    referral = sent()
    sharing.withdraw_consent(actor=world.staff, consent=referred.consent)
    view = selectors.referral_for(world.agency_worker, referral.pk)
    assert view.content.fields_read == [] and not view.shows_referral_text


def test_overdue_across_a_weekend_and_public_holidays(world, sent):
    AcceptanceDeadline.objects.create(organisation_kind=world.agency.kind, working_days=2)
    referral = sent()
    # As if sent on Friday 1 May 2026, before Golden Week: two working days end on Friday 8 May.
    friday = datetime.date(2026, 5, 1)
    Referral.objects.filter(pk=referral.pk).update(accept_by=add_working_days(friday, 2))
    referral.refresh_from_db()
    assert referral.accept_by == datetime.date(2026, 5, 8)
    for day in range(2, 9):  # the holidays, the weekend and the deadline itself: not overdue
        assert services.mark_overdue_referrals(datetime.date(2026, 5, day)) == 0
    assert services.mark_overdue_referrals(datetime.date(2026, 5, 11)) == 1
    referral.refresh_from_db()
    assert referral.state == S.OVERDUE and referral.referrer_attention
    # Visible on both sides, and still answerable.
    assert selectors.referrals_sent_by(world.staff)[0] == referral
    assert selectors.referrals_received_by(world.agency_worker)[0].state == S.OVERDUE
    referral = services.accept_referral(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        worker=world.agency_worker,
    )
    assert referral.state == S.ACCEPTED
    assert [p for p in transitions(referral)][
        1
    ] == '{"from":"sent","to":"overdue","transition":"mark_overdue"}'


def test_send_reminders_tells_both_sides_of_an_overdue_referral(world, sent, capsys):
    from notifications.models import Kind, Notification

    referral = sent()
    Referral.objects.filter(pk=referral.pk).update(
        accept_by=timezone.localdate() - datetime.timedelta(days=3)
    )
    call_command("send_reminders")
    out = capsys.readouterr().out
    told = Notification.objects.filter(kind=Kind.REFERRAL_OVERDUE)
    assert {n.recipient.username for n in told} == {"demo_plaza", "demo_agency"}
    assert {n.link for n in told} == {f"/referrals/{referral.pk}/"}
    assert str(referral.pk) not in out and "佐々木" not in out and "demo_plaza" not in out
    referral.refresh_from_db()
    assert referral.state == S.OVERDUE


def test_overdue_reminders_read_the_same_few_rows_however_many_are_overdue(world, sent):
    late = timezone.localdate() - datetime.timedelta(days=3)
    first = sent()
    Referral.objects.filter(pk=first.pk).update(accept_by=late)
    services.mark_overdue_referrals()
    with CaptureQueriesContext(connection) as one:
        told = overdue_referrals(sender=None, today=timezone.localdate())
    assert {n.recipient.username for n in told} == {"demo_plaza", "demo_agency"}
    second = sent(recipient=world.anshin)
    Referral.objects.filter(pk=second.pk).update(accept_by=late)
    services.mark_overdue_referrals()
    with CaptureQueriesContext(connection) as two:
        told = overdue_referrals(sender=None, today=timezone.localdate())
    assert len(two.captured_queries) == len(one.captured_queries)
    # Only the second is news: the first was told today already.
    told = {(n.recipient.username, n.link.split("/")[2]) for n in told}
    assert told == {("anshin_worker", str(second.pk)), ("demo_plaza", str(second.pk))}


def test_the_case_moves_on_only_when_every_referral_is_settled(world, referred, sent):
    first = sent()
    second = sent(recipient=world.anshin)
    with pytest.raises(CaseRuleError, match="つなぎが終わっていません"):
        lifecycle.conclude(
            actor=world.staff, case=referred, expected_version=referred.version, outcome="watching"
        )
    assert len(lifecycle.blockers_of_conclusion(referred)) == 2
    services.decline_referral(
        actor=world.agency_worker, referral=first, expected_version=first.version, reason="x"
    )
    second = services.accept_referral(
        actor=world.anshin_worker,
        referral=second,
        expected_version=second.version,
        worker=world.anshin_worker,
    )
    assert len(lifecycle.blockers_of_conclusion(referred)) == 1
    services.complete_referral(
        actor=world.anshin_worker, referral=second, expected_version=second.version, outcome="金銭管理を開始"
    )
    assert lifecycle.blockers_of_conclusion(referred) == []
    referred.refresh_from_db()
    case = lifecycle.conclude(
        actor=world.staff, case=referred, expected_version=referred.version, outcome=CaseState.WATCHING
    )
    assert case.state == CaseState.WATCHING


def test_an_agency_sees_only_referrals_to_its_own_organisation(world, sent):
    to_agency = sent()
    to_anshin = sent(recipient=world.anshin)
    assert list(selectors.referrals_received_by(world.agency_worker)) == [to_agency]
    assert list(selectors.referrals_received_by(world.anshin_worker)) == [to_anshin]
    with pytest.raises(PermissionDenied):
        selectors.referral_for(world.agency_worker, to_anshin.pk)
    assert set(selectors.referrals_sent_by(world.staff)) == {to_agency, to_anshin}
    assert list(selectors.referrals_sent_by(world.agency_worker)) == []


def test_closing_the_case_withdraws_what_is_still_open_and_ends_the_agencys_sight(world, referred, sent):
    waiting = sent()
    done = sent(recipient=world.anshin)
    done = services.accept_referral(
        actor=world.anshin_worker, referral=done, expected_version=done.version, worker=world.anshin_worker
    )
    services.complete_referral(
        actor=world.anshin_worker, referral=done, expected_version=done.version, outcome="済"
    )
    services.decline_referral(
        actor=world.agency_worker, referral=waiting, expected_version=waiting.version, reason="x"
    )
    referred.refresh_from_db()
    case = lifecycle.conclude(
        actor=world.staff, case=referred, expected_version=referred.version, outcome=CaseState.WATCHING
    )
    # Watching the person, the plaza refers once more, then ends the watch before an answer.
    late = sent(recipient=world.agency)
    assert field_groups_for(world.agency_worker, case) == {"concern", "identity"}
    case = lifecycle.close(actor=world.staff, case=case, expected_version=case.version)
    late.refresh_from_db()
    assert late.state == S.WITHDRAWN
    assert late.messages.get().kind == ReferralMessage.Kind.WITHDRAW_REASON
    assert field_groups_for(world.agency_worker, case) == set()
    assert transitions(late)[-1] == '{"from":"sent","to":"withdrawn","transition":"withdraw"}'


@pytest.mark.parametrize(
    ("step", "text", "side"),
    [
        (services.ask_question, "question", "agency_worker"),
        (services.decline_referral, "reason", "agency_worker"),
        (services.withdraw_referral, "reason", "staff"),
    ],
)
def test_a_stranger_is_refused_before_the_text_is_read(world, sent, step, text, side):
    """Someone who may not take the step gets the refusal (audited), not "write the text"; the
    side that may is told what is missing."""
    referral = sent()
    denied = AuditEvent.objects.filter(event="case.denied").count()
    with pytest.raises(PermissionDenied):
        step(actor=world.anshin_worker, referral=referral, expected_version=referral.version, **{text: " "})
    assert AuditEvent.objects.filter(event="case.denied").count() == denied + 1
    with pytest.raises(CaseRuleError, match="書いてください"):
        step(actor=getattr(world, side), referral=referral, expected_version=referral.version, **{text: " "})
