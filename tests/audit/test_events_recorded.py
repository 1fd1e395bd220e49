"""Every service and screen that touches personal data leaves exactly the expected events."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from audit.models import AuditEvent
from cases.models import Person
from cases.services.people import erase_person
from privacy.services import rotate_keys


def events_since(sequence: int) -> list[tuple]:
    return [
        (e.event, e.action, e.person_id, json.loads(e.fields), json.loads(e.params))
        for e in AuditEvent.objects.filter(sequence__gt=sequence).order_by("sequence")
    ]


def head() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def test_register_person_records_one_create_event_with_field_names(make_person):
    start = head()
    person = make_person(name="山田 花子", kana="やまだ はなこ", phone="0451234567")
    assert events_since(start) == [
        ("person.registered", "create", str(person.pk), ["kana", "name", "phone"], {}),
    ]


def test_erase_person_records_one_erase_event(make_person, demo):
    person = make_person()
    start = head()
    erase_person(actor=demo.users["demo_privacy"], person=person)
    erase_person(actor=demo.users["demo_privacy"], person=person)  # already erased: nothing more
    [(event, action, person_id, fields, params)] = events_since(start)
    assert (event, action, person_id, params) == (
        "person.erased",
        "erase",
        str(person.pk),
        {"reason": "request"},
    )
    assert fields == sorted(Person.IDENTITY_FIELDS)
    recorded = AuditEvent.objects.get(sequence=start + 1)
    assert recorded.actor == demo.users["demo_privacy"]
    assert recorded.organisation.name.endswith("区政推進課")


def test_retention_records_its_erasures_as_the_system(make_person, make_case):
    person = make_person()
    make_case(person, "closed", years_ago=8)
    start = head()
    call_command("apply_retention")
    [(event, _action, person_id, _fields, params)] = events_since(start)
    assert (event, person_id, params) == ("person.erased", str(person.pk), {"reason": "retention"})
    assert AuditEvent.objects.get(sequence=start + 1).actor is None


def test_key_rotation_records_each_batch_and_the_retirement(make_person, file_keyring):
    for i in range(5):
        make_person(name=f"住民 {i}")
    start = head()
    report = rotate_keys(batch_size=2)
    recorded = events_since(start)
    assert [e[0] for e in recorded] == ["keys.rewrapped"] * 3 + ["keys.retired"]
    assert [e[4]["count"] for e in recorded[:3]] == [2, 2, 1]
    assert recorded[3][4] == {"keks": report.retired}


def test_logins_and_logouts_are_recorded_and_failed_logins_are_not(client, demo):
    """A failure is counted by django-axes outside the trail (tests/accounts/test_signin.py has the
    one event per lockout), so that failures never wait for the chain's lock."""
    start = head()
    client.post(reverse("login"), {"username": "demo_plaza", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "nobody-at-all", "password": "x"})
    client.post(reverse("login"), {"username": "demo_plaza", "password": DEMO_PASSWORD})
    client.post(reverse("logout"))
    recorded = AuditEvent.objects.filter(sequence__gt=start).order_by("sequence")
    assert [(e.event, e.actor_id) for e in recorded] == [
        ("auth.login", demo.users["demo_plaza"].pk),
        ("auth.logout", demo.users["demo_plaza"].pk),
    ]
    assert all(e.request_id and e.client_address == "127.0.0.1" for e in recorded)


def test_a_refused_page_is_recorded(client, demo):
    client.force_login(demo.users["demo_commissioner"])
    start = head()
    response = client.get(reverse("cases:person_search"))
    assert response.status_code == 403
    assert "監査記録に残ります" in response.content.decode()
    [(event, action, _p, _f, params)] = events_since(start)
    assert (event, action, params) == (
        "access.denied",
        "denied",
        {"method": "GET", "view": "cases:person_search"},
    )
    assert AuditEvent.objects.get(sequence=start + 1).actor == demo.users["demo_commissioner"]


