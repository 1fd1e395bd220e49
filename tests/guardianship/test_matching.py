"""Matching: hard constraints never broken, explained scores, the same ranking for the same inputs."""

import datetime

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Area
from guardianship import matching, services
from guardianship.matching import explain
from guardianship.models import GuardianCandidate, GuardianshipMatter
from guardianship.vocabulary import CandidateKind, Language, Specialism


def ids(proposals):
    return [p.candidate_id for p in proposals]


def rules_agree(matter) -> bool:
    """The database's proposals are exactly the candidates the pure rules find no reason against."""
    facts = matching.facts_of(matter)
    areas: dict = {}
    for cid, aid in GuardianCandidate.areas.through.objects.values_list("guardiancandidate_id", "area_id"):
        areas.setdefault(cid, []).append(aid)
    rows = GuardianCandidate.objects.values_list(*matching.FACT_COLUMNS)
    eligible = {c.pk for c in matching.candidate_facts(rows, areas) if matching.is_eligible(c, facts)}
    return eligible == set(ids(matching.propose_candidates(matter, limit=None)))


def test_hard_constraints_on_a_small_pool(world, matter, other_matter, candidate):
    free = candidate("citizen", name="空きあり")
    full = candidate("citizen", name="満杯", max_caseload=2, caseload=2)
    conflicted = candidate("social_worker", name="利益相反")
    services.declare_conflict(actor=world.coordinator, candidate=conflicted, person=matter.case.person)
    provider = candidate("social_worker", name="サービス提供者", organisation=world.agency)
    matter.care_providers.add(world.agency)
    own_relative = candidate("relative", name="長男", relative_of=matter.case.person)
    other_relative = candidate("relative", name="他人の親族", relative_of=other_matter.case.person)
    unavailable = candidate("lawyer", name="休止中")
    GuardianCandidate.objects.filter(pk=unavailable.pk).update(available=False)
    city = Area.objects.create(level=Area.Level.MUNICIPALITY, name="となり市", code="999990")
    elsewhere = candidate(
        "social_worker", name="市外", areas=[Area.objects.create(level="district", name="地区", parent=city)]
    )
    nowhere = candidate("social_worker", name="地域なし", areas=[])

    proposed = set(ids(matching.propose_candidates(matter, limit=None)))
    assert proposed == {free.pk, own_relative.pk}
    for excluded in (full, conflicted, provider, other_relative, unavailable, elsewhere, nowhere):
        assert excluded.pk not in proposed
    assert rules_agree(matter)

    # Family conflict: relatives and citizen guardians are out; professionals and corporate in.
    lawyer = candidate("lawyer", name="弁護士")
    corporate = candidate("corporate", name="法人")
    GuardianshipMatter.objects.filter(pk=matter.pk).update(has_family_conflict=True)
    matter.refresh_from_db()
    assert set(ids(matching.propose_candidates(matter, limit=None))) == {lawyer.pk, corporate.pk}
    assert rules_agree(matter)
    # A dispute or a large estate: legal professionals only.
    GuardianshipMatter.objects.filter(pk=matter.pk).update(large_estate=True)
    matter.refresh_from_db()
    assert ids(matching.propose_candidates(matter, limit=None)) == [lawyer.pk]
    assert rules_agree(matter)


def test_scores_are_explained_in_japanese_and_citizens_get_a_backup(world, matter, candidate):
    near = candidate(
        "citizen", name="近い", areas=[world.district], languages=["ja", "vi"], specialisms=["dementia"]
    )
    far = candidate("citizen", name="遠い", areas=[world.demo.municipality])
    backup = candidate("corporate", name="法人", areas=[world.demo.ward])
    GuardianshipMatter.objects.filter(pk=matter.pk).update(language="vi", needed_specialisms=["dementia"])
    matter.refresh_from_db()
    first, *rest = matching.propose_candidates(matter)
    assert first.candidate_id == near.pk
    lines = [explain(r) for r in first.reasons]
    assert lines[0] == "類型: 市民後見人（この案件に合う度合い）（+35）"
    assert f"活動地域: 本人の地域（{world.district.name}）（+20）" in lines
    assert "言語: ベトナム語で対応できる（+15）" in lines
    assert "専門性: 認知症（+8）" in lines
    assert "受任状況: 0／3件（+15）" in lines
    assert first.backup_id == backup.pk and lines[-1].startswith("市民後見人として、法人後見")
    assert first.score == 35 + 20 + 15 + 8 + 15
    far_proposal = next(p for p in rest if p.candidate_id == far.pk)
    assert "活動地域: 同じ市内（+5）" in [explain(r) for r in far_proposal.reasons]


