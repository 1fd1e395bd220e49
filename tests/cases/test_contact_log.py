"""A commissioner's consultations and liaisons (相談・連絡調整) for the plan's indicator ⑧: with
whom (委員相互・関係機関・その他), counted by fiscal year (April to March) and month; a day still
to come refused by the form and by the service."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import add_membership
from cases.exceptions import CaseRuleError
from cases.models import ContactLog
from cases.services.contacts import record_contact
from privacy.normalise import fiscal_year_label, fiscal_year_of
from tests.screens import browser, follow_post, page

C = ContactLog.Counterpart


def test_the_page_counts_this_fiscal_year_by_counterpart_kind_and_month(world):
    today = timezone.localdate()
    april = datetime.date(fiscal_year_of(today), 4, 1)
    for occurred_on, kind, counterpart in [
        (today, "consultation", C.FELLOW_COMMISSIONER),
        (today, "liaison", C.FELLOW_COMMISSIONER),
        (today, "liaison", C.AGENCY),
        (april, "consultation", C.OTHER),
        (april - datetime.timedelta(days=1), "consultation", C.AGENCY),  # 31 March: the year before
    ]:
        record_contact(actor=world.commissioner, occurred_on=occurred_on, kind=kind, counterpart=counterpart)
    record_contact(
        actor=world.ward_worker, occurred_on=today, kind="liaison", counterpart=C.AGENCY
    ) if False else None
    client = browser(world.commissioner)
    follow_post(
        client,
        reverse("cases:contact_log"),
        {"occurred_on": today.isoformat(), "kind": "consultation", "counterpart": C.AGENCY, "category": ""},
    )
    html = page(client.get(reverse("cases:contact_log")))
    assert fiscal_year_label(fiscal_year_of(today)) in html
    cells = {
        label: tuple(
            map(
                int,
                re.search(
                    rf'<th scope="row">{label}</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', html
                ).groups(),
            )
        )
        for label in ("委員相互", "関係機関", "その他")
    }
    assert cells == {"委員相互": (1, 1, 2), "関係機関": (1, 1, 2), "その他": (1, 0, 1)}
    total = re.search(r'<tfoot><tr><th scope="row">計</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>', html)
    assert total.groups() == ("3", "2", "5")
    months = dict(re.findall(r'<tr><th scope="row">(\d+月)</th><td>(\d+)</td></tr>', html))
    assert months["4月"] == ("1" if today.month != 4 else "5")
    assert months[f"{today.month}月"] == ("4" if today.month != 4 else "5")
    assert sum(map(int, months.values())) == 5  # the 31st of March is last year's


def test_a_day_to_come_is_refused_and_what_was_typed_kept(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client = browser(world.commissioner)
    answer = client.post(
        reverse("cases:contact_log"),
        {"occurred_on": tomorrow.isoformat(), "kind": "liaison", "counterpart": C.AGENCY, "category": ""},
    )
    html = page(answer)
    assert answer.status_code == 200 and "今日より後の日付" in html
    assert 'value="liaison" required id="id_kind_1" checked' in html or re.search(
        r'value="liaison"[^>]*checked', html
    )
    with pytest.raises(CaseRuleError) as refused:
        record_contact(actor=world.commissioner, occurred_on=tomorrow, kind="liaison", counterpart=C.AGENCY)
    assert refused.value.error_dict["occurred_on"][0].code == "contact_in_future"
    assert not ContactLog.objects.exists()


def test_only_commissioners_record_and_only_their_own_choices(world):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        record_contact(actor=world.staff, occurred_on=today, kind="liaison", counterpart=C.AGENCY)
    with pytest.raises(ValidationError):  # a counterpart the indicator does not know: the model's choices
        record_contact(actor=world.commissioner, occurred_on=today, kind="liaison", counterpart="neighbour")
    assert browser(world.staff).get(reverse("cases:contact_log")).status_code == 403
    assert not ContactLog.objects.exists()


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (1988, "昭和63年度（1988年度）"),  # 平成 began in January 1989, within fiscal 1988
        (1989, "平成元年度（1989年度）"),
        (2018, "平成30年度（2018年度）"),
        (2019, "令和元年度（2019年度）"),  # 令和 began on 1 May 2019
        (2026, "令和8年度（2026年度）"),
    ],
)
def test_fiscal_years_are_named_as_offices_name_them(year, label):
    assert fiscal_year_label(year) == label
    assert fiscal_year_of(datetime.date(year + 1, 3, 31)) == year
    assert fiscal_year_of(datetime.date(year, 4, 1)) == year


def test_the_district_is_the_commissioners_and_one_of_several_is_chosen(world):
    first, second, third = world.demo.districts[:3]
    today = timezone.localdate()
    entry = record_contact(actor=world.commissioner, occurred_on=today, kind="liaison", counterpart=C.AGENCY)
    assert entry.district == first  # the council's district, unasked
    add_membership(
        user=world.commissioner,
        organisation=world.demo.organisations[f"council:{second.name}"],
        role=Role.COMMISSIONER,
    )
    client = browser(world.commissioner)
    body = {"occurred_on": today.isoformat(), "kind": "liaison", "counterpart": C.AGENCY, "category": ""}
    asked = page(client.post(reverse("cases:contact_log"), body))
    assert 'name="district"' in asked and ContactLog.objects.count() == 1  # which one? asked, nothing kept
    assert f">{third.name}<" not in asked  # only theirs are offered
    page(client.post(reverse("cases:contact_log"), {**body, "district": third.pk}))
    assert ContactLog.objects.count() == 1
    follow_post(client, reverse("cases:contact_log"), {**body, "district": second.pk})
    assert ContactLog.objects.latest("pk").district == second
    with pytest.raises(CaseRuleError):
        record_contact(actor=world.commissioner, occurred_on=today, kind="liaison", counterpart=C.AGENCY)


def test_a_district_is_never_anothers(world):
    """Without a council, no district is kept, and none may be named; with one, none of another's."""
    today = timezone.localdate()
    elsewhere = world.demo.districts[2]
    with pytest.raises(CaseRuleError):
        record_contact(
            actor=world.commissioner,
            occurred_on=today,
            kind="liaison",
            counterpart=C.AGENCY,
            district=elsewhere,
        )
    assert not ContactLog.objects.exists()
