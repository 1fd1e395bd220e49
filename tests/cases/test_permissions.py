"""The permission matrix: for every role and every case action, exactly the allowed ones succeed,
and every refusal is recorded in the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from cases import selectors
from cases.access import has_case_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import CaseAccessGrant, Consent, MeetingKind
from cases.services import intake, lifecycle, meetings, sharing
from tests.workflow import support_meeting

OUTSIDERS = ["commissioner", "other_staff", "ward_worker", "coordinator", "agency_worker", "privacy", "admin"]


def actions(world, case, soon):
    """Every write a case can take after intake, as a callable of the actor."""
    return {
        "record_consent": lambda a: sharing.record_consent(
            actor=a, case=case, purpose=Consent.Purpose.SHARING, recipients=[world.agency], method="oral"
        ),
        "disclose": lambda a: sharing.disclose(
            actor=a,
            case=case,
            recipient=world.agency,
            field_groups=["identity"],
            legal_basis=world.basis["appi-27-1-2"],
            reference="急を要する",
        ),
        "schedule_meeting": lambda a: meetings.schedule_meeting(
            actor=a,
            case=case,
            expected_version=case.version,
            kind=MeetingKind.SUPPORT_MEETING,
            legal_basis=world.basis["swa-106-6"],
            reference="第3回",
            scheduled_for=soon,
            attendees=[],
        ),
        "withdraw": lambda a: lifecycle.withdraw(
            actor=a, case=case, expected_version=case.version, reason="理由", kind="no_longer_needed"
        ),
        "reopen": lambda a: lifecycle.reopen(actor=a, case=case, expected_version=case.version),
        "close": lambda a: lifecycle.close(actor=a, case=case, expected_version=case.version),
    }


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_but_the_lead_organisation_may_act_on_a_case(world, concern, soon, who):
    case = intake.accept_intake(actor=world.staff, case=concern(), expected_version=1)
    actor = getattr(world, who)
    if who == "admin":
        actor.is_superuser = True  # even a superuser has no implicit access to personal data
        actor.save()
    for name, act in actions(world, case, soon).items():
        before = AuditEvent.objects.filter(event="case.denied").count()
        with pytest.raises(PermissionDenied):
            act(actor)
        denied = AuditEvent.objects.filter(event="case.denied").order_by("-sequence").first()
        assert AuditEvent.objects.filter(event="case.denied").count() == before + 1, name
        assert (denied.actor_id, denied.case_id) == (actor.pk, str(case.pk))
    assert case not in selectors.cases_visible_to(actor)
    with pytest.raises(PermissionDenied):
        selectors.case_for(actor, case.pk)


def test_minutes_are_recorded_by_the_lead_only_under_the_version_seen(world, concern, soon):
    """hold_meeting checks and locks the case as transitions do: an attendee or outsider is refused
    (the refusal audited) before any rule is tried, a stale version is a conflict, and a refused
    or failed attempt records nothing."""
    case = intake.accept_intake(actor=world.staff, case=concern(), expected_version=1)
    meeting = support_meeting(world, case, soon, attendees=[(world.agency_worker, world.agency)])
    meetings.acknowledge_confidentiality(actor=world.agency_worker, meeting=meeting)
    case.refresh_from_db()
    seen = case.version

    def hold(actor, version=seen, minutes="議事録"):
        return meetings.hold_meeting(
            actor=actor,
            meeting=meeting,
            expected_version=version,
            minutes=minutes,
            decision="watching",
            reason="理由",
        )

    for who in ["agency_worker", "other_staff", "commissioner"]:
        denied = AuditEvent.objects.filter(event="case.denied", actor_id=getattr(world, who).pk).count()
        with pytest.raises(PermissionDenied):
            hold(getattr(world, who), minutes="")  # refused before the minutes are looked at
        assert (
            AuditEvent.objects.filter(event="case.denied", actor_id=getattr(world, who).pk).count()
            == denied + 1
        )
    with pytest.raises(Conflict):
        hold(world.staff, version=seen - 1)
    with pytest.raises(CaseRuleError, match="議事録を入力"):
        hold(world.staff, minutes=" ")
    meeting.refresh_from_db()
    assert meeting.held_at is None and not meeting.decisions.exists()
    assert hold(world.staff).held_at is not None
    case.refresh_from_db()
    assert (case.version, case.state) == (seen + 1, "team_meeting")


def test_intake_is_for_the_plaza_of_the_area_only(world, concern):
    case = concern()
    for who in [
        "commissioner",
        "other_staff",
        "ward_worker",
        "coordinator",
        "agency_worker",
        "privacy",
        "admin",
    ]:
        with pytest.raises(PermissionDenied):
            intake.accept_intake(actor=getattr(world, who), case=case, expected_version=case.version)
    assert (
        intake.accept_intake(actor=world.staff, case=case, expected_version=case.version).state == "sharing"
    )


def test_seeing_a_concern_is_not_receiving_it(world, concern):
    """A ward caseworker who opened it in an emergency may read it, but did not receive it for
    intake: taking it is refused and changes nothing."""
    case = concern()
    sharing.open_break_glass(actor=world.ward_worker, case=case, reason="夜間に救急搬送。家族の連絡先が必要")
    intake_grants = set(CaseAccessGrant.objects.filter(case=case, reason="intake", revoked_at=None))
    with pytest.raises(CaseRuleError, match="受付機関ではありません"):
        intake.accept_intake(actor=world.ward_worker, case=case, expected_version=case.version)
    case.refresh_from_db()
    assert (case.state, case.lead_organisation_id) == ("noticed", None)
    assert set(CaseAccessGrant.objects.filter(case=case, reason="intake", revoked_at=None)) == intake_grants
    assert has_case_permission(world.staff, case, "view_case")


def test_an_organisation_sees_nothing_before_its_disclosure_and_exactly_the_groups_disclosed(world, concern):
    from cases.access import field_groups_for

    case = intake.accept_intake(actor=world.staff, case=concern(), expected_version=1)
    assert field_groups_for(world.agency_worker, case) == set()
    assert case not in selectors.cases_visible_to(world.agency_worker)
    sharing.disclose(
        actor=world.staff,
        case=case,
        recipient=world.agency,
        field_groups=["identity", "concern"],
        legal_basis=world.basis["appi-27-1-2"],
        reference="急を要する",
    )
    assert case in selectors.cases_visible_to(world.agency_worker)
    assert field_groups_for(world.agency_worker, case) == {"identity", "concern"}
    assert "finances" in field_groups_for(world.staff, case)  # the lead sees every group
    assert case not in selectors.cases_visible_to(world.anshin_worker)  # another agency still nothing


def test_a_commissioner_reaches_neither_identity_nor_minutes_through_the_web(world, concern):
    case = concern()
    client = Client()
    client.force_login(world.commissioner)
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 403
    assert "佐々木" not in response.content.decode()
    assert AuditEvent.objects.filter(event="case.denied", actor=world.commissioner).exists()


def test_an_outsider_is_refused_before_the_input_is_read(world, concern, soon):
    """An empty reason or an unknown meeting kind from someone who may not act is refused (audited),
    not answered with what the input lacked; the lead is told what it lacked."""
    case = intake.accept_intake(actor=world.staff, case=concern(), expected_version=1)
    steps = {
        "withdraw": lambda a: lifecycle.withdraw(
            actor=a, case=case, expected_version=case.version, reason=" ", kind="in_error"
        ),
        "schedule_meeting": lambda a: meetings.schedule_meeting(
            actor=a,
            case=case,
            expected_version=case.version,
            kind="no_such_kind",
            legal_basis=world.basis["swa-106-6"],
            scheduled_for=soon,
            attendees=[],
        ),
    }
    for name, step in steps.items():
        before = AuditEvent.objects.filter(event="case.denied").count()
        with pytest.raises(PermissionDenied):
            step(world.other_staff)
        assert AuditEvent.objects.filter(event="case.denied").count() == before + 1, name
        with pytest.raises(CaseRuleError):
            step(world.staff)
