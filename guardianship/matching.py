"""Proposing guardian candidates for a matter: hard constraints first, then a score explained
per candidate. Deterministic: the same pool and matter give the same ranking (ties broken by the
candidate's id).

Hard constraints (a candidate failing one is never proposed):
- available, with capacity left (caseload < max_caseload);
- no conflict of interest: no declared conflict with the person, not from an organisation that
  provides care or services to the person, a relative only for their own relative and never
  where there is abuse, family conflict or a dispute;
- a kind the matter's complexity allows: disputes, debts or a large estate need a lawyer or a
  judicial scrivener; abuse, family conflict or real estate need a professional or a corporate
  guardian; citizen guardians and relatives take stable, lower-complexity matters;
- active in the person's municipality (one of the candidate's areas is the municipality or lies
  within it); a relative is proposed for their own relative wherever they live.

``exclusion_reasons`` says which of these a candidate fails, each as a code with its parameters
(``explain_exclusion`` words it): ``is_eligible`` is that list being empty, so the matching screen's
"why not" and the proposals come from the same rules.

Score (0–100): fit of the kind (up to 35), proximity of areas (up to 20), language (15),
specialisms (up to 15), caseload balance (up to 15). A citizen guardian is proposed with a
corporate or professional back-up (the best-ranked one).

The database ranks: the hard constraints are its WHERE clause and the score its ORDER BY (each
area tier one uncorrelated subquery, probed by hash), so ranking 10,000 candidates decrypts
nothing and reads only the top rows; those few are then explained in Python by ``score``. The
pure functions ``is_eligible`` and ``score`` state the same rules one candidate at a time:
``propose_candidates`` refuses to return a proposal on which the two disagree, and the tests
check over random pools that they agree on every candidate.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Least
from django.utils.translation import gettext_lazy as _

from accounts.models import Area
from guardianship.models import ConflictDeclaration, GuardianCandidate, GuardianshipMatter
from guardianship.vocabulary import CandidateKind, Language, Specialism

K = CandidateKind

# Points for the kind, by the matter's complexity.
KIND_POINTS_LEGAL = {K.LAWYER: 35, K.JUDICIAL_SCRIVENER: 35}
KIND_POINTS_PROFESSIONAL = {
    K.LAWYER: 25,
    K.JUDICIAL_SCRIVENER: 25,
    K.SOCIAL_WORKER: 35,
    K.PSYCHIATRIC_SOCIAL_WORKER: 30,
    K.TAX_ACCOUNTANT: 20,
    K.CORPORATE: 30,
}
KIND_POINTS_STABLE = {
    K.RELATIVE: 35,
    K.CITIZEN: 35,
    K.SOCIAL_WORKER: 25,
    K.CORPORATE: 25,
    K.PSYCHIATRIC_SOCIAL_WORKER: 20,
    K.JUDICIAL_SCRIVENER: 15,
    K.LAWYER: 10,
    K.TAX_ACCOUNTANT: 10,
}
SAME_AREA, NEARBY_AREA, SAME_MUNICIPALITY = 20, 12, 5
LANGUAGE_POINTS = 15
SPECIALISM_POINTS, SPECIALISM_MAX = 8, 15
CASELOAD_POINTS = 15
BACKUP_KINDS = frozenset({K.CORPORATE, K.SOCIAL_WORKER, K.LAWYER, K.JUDICIAL_SCRIVENER})

# How each part of the explanation reads (Japanese source; English in locale/en).
REASON_TEXT = {
    "kind": _("類型: %(kind)s（この案件に合う度合い）"),
    "same_area": _("活動地域: 本人の地域（%(area)s）"),
    "nearby_area": _("活動地域: 本人の地域に近い（%(area)s）"),
    "same_municipality": _("活動地域: 同じ市内"),
    "language": _("言語: %(language)sで対応できる"),
    "specialism": _("専門性: %(specialism)s"),
    "caseload": _("受任状況: %(load)s／%(max)s件"),
    "backup": _("市民後見人として、法人後見・専門職の後方支援を受ける"),
}

# Why a candidate is not proposed: one line per hard constraint it fails.
EXCLUSION_TEXT = {
    "unavailable": _("受任を停止している"),
    "capacity": _("受任できる件数に達している（%(load)s／%(max)s件）"),
    "conflict": _("本人との利益相反の申告がある"),
    "care_provider": _("本人にサービスを提供している組織に属している（利益相反）"),
    "not_their_relative": _("この本人の親族ではない"),
    "relatives_excluded": _("虐待・親族間の対立・紛争があるため、親族は候補にしない"),
    "kind_legal": _("%(kind)sは候補にならない: 紛争・負債・多額の財産があるため、弁護士・司法書士に限る"),
    "kind_professional": _(
        "%(kind)sは候補にならない: 虐待・親族間の対立・不動産があるため、専門職・法人後見に限る"
    ),
    "area": _("活動地域が本人の市区町村（%(municipality)s）にない"),
}


def explain_exclusion(reason: list) -> str:
    """One reason a candidate was not proposed, in the reader's language."""
    code, params = reason
    shown = {k: (K(v).label if k == "kind" else v) for k, v in params.items()}
    return str(EXCLUSION_TEXT[code]) % shown


