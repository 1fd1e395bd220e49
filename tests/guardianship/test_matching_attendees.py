"""The matching meeting's attendees from outside the centre (issue 19, part 4): the professional
associations' members and the ward office's caseworkers acknowledge confidentiality on screen,
then see the meeting (the person's name, the candidates proposed) until its access ends, and
nothing else; anyone else is refused, recorded."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.services import add_membership
from audit.models import AuditEvent
from cases.exceptions import CaseRuleError
from guardianship import services
from guardianship.models import MatchingAcknowledgement
from tests.guardianship.conftest import to_matching
from tests.screens import browser, page

NAME = "佐々木 トメ"


def _member(world, username, name, kind=Organisation.Kind.PROFESSIONAL_ASSOCIATION):
    organisation = Organisation.objects.create(name=name, kind=kind, municipality=world.demo.municipality)
    user = User.objects.create(username=username, last_name="弁護", first_name=username)
    add_membership(user=user, organisation=organisation, role=Role.AGENCY_WORKER)
    return user


@pytest.fixture
def meeting_with_outsiders(world, matter, candidate):
    candidate("citizen")
    matter = to_matching(world, matter)
    lawyer = _member(world, "lawyer", "みなと弁護士会")
    meeting = services.schedule_matching_meeting(
        actor=world.coordinator,
        matters=[matter],
        scheduled_for=timezone.now() + datetime.timedelta(hours=2),
        attendees=[world.coordinator, lawyer, world.ward_worker],
    )
    return meeting, matter, lawyer


def _denied():
    return AuditEvent.objects.filter(event="case.denied").count()


@pytest.mark.parametrize("who", ["lawyer", "ward"])
def test_an_outside_attendee_sees_the_meeting_after_acknowledging_and_not_before(
    world, meeting_with_outsiders, who
):
    meeting, matter, lawyer = meeting_with_outsiders
    user = lawyer if who == "lawyer" else world.ward_worker
    client = browser(user)
    url = reverse("guardianship:meeting", args=[meeting.pk])

    before = page(client.get(url))
    assert "守秘義務の確認" in before and NAME not in before and "候補 citizen" not in before
    assert not MatchingAcknowledgement.objects.exists()

    response = client.post(reverse("guardianship:meeting_acknowledge", args=[meeting.pk]))
    assert response.status_code == 302
    after = page(client.get(url))
    assert NAME in after and "候補 citizen" in after and matter.case.reference in after
    # It reads; it does not decide, and it does not open the matter nor the candidate pool.
    assert "この候補者に決める" not in after and "守秘義務の確認" not in after
    assert reverse("guardianship:matter", args=[matter.pk]) not in after
    assert client.get(reverse("guardianship:matter", args=[matter.pk])).status_code == 403
    assert AuditEvent.objects.filter(event="guardianship.matching_acknowledged", actor=user).count() == 1

    # Once the meeting's access has ended: refused, recorded.
    denied = _denied()
    meeting.scheduled_for = timezone.now() - datetime.timedelta(hours=73)
    meeting.save(update_fields=["scheduled_for"])
    assert client.get(url).status_code == 403
    assert _denied() == denied + 1


def test_the_centre_still_decides_on_the_same_page(world, meeting_with_outsiders):
    meeting, _matter, _lawyer = meeting_with_outsiders
    html = page(browser(world.coordinator).get(reverse("guardianship:meeting", args=[meeting.pk])))
    assert NAME in html and "この候補者に決める" in html and "守秘義務の確認" not in html


def test_an_association_member_who_does_not_attend_is_refused(world, meeting_with_outsiders, other_matter):
    meeting, _matter, _lawyer = meeting_with_outsiders
    stranger = _member(world, "scrivener", "つなぐリーガルサポート")
    client = browser(stranger)
    denied = _denied()
    assert client.get(reverse("guardianship:meeting", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("guardianship:meeting_acknowledge", args=[meeting.pk])).status_code == 403
    assert _denied() == denied + 2
    assert not MatchingAcknowledgement.objects.exists()
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied, raised by cases.access.deny
        services.acknowledge_matching_meeting(actor=stranger, meeting=meeting)


def test_an_attendee_cannot_see_other_matters(world, meeting_with_outsiders, other_matter):
    meeting, _matter, lawyer = meeting_with_outsiders
    client = browser(lawyer)
    client.post(reverse("guardianship:meeting_acknowledge", args=[meeting.pk]))
    assert client.get(reverse("guardianship:matter", args=[other_matter.pk])).status_code == 403


def test_the_centre_staff_need_no_acknowledgement_and_cannot_give_one(world, meeting_with_outsiders):
    meeting, _matter, _lawyer = meeting_with_outsiders
    client = browser(world.coordinator)
    assert client.post(reverse("guardianship:meeting_acknowledge", args=[meeting.pk])).status_code == 403


def test_other_organisation_kinds_are_refused_as_attendees(world, matter, candidate):
    candidate("citizen")
    matter = to_matching(world, matter)
    court_clerk = _member(world, "clerk", "つなぐ家庭裁判所 後見係", kind=Organisation.Kind.FAMILY_COURT)
    for outsider in (court_clerk, world.staff, world.commissioner):
        with pytest.raises(CaseRuleError, match="中核機関・専門職団体・区役所の職員から選んでください"):
            services.schedule_matching_meeting(
                actor=world.coordinator,
                matters=[matter],
                scheduled_for=timezone.now(),
                attendees=[world.coordinator, outsider],
            )
