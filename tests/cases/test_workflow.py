"""The case state machine walked through the services, as the roles that may take each step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import selectors
from cases.access import grant_access, has_case_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import AccessLevel, CaseAccessGrant, CaseState, Consent, MeetingKind
from cases.services import intake, lifecycle, meetings, sharing
from privacy.fields import ciphertexts_as_stored
from tests.screens import browser
from tests.workflow import decided, support_meeting, take


def events(case, code):
    return AuditEvent.objects.filter(case_id=str(case.pk), event=code)


def test_a_concern_reaches_the_plaza_inbox_and_the_commissioner_keeps_a_status_view(world, concern):
    case = concern()
    assert case.state == CaseState.NOTICED and case.lead_organisation is None
    assert list(selectors.inbox(world.staff)) == [case]
    assert list(selectors.inbox(world.other_staff)) == []  # another plaza's area
    assert list(selectors.inbox(world.agency_worker)) == []
    [own] = selectors.concerns_reported_by(world.commissioner)
    assert own.case == case and selectors.CommissionerStatus.of(own.case) == "受付済み"
    assert list(selectors.cases_visible_to(world.commissioner)) == []  # status only, never the case
    assert list(selectors.cases_visible_to(world.commissioner, "view_case_status")) == [case]
    assert events(case, "case.reported").count() == 1


def test_referral_path_through_consent_disclosure_meeting_and_decision(world, concern, soon):
    case = take(world, concern())
    assert (case.state, case.lead_organisation, case.version) == (CaseState.SHARING, world.plaza, 2)

    to_share, consent = (
        sharing.record_consent(
            actor=world.staff,
            case=case,
            purpose=purpose,
            recipients=[world.agency, world.anshin],
            method=Consent.Method.ORAL,
        )
        for purpose in (Consent.Purpose.SHARING, Consent.Purpose.MEETING)
    )
    disclosure = sharing.disclose(
        actor=world.staff,
        case=case,
        recipient=world.agency,
        field_groups=["identity", "concern"],
        legal_basis=world.basis["consent"],
        consent=to_share,
    )
    assert disclosure.consent == to_share
    assert case in selectors.cases_visible_to(world.agency_worker)

    meeting = meetings.schedule_meeting(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        kind=MeetingKind.MULTI_AGENCY,
        legal_basis=world.basis["consent"],
        consent=consent,
        scheduled_for=soon,
        attendees=[(world.staff, world.plaza), (world.anshin_worker, world.anshin)],
        agenda="見守りと受診の調整",
    )
    case.refresh_from_db()
    assert case.state == CaseState.TEAM_MEETING
    assert case not in selectors.cases_visible_to(world.anshin_worker)  # not before acknowledging
    meetings.acknowledge_confidentiality(actor=world.anshin_worker, meeting=meeting)
    assert case in selectors.cases_visible_to(world.anshin_worker)

    meetings.hold_meeting(
        actor=world.staff,
        meeting=meeting,
        expected_version=case.version,
        minutes="基幹相談支援センターにつなぐ。",
        decision=CaseState.REFERRED,
        reason="障害福祉サービスの検討が必要",
        action_items=[("受診同行", world.staff, datetime.date.today() + datetime.timedelta(days=7))],
    )
    case.refresh_from_db()
    case = lifecycle.decide(
        actor=world.staff, case=case, expected_version=case.version, outcome=CaseState.REFERRED
    )
    assert case.state == CaseState.REFERRED
    # Referred is not yet connected: the reporter hears つながりました once an agency accepts
    # (tests/referrals), or the case moves on to watching.
    assert selectors.CommissionerStatus.of(case) == "対応中"
    case = lifecycle.conclude(
        actor=world.staff, case=case, expected_version=case.version, outcome=CaseState.WATCHING
    )
    case = lifecycle.close(actor=world.staff, case=case, expected_version=case.version)
    assert case.state == CaseState.CLOSED and case.ended_at is not None
    case = lifecycle.reopen(actor=world.staff, case=case, expected_version=case.version)
    assert case.state == CaseState.SHARING and case.ended_at is None
    case = lifecycle.withdraw(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        reason="転居のため",
        kind="no_longer_needed",
    )
    assert case.state == CaseState.WITHDRAWN and case.withdrawal_reason == "転居のため"
    assert case.withdrawal_kind == "no_longer_needed"  # the indicators still count it
    transitions = [
        (e["from"], e["to"])
        for e in (
            __import__("json").loads(p)
            for p in events(case, "case.transitioned").values_list("params", flat=True)
        )
    ]
    assert transitions == [
        ("noticed", "sharing"),
        ("sharing", "team_meeting"),
        ("team_meeting", "referred"),
        ("referred", "watching"),
        ("watching", "closed"),
        ("closed", "sharing"),
        ("sharing", "withdrawn"),
    ]


@pytest.mark.parametrize("outcome", [CaseState.GUARDIANSHIP, CaseState.WATCHING, CaseState.CLOSED])
def test_every_decision_outcome(world, concern, soon, outcome):
    case = take(world, concern())
    meeting = meetings.schedule_meeting(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        kind=MeetingKind.SUPPORT_MEETING,
        legal_basis=world.basis["swa-106-6"],
        reference="はまかぜ区支援会議 第3回",
        scheduled_for=soon,
        attendees=[(world.staff, world.plaza)],
    )
    case.refresh_from_db()
    with pytest.raises(CaseRuleError, match="議事録と決定"):
        lifecycle.decide(actor=world.staff, case=case, expected_version=case.version, outcome=outcome)
    meetings.hold_meeting(
        actor=world.staff,
        meeting=meeting,
        expected_version=case.version,
        minutes="検討した",
        decision=outcome,
        reason="理由",
    )
    case.refresh_from_db()
    other = CaseState.CLOSED if outcome != CaseState.CLOSED else CaseState.WATCHING
    with pytest.raises(CaseRuleError, match="異なります"):
        lifecycle.decide(actor=world.staff, case=case, expected_version=case.version, outcome=other)
    case = lifecycle.decide(actor=world.staff, case=case, expected_version=case.version, outcome=outcome)
    assert case.state == outcome


def test_urgent_escalation_makes_the_ward_office_lead_at_once_and_first_in_its_inbox(world, concern):
    routine = take(world, concern())
    lifecycle.withdraw(
        actor=world.staff, case=routine, expected_version=routine.version, reason="重複", kind="in_error"
    )
    older = concern()
    urgent = concern(urgency="urgent", categories=["elder_abuse"])
    with pytest.raises(CaseRuleError, match="同意以外"):
        intake.escalate_urgent(
            actor=world.staff,
            case=urgent,
            expected_version=urgent.version,
            ward_office=world.ward,
            legal_basis=world.basis["consent"],
        )
    case = intake.escalate_urgent(
        actor=world.staff,
        case=urgent,
        expected_version=urgent.version,
        ward_office=world.ward,
        legal_basis=world.basis["elder-abuse-7"],
    )
    assert (case.state, case.lead_organisation, case.urgent) == (CaseState.SHARING, world.ward, True)
    inbox = list(selectors.inbox(world.ward_worker))
    assert inbox[0] == case
    assert older not in inbox  # the ward sees what it leads, not every plaza's intake
    # The plaza still has its own intake, below the urgent case it contributes to, led by the ward.
    assert list(selectors.inbox(world.staff))[:2] == [case, older]
    assert case in selectors.cases_visible_to(world.staff)  # and keeps contributing to the urgent one
    assert events(case, "case.disclosed").count() == 1


def test_stale_versions_are_conflicts_not_lost_updates(world, concern):
    case = concern()
    stale = case.version
    take(world, case)
    with pytest.raises(Conflict) as conflict:
        lifecycle.withdraw(
            actor=world.staff,
            case=case,
            expected_version=stale,
            reason="古い画面から",
            kind="no_longer_needed",
        )
    assert "他の人が先に" in str(conflict.value)
    case.refresh_from_db()
    assert case.state == CaseState.SHARING


def test_sharing_needs_consent_that_covers_it_or_a_legal_basis_the_organisation_may_invoke(world, concern):
    case = take(world, concern())
    kwargs = {"actor": world.staff, "case": case, "recipient": world.agency, "field_groups": ["identity"]}
    with pytest.raises(CaseRuleError, match="同意の記録を選んでください"):
        sharing.disclose(**kwargs, legal_basis=world.basis["consent"])
    only_anshin = sharing.record_consent(
        actor=world.staff,
        case=case,
        purpose=Consent.Purpose.SHARING,
        recipients=[world.anshin],
        method="written",
    )
    with pytest.raises(CaseRuleError, match="共有先に含まれていない組織があります"):
        sharing.disclose(**kwargs, legal_basis=world.basis["consent"], consent=only_anshin)
    with pytest.raises(CaseRuleError, match="用いることのできる根拠ではありません"):
        sharing.disclose(
            **kwargs, legal_basis=world.basis["appi-69-2-3"], reference="区の照会"
        )  # public bodies only
    with pytest.raises(CaseRuleError, match="参照"):
        sharing.disclose(**kwargs, legal_basis=world.basis["appi-27-1-2"])
    assert not case.disclosures.exists()
    assert case not in selectors.cases_visible_to(world.agency_worker)
    sharing.disclose(
        **kwargs, legal_basis=world.basis["appi-27-1-2"], reference="食事がとれていない。本人の判断が難しい"
    )
    assert case in selectors.cases_visible_to(world.agency_worker)


def test_withdrawn_consent_blocks_new_sharing_and_ends_the_access_it_gave(world, concern):
    case = take(world, concern())
    consent = sharing.record_consent(
        actor=world.staff,
        case=case,
        purpose=Consent.Purpose.SHARING,
        recipients=[world.agency],
        method="oral",
    )
    sharing.disclose(
        actor=world.staff,
        case=case,
        recipient=world.agency,
        field_groups=["identity"],
        legal_basis=world.basis["consent"],
        consent=consent,
    )
    assert case in selectors.cases_visible_to(world.agency_worker)
    sharing.withdraw_consent(actor=world.staff, consent=consent)
    assert case not in selectors.cases_visible_to(world.agency_worker)
    assert CaseAccessGrant.objects.get(consent=consent).revoked_at is not None
    consent.refresh_from_db()
    with pytest.raises(CaseRuleError, match="撤回"):
        sharing.disclose(
            actor=world.staff,
            case=case,
            recipient=world.agency,
            field_groups=["identity"],
            legal_basis=world.basis["consent"],
            consent=consent,
        )


def test_meetings_need_the_right_ground(world, concern, soon):
    case = take(world, concern())
    common = {"actor": world.staff, "case": case, "scheduled_for": soon}
    with pytest.raises(CaseRuleError, match="同意が必要"):
        meetings.schedule_meeting(
            **common,
            expected_version=case.version,
            kind=MeetingKind.MULTI_AGENCY,
            legal_basis=world.basis["consent"],
            attendees=[(world.agency_worker, world.agency)],
        )
    consent = sharing.record_consent(
        actor=world.staff,
        case=case,
        purpose=Consent.Purpose.MEETING,
        recipients=[world.anshin],
        method="written",
    )
    with pytest.raises(CaseRuleError, match="共有先に含まれていない組織があります"):
        meetings.schedule_meeting(
            **common,
            expected_version=case.version,
            kind=MeetingKind.INDIVIDUAL_CASE,
            legal_basis=world.basis["consent"],
            consent=consent,
            attendees=[(world.agency_worker, world.agency)],
        )
    case.refresh_from_db()
    assert case.state == CaseState.SHARING and not case.meetings.exists()
    # A 支援会議 may discuss the person before they consent; its attendees see only after acknowledging.
    meeting = meetings.schedule_meeting(
        **common,
        expected_version=case.version,
        kind=MeetingKind.SUPPORT_MEETING,
        legal_basis=world.basis["swa-106-6"],
        reference="第3回",
        attendees=[(world.agency_worker, world.agency)],
    )
    case.refresh_from_db()
    with pytest.raises(CaseRuleError, match="守秘義務の確認"):
        meetings.hold_meeting(
            actor=world.staff,
            meeting=meeting,
            expected_version=case.version,
            minutes="m",
            decision="watching",
            reason="r",
        )
    meetings.acknowledge_confidentiality(actor=world.agency_worker, meeting=meeting)
    grant = CaseAccessGrant.objects.get(case=case, user=world.agency_worker)
    assert grant.expires_at == meeting.access_until  # time-boxed


def test_time_boxed_access_ends_by_itself(world, concern, soon):
    case = take(world, concern())
    meeting = support_meeting(world, case, soon, attendees=[(world.agency_worker, world.agency)])
    meetings.acknowledge_confidentiality(actor=world.agency_worker, meeting=meeting)
    assert case in selectors.cases_visible_to(world.agency_worker)
    assert has_case_permission(world.agency_worker, case, "view_case")
    CaseAccessGrant.objects.filter(user=world.agency_worker).update(expires_at=timezone.now())
    # The permission check itself notices the expired grant, revokes it and refuses.
    assert not has_case_permission(world.agency_worker, case, "view_case")
    assert events(case, "case.access_revoked").filter(params__contains='"expired"').count() == 1
    assert case not in selectors.cases_visible_to(world.agency_worker)


def test_a_refused_transition_changes_nothing_and_its_refusal_is_recorded(world, concern):
    case = take(world, concern())
    with pytest.raises(PermissionDenied):
        lifecycle.withdraw(
            actor=world.other_staff,
            case=case,
            expected_version=case.version,
            reason="誤登録",
            kind="in_error",
        )
    with pytest.raises(PermissionDenied):  # a wrong version changes nothing for a stranger either
        lifecycle.withdraw(
            actor=world.other_staff, case=case, expected_version=99, reason="誤登録", kind="in_error"
        )
    fresh = type(case).objects.get(pk=case.pk)
    assert (fresh.state, fresh.version) == (case.state, case.version)
    assert events(case, "case.denied").count() == 2
    assert not events(case, "case.transitioned").filter(params__contains='"withdraw"').exists()


def test_a_transition_writes_what_it_changed_sealed_versioned_and_stamped(world, concern):
    case = take(world, concern())
    before = type(case).objects.get(pk=case.pk)
    lifecycle.withdraw(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        reason="転居のため",
        kind="no_longer_needed",
    )
    stored = type(case).objects.get(pk=case.pk)  # read back: not the object the service returned
    assert (stored.state, stored.version) == (CaseState.WITHDRAWN, before.version + 1)
    assert stored.updated_at > before.updated_at and stored.ended_at is not None
    assert stored.withdrawal_reason == "転居のため"
    with ciphertexts_as_stored():
        sealed = bytes(type(case).objects.get(pk=case.pk).withdrawal_reason)
    assert "転居".encode() not in sealed


def test_a_transition_never_honours_an_expired_grant_and_revokes_it_for_good(world, concern):
    case = take(world, concern())
    helper = world.other_staff
    grant_access(
        case=case,
        granted_by=world.staff,
        user=helper,
        level=AccessLevel.LEAD,
        reason=CaseAccessGrant.Reason.OWNER,
    )
    helper = type(helper).objects.get(pk=helper.pk)
    CaseAccessGrant.objects.filter(user=helper).update(expires_at=timezone.now())
    with pytest.raises(PermissionDenied):
        lifecycle.withdraw(
            actor=helper, case=case, expected_version=case.version, reason="誤登録", kind="in_error"
        )
    # The revocation stands although the transition was refused (and rolled back).
    assert not CaseAccessGrant.objects.filter(user=helper, revoked_at__isnull=True).exists()
    assert events(case, "case.access_revoked").filter(params__contains='"expired"').count() == 1
    assert events(case, "case.denied").count() == 1
    assert type(case).objects.get(pk=case.pk).state == case.state


def test_break_glass_is_reasoned_time_limited_audited_and_reviewed(world, concern):
    case = take(world, concern())
    with pytest.raises(PermissionDenied):
        sharing.open_break_glass(actor=world.staff, case=case, reason="理由は十分に長く書いてあります")
    with pytest.raises(CaseRuleError, match="10文字以上"):
        sharing.open_break_glass(actor=world.ward_worker, case=case, reason="急ぎ")
    access = sharing.open_break_glass(
        actor=world.ward_worker, case=case, reason="夜間に救急搬送。家族の連絡先が必要"
    )
    assert case in selectors.cases_visible_to(world.ward_worker)
    assert access.grant.expires_at <= timezone.now() + datetime.timedelta(hours=4)
    assert events(case, "case.break_glass").count() == 1
    with pytest.raises(PermissionDenied):
        sharing.review_break_glass(actor=world.ward_worker, access=access, finding="appropriate")
    sharing.review_break_glass(actor=world.privacy, access=access, finding="appropriate")
    access.refresh_from_db()
    assert (access.reviewed_by, access.finding) == (world.privacy, "appropriate")


def test_the_reporter_may_withdraw_their_own_concern_before_intake_only(world, concern):
    case = concern()
    case = lifecycle.withdraw(
        actor=world.commissioner,
        case=case,
        expected_version=case.version,
        reason="勘違いでした",
        kind="in_error",
    )
    assert case.state == CaseState.WITHDRAWN
    taken = take(world, concern())
    with pytest.raises(PermissionDenied):
        lifecycle.withdraw(
            actor=world.commissioner,
            case=taken,
            expected_version=taken.version,
            reason="取り下げたい",
            kind="no_longer_needed",
        )


def test_the_remaining_paths_guardianship_to_closed_and_closed_reopened(world, concern, soon):
    case = decided(world, take(world, concern()), CaseState.GUARDIANSHIP, soon)
    # The decision opened a matter with the guardianship centre; the case waits for it.
    from guardianship import services as guardianship
    from guardianship.models import GuardianshipMatter

    matter = GuardianshipMatter.objects.get(case=case)
    assert matter.centre == world.centre
    with pytest.raises(CaseRuleError, match="権利擁護・成年後見の案件が進行中"):
        lifecycle.conclude(
            actor=world.staff, case=case, expected_version=case.version, outcome=CaseState.CLOSED
        )
    matter = guardianship.start_assessment(
        actor=world.coordinator, matter=matter, expected_version=matter.version
    )
    guardianship.choose_alternative(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        alternative="anshin",
        reason="あんしんセンターの金銭管理で足りる",
    )
    case = lifecycle.conclude(
        actor=world.staff, case=case, expected_version=case.version, outcome=CaseState.CLOSED
    )
    assert case.state == CaseState.CLOSED and case.ended_at is not None
    case = lifecycle.reopen(actor=world.staff, case=case, expected_version=case.version)
    assert case.state == CaseState.SHARING
    with pytest.raises(CaseRuleError, match="今の状態"):
        lifecycle.close(actor=world.staff, case=case, expected_version=case.version)


def test_conclusion_waits_for_what_holds_the_case(world, concern, soon):
    from cases.signals import conclusion_blockers

    case = decided(world, take(world, concern()), CaseState.REFERRED, soon)

    def open_referral(sender, case, **kwargs):
        return ["つなぎ先の対応が終わっていません。"]

    conclusion_blockers.connect(open_referral)
    try:
        with pytest.raises(CaseRuleError, match="つなぎ先の対応"):
            lifecycle.conclude(
                actor=world.staff, case=case, expected_version=case.version, outcome=CaseState.WATCHING
            )
    finally:
        conclusion_blockers.disconnect(open_referral)
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED


def test_the_timeline_places_a_consent_when_it_was_recorded(world, concern):
    case = take(world, concern())
    sharing.record_consent(
        actor=world.staff,
        case=case,
        purpose=Consent.Purpose.SHARING,
        recipients=[world.agency],
        method=Consent.Method.ORAL,
        obtained_on=timezone.localdate(),
    )
    whats = [str(entry["what"]) for entry in selectors.case_page(world.staff, case.pk).timeline]
    assert whats[0] == "気付き受付" and whats[-1] == f"同意（{timezone.localdate():%Y-%m-%d} に取得）"


def test_a_withdrawal_says_whether_the_case_was_registered_in_error(world, concern):
    case = take(world, concern())
    for kind in ("", "mistake"):
        with pytest.raises(CaseRuleError) as refused:
            lifecycle.withdraw(
                actor=world.staff, case=case, expected_version=case.version, reason="重複", kind=kind
            )
        assert refused.value.code == "kind_required"
    case.refresh_from_db()
    assert case.state != CaseState.WITHDRAWN and case.withdrawal_kind == ""
    response = browser(world.staff).post(
        reverse("cases:case_withdraw", args=[case.pk]), {"version": case.version, "reason": "重複"}
    )
    html = response.content.decode()
    assert "この項目は必須です。" in html and "重複</textarea>" in html  # kept as typed
    case.refresh_from_db()
    assert case.state != CaseState.WITHDRAWN
    browser(world.staff).post(
        reverse("cases:case_withdraw", args=[case.pk]),
        {"version": case.version, "reason": "重複", "kind": "in_error"},
    )
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN and case.withdrawal_kind == "in_error"
