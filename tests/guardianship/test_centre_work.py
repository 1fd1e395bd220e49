"""Guardianship as the centre works it (issue 19, part 7): a relative in the candidate pool, the
team's members, a replacement's reason, why a candidate was not proposed, a matter ended at any
stage (after filing, only with the family court's permission to withdraw), and the matching
meeting's attendees from the professional associations and the ward."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Area
from accounts.roles import Role
from accounts.services import add_membership
from audit.models import AuditEvent
from cases.exceptions import CaseRuleError
from guardianship import matching, selectors, services
from guardianship.models import (
    GuardianCandidate,
    GuardianshipMatter,
    MatchingMeeting,
    Replacement,
    TeamMember,
)
from guardianship.vocabulary import MatterState
from privacy.normalise import wareki
from tests.guardianship.conftest import advance, form_team_of, matched, to_matching
from tests.screens import browser, follow_post, page
from tests.workflow import opened_days_ago

S = MatterState
TODAY = timezone.localdate


def errors_of(html: str) -> str:
    """The page's error texts (messages and those beside fields), as one string."""
    import re

    return " ".join(re.findall(r'class="(?:message )?error"[^>]*>([^<]*)<', html))


def proposed(matter) -> set:
    matter.refresh_from_db()
    return {p.candidate_id for p in matching.propose_candidates(matter, limit=None)}


def excluded_reasons(matter) -> dict:
    """Candidate id → the exclusion reason codes, as the matching screen derives them."""
    matter.refresh_from_db()
    facts = matching.facts_of(matter)
    rows = matching.excluded_candidates(facts).prefetch_related("areas")
    return {c.pk: [code for code, _params in reasons] for c, reasons in matching.why_excluded(facts, rows)}


# --- a relative in the pool -----------------------------------------------------------------------


def test_a_relative_is_registered_through_the_pool_form_and_proposed_only_for_their_own(
    world, matter, other_matter, candidate
):
    centre = browser(world.coordinator)
    url = reverse("guardianship:candidates")
    # The form shows where to say whose relative: a matter of the centre, named by its case.
    form = page(centre.get(url))
    assert 'name="relative_matter"' in form and matter.case.reference in form

    # Without the matter: refused beside the field, what was typed kept, nothing saved.
    html = page(
        centre.post(url, {"kind": "relative", "name": "佐々木 一郎", "languages": ["ja"], "max_caseload": 1})
    )
    assert "どの本人の親族かを案件で選んでください" in errors_of(html)
    assert 'value="佐々木 一郎"' in html and not GuardianCandidate.objects.exists()

    html = follow_post(
        centre,
        url,
        {
            "kind": "relative",
            "name": "佐々木 一郎",
            "relative_matter": matter.pk,
            "languages": ["ja"],
            "max_caseload": 1,
        },
    )
    assert "記録しました" in html and not errors_of(html)
    son = GuardianCandidate.objects.get()
    assert (son.kind, son.relative_of_id, son.name) == ("relative", matter.case.person_id, "佐々木 一郎")

    # A stable matter of his parent: proposed (he lives elsewhere: no area needed for a relative).
    citizen = candidate("citizen")
    assert proposed(matter) == {son.pk, citizen.pk}
    # Another person's matter: never, and not even listed among that matter's excluded.
    assert son.pk not in proposed(other_matter) and son.pk not in excluded_reasons(other_matter)
    # Abuse or family conflict: relatives are out, and the screen says why.
    GuardianshipMatter.objects.filter(pk=matter.pk).update(has_abuse=True)
    assert son.pk not in proposed(matter)
    assert excluded_reasons(matter)[son.pk] == ["relatives_excluded"]
    # Real estate without conflict: a professional matter, so the kind is out.
    GuardianshipMatter.objects.filter(pk=matter.pk).update(has_abuse=False, has_real_estate=True)
    assert son.pk not in proposed(matter)
    assert excluded_reasons(matter)[son.pk] == ["kind_professional"]