def explain(reason: list) -> str:
    """One line of a proposal's explanation, in the reader's language."""
    code, points, params = reason
    labels = {
        "kind": lambda v: K(v).label,
        "language": lambda v: Language(v).label,
        "specialism": lambda v: Specialism(v).label,
    }
    shown = {k: (labels[k](v) if k in labels else v) for k, v in params.items()}
    text = str(REASON_TEXT[code]) % shown
    return f"{text}（+{points}）" if points else text


@dataclass(frozen=True)
class MatterFacts:
    """What matching needs to know about a matter, read once."""

    person_id: object
    allowed_kinds: frozenset
    kind_rule: str  # "legal", "professional" or "any": why allowed_kinds is what it is
    relatives_allowed: bool
    provider_ids: frozenset
    conflicted_ids: frozenset  # candidates with a declared conflict with the person
    area_points: dict  # area id → (points, reason code, area name) for the areas that count
    municipality_id: int | None
    municipality_name: str
    local_area_ids: frozenset  # the municipality and every area within it
    language: str
    specialisms: frozenset
    kind_points: dict


@dataclass(frozen=True)
class CandidateFacts:
    pk: object
    kind: str
    caseload: int
    max_caseload: int
    available: bool
    organisation_id: int | None
    relative_of_id: object
    languages: tuple
    specialisms: tuple
    area_ids: frozenset


@dataclass
class Proposal:
    candidate_id: object
    kind: str
    score: int
    reasons: list = field(default_factory=list)  # [code, points, params]
    backup_id: object = None


def facts_of(matter: GuardianshipMatter) -> MatterFacts:
    area = matter.area
    chain = []  # the person's area, then its ancestors up to the municipality
    node: Area | None = area
    while node is not None:
        chain.append(node)
        node = node.parent
    area_points = {}
    for depth, node in enumerate(chain):
        if node.level == Area.Level.MUNICIPALITY:
            continue
        if depth == 0:
            area_points[node.pk] = (SAME_AREA, "same_area", node.name)
        else:
            area_points.setdefault(node.pk, (NEARBY_AREA, "nearby_area", node.name))
    # Sibling areas (the next district of the same ward) count as nearby too.
    if area.parent_id:
        for sibling in Area.objects.filter(parent_id=area.parent_id).exclude(pk=area.pk):
            area_points.setdefault(sibling.pk, (NEARBY_AREA, "nearby_area", sibling.name))
    municipality = next((node for node in chain if node.level == Area.Level.MUNICIPALITY), None)
    if matter.needs_legal_professional:
        kind_points, kind_rule = KIND_POINTS_LEGAL, "legal"
    elif matter.needs_professional:
        kind_points, kind_rule = KIND_POINTS_PROFESSIONAL, "professional"
    else:
        kind_points, kind_rule = KIND_POINTS_STABLE, "any"
    local = frozenset()
    if municipality is not None:  # the tree is at most four levels deep: one statement
        top = municipality.pk
        local = frozenset(
            Area.objects.filter(
                Q(pk=top) | Q(parent_id=top) | Q(parent__parent_id=top) | Q(parent__parent__parent_id=top)
            ).values_list("pk", flat=True)
        )
    return MatterFacts(
        person_id=matter.case.person_id,
        allowed_kinds=matter.allowed_kinds(),
        kind_rule=kind_rule,
        relatives_allowed=not (matter.has_abuse or matter.has_family_conflict or matter.has_disputes),
        provider_ids=frozenset(matter.care_providers.values_list("pk", flat=True)),
        conflicted_ids=frozenset(
            ConflictDeclaration.objects.filter(person_id=matter.case.person_id).values_list(
                "candidate_id", flat=True
            )
        ),
        area_points=area_points,
        municipality_id=municipality.pk if municipality else None,
        municipality_name=municipality.name if municipality else "",
        local_area_ids=local,
        language=matter.language,
        specialisms=frozenset(matter.needed_specialisms),
        kind_points=kind_points,
    )