def test_a_search_page_that_shows_people_records_one_event_naming_them(client, demo, make_person):
    hanako = make_person(name="山田 花子", kana="やまだ はなこ")
    twin = make_person(name="山田 花子", kana="やまだ はなこ")
    client.force_login(demo.users["demo_plaza"])
    start = head()
    response = client.post(reverse("cases:person_search"), {"q": "ヤマダハナコ"})
    assert response.status_code == 200
    assert response.content.decode().count("山田 花子") == 2
    [(event, action, _p, fields, params)] = events_since(start)
    assert (event, action, fields) == ("person.listed", "view", ["birth_date", "kana", "name"])
    assert params["count"] == 2
    assert set(params["people"]) == {str(hanako.pk), str(twin.pk)}

    start = head()
    client.post(reverse("cases:person_search"), {"q": "誰もいない"})
    assert events_since(start) == []  # nothing shown, nothing read


def test_one_person_shown_is_a_view_event_about_them(client, demo, make_person):
    person = make_person(name="鈴木 一郎")
    client.force_login(demo.users["demo_plaza"])
    start = head()
    client.post(reverse("cases:person_search"), {"q": "鈴木一郎"})
    [(event, _a, person_id, _f, _p)] = events_since(start)
    assert (event, person_id) == ("person.viewed", str(person.pk))


def test_no_event_holds_a_personal_value(client, demo):
    """The demo flow, then every text the trail holds is searched for the demo people's identities."""
    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("seed_demo")
    people = list(Person.objects.select_related("data_key").order_by("created_at"))
    client.force_login(demo.users["demo_plaza"])
    for person in [p for p in people if p.registered_by_id == demo.plazas[0].pk][:5]:
        client.post(reverse("cases:person_search"), {"q": person.kana})
        client.post(reverse("cases:person_search"), {"q": person.phone})
    from cases.selectors import cases_visible_to

    for case in cases_visible_to(demo.users["demo_plaza"]):
        assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    client.force_login(demo.users["demo_privacy"])
    client.post(reverse("cases:person_lookup_for_report"), {"q": people[0].name})
    client.get(reverse("audit:access_report", args=[people[0].pk]))
    erase_person(actor=demo.users["demo_privacy"], person=people[1])

    trail = "\n".join("|".join(str(v) for v in row) for row in AuditEvent.objects.values_list())
    assert AuditEvent.objects.filter(event__in=["person.listed", "person.viewed"]).count() >= 5
    assert AuditEvent.objects.filter(event="case.viewed").count() >= 5
    identities = [
        value
        for person in people
        if not person.is_erased
        for value in (person.name, person.name.replace(" ", ""), person.kana, person.phone, person.address)
        if value  # a household member recorded without phone or address has nothing there to leak
    ]
    from cases.models import Supporter

    identities += [
        value
        for supporter in Supporter.objects.select_related("person__data_key")
        for value in (supporter.name, supporter.relation, supporter.contact)
        if value
    ]
    from cases.models import Concern, SupportMeeting

    identities += [c.details for c in Concern.objects.select_related("case__person__data_key") if c.details]
    identities += [
        m.minutes for m in SupportMeeting.objects.select_related("case__person__data_key") if m.minutes
    ]
    assert len(identities) >= 100
    leaked = [value for value in identities if value in trail]
    assert not leaked, "personal values found in the audit trail"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_event_descriptions_render_in_both_languages(demo, language, make_person):
    from django.utils import translation

    from audit.selectors import describe

    make_person()
    event = AuditEvent.objects.order_by("-sequence").first()
    with translation.override(language):
        text = describe(event)
    assert text == ("本人を登録しました" if language == "ja" else "Registered a person")


def test_a_parameter_an_older_event_does_not_carry_reads_as_a_dash(db):
    """An onboarding check recorded before areas and legal bases were imported names neither."""
    from audit.selectors import describe
    from audit.services import record

    older = record(
        "onboarding.checked",
        params={"organisations": 2, "users": 3, "candidates": 0, "errors": 1},
    )
    text = describe(older)
    assert "{" not in text and "地域—" in text and "組織2" in text