def test_a_relative_only_of_a_person_the_centre_works_for(world, matter, make_person):
    stranger = make_person(name="無関係 花子")
    with pytest.raises(PermissionDenied):
        services.register_candidate(
            actor=world.coordinator, kind="relative", name="x", relative_of=stranger, max_caseload=1
        )
    # The form offers only the centre's open matters: another id is refused as a choice.
    html = page(
        browser(world.coordinator).post(
            reverse("guardianship:candidates"),
            {
                "kind": "relative",
                "name": "誰か",
                "relative_matter": "0190a000-0000-7000-8000-000000000000",
                "languages": ["ja"],
                "max_caseload": 1,
            },
        )
    )
    assert errors_of(html) and not GuardianCandidate.objects.exists()


def test_the_pool_form_keeps_what_was_typed_and_says_what_is_missing(world):
    centre = browser(world.coordinator)
    html = page(
        centre.post(
            reverse("guardianship:candidates"),
            {
                "kind": "citizen",
                "name": "横浜 花子",
                "contact": "045-000-0000",
                "languages": ["ja", "vi"],
                "max_caseload": 2,
                "training_completed_on": "2024-05-01",
                "registered_on": "2024-04-01",
            },
        )
    )
    errors = errors_of(html)
    assert "バンクへの登録日は、養成課程の修了日より後" in errors
    assert (
        'value="横浜 花子"' in html
        and 'value="045-000-0000"' in html
        and 'value="vi" id="id_languages_4" checked' in html
    )
    html = page(
        centre.post(
            reverse("guardianship:candidates"),
            {"kind": "corporate", "name": "法人", "languages": ["ja"], "max_caseload": 2},
        )
    )
    assert "法人（組織）を選んでください" in errors_of(html)
    assert not GuardianCandidate.objects.exists()


# --- the team -------------------------------------------------------------------------------------


def test_team_members_are_recorded_listed_and_needed_before_the_petition(world, matter):
    centre = browser(world.coordinator)
    matter = advance(world, matter, "start_assessment", "form_team")
    court = world.demo.organisations["family_court"]
    with pytest.raises(CaseRuleError, match="チームの構成員"):
        services.prepare_petition(
            actor=world.coordinator,
            matter=matter,
            expected_version=matter.version,
            type="guardianship",
            petitioner_kind="mayor",
            court=court,
        )
    add = reverse("guardianship:matter_add_team_member", args=[matter.pk])
    # A name left out: the form again, with the role chosen still chosen.
    html = page(centre.post(add, {"organisation": world.plaza.pk, "name": " ", "role": "lead"}))
    assert "必須" in errors_of(html) and '<option value="lead" selected>' in html
    assert not TeamMember.objects.exists()

    follow_post(centre, add, {"organisation": world.plaza.pk, "name": "港 さくら", "role": "lead"})
    follow_post(centre, add, {"name": "佐々木 次郎", "role": "relative"})
    detail = page(centre.get(reverse("guardianship:matter", args=[matter.pk])))
    team = detail[detail.index('id="team"') :]
    assert "港 さくら" in team and "主担当の相談支援者" in team and world.plaza.name in team
    assert "佐々木 次郎" in team and "親族" in team
    event = AuditEvent.objects.filter(event="guardianship.updated").latest("sequence")
    assert json.loads(event.fields) == ["team_name"] and "佐々木" not in event.params
    viewed = AuditEvent.objects.filter(event="guardianship.viewed").latest("sequence")
    assert "team_name" in json.loads(viewed.fields)

    # One leaves the team; the other stays.
    relative = TeamMember.objects.get(role="relative")
    follow_post(centre, reverse("guardianship:team_member_remove", args=[relative.pk]), {})
    assert list(TeamMember.objects.values_list("role", flat=True)) == ["lead"]
    matter.refresh_from_db()
    matter = services.prepare_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        type="guardianship",
        petitioner_kind="mayor",
        court=court,
    )
    assert matter.state == S.PETITION_PREPARATION


# --- a replacement's reason -----------------------------------------------------------------------


