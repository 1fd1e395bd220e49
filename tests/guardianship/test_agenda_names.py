"""The matching meeting's agenda says who (issue 18, part 1): each matter by its case number, and
the person's name where the centre's grant on the case includes identity."""

import datetime

from django.urls import reverse

from cases.models import CaseAccessGrant
from guardianship import services
from tests.guardianship.conftest import to_matching
from tests.screens import browser, page


def _meeting(world, matter, candidate):
    candidate("citizen")
    matter = to_matching(world, matter)
    return services.schedule_matching_meeting(
        actor=world.coordinator,
        matters=[matter],
        scheduled_for=datetime.datetime(2026, 12, 3, 5, tzinfo=datetime.UTC),
    )


def test_the_agenda_names_the_person_when_identity_was_shared(world, matter, candidate):
    meeting = _meeting(world, matter, candidate)
    html = page(browser(world.coordinator).get(reverse("guardianship:meeting", args=[meeting.pk])))
    assert matter.case.reference in html and "佐々木 トメ" in html


def test_the_agenda_shows_only_the_number_without_identity(world, matter, candidate):
    meeting = _meeting(world, matter, candidate)
    CaseAccessGrant.objects.filter(case=matter.case, organisation=world.centre).update(
        field_groups=["guardianship"]
    )
    html = page(browser(world.coordinator).get(reverse("guardianship:meeting", args=[meeting.pk])))
    assert matter.case.reference in html and "佐々木" not in html
