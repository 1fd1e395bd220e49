"""The guardianship matter walked through the services, as the centre's coordinator."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.verify import verify_chain
from cases.access import field_groups_for, has_case_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import CaseAccessGrant, CaseState
from cases.services import lifecycle
from guardianship import selectors, services
from guardianship.models import Appointment, GuardianCandidate, MatchProposal, MonitoringReport
from guardianship.vocabulary import MatterState
from tests.guardianship.conftest import advance, matched, to_matching
from tests.screens import browser, page
from tests.workflow import opened_days_ago

S = MatterState
P = MatchProposal.Status


def states(matter):
    """(from, to) of each transition of the matter, from its audit events."""
    events = AuditEvent.objects.filter(target_id=str(matter.pk), event="guardianship.transitioned")
    return [
        (p["from"], p["to"])
        for p in (json.loads(e) for e in events.order_by("sequence").values_list("params", flat=True))
    ]


def test_from_decision_to_a_citizen_guardian_in_the_team_and_a_replacement(world, matter, candidate):
    guardian_user = world.demo.users["demo_commissioner"].__class__.objects.create(username="guardian_user")
    citizen = candidate("citizen", user=guardian_user)
    candidate("social_worker")
    assert matter.state == S.INTAKE and matter.centre == world.centre

    matter = advance(world, matter, "start_assessment")
    matter = services.record_assessment(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        capacity_concerns="契約の内容を覚えていないことが増えた",
        wishes="自宅で暮らし続けたい",
        wishes_supported_by="地域ケアプラザの社会福祉士",
        wishes_how="写真と図で説明し、二回に分けて聞いた",
    )
    assert matter.wishes == "自宅で暮らし続けたい"
    matter, chosen = matched(world, matter)
    assert chosen == citizen  # stable matter, same district, lighter load: the citizen guardian first
    matter = opened_days_ago(matter, 120)
    matter = services.file_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        filed_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    assert matter.state == S.FILED
    # The case waits for the matter until a guardian is appointed.
    case = matter.case
    case.refresh_from_db()
    with pytest.raises(CaseRuleError, match="権利擁護"):
        lifecycle.conclude(actor=world.staff, case=case, expected_version=case.version, outcome="watching")

    matter = services.record_ruling(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=True,
        ruled_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    assert matter.state == S.APPOINTED
    appointment = matter.appointments.get()
    assert appointment.candidate == citizen and appointment.type == "guardianship"
    citizen.refresh_from_db()
    assert citizen.caseload == 1
    # The guardian joins the team with limited access.
    assert has_case_permission(guardian_user, case, "view_case")
    assert not has_case_permission(guardian_user, case, "change_case")
    assert field_groups_for(guardian_user, case) == {"identity", "contact", "guardianship"}
    report = MonitoringReport.objects.get(appointment=appointment)
    assert report.due_on == timezone.localdate() - datetime.timedelta(days=10) + datetime.timedelta(days=30)
    # The appointment makes them a guardian: their home offers the report (read with their ids).
    assert selectors.is_appointed_guardian(type(guardian_user).objects.get(pk=guardian_user.pk))
    home = page(browser(guardian_user).get(reverse("home")))
    assert "提出する後見活動の報告" in home

    matter = advance(world, matter, "start_support")
    case.refresh_from_db()
    case = lifecycle.conclude(actor=world.staff, case=case, expected_version=case.version, outcome="watching")
    assert case.state == CaseState.WATCHING

    # The guardian files the report; a complaint comes in; the guardian is replaced.
    services.submit_report(actor=guardian_user, report=report, summary="財産目録を作成した")
    complaint = services.record_complaint(
        actor=world.coordinator,
        matter=matter,
        complainant_kind="relative",
        category="unreachable",
        details="連絡がとれないと長男から",
    )
    services.close_complaint(
        actor=world.coordinator,
        complaint=complaint,
        handling="後見人と面談",
        outcome="交代を家庭裁判所に相談",
    )
    matter = advance(world, matter, "request_replacement", reason="resigned", note="後見人が転居のため辞任")
    assert matter.state == S.CANDIDATE_MATCHING
    appointment.refresh_from_db()
    assert (appointment.ended_on is not None, appointment.end_reason) == (
        True,
        Appointment.EndReason.REPLACED,
    )
    assert not has_case_permission(guardian_user, case, "view_case")
    assert not selectors.is_appointed_guardian(type(guardian_user).objects.get(pk=guardian_user.pk))
    citizen.refresh_from_db()
    assert citizen.caseload == 0
    # The replacement keeps the history: the old appointment, its petition and the complaint.
    assert (
        matter.appointments.count() == 1 and matter.petitions.count() == 2 and matter.complaints.count() == 1
    )
    assert services.current_petition(matter).documents_ready  # the documents carried over
    assert states(matter)[-1] == ("supporting", "candidate_matching")
    assert verify_chain().ok


def test_alternative_support_and_dismissal_paths(world, matter, concern, soon, candidate):
    matter = advance(world, matter, "start_assessment")
    with pytest.raises(CaseRuleError, match="理由"):
        services.choose_alternative(
            actor=world.coordinator,
            matter=matter,
            expected_version=matter.version,
            alternative="anshin",
            reason=" ",
        )
    matter = services.choose_alternative(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        alternative="voluntary",
        reason="本人が任意後見契約を希望",
    )
    matter = advance(world, matter, "end_matter", reason="alternative")
    assert matter.state == S.ENDED and matter.ended_at is not None and matter.end_reason == "alternative"

    from guardianship.models import GuardianshipMatter
    from tests.workflow import decided, take

    other = decided(world, take(world, concern(identity={"name": "別人 一郎"})), CaseState.GUARDIANSHIP, soon)
    second = GuardianshipMatter.objects.get(case=other)
    candidate("lawyer")
    second, _chosen = matched(world, second)
    today = timezone.localdate()
    # Filed before the centre opened the matter, or on a day still to come: refused.
    for filed_on, code in [
        (today - datetime.timedelta(days=1), "filed_before_opening"),
        (today + datetime.timedelta(days=1), "filed_in_future"),
    ]:
        with pytest.raises(CaseRuleError) as refused:
            services.file_petition(
                actor=world.coordinator, matter=second, expected_version=second.version, filed_on=filed_on
            )
        assert refused.value.code == code
    second = opened_days_ago(second, 90)
    second = services.file_petition(
        actor=world.coordinator,
        matter=second,
        expected_version=second.version,
        filed_on=today - datetime.timedelta(days=60),
    )
    for ruled_on, code in [
        (today - datetime.timedelta(days=61), "ruling_before_filing"),
        (today + datetime.timedelta(days=1), "ruled_in_future"),
    ]:
        with pytest.raises(CaseRuleError, match="審判日") as refused:
            services.record_ruling(
                actor=world.coordinator,
                matter=second,
                expected_version=second.version,
                appointed=False,
                ruled_on=ruled_on,
            )
        assert refused.value.code == code
    second = services.record_ruling(
        actor=world.coordinator,
        matter=second,
        expected_version=second.version,
        appointed=False,
        ruled_on=today,
    )
    assert second.state == S.DISMISSED and not second.appointments.exists()
    assert advance(world, second, "end_matter", reason="dismissed").state == S.ENDED


def test_filing_needs_every_document_and_a_candidate_who_agreed(world, matter, candidate):
    candidate("citizen")
    matter = to_matching(world, matter)
    petition = services.current_petition(matter)
    services.update_document(
        actor=world.coordinator, petition=petition, kind="medical_certificate", status="requested"
    )
    with pytest.raises(CaseRuleError, match="診断書"):
        services.file_petition(
            actor=world.coordinator,
            matter=matter,
            expected_version=matter.version,
            filed_on=timezone.localdate(),
        )
    services.update_document(
        actor=world.coordinator, petition=petition, kind="medical_certificate", status="received"
    )
    with pytest.raises(CaseRuleError, match="内諾"):
        services.file_petition(
            actor=world.coordinator,
            matter=matter,
            expected_version=matter.version,
            filed_on=timezone.localdate(),
        )
    matter.refresh_from_db()
    assert matter.state == S.CANDIDATE_MATCHING


def test_a_refusal_asks_the_next_proposal(world, matter, candidate):
    for kind in ("citizen", "social_worker", "corporate"):
        candidate(kind)
    matter = to_matching(world, matter)
    meeting = services.schedule_matching_meeting(
        actor=world.coordinator,
        matters=[matter],
        scheduled_for=datetime.datetime(2026, 12, 3, 5, 0, tzinfo=datetime.UTC),
    )
    first, second, _third = meeting.items.get().proposals.order_by("rank")
    services.choose_candidate(actor=world.coordinator, proposal=first, reason="第一候補")
    with pytest.raises(CaseRuleError, match="既に候補者を選んで"):
        services.choose_candidate(actor=world.coordinator, proposal=second, reason="二重")
    services.record_candidate_answer(actor=world.coordinator, proposal=first, accepted=False)
    statuses = dict(MatchProposal.objects.filter(item__meeting=meeting).values_list("rank", "status"))
    assert statuses == {1: P.REFUSED, 2: P.SELECTED, 3: P.PROPOSED}
    services.record_candidate_answer(actor=world.coordinator, proposal=second, accepted=True)
    statuses = dict(MatchProposal.objects.filter(item__meeting=meeting).values_list("rank", "status"))
    assert statuses == {1: P.REFUSED, 2: P.ACCEPTED, 3: P.NOT_SELECTED}
    assert services.accepted_proposal(matter).candidate == second.candidate


def test_nobody_but_the_centre_moves_a_matter_and_refusals_are_audited(world, matter, candidate):
    outsiders = [
        world.staff,
        world.other_staff,
        world.agency_worker,
        world.commissioner,
        world.privacy,
        world.admin,
    ]
    for who in outsiders:
        for step, values in (
            ("start_assessment", {}),
            ("form_team", {}),
            ("end_matter", {"reason": "withdrawn"}),
        ):
            with pytest.raises(PermissionDenied):
                getattr(services, step)(actor=who, matter=matter, expected_version=matter.version, **values)
        with pytest.raises(PermissionDenied):
            selectors.matter_for(who, matter.pk)
        with pytest.raises(PermissionDenied):
            services.register_candidate(actor=who, kind="lawyer", name="x", max_caseload=1)
    denied = AuditEvent.objects.filter(event="case.denied", case_id=str(matter.case_id)).count()
    assert denied == len(outsiders) * 4
    assert not GuardianCandidate.objects.exists()
    matter.refresh_from_db()
    assert matter.state == S.INTAKE and matter.version == 1
    with pytest.raises(Conflict):
        services.start_assessment(actor=world.coordinator, matter=matter, expected_version=0)


def test_the_centre_reads_only_what_the_case_disclosed_to_it(world, matter):
    overview = selectors.matter_for(world.coordinator, matter.pk)
    assert [name for name in overview.content.fields_read] == ["name", "kana", "birth_date"]
    assert overview.content.concerns == [] and overview.content.meetings == []
    # Not the case page itself: a disclosure is view access with the disclosed groups only.
    assert field_groups_for(world.coordinator, matter.case) == {"identity", "guardianship"}
    grants = CaseAccessGrant.objects.filter(
        case=matter.case, organisation=world.centre, revoked_at__isnull=True
    )
    assert {g.reason for g in grants} == {"disclosure"}


def test_send_reminders_tells_the_centre_of_a_guardian_report_due(world, matter, candidate, capsys):
    from notifications.models import Kind, Notification

    candidate("citizen")
    matter, _chosen = matched(world, matter)
    matter = opened_days_ago(matter, 700)  # the first report long overdue
    matter = services.file_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        filed_on=timezone.localdate() - datetime.timedelta(days=690),
    )
    services.record_ruling(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=True,
        ruled_on=timezone.localdate() - datetime.timedelta(days=670),
    )
    call_command("send_reminders")
    out = capsys.readouterr().out
    (told,) = Notification.objects.filter(kind=Kind.GUARDIAN_REPORT_DUE)  # the citizen has no account
    assert told.recipient == world.coordinator and told.link == f"/guardianship/matters/{matter.pk}/"
    assert f"{Kind.GUARDIAN_REPORT_DUE.label}: 1" in out
    assert "佐々木" not in out and "demo_coordinator" not in out
    # supporting → ended closes the appointment and frees the guardian's place.
    matter = advance(world, matter, "start_support")
    matter = advance(world, matter, "end_matter", reason="died")
    appointment = matter.appointments.get()
    assert matter.state == S.ENDED and appointment.end_reason == Appointment.EndReason.MATTER_ENDED
    assert GuardianCandidate.objects.get(pk=appointment.candidate_id).caseload == 0


def test_the_centres_report_counts_every_matter_of_a_state(world, matter, other_matter):
    """Two matters in intake are two (the grouped count once kept the list's ordering, and each
    matter was a group of its own: the report said 1)."""
    report = selectors.centre_report(world.coordinator)
    assert dict(report.matters_by_state)["受付"] == 2
    assert sum(n for _label, n in report.matters_by_state) == 2


def test_the_centres_report(world, matter, candidate):
    candidate("citizen")
    candidate("lawyer", max_caseload=10, caseload=4)
    matter, _chosen = matched(world, matter)
    matter = opened_days_ago(matter, 150)
    opened = matter.opened_at.date()
    matter = services.file_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        filed_on=opened + datetime.timedelta(days=40),
    )
    services.record_ruling(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=True,
        ruled_on=opened + datetime.timedelta(days=100),
    )
    report = selectors.centre_report(world.coordinator)
    assert dict(report.matters_by_state)["選任"] == 1
    assert dict(report.petitions_by_type)["後見"] == 1
    assert report.mayor_petitions == 1
    assert report.days_to_filing.median in (39, 40, 41) and report.days_to_ruling.median == 60
    # As distributions too: the one filing in 31〜60 days, the one ruling in 31〜60.
    assert dict(report.days_to_filing.by_range) == {
        "0〜30日": 0,
        "31〜60日": 1,
        "61〜90日": 0,
        "91〜180日": 0,
        "181〜365日": 0,
        "366日以上": 0,
    }
    assert dict(report.days_to_ruling.by_range)["31〜60日"] == 1 and report.days_to_ruling.count == 1
    by_kind = {label: (n, load, capacity) for label, n, load, capacity in report.candidates_by_kind}
    assert by_kind["市民後見人"] == (1, 1, 3) and by_kind["弁護士"] == (1, 4, 10)
    assert selectors.centre_report(world.staff).matters_by_state == [
        (label, 0) for label, _ in report.matters_by_state
    ]


def test_a_stranger_is_refused_a_transition_before_the_input_is_read(world, matter):
    matter = services.start_assessment(
        actor=world.coordinator, matter=matter, expected_version=matter.version
    )
    denied = AuditEvent.objects.filter(event="case.denied").count()
    with pytest.raises(PermissionDenied):
        services.choose_alternative(
            actor=world.staff, matter=matter, expected_version=matter.version, alternative="anshin", reason=""
        )
    assert AuditEvent.objects.filter(event="case.denied").count() == denied + 1
    with pytest.raises(CaseRuleError, match="理由"):
        services.choose_alternative(
            actor=world.coordinator,
            matter=matter,
            expected_version=matter.version,
            alternative="anshin",
            reason="",
        )


def test_durations_fall_in_their_ranges_at_the_edges():
    durations = selectors.durations([0, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366, 900])
    assert [n for _label, n in durations.by_range] == [2, 2, 2, 2, 2, 2]
    assert durations.count == 12 and durations.median == (90 + 91) / 2
    assert selectors.durations([]).median is None