def supporting(world, matter, candidate):
    candidate("citizen")
    candidate("social_worker")
    matter, _chosen = matched(world, matter)
    matter = services.file_petition(
        actor=world.coordinator, matter=matter, expected_version=matter.version, filed_on=TODAY()
    )
    matter = services.record_ruling(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=True,
        ruled_on=TODAY(),
    )
    return advance(world, matter, "start_support")


def test_a_replacement_records_its_reason(world, matter, candidate):
    matter = supporting(world, matter, candidate)
    centre = browser(world.coordinator)
    url = reverse("guardianship:matter_request_replacement", args=[matter.pk])
    html = page(centre.post(url, {"version": matter.version, "reason": "other", "note": ""}))
    assert "交代の理由をメモに書いてください" in errors_of(html)
    matter.refresh_from_db()
    assert matter.state == S.SUPPORTING and not Replacement.objects.exists()

    follow_post(
        centre, url, {"version": matter.version, "reason": "removed", "note": "財産の使い込みの疑いで解任"}
    )
    matter.refresh_from_db()
    replacement = Replacement.objects.get()
    assert matter.state == S.CANDIDATE_MATCHING
    assert (replacement.reason, replacement.note) == ("removed", "財産の使い込みの疑いで解任")
    assert replacement.appointment.end_reason == "replaced" and replacement.recorded_by == world.coordinator
    detail = page(centre.get(reverse("guardianship:matter", args=[matter.pk])))
    assert "後見人等の解任" in detail and "財産の使い込みの疑いで解任" in detail
    event = AuditEvent.objects.filter(event="guardianship.updated").latest("sequence")
    assert json.loads(event.params) == {"what": "replacement", "reason": "removed"}
    assert json.loads(event.fields) == ["replacement_note"]


# --- why a candidate was left out -----------------------------------------------------------------


def test_the_matching_screen_says_why_each_excluded_candidate_was_left_out(world, matter, candidate):
    city = Area.objects.create(level=Area.Level.MUNICIPALITY, name="となり市", code="999990")
    elsewhere = Area.objects.create(level=Area.Level.DISTRICT, name="となり地区", parent=city)
    lawyer = candidate("lawyer", name="弁護 一郎")
    full = candidate("lawyer", name="満杯 二郎", max_caseload=3, caseload=3)
    conflicted = candidate("judicial_scrivener", name="相反 三郎")
    services.declare_conflict(actor=world.coordinator, candidate=conflicted, person=matter.case.person)
    citizen = candidate("citizen", name="市民 四郎")
    far = candidate("lawyer", name="遠方 五郎", areas=[elsewhere])
    matter = to_matching(world, matter)
    GuardianshipMatter.objects.filter(pk=matter.pk).update(has_debts=True)
    assert proposed(matter) == {lawyer.pk}

    html = page(browser(world.coordinator).get(reverse("guardianship:matching_review", args=[matter.pk])))
    rows = {name: html[html.index(name) :].split("</ul>")[0] for name in ("満杯", "相反", "市民", "遠方")}
    assert "受任できる件数に達している（3／3件）" in rows["満杯"]
    assert "本人との利益相反の申告がある" in rows["相反"]
    assert (
        "市民後見人は候補にならない: 紛争・負債・多額の財産があるため、弁護士・司法書士に限る" in rows["市民"]
    )
    assert f"活動地域が本人の市区町村（{world.demo.municipality.name}）にない" in rows["遠方"]
    assert "弁護 一郎" not in html  # proposed, not excluded
    assert "候補にならなかった人: 4 人" in html and "条件に合う候補者: 1 人" in html
    assert matter.case.reference in html and "佐々木 トメ" in html  # identity was shared with the centre
    shown = AuditEvent.objects.filter(event="guardianship.candidates_viewed").latest("sequence")
    assert json.loads(shown.params) == {"count": 4} and shown.actor == world.coordinator
    assert {full.pk, conflicted.pk, citizen.pk, far.pk} == set(excluded_reasons(matter))


