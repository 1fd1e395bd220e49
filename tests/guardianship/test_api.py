"""A guardianship matter through the API (issue 21): its centre reads it as the matter page shows
it and takes its steps with the page's forms and services; anyone else is refused, recorded;
a stale version is a 409 and nothing changes."""

import json

from django.test import Client
from django.urls import reverse

from api.models import Scope
from audit.models import AuditEvent
from guardianship.vocabulary import MatterState
from tests.api.test_tokens_and_concerns import issue

BOTH = [Scope.MATTERS_READ, Scope.MATTERS_ACT]


def call(key: str, url: str, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if body is None:
        return Client().get(url, **headers)
    return Client().post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_centre_reads_the_matter_and_takes_its_steps(world, matter):
    centre = issue(world, world.coordinator, world.centre, scopes=BOTH)[1]
    read = call(centre, reverse("api:matter", args=[matter.pk]))
    assert read.status_code == 200, read.content
    shown = read.json()
    assert shown["state"] == MatterState.INTAKE and shown["petition"] is None
    assert shown["person"]["name"] == "佐々木 トメ" and "phone" not in shown["person"]  # contact not shared
    viewed = AuditEvent.objects.filter(event="guardianship.viewed", actor_id=world.coordinator.pk).latest(
        "sequence"
    )
    assert "name" in viewed.fields and "トメ" not in viewed.fields
    assert shown["actions"] == ["start_assessment", "end_matter"]
    # Each step's form is described only where the page offers it (filing comes much later).
    assert call(centre, reverse("api:matter_start_assessment", args=[matter.pk])).status_code == 200
    assert call(centre, reverse("api:matter_file", args=[matter.pk])).status_code == 403
    url = reverse("api:matter_start_assessment", args=[matter.pk])
    assert call(centre, url, {"version": shown["version"] + 1}).status_code == 409
    started = call(centre, url, {"version": shown["version"]})
    assert started.status_code == 200, started.content
    assert started.json()["matter"]["state"] == MatterState.ASSESSMENT
    matter.refresh_from_db()
    assert matter.state == MatterState.ASSESSMENT and started.json()["matter"]["version"] == matter.version
    after = call(centre, reverse("api:matter", args=[matter.pk])).json()["actions"]
    assert after == ["form_team", "end_matter", "add_team_member", "assess", "choose_alternative"]
    bad = call(centre, reverse("api:matter_file", args=[matter.pk]), {"version": matter.version, "on": 5})
    assert bad.status_code == 400 and "on" in bad.json()["errors"]


def test_no_one_but_the_centre_reads_or_acts(world, matter):
    for user, organisation in [(world.staff, world.plaza), (world.agency_worker, world.agency)]:
        key = issue(world, user, organisation, scopes=BOTH)[1]
        assert call(key, reverse("api:matter", args=[matter.pk])).status_code == 403
        url = reverse("api:matter_start_assessment", args=[matter.pk])
        assert call(key, url, {"version": matter.version}).status_code == 403
        assert AuditEvent.objects.filter(event="case.denied", actor_id=user.pk).exists()
    reader = issue(world, world.coordinator, world.centre, scopes=[Scope.MATTERS_READ])[1]
    url = reverse("api:matter_start_assessment", args=[matter.pk])
    assert call(reader, url, {"version": matter.version}).status_code == 403  # no matters:act
    matter.refresh_from_db()
    assert matter.state == MatterState.INTAKE