def exclusion_reasons(c: CandidateFacts, m: MatterFacts) -> list[list]:
    """The hard constraints, for one candidate: each one it fails, as [code, params] (empty: the
    candidate may be proposed)."""
    reasons: list[list] = []
    if not c.available:
        reasons.append(["unavailable", {}])
    if c.caseload >= c.max_caseload:
        reasons.append(["capacity", {"load": c.caseload, "max": c.max_caseload}])
    if c.pk in m.conflicted_ids:
        reasons.append(["conflict", {}])
    if c.organisation_id is not None and c.organisation_id in m.provider_ids:
        reasons.append(["care_provider", {}])
    if c.kind == K.RELATIVE:
        if c.relative_of_id != m.person_id:
            reasons.append(["not_their_relative", {}])
        elif not m.relatives_allowed:
            reasons.append(["relatives_excluded", {}])
    if c.kind not in m.allowed_kinds and not (c.kind == K.RELATIVE and reasons):
        reasons.append([f"kind_{m.kind_rule}", {"kind": c.kind}])
    if c.kind != K.RELATIVE and not (c.area_ids & m.local_area_ids):
        reasons.append(["area", {"municipality": m.municipality_name}])
    return reasons


def is_eligible(c: CandidateFacts, m: MatterFacts) -> bool:
    """The hard constraints, for one candidate: it fails none."""
    return not exclusion_reasons(c, m)


def score(c: CandidateFacts, m: MatterFacts) -> tuple[int, list]:
    """The points of an eligible candidate, and why."""
    reasons = [["kind", m.kind_points.get(c.kind, 0), {"kind": c.kind}]]
    best = max((m.area_points[a] for a in c.area_ids if a in m.area_points), default=None, key=lambda p: p[0])
    if best is not None:
        reasons.append([best[1], best[0], {"area": best[2]}])
    elif m.municipality_id in c.area_ids:
        reasons.append(["same_municipality", SAME_MUNICIPALITY, {}])
    if m.language != Language.JAPANESE and m.language in c.languages:
        reasons.append(["language", LANGUAGE_POINTS, {"language": m.language}])
    shared = sorted(m.specialisms & set(c.specialisms))
    points_left = SPECIALISM_MAX
    for specialism in shared:
        points = min(SPECIALISM_POINTS, points_left)
        if points <= 0:
            break
        reasons.append(["specialism", points, {"specialism": specialism}])
        points_left -= points
    balance = caseload_points(c.caseload, c.max_caseload)
    reasons.append(["caseload", balance, {"load": c.caseload, "max": c.max_caseload}])
    return sum(r[1] for r in reasons), reasons


def caseload_points(caseload: int, most: int) -> int:
    """CASELOAD_POINTS × the share of capacity left, rounded half up — in integers, so that the
    database computes exactly the same number."""
    return (2 * CASELOAD_POINTS * (most - caseload) + most) // (2 * most)


def _pool(m: MatterFacts):
    """The hard constraints as one query: what the database can rule out, it rules out."""
    query = GuardianCandidate.objects.filter(
        available=True, caseload__lt=F("max_caseload"), kind__in=m.allowed_kinds
    )
    query = query.exclude(
        Exists(ConflictDeclaration.objects.filter(candidate_id=OuterRef("pk"), person_id=m.person_id))
    )
    if m.provider_ids:
        query = query.exclude(organisation_id__in=m.provider_ids)
    relatives = Q(kind=K.RELATIVE, relative_of_id=m.person_id) if m.relatives_allowed else Q(pk__in=[])
    local = GuardianCandidate.areas.through.objects.filter(area_id__in=m.local_area_ids)
    return query.filter((~Q(kind=K.RELATIVE) & Q(pk__in=local.values("guardiancandidate_id"))) | relatives)


def _holds(field: str, code: str) -> Q:
    """The JSON list ``field`` holds ``code``: containment where the database has it (PostgreSQL's
    jsonb @>), else the quoted code in the list's text (codes are plain lowercase words)."""
    if connection.features.supports_json_field_contains:
        return Q(**{f"{field}__contains": [code]})
    return Q(**{f"{field}__icontains": f'"{code}"'})


def _ranked(m: MatterFacts):
    """The pool with each candidate's score computed by the database — the same rules as
    ``score`` — best first, ties by id: ranking 10,000 candidates reads only the top rows."""
    through = GuardianCandidate.areas.through
    by_points: dict[int, list] = {}
    for area_id, (points, _code, _name) in m.area_points.items():
        by_points.setdefault(points, []).append(area_id)
    if m.municipality_id:
        by_points.setdefault(SAME_MUNICIPALITY, []).append(m.municipality_id)
    # The candidate's best area: each tier is one uncorrelated subquery, which both databases
    # compute once and probe by hash, instead of a lookup per candidate.
    area = Case(
        *[
            When(pk__in=through.objects.filter(area_id__in=ids).values("guardiancandidate_id"), then=Value(p))
            for p, ids in sorted(by_points.items(), reverse=True)
        ],
        default=Value(0),
    )
    kind = Case(*[When(kind=k, then=Value(p)) for k, p in m.kind_points.items()], default=Value(0))
    language = (
        Case(When(_holds("languages", m.language), then=Value(LANGUAGE_POINTS)), default=Value(0))
        if m.language != Language.JAPANESE
        else Value(0)
    )
    shared = sum(
        (
            Case(When(_holds("specialisms", s), then=Value(1)), default=Value(0))
            for s in sorted(m.specialisms)
        ),
        Value(0),
    )
    specialism = Least(Value(SPECIALISM_POINTS) * shared, Value(SPECIALISM_MAX))
    balance = ExpressionWrapper(
        (Value(2 * CASELOAD_POINTS) * (F("max_caseload") - F("caseload")) + F("max_caseload"))
        / (Value(2) * F("max_caseload")),
        output_field=IntegerField(),
    )
    return _pool(m).annotate(total=kind + area + language + specialism + balance).order_by("-total", "pk")