def test_the_rules_give_every_reason_a_candidate_fails(world, matter):
    facts = matching.facts_of(matter)
    c = matching.CandidateFacts(
        pk=1,
        kind="lawyer",
        caseload=2,
        max_caseload=2,
        available=False,
        organisation_id=None,
        relative_of_id=None,
        languages=("ja",),
        specialisms=(),
        area_ids=frozenset(),
    )
    reasons = matching.exclusion_reasons(c, facts)
    assert [code for code, _ in reasons] == ["unavailable", "capacity", "area"]
    assert not matching.is_eligible(c, facts)
    assert [matching.explain_exclusion(r) for r in reasons][:2] == [
        "受任を停止している",
        "受任できる件数に達している（2／2件）",
    ]
    fine = matching.CandidateFacts(
        **{**c.__dict__, "available": True, "caseload": 0, "area_ids": facts.local_area_ids}
    )
    assert matching.exclusion_reasons(fine, facts) == [] and matching.is_eligible(fine, facts)


# --- ending a matter ------------------------------------------------------------------------------


def to_state(world, matter, state, candidate):
    """The matter walked to ``state`` through the services."""
    if state == S.INTAKE:
        return matter
    if state in (S.ASSESSMENT, S.ALTERNATIVE_SUPPORT, S.TEAM_FORMATION):
        matter = advance(world, matter, "start_assessment")
        if state == S.ALTERNATIVE_SUPPORT:
            return services.choose_alternative(
                actor=world.coordinator,
                matter=matter,
                expected_version=matter.version,
                alternative="anshin",
                reason="金銭管理の支援で足りる",
            )
        return advance(world, matter, "form_team") if state == S.TEAM_FORMATION else matter
    if state == S.PETITION_PREPARATION:
        matter = advance(world, matter, "start_assessment", "form_team")
        form_team_of(world, matter)
        matter.refresh_from_db()
        return services.prepare_petition(
            actor=world.coordinator,
            matter=matter,
            expected_version=matter.version,
            type="guardianship",
            petitioner_kind="mayor",
            court=world.demo.organisations["family_court"],
        )
    if state == S.CANDIDATE_MATCHING:
        return to_matching(world, matter)
    if state == S.SUPPORTING:
        return supporting(world, matter, candidate)
    candidate("citizen")
    matter, _chosen = matched(world, matter)
    matter = opened_days_ago(matter, 30)
    matter = services.file_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        filed_on=TODAY() - datetime.timedelta(days=20),
    )
    if state == S.FILED:
        return matter
    return services.record_ruling(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=state == S.APPOINTED,
        ruled_on=TODAY() - datetime.timedelta(days=5),
    )


ENDINGS = [
    (S.INTAKE, "withdrawn", {}),
    (S.ASSESSMENT, "died", {}),
    (S.ALTERNATIVE_SUPPORT, "alternative", {}),
    (S.TEAM_FORMATION, "moved", {}),
    (S.PETITION_PREPARATION, "withdrawn", {}),
    (S.CANDIDATE_MATCHING, "moved", {}),
    (S.FILED, "withdrawn", {"withdrawal_permitted_on": "court"}),
    (S.FILED, "died", {}),
    (S.APPOINTED, "died", {}),
    (S.DISMISSED, "dismissed", {}),
    (S.SUPPORTING, "handed_over", {}),
]


@pytest.mark.parametrize(("state", "reason", "extra"), ENDINGS)
def test_a_matter_ends_from_each_stage_with_its_reason(world, matter, candidate, state, reason, extra):
    matter = to_state(world, matter, state, candidate)
    assert matter.state == state
    values = {}
    if extra:
        values = {
            "withdrawal_permitted_on": TODAY() - datetime.timedelta(days=1),
            "withdrawal_court": world.demo.organisations["family_court"],
        }
    matter = services.end_matter(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        reason=reason,
        note="ケース会議で確認",
        **values,
    )
    matter.refresh_from_db()
    assert (matter.state, matter.end_reason, matter.end_note) == (S.ENDED, reason, "ケース会議で確認")
    assert matter.ended_at is not None
    assert not matter.appointments.filter(ended_on__isnull=True).exists()  # a guardian steps down
    transitioned = AuditEvent.objects.filter(event="guardianship.transitioned").latest("sequence")
    assert json.loads(transitioned.params) == {"transition": "end", "from": state, "to": "ended"}
    ended = AuditEvent.objects.filter(event="guardianship.ended").latest("sequence")
    assert json.loads(ended.params) == {"reason": reason, "withdrawn": bool(extra)}
    assert json.loads(ended.fields) == ["end_note"] and "ケース会議" not in ended.params
    detail = page(browser(world.coordinator).get(reverse("guardianship:matter", args=[matter.pk])))
    assert "ケース会議で確認" in detail and str(matter.get_end_reason_display()) in detail