KINDS = st.sampled_from(CandidateKind.values)
CANDIDATE = st.fixed_dictionaries(
    {
        "kind": KINDS,
        "max_caseload": st.integers(1, 5),
        "load": st.integers(0, 6),
        "available": st.booleans(),
        "conflict": st.booleans(),
        "provider": st.booleans(),
        "own_relative": st.booleans(),
        "area": st.sampled_from(["district", "other_district", "ward", "municipality", "elsewhere", "none"]),
        "languages": st.lists(st.sampled_from(Language.values), max_size=3),
        "specialisms": st.lists(st.sampled_from(Specialism.values), max_size=3),
    }
)
FLAGS = st.fixed_dictionaries(
    {
        name: st.booleans()
        for name in (
            "has_disputes",
            "has_real_estate",
            "has_debts",
            "has_abuse",
            "has_family_conflict",
            "large_estate",
        )
    }
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pool=st.lists(CANDIDATE, min_size=1, max_size=12),
    flags=FLAGS,
    language=st.sampled_from(["ja", "vi", "zh"]),
)
def test_no_random_pool_yields_a_proposal_over_capacity_or_in_conflict(
    world, matter, other_matter, pool, flags, language
):
    stranger = other_matter.case.person
    city, _created = Area.objects.get_or_create(
        level=Area.Level.MUNICIPALITY, name="となり市", defaults={"code": "999990"}
    )
    areas = {
        "district": [world.district],
        "other_district": [world.demo.districts[1]],
        "ward": [world.demo.ward],
        "municipality": [world.demo.municipality],
        "elsewhere": [city],
        "none": [],
    }
    with transaction.atomic():
        savepoint = transaction.savepoint()
        GuardianshipMatter.objects.filter(pk=matter.pk).update(language=language, **flags)
        matter.refresh_from_db()
        matter.care_providers.set([world.agency])
        made = []
        for spec in pool:
            kind = spec["kind"]
            candidate = services.register_candidate(
                actor=world.coordinator,
                kind=kind,
                name="候補",
                max_caseload=spec["max_caseload"],
                caseload=spec["load"],
                areas=areas[spec["area"]],
                languages=spec["languages"],
                specialisms=spec["specialisms"],
                organisation=world.agency if spec["provider"] or kind == "corporate" else None,
                relative_of=(matter.case.person if spec["own_relative"] else stranger)
                if kind == "relative"
                else None,
                training_completed_on=datetime.date(2024, 1, 1) if kind == "citizen" else None,
                registered_on=datetime.date(2024, 2, 1) if kind == "citizen" else None,
            )
            if not spec["available"]:
                GuardianCandidate.objects.filter(pk=candidate.pk).update(available=False)
            if spec["conflict"]:
                services.declare_conflict(
                    actor=world.coordinator, candidate=candidate, person=matter.case.person
                )
            made.append((candidate.pk, spec))

        proposals = matching.propose_candidates(matter, limit=None)
        by_id = dict(made)
        for proposal in proposals:
            spec = by_id[proposal.candidate_id]
            assert spec["available"] and spec["load"] < spec["max_caseload"]
            assert (
                not spec["conflict"] and not spec["provider"] and spec["kind"] != "corporate"
            )  # the provider
            assert spec["kind"] in matter.allowed_kinds()
            if spec["kind"] == "relative":
                assert spec["own_relative"] and not (
                    flags["has_abuse"] or flags["has_family_conflict"] or flags["has_disputes"]
                )
            else:  # active in the person's municipality; a relative may live anywhere
                assert spec["area"] not in ("elsewhere", "none")
        # The database filter and the one-candidate rules agree; the ranking is stable.
        facts = matching.facts_of(matter)
        rows = GuardianCandidate.objects.filter(pk__in=by_id).values_list(*matching.FACT_COLUMNS)
        areas_by = {}
        for cid, aid in GuardianCandidate.areas.through.objects.filter(
            guardiancandidate_id__in=by_id
        ).values_list("guardiancandidate_id", "area_id"):
            areas_by.setdefault(cid, []).append(aid)
        expected = {
            c.pk: matching.score(c, facts)[0]
            for c in matching.candidate_facts(rows, areas_by)
            if matching.is_eligible(c, facts)
        }
        assert {p.candidate_id: p.score for p in proposals} == expected
        # Why the others are out comes from the same rules: every candidate not proposed has a
        # reason, and the matching screen lists exactly those (a stranger's relative aside).
        reasons = {
            c.pk: [code for code, _params in matching.exclusion_reasons(c, facts)]
            for c in matching.candidate_facts(rows, areas_by)
        }
        assert {pk for pk, why in reasons.items() if not why} == set(expected)
        listed = matching.excluded_candidates(facts).filter(pk__in=by_id).prefetch_related("areas")
        shown = {c.pk: [code for code, _p in why] for c, why in matching.why_excluded(facts, listed)}
        assert shown == {
            pk: why
            for pk, why in reasons.items()
            if why and not (by_id[pk]["kind"] == "relative" and not by_id[pk]["own_relative"])
        }
        for pk, spec in by_id.items():
            if spec["kind"] == "relative":
                relatives_out = flags["has_abuse"] or flags["has_family_conflict"] or flags["has_disputes"]
                if not spec["own_relative"]:
                    assert "not_their_relative" in reasons[pk]
                elif relatives_out:
                    assert "relatives_excluded" in reasons[pk]
            if spec["load"] >= spec["max_caseload"]:
                assert "capacity" in reasons[pk]
        assert ids(matching.propose_candidates(matter, limit=None)) == ids(proposals)
        assert [p.score for p in proposals] == sorted((p.score for p in proposals), reverse=True)
        transaction.savepoint_rollback(savepoint)
