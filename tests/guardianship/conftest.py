import datetime

import pytest

from cases.models import CaseState, Consent
from guardianship import services
from guardianship.models import GuardianshipMatter
from tests.workflow import decided, shared_on_consent, take


@pytest.fixture
def matter(world, concern, soon):
    """A case whose support-team meeting decided on guardianship: the centre has a matter in
    intake, and the plaza has shared identity and the guardianship group with it on consent."""
    case = decided(world, take(world, concern()), CaseState.GUARDIANSHIP, soon)
    shared_on_consent(world, case, world.centre, ["identity", "guardianship"], Consent.Purpose.GUARDIANSHIP)
    return GuardianshipMatter.objects.get(case=case)


@pytest.fixture
def other_matter(world, concern, soon):
    """A second person's matter at the same centre: their relatives are not the first one's."""
    case = decided(world, take(world, concern(identity={"name": "別人 一郎"})), CaseState.GUARDIANSHIP, soon)
    return GuardianshipMatter.objects.get(case=case)


@pytest.fixture
def candidate(world):
    """Register a candidate through the service, as the centre's coordinator."""

    def make(kind="citizen", **values):
        values.setdefault("name", f"候補 {kind}")
        values.setdefault("max_caseload", 3)
        values.setdefault("areas", [world.district])
        if kind == "citizen":
            values.setdefault("training_completed_on", datetime.date(2024, 3, 1))
            values.setdefault("registered_on", datetime.date(2024, 4, 1))
        if kind == "corporate":
            values.setdefault("organisation", world.demo.organisations["professional_association"])
        return services.register_candidate(actor=world.coordinator, kind=kind, **values)

    return make


def advance(world, matter, *names, **kwargs):
    """Run transition services in order, as the coordinator."""
    for name in names:
        matter.refresh_from_db()
        matter = getattr(services, name)(
            actor=world.coordinator, matter=matter, expected_version=matter.version, **kwargs
        )
    return matter


def form_team_of(world, matter):
    """The team the petition is prepared with: the plaza's lead worker and a care manager."""
    services.add_team_member(
        actor=world.coordinator, matter=matter, organisation=world.plaza, name="港 さくら", role="lead"
    )
    services.add_team_member(actor=world.coordinator, matter=matter, name="山下 健", role="care_manager")


def to_matching(world, matter):
    if matter.state == "intake":
        matter = advance(world, matter, "start_assessment")
    matter = advance(world, matter, "form_team")
    form_team_of(world, matter)
    matter.refresh_from_db()
    matter = services.prepare_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        type="guardianship",
        petitioner_kind="mayor",
        court=world.demo.organisations["family_court"],
        subsidy_petition_costs=True,
    )
    petition = services.current_petition(matter)
    for document in petition.documents.all():
        services.update_document(
            actor=world.coordinator, petition=petition, kind=document.kind, status="received"
        )
    return advance(world, matter, "start_matching")


def matched(world, matter, candidate_kind="citizen", candidate=None):
    """To matching, a meeting that proposes and picks the first candidate, who agrees."""
    matter = to_matching(world, matter)
    meeting = services.schedule_matching_meeting(
        actor=world.coordinator,
        matters=[matter],
        scheduled_for=datetime.datetime(2026, 12, 3, 5, 0, tzinfo=datetime.UTC),
    )
    first = meeting.items.get().proposals.order_by("rank").first()
    services.choose_candidate(actor=world.coordinator, proposal=first, reason="地域の事情に詳しい")
    services.record_candidate_answer(actor=world.coordinator, proposal=first, accepted=True)
    matter.refresh_from_db()
    return matter, first.candidate