def test_ending_refuses_a_reason_of_another_stage_and_other_without_a_note(world, matter):
    for reason, note, message in [
        ("dismissed", "", "却下"),  # only a dismissed matter
        ("handed_over", "", "後見人等とともに支援中"),
        ("other", " ", "メモに書いて"),
        ("nonsense", "", "終了の理由を選んで"),
    ]:
        with pytest.raises(CaseRuleError, match=message):
            services.end_matter(
                actor=world.coordinator,
                matter=matter,
                expected_version=matter.version,
                reason=reason,
                note=note,
            )
    matter.refresh_from_db()
    assert matter.state == S.INTAKE and matter.version == 1 and matter.end_reason == ""


def test_a_filed_petition_is_withdrawn_only_with_the_courts_permission(world, matter, candidate):
    matter = to_state(world, matter, S.FILED, candidate)
    petition = services.current_petition(matter)
    court = world.demo.organisations["family_court"]
    filed = petition.filed_on
    for permitted_on, by, message in [
        (None, court, "家庭裁判所の許可が必要"),
        (TODAY() + datetime.timedelta(days=1), court, "今日より後"),
        (filed - datetime.timedelta(days=1), court, "申立日より後"),
        (TODAY(), None, "家庭裁判所を選んで"),
        (TODAY(), world.plaza, "家庭裁判所を選んで"),
    ]:
        with pytest.raises(CaseRuleError, match=message):
            services.end_matter(
                actor=world.coordinator,
                matter=matter,
                expected_version=matter.version,
                reason="withdrawn",
                withdrawal_permitted_on=permitted_on,
                withdrawal_court=by,
            )
    matter.refresh_from_db()
    petition.refresh_from_db()
    assert matter.state == S.FILED and petition.withdrawal_permitted_on is None

    # Through the screen: the form asks for the permission, says why it refuses, keeps the note.
    centre = browser(world.coordinator)
    url = reverse("guardianship:matter_end_matter", args=[matter.pk])
    form = page(centre.get(url))
    assert "取下げの許可日" in form and f'<option value="{court.pk}" selected>' in form
    html = page(
        centre.post(url, {"version": matter.version, "reason": "withdrawn", "note": "本人が申立てを望まない"})
    )
    assert "家庭裁判所の許可が必要です" in errors_of(html) and "本人が申立てを望まない" in html
    follow_post(
        centre,
        url,
        {
            "version": matter.version,
            "reason": "withdrawn",
            "note": "本人が申立てを望まない",
            "withdrawal_permitted_on": wareki(TODAY()),  # typed in 和暦
            "withdrawal_court": court.pk,
        },
    )
    matter.refresh_from_db()
    petition.refresh_from_db()
    assert matter.state == S.ENDED and matter.end_reason == "withdrawn"
    assert (petition.withdrawal_permitted_on, petition.withdrawal_court) == (TODAY(), court)
    detail = page(centre.get(reverse("guardianship:matter", args=[matter.pk])))
    assert f"{court.name}の許可（{TODAY():%Y-%m-%d}）を得て取り下げた" in detail


def test_the_reasons_offered_follow_the_stage(world, matter):
    centre = browser(world.coordinator)
    form = page(centre.get(reverse("guardianship:matter_end_matter", args=[matter.pk])))
    assert 'value="withdrawn"' in form and 'value="died"' in form and 'value="moved"' in form
    assert 'value="dismissed"' not in form and 'value="handed_over"' not in form
    assert "取下げの許可日" not in form  # nothing filed yet


