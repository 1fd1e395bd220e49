"""Ranking guardian candidates for one matter: ours against an honest in-Python baseline.

    .venv/bin/python bench/guardianship.py [--candidates 10000] [--runs 30] [--database-url postgres://...]

Builds a pool of N candidates (every kind, random caseloads, areas over a ward of 14 districts,
languages, specialisms, 5% with a declared conflict with the person, some from organisations
that provide the person's care) and one matter. Prints the median time of
guardianship.matching.propose_candidates ranking the whole pool for the five proposals a matching
meeting sees, each explained (target ≤ 50 ms), against a baseline in the same run that does what
a careful programmer would do without the database ranking: read the pool in bulk — the matter's
facts (its conflicts and care providers), every candidate's columns (caseloads included) in one
query, every candidate's areas in another — and apply matching's own pure functions
(``is_eligible``, ``score``) to each candidate in Python, then sort. Both must rank the whole pool
alike, or the benchmark stops.
"""

import random
import statistics
import time

import harness


def _arguments(parser) -> None:
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--baseline-runs", type=int, default=10)


ARGS = harness.start(__doc__, _arguments)

from django.contrib.auth import get_user_model  # noqa: E402

from accounts.models import Area, Organisation  # noqa: E402
from cases.models import Case, Person  # noqa: E402
from guardianship import matching  # noqa: E402
from guardianship.models import ConflictDeclaration, GuardianCandidate, GuardianshipMatter  # noqa: E402
from guardianship.vocabulary import CandidateKind, Language, Specialism  # noqa: E402
from privacy.models import DataKey  # noqa: E402

BATCH = 2000


def build(n: int) -> GuardianshipMatter:
    rng = random.Random(20261127)
    started = time.perf_counter()
    city = Area.objects.create(level=Area.Level.MUNICIPALITY, name="つなぐ市", code="990001")
    ward = Area.objects.create(level=Area.Level.WARD, name="はまかぜ区", code="991015", parent=city)
    districts = [
        Area.objects.create(level=Area.Level.DISTRICT, name=f"地区{i}", parent=ward) for i in range(14)
    ]
    centre = Organisation.objects.create(name="センター", kind="guardianship_centre", municipality=city)
    providers = [
        Organisation.objects.create(name=f"事業所{i}", kind="other", municipality=city) for i in range(10)
    ]
    [key] = DataKey.objects.bulk_create(DataKey.objects.build(1))
    person = Person.objects.create(data_key=key, registered_by=centre, name="ベンチ 本人")
    user = get_user_model().objects.create(username="bench")
    case = Case.objects.create(
        person=person,
        area=districts[0],
        lead_organisation=centre,
        state="guardianship",
        reference="2026-ベンチ-0001",
    )
    matter = GuardianshipMatter.objects.create(
        case=case,
        centre=centre,
        area=districts[0],
        opened_by=user,
        language=Language.VIETNAMESE,
        needed_specialisms=[Specialism.DEMENTIA, Specialism.WELFARE_SERVICES],
    )
    matter.care_providers.set(providers[:3])
    kinds = [k for k in CandidateKind.values if k != CandidateKind.RELATIVE]
    through = GuardianCandidate.areas.through
    made = 0
    while made < n:
        size = min(BATCH, n - made)
        keys = DataKey.objects.bulk_create(DataKey.objects.build(size))
        batch = []
        for key in keys:
            kind = rng.choice(kinds)
            most = rng.randint(1, 12)
            batch.append(
                GuardianCandidate(
                    data_key=key,
                    kind=kind,
                    name=f"候補者{made + len(batch)}",
                    organisation=rng.choice(providers) if kind == "corporate" or rng.random() < 0.1 else None,
                    max_caseload=most,
                    caseload=rng.randint(0, most),
                    available=rng.random() > 0.05,
                    languages=["ja", *rng.sample(Language.values[1:], rng.randint(0, 2))],
                    specialisms=rng.sample(Specialism.values, rng.randint(0, 3)),
                    training_completed_on="2024-01-01" if kind == "citizen" else None,
                    registered_on="2024-02-01" if kind == "citizen" else None,
                )
            )
        GuardianCandidate.objects.bulk_create(batch)
        through.objects.bulk_create(
            through(guardiancandidate_id=c.pk, area_id=a.pk)
            for c in batch
            for a in rng.sample([*districts, ward, city], rng.randint(1, 3))
        )
        ConflictDeclaration.objects.bulk_create(
            ConflictDeclaration(candidate=c, person=person) for c in batch if rng.random() < 0.05
        )
        made += size
    print(f"Built {n:,} candidates in {time.perf_counter() - started:.1f} s")
    return matter


def baseline_ranking(matter: GuardianshipMatter) -> list:
    """The whole pool read in bulk and ranked in Python by matching's pure functions."""
    facts = matching.facts_of(matter)  # the matter, its providers, the person's conflicts
    areas: dict = {}
    for candidate_id, area_id in GuardianCandidate.areas.through.objects.values_list(
        "guardiancandidate_id", "area_id"
    ):
        areas.setdefault(candidate_id, []).append(area_id)
    rows = GuardianCandidate.objects.values_list(*matching.FACT_COLUMNS)
    ranked = []
    for c in matching.candidate_facts(rows, areas):
        if matching.is_eligible(c, facts):
            points, _reasons = matching.score(c, facts)
            ranked.append((-points, c.pk))
    ranked.sort()  # best first, ties by id — the database's ORDER BY "-total", "pk"
    return [pk for _points, pk in ranked]


def timed(fn, runs: int) -> tuple[float, float, object]:
    """Median and fastest run in ms (the fastest says what the code costs on a busy machine)."""
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples), result


def main() -> None:
    with harness.throwaway_database(ARGS):
        harness.banner("guardianship")
        matter = GuardianshipMatter.objects.select_related("case", "area__parent__parent").get(
            pk=build(ARGS.candidates).pk
        )
        ours_ms, ours_best, proposals = timed(lambda: matching.propose_candidates(matter), ARGS.runs)
        baseline_ms, baseline_best, baseline = timed(lambda: baseline_ranking(matter), ARGS.baseline_runs)
        # The whole ranking, not only the top five, must agree.
        ours = list(matching._ranked(matching.facts_of(matter)).values_list("pk", flat=True))
        if ours != baseline or [p.candidate_id for p in proposals] != baseline[: len(proposals)]:
            raise SystemExit("The two rankings differ: the benchmark compares unlike things.")
        print(
            f"Eligible and ranked: {len(ours):,} of {ARGS.candidates:,} candidates;"
            f" top score {proposals[0].score}; five proposals explained"
        )
        print(
            f"propose_candidates (ours)     median {ours_ms:7.1f} ms, fastest {ours_best:7.1f} ms"
            f" over {ARGS.runs} runs (target ≤ 50 ms)"
        )
        print(
            f"baseline, bulk read + Python  median {baseline_ms:7.1f} ms, fastest {baseline_best:7.1f} ms"
            f" over {ARGS.baseline_runs} runs"
        )
        print(f"ratio baseline / ours         {baseline_ms / ours_ms:7.1f}× (medians)")


if __name__ == "__main__":
    main()
