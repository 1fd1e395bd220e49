"""The network registry (indicator ⑦): a care plaza's staff register the networks their plaza is
the secretariat of and change them; bad input changes nothing and keeps what was typed; a stale
form gets a conflict; nobody else registers or changes one; ⑦ counts them by district and year."""

import datetime
import json

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from networks.models import Network
from privacy.normalise import fiscal_year_of
from tests.indicators.test_contacts import table
from tests.screens import browser, page


def form_values(world, **overrides) -> dict:
    values = {
        "name": "はまかぜ見守りネットワーク",
        "district": world.district.pk,
        "purpose": "町内会・商店会・介護事業所で高齢者の見守りを話し合う",
        "member_count": "12",
        "started_on": "令和6年4月1日",
        "ended_on": "",
    }
    values.update(overrides)
    return values


def test_a_plaza_registers_a_network_that_seven_then_counts(world):
    plaza = browser(world.staff)
    response = plaza.post(reverse("networks:index"), form_values(world))
    assert response.status_code == 302
    network = Network.objects.get()
    assert (network.secretariat, network.district, network.started_on) == (
        world.plaza,
        world.district,
        datetime.date(2024, 4, 1),
    )
    assert "はまかぜ見守りネットワーク" in page(plaza.get(reverse("networks:index")))
    event = AuditEvent.objects.get(event="network.registered")
    assert event.actor == world.staff and event.target_id == str(network.pk)
    assert "はまかぜ" not in event.params  # nothing of what was typed in the trail
    # ⑦ in the ward office's indicators, this year and the year it started.
    ward = browser(world.ward_worker)
    for year in (fiscal_year_of(timezone.localdate()), 2024):
        shown = table(page(ward.get(reverse("indicators:index"), {"year": year})), "districts-table")
        assert shown[world.district.name][4] == 1, year  # the ⑦ column
    shown = table(page(ward.get(reverse("indicators:index"), {"year": 2023})), "districts-table")
    assert shown[world.district.name][4] == 0  # not yet running


def test_bad_input_changes_nothing_and_keeps_what_was_typed(world):
    plaza = browser(world.staff)
    other_district = world.demo.districts[1]  # the second plaza's
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for overrides, field, message in [
        ({"started_on": tomorrow}, "started_on", "今日より後の日付は入力できません。"),
        ({"ended_on": "2024-03-31"}, "ended_on", "終えた日は、担い始めた日より後にしてください。"),
        ({"district": other_district.pk}, "district", "正しく選択してください"),
        ({"started_on": "2024-02-30"}, "started_on", "存在しない日付"),
        ({"member_count": "-3"}, "member_count", "この値は 0 以上でなければなりません。"),
    ]:
        html = page(plaza.post(reverse("networks:index"), form_values(world, **overrides)))
        assert message in html, field
        assert 'value="はまかぜ見守りネットワーク"' in html and "町内会・商店会" in html
    assert not Network.objects.exists()
    assert not AuditEvent.objects.filter(event="network.registered").exists()


def test_a_stale_form_gets_a_conflict_and_the_first_change_stays(world):
    plaza = browser(world.staff)
    plaza.post(reverse("networks:index"), form_values(world))
    network = Network.objects.get()
    address = reverse("networks:change", args=[network.pk])
    assert 'name="version" value="1"' in page(plaza.get(address))
    first = plaza.post(address, form_values(world, name="はまかぜ見守り会議", version="1"))
    assert first.status_code == 302
    html = page(plaza.post(address, form_values(world, ended_on="令和7年3月31日", version="1")))
    assert "他の人が先にこのネットワークを更新しました" in html
    network.refresh_from_db()
    assert (network.name, network.ended_on, network.version) == ("はまかぜ見守り会議", None, 2)
    event = AuditEvent.objects.get(event="network.changed")
    assert json.loads(event.fields) == ["network.name"]  # what changed: names, not values
    # The end recorded with the fresh form.
    assert plaza.post(address, form_values(world, ended_on="令和7年3月31日", version="2")).status_code == 302
    network.refresh_from_db()
    assert network.ended_on == datetime.date(2025, 3, 31)


def test_nobody_else_registers_or_changes_a_network(world):
    browser(world.staff).post(reverse("networks:index"), form_values(world))
    network = Network.objects.get()
    for outsider in (
        world.commissioner,
        world.ward_worker,
        world.agency_worker,
        world.coordinator,
        world.admin,
    ):
        assert browser(outsider).get(reverse("networks:index")).status_code == 403
        assert browser(outsider).post(reverse("networks:index"), form_values(world)).status_code == 403
    # Another plaza's staff: their own page, not this network.
    other = browser(world.other_staff)
    assert "はまかぜ見守りネットワーク" not in page(other.get(reverse("networks:index")))
    address = reverse("networks:change", args=[network.pk])
    assert other.get(address).status_code == 403
    assert other.post(address, form_values(world, name="乗っ取り", version="1")).status_code == 403
    network.refresh_from_db()
    assert network.name == "はまかぜ見守りネットワーク" and Network.objects.count() == 1
    denied = AuditEvent.objects.filter(event="case.denied", actor=world.other_staff)
    assert {json.loads(e.params)["action"] for e in denied} == {"change_network"}