# --- refusals -------------------------------------------------------------------------------------


OUTSIDERS = ["staff", "other_staff", "ward_worker", "agency_worker", "commissioner", "privacy", "admin"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_the_centre_ends_a_matter_forms_its_team_or_sees_why_not(world, matter, candidate, who):
    actor = getattr(world, who)
    matter = advance(world, matter, "start_assessment", "form_team")
    member = services.add_team_member(actor=world.coordinator, matter=matter, name="港 さくら", role="lead")
    matter.refresh_from_db()
    denied = AuditEvent.objects.filter(event="case.denied").count()
    with pytest.raises(PermissionDenied):
        services.end_matter(actor=actor, matter=matter, expected_version=matter.version, reason="withdrawn")
    with pytest.raises(PermissionDenied):
        services.add_team_member(actor=actor, matter=matter, name="x", role="other")
    with pytest.raises(PermissionDenied):
        services.remove_team_member(actor=actor, member=member)
    with pytest.raises(PermissionDenied):
        selectors.matching_review(actor, matter.pk)
    client = browser(actor)
    for url, data in [
        (
            reverse("guardianship:matter_end_matter", args=[matter.pk]),
            {"version": matter.version, "reason": "died"},
        ),
        (reverse("guardianship:matter_add_team_member", args=[matter.pk]), {"name": "x", "role": "other"}),
        (reverse("guardianship:team_member_remove", args=[member.pk]), {}),
    ]:
        assert client.post(url, data).status_code == 403
    assert client.get(reverse("guardianship:matching_review", args=[matter.pk])).status_code == 403
    assert AuditEvent.objects.filter(event="case.denied").count() == denied + 8
    matter.refresh_from_db()
    assert matter.state == S.TEAM_FORMATION and list(TeamMember.objects.all()) == [member]


# --- the matching meeting's attendees -------------------------------------------------------------


def test_the_matching_meeting_admits_the_associations_and_the_ward(world, matter, candidate):
    candidate("citizen")
    bar = world.demo.organisations["bar_association"]  # つなぐ弁護士会
    lawyer = world.coordinator.__class__.objects.create(
        username="bar_member", last_name="弁護", first_name="士"
    )
    add_membership(user=lawyer, organisation=bar, role=Role.AGENCY_WORKER)
    matter = to_matching(world, matter)
    centre = browser(world.coordinator)
    home = page(centre.get(reverse("guardianship:home")))
    form = home[home.index('name="attendees"') - 2000 :]
    assert "弁護 士（つなぐ弁護士会）" in form and f"{world.ward_worker}（{world.ward.name}）" in form
    # Not the plaza, a commissioner, nor the ward office's privacy officer: only its caseworkers.
    assert (
        str(world.staff) not in form
        and str(world.commissioner) not in form
        and str(world.privacy) not in form
    )

    # Someone the meeting does not admit: the form again, beside the field, the choices kept.
    data = {
        "matters": [matter.pk],
        "scheduled_for": "2026-12-03T14:00",
        "attendees": [world.coordinator.pk, world.commissioner.pk],
    }
    html = page(centre.post(reverse("guardianship:home"), data))
    assert errors_of(html) and 'value="2026-12-03T14:00"' in html and not MatchingMeeting.objects.exists()
    with pytest.raises(CaseRuleError, match="専門職団体"):
        services.schedule_matching_meeting(
            actor=world.coordinator,
            matters=[matter],
            scheduled_for=timezone.now(),
            attendees=[world.coordinator, world.staff],
        )

    data["attendees"] = [world.coordinator.pk, lawyer.pk, world.ward_worker.pk]
    html = follow_post(centre, reverse("guardianship:home"), data)
    meeting = MatchingMeeting.objects.get()
    assert set(meeting.attendees.all()) == {world.coordinator, lawyer, world.ward_worker}
    assert "弁護 士（つなぐ弁護士会）" in html and world.ward.name in html
