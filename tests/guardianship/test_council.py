"""The ward guardianship council's meetings (indicator 1-(3)): recorded by the ward office or the
centre, bad input refused with what was typed kept, taken back when recorded by mistake, nobody
else let in; counted by ward and fiscal year on the indicators page. A city without wards has the
city's council."""

import datetime
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Area, Organisation
from accounts.selectors import council_areas_of
from audit.models import AuditEvent
from cases.exceptions import CaseRuleError
from guardianship.models import CouncilMeeting
from guardianship.services import record_council_meeting
from privacy.normalise import fiscal_year_of
from tests.screens import browser, page


def council_table(html: str) -> dict[str, list[int]]:
    body = re.search(r'<table class="table" id="council-table">(.*?)</table>', html, re.S).group(1)
    return {
        m.group(1): [int(n) for n in re.findall(r"<td>(\d+)</td>", m.group(2))]
        for m in re.finditer(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body)
    }


def test_the_ward_office_records_meetings_that_one_three_counts(world):
    ward = browser(world.ward_worker)
    today = timezone.localdate()
    april = datetime.date(fiscal_year_of(today), 4, 1)
    for held_on, participants in ((april, 30), (april - datetime.timedelta(days=1), 25), (today, 12)):
        response = ward.post(
            reverse("guardianship:council"),
            {"area": world.demo.ward.pk, "held_on": held_on.isoformat(), "participants": participants},
        )
        assert response.status_code == 302
    centre = browser(world.coordinator)  # a city-wide centre takes part in the ward's council too
    assert (
        centre.post(
            reverse("guardianship:council"),
            {
                "area": world.demo.ward.pk,
                "held_on": "令和7年4月1日",
                "participants": "8",
                "theme": "市民後見人",
            },
        ).status_code
        == 302
    )
    assert CouncilMeeting.objects.count() == 4
    assert AuditEvent.objects.filter(event="guardianship.council_recorded").count() == 4
    this_year = fiscal_year_of(today)
    shown = council_table(page(ward.get(reverse("indicators:index"), {"year": this_year})))
    expected_this_year = 30 + 12 + (8 if fiscal_year_of(datetime.date(2025, 4, 1)) == this_year else 0)
    assert shown[world.demo.ward.name][1] == expected_this_year
    shown = council_table(page(ward.get(reverse("indicators:index"), {"year": this_year - 1})))
    assert shown[world.demo.ward.name] == [
        1 + (1 if fiscal_year_of(datetime.date(2025, 4, 1)) == this_year - 1 else 0),
        25 + (8 if fiscal_year_of(datetime.date(2025, 4, 1)) == this_year - 1 else 0),
    ]


def test_bad_input_changes_nothing_and_keeps_what_was_typed(world):
    ward = browser(world.ward_worker)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for values, message in [
        ({"held_on": tomorrow, "participants": "10"}, "今日より後の日付は入力できません。"),
        ({"held_on": "2025-06-01", "participants": "0"}, "この値は 1 以上でなければなりません。"),
        ({"held_on": "2025-06-01", "participants": "十"}, "整数を入力してください。"),
        ({"held_on": "2025-13-01", "participants": "10"}, "存在しない日付"),
    ]:
        html = page(
            ward.post(
                reverse("guardianship:council"), {"area": world.demo.ward.pk, "theme": "研修会", **values}
            )
        )
        assert message in html and 'value="研修会"' in html, values
    other_ward = Area.objects.create(
        name="別の区", level=Area.Level.WARD, parent=world.demo.municipality, code="999992"
    )
    html = page(
        ward.post(
            reverse("guardianship:council"),
            {"area": other_ward.pk, "held_on": "2025-06-01", "participants": "9"},
        )
    )
    assert "正しく選択してください" in html
    assert not CouncilMeeting.objects.exists()


def test_a_meeting_recorded_by_mistake_is_taken_back_and_nobody_else_touches_them(world):
    ward = browser(world.ward_worker)
    ward.post(
        reverse("guardianship:council"),
        {"area": world.demo.ward.pk, "held_on": "2025-06-01", "participants": "9"},
    )
    meeting = CouncilMeeting.objects.get()
    delete = reverse("guardianship:council_meeting_delete", args=[meeting.pk])
    for outsider in (world.staff, world.commissioner, world.agency_worker, world.admin):
        assert browser(outsider).get(reverse("guardianship:council")).status_code == 403
        assert browser(outsider).post(delete).status_code == 403
    assert ward.get(delete).status_code == 405  # taken back by a button, never by a link
    assert ward.post(delete).status_code == 302
    assert not CouncilMeeting.objects.exists()
    event = AuditEvent.objects.get(event="guardianship.council_deleted")
    assert event.actor == world.ward_worker and event.target_id == str(meeting.pk)
    denied = AuditEvent.objects.filter(event="case.denied", actor=world.staff)
    assert {json.loads(e.params)["action"] for e in denied} == {
        "open_council_meetings",
        "delete_council_meeting",
    }


def test_a_city_without_wards_has_the_citys_council(db):
    city = Area.objects.create(name="区のない市", level=Area.Level.MUNICIPALITY, code="999991")
    district = Area.objects.create(name="北地区", level=Area.Level.DISTRICT, parent=city)
    Area.objects.create(name="北圏域", level=Area.Level.PLAZA_AREA, parent=district)
    office = Organisation.objects.create(name="市役所 福祉課", kind="ward_office", municipality=city)
    office.areas.set([city])
    plaza = Organisation.objects.create(name="北地域ケアプラザ", kind="care_plaza", municipality=city)
    plaza.areas.set([district])
    assert list(council_areas_of(Organisation.objects.filter(pk=office.pk))) == [city]
    assert list(council_areas_of(Organisation.objects.filter(pk=plaza.pk))) == [city]


def test_the_service_keeps_its_rules_whatever_the_form(world):
    other_ward = Area.objects.create(
        name="別の区", level=Area.Level.WARD, parent=world.demo.municipality, code="999993"
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for area, held_on, field in (
        (other_ward, timezone.localdate(), "area"),
        (world.demo.ward, tomorrow, "held_on"),
    ):
        with pytest.raises(CaseRuleError) as refused:
            record_council_meeting(actor=world.ward_worker, area=area, held_on=held_on, participants=5)
        assert list(refused.value.message_dict) == [field]
    with pytest.raises(PermissionDenied):
        record_council_meeting(
            actor=world.staff, area=world.demo.ward, held_on=timezone.localdate(), participants=5
        )
    assert not CouncilMeeting.objects.exists()