def candidate_facts(rows, areas_by_candidate: dict) -> list[CandidateFacts]:
    """Rows of FACT_COLUMNS, with each candidate's counted areas."""
    return [
        CandidateFacts(
            *row[:7],
            languages=tuple(row[7]),
            specialisms=tuple(row[8]),
            area_ids=frozenset(areas_by_candidate.get(row[0], ())),
        )
        for row in rows
    ]


FACT_COLUMNS = (
    "pk",
    "kind",
    "caseload",
    "max_caseload",
    "available",
    "organisation_id",
    "relative_of_id",
    "languages",
    "specialisms",
)


def propose_candidates(matter: GuardianshipMatter, limit: int | None = 5) -> list[Proposal]:
    """The ranked proposals for a matter (best first), each with its explanation. The database
    ranks the whole pool; only the proposals returned are read in full and explained."""
    m = facts_of(matter)
    ranked = _ranked(m)
    top = list((ranked if limit is None else ranked[:limit]).values_list("pk", "total"))
    chosen_ids = [pk for pk, _total in top]
    rows = list(GuardianCandidate.objects.filter(pk__in=chosen_ids).values_list(*FACT_COLUMNS))
    backup_id = None
    if any(row[1] == K.CITIZEN for row in rows):
        # A citizen guardian is backed up by the best-ranked corporate or professional candidate.
        backup_id = ranked.filter(kind__in=BACKUP_KINDS).values_list("pk", flat=True).first()
    areas: dict = {}
    for candidate_id, area_id in GuardianCandidate.areas.through.objects.filter(
        guardiancandidate_id__in=chosen_ids
    ).values_list("guardiancandidate_id", "area_id"):
        areas.setdefault(candidate_id, []).append(area_id)
    facts = {c.pk: c for c in candidate_facts(rows, areas)}
    proposals = []
    for pk, total in top:
        points, reasons = score(facts[pk], m)
        if points != total:  # the two statements of the rules disagree: never propose on that
            raise AssertionError(f"score mismatch for candidate {pk}: {points} != {total}")
        proposal = Proposal(candidate_id=pk, kind=facts[pk].kind, score=points, reasons=reasons)
        if proposal.kind == K.CITIZEN and backup_id is not None:
            proposal.backup_id = backup_id
            proposal.reasons.append(["backup", 0, {}])
        proposals.append(proposal)
    return proposals


def excluded_candidates(m: MatterFacts):
    """The candidates the hard constraints rule out for the matter — the complement of the
    database's pool, best known first by kind then age —, without the relatives of other people
    (never anyone's candidate but their own relative's)."""
    return (
        GuardianCandidate.objects.exclude(pk__in=_pool(m).values("pk"))
        .exclude(Q(kind=K.RELATIVE) & ~Q(relative_of_id=m.person_id))
        .order_by("kind", "pk")
    )


def why_excluded(m: MatterFacts, candidates) -> list[tuple[GuardianCandidate, list]]:
    """Each excluded candidate (with their ``areas`` prefetched) and the reasons the pure rules
    give. The database ruled them out; a candidate for whom the rules find no reason means the two
    statements of the rules disagree, and nothing is shown on that."""
    explained = []
    for candidate in candidates:
        facts = CandidateFacts(
            pk=candidate.pk,
            kind=candidate.kind,
            caseload=candidate.caseload,
            max_caseload=candidate.max_caseload,
            available=candidate.available,
            organisation_id=candidate.organisation_id,
            relative_of_id=candidate.relative_of_id,
            languages=tuple(candidate.languages),
            specialisms=tuple(candidate.specialisms),
            area_ids=frozenset(area.pk for area in candidate.areas.all()),
        )
        reasons = exclusion_reasons(facts, m)
        if not reasons:
            raise AssertionError(f"no reason found for excluded candidate {candidate.pk}")
        explained.append((candidate, reasons))
    return explained


def eligible_count(m: MatterFacts) -> int:
    """How many candidates the hard constraints allow for the matter."""
    return _pool(m).count()
