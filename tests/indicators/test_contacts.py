"""Indicator ⑧ on the indicators page, computed over a generated record whose counts are known by
construction: by district, counterpart and month, a fiscal year from 1 April to 31 March, each
reader seeing the districts their organisations serve and nobody else anything."""

import datetime
import random
import re
from collections import Counter

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import add_membership
from audit.models import AuditEvent
from cases.models import ContactLog
from cases.services.contacts import record_contact
from privacy.normalise import fiscal_year_label, fiscal_year_of
from tests.screens import browser, page

MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def generated(world, seed: int = 20261204) -> tuple[Counter, dict]:
    """Contacts of two commissioners in two districts over the last 500 days (the last fiscal
    year's 31 March and this one's 1 April among them), and what was made: (district, fiscal
    year, month, counterpart) → count."""
    second = world.demo.districts[1]
    other = User.objects.create(username="commissioner_b", last_name="委員", first_name="二")
    add_membership(
        user=other, organisation=world.demo.organisations[f"council:{second.name}"], role=Role.COMMISSIONER
    )
    other = User.objects.get(pk=other.pk)
    who = {world.demo.districts[0]: world.commissioner, second: other}
    today = timezone.localdate()
    april = datetime.date(fiscal_year_of(today), 4, 1)
    days = [today - datetime.timedelta(days=n) for n in range(500)] + [
        april,
        april - datetime.timedelta(days=1),
    ] * 3
    made = Counter()
    rng = random.Random(seed)
    for _ in range(300):
        district = rng.choice(list(who))
        day = rng.choice(days)
        counterpart = rng.choice(ContactLog.Counterpart.values)
        record_contact(
            actor=who[district],
            occurred_on=day,
            kind=rng.choice(ContactLog.Kind.values),
            counterpart=counterpart,
        )
        made[(district.name, fiscal_year_of(day), day.month, counterpart)] += 1
    return made, who


def table(html: str, table_id: str) -> dict[str, list[int | None]]:
    """A table of the page by its rows' names; a hidden figure (＊) is None."""
    body = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    return {
        m.group(1): [None if n == "＊" else int(n) for n in re.findall(r"<td>(\d+|＊)</td>", m.group(2))]
        for m in re.finditer(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body)
    }


@override_settings(TSUNAGU_SMALL_NUMBERS=1)  # nothing hidden: every figure compared
def test_the_figures_are_the_records_by_district_counterpart_and_month(world):
    made, who = generated(world)
    ward = browser(world.ward_worker)
    for year in (fiscal_year_of(timezone.localdate()), fiscal_year_of(timezone.localdate()) - 1):
        html = page(ward.get(reverse("indicators:index"), {"year": year}))
        assert fiscal_year_label(year) in html
        by_counterpart, by_month = table(html, "contacts-by-counterpart"), table(html, "contacts-by-month")
        for district in who:
            expected = [
                sum(n for (d, y, _m, c), n in made.items() if (d, y, c) == (district.name, year, code))
                for code in ContactLog.Counterpart.values
            ]
            assert by_counterpart[district.name] == [*expected, sum(expected)], (year, district.name)
            assert by_month[district.name] == [
                sum(n for (d, y, m, _c), n in made.items() if (d, y, m) == (district.name, year, month))
                for month in MONTHS
            ]
        assert by_counterpart["計"][-1] == sum(n for (_d, y, _m, _c), n in made.items() if y == year)
    assert sum(made.values()) == 300


def test_each_reader_sees_their_districts_and_no_one_else_anything(world):
    _made, who = generated(world)
    first, second = list(who)
    mine = page(browser(world.commissioner).get(reverse("indicators:index")))
    assert first.name in mine and f'<th scope="row">{second.name}</th>' not in mine
    for outsider in (world.admin, world.agency_worker):
        assert browser(outsider).get(reverse("indicators:index")).status_code == 403
    assert AuditEvent.objects.filter(event="case.denied", actor=world.admin).exists()


def test_a_year_not_on_offer_is_said_and_this_year_shown(world):
    html = page(browser(world.ward_worker).get(reverse("indicators:index"), {"year": "1999"}))
    assert "選べない値" in html and fiscal_year_label(fiscal_year_of(timezone.localdate())) in html
