"""Who the list takes: the municipality's criteria (``ListingCriterion`` rows) applied to what is
recorded of a person, as pure functions (the services and the tests call the same ones)."""

from collections.abc import Iterable
from dataclasses import dataclass

from disaster.models import CriterionKind, ListingCriterion

# The criteria a city starts from: migration 0002 seeds them and a flush (the browser tests')
# restores them; the city's administrator edits them in the admin, never deletes them.
SEEDED = [
    {"code": "care-level-3", "label": "要介護3以上の方", "kind": "care_level", "threshold": 3},
    {
        "code": "physical-disability-2",
        "label": "身体障害者手帳1・2級の方",
        "kind": "disability_grade",
        "threshold": 2,
    },
    {
        "code": "self-registration",
        "label": "本人の申出により掲載を希望する方（手上げ方式）",
        "kind": "self_registration",
        "threshold": None,
    },
]


@dataclass(frozen=True)
class Circumstances:
    """What the criteria look at, as recorded for one person."""

    care_level: str = ""
    disability_grade: str = ""
    lives_alone: bool = False
    self_registered: bool = False


def meets(criterion: ListingCriterion, person: Circumstances) -> bool:
    """Whether the person meets the criterion: a care level at or above its threshold, a grade at
    or above its severity (grade 1 is the heaviest), living alone, or having asked to be listed."""
    if criterion.kind == CriterionKind.CARE_LEVEL:
        return bool(person.care_level) and int(person.care_level) >= (criterion.threshold or 1)
    if criterion.kind == CriterionKind.DISABILITY_GRADE:
        return bool(person.disability_grade) and int(person.disability_grade) <= (criterion.threshold or 6)
    if criterion.kind == CriterionKind.LIVES_ALONE:
        return person.lives_alone
    return person.self_registered


def criteria_met(criteria: Iterable[ListingCriterion], person: Circumstances) -> list[ListingCriterion]:
    return [criterion for criterion in criteria if criterion.is_active and meets(criterion, person)]


def ensure_criteria(apps=None, using: str = "default", **kwargs) -> None:
    """Seed the criteria missing from the table (bulk_create: part of migrating, not an
    administrator's change, so not audited)."""
    from django.apps import apps as global_apps

    model = (apps or global_apps).get_model("disaster", "ListingCriterion")
    present = set(model.objects.using(using).values_list("code", flat=True))
    model.objects.using(using).bulk_create(
        [model(**entry) for entry in SEEDED if entry["code"] not in present]
    )
