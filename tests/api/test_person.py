"""The case's person through the API as the page 本人の情報を変更する reads and changes them (issue
21): only the fields the reader may change, the read recorded; a change at the version read, a
409 after someone else's; a field outside the reader's groups, or bad input, a 400 that changes
nothing."""

import datetime
import json

from django.test import Client
from django.urls import reverse

from api.models import Scope
from audit.models import AuditEvent
from cases.models import Person
from tests.api.test_tokens_and_concerns import issue
from tests.workflow import agency_contributes
from tests.workflow import take as take_case


def person(case) -> Person:
    return Person.objects.select_related("data_key").get(pk=case.person_id)


def call(key: str, case, method: str = "get", body=None):
    url = reverse("api:person", args=[case.pk])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "get":
        return Client().get(url, **headers)
    return Client().patch(url, json.dumps(body), content_type="application/json", **headers)


def test_the_lead_reads_and_changes_the_person_as_on_the_page(world, concern):
    case = take_case(world, concern())
    key = issue(world, world.staff, world.plaza, scopes=[Scope.PERSONS_UPDATE])[1]
    read = call(key, case)
    assert read.status_code == 200
    shown = read.json()
    assert shown["fields"]["name"] == "佐々木 トメ" and set(shown["fields"]) == {
        "name",
        "kana",
        "birth_date",
        "address",
        "phone",
    }
    viewed = AuditEvent.objects.filter(event="person.viewed", case_id=case.pk).latest("sequence")
    assert viewed.actor_id == world.staff.pk and "name" in viewed.fields and "トメ" not in viewed.fields
    changed = call(key, case, "patch", {"version": shown["version"], "birth_date": "昭和23年3月15日"})
    assert changed.status_code == 200, changed.content
    after = person(case)
    assert after.birth_date == datetime.date(1948, 3, 15) and after.name == "佐々木 トメ"  # others stay
    assert changed.json() == {"version": after.version} and after.version == shown["version"] + 1
    assert call(key, case).json()["fields"]["birth_date"] == "1948-03-15"
    # Someone changed it since this version was read: a conflict, nothing written.
    stale = call(key, case, "patch", {"version": shown["version"], "phone": "045-000-0000"})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert person(case).phone == ""


def test_a_field_outside_the_readers_groups_or_bad_input_changes_nothing(world, concern):
    case = take_case(world, concern())
    key = issue(world, world.staff, world.plaza, scopes=[Scope.PERSONS_UPDATE])[1]
    version = person(case).version
    for body, field in [
        ({"version": version, "notes": "x"}, "notes"),  # not a field of the form
        ({"version": version, "kana": "佐々木"}, "kana"),  # kanji in the kana (the page's check)
        ({"version": version, "birth_date": "2999-01-01"}, "birth_date"),  # in the future
        ({"version": version, "phone": 45}, "phone"),  # a number for text
        ({"version": "three"}, "version"),
    ]:
        answer = call(key, case, "patch", body)
        assert answer.status_code == 400, (body, answer.content)
        assert field in answer.json()["errors"], (body, answer.json())
        assert "佐々木" not in answer.content.decode()  # the value is never echoed
    assert person(case).version == version
    # An agency whose grant holds only the contact group reads and changes only those fields.
    agency_contributes(world, case, "contact")
    agency = issue(world, world.agency_worker, world.agency, scopes=[Scope.PERSONS_UPDATE])[1]
    assert set(call(agency, case).json()["fields"]) == {"address", "phone"}
    refused = call(agency, case, "patch", {"version": version, "kana": "ちがう"})
    assert refused.status_code == 403  # as the service refuses it: recorded
    denied = AuditEvent.objects.filter(event="case.denied", actor_id=world.agency_worker.pk).latest(
        "sequence"
    )
    assert "update_person_identity" in denied.params
    assert call(agency, case, "patch", {"version": version, "phone": "045-111-2222"}).status_code == 200
    assert (person(case).phone, person(case).kana) == ("045-111-2222", "ささき とめ")


def test_who_may_not_change_the_person_is_refused_as_on_the_page(world, concern):
    case = take_case(world, concern())
    commissioner = issue(world, world.commissioner, scopes=[Scope.PERSONS_UPDATE])[1]
    assert call(commissioner, case).status_code == 403
    assert call(commissioner, case, "patch", {"version": 1, "kana": "だれか"}).status_code == 403
    reader = issue(world, world.staff, world.plaza, scopes=[Scope.CASES_READ])[1]
    assert call(reader, case).status_code == 403  # the token lacks persons:update
    assert person(case).kana == "ささき とめ"
