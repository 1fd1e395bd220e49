"""The indicators over five fiscal years: each figure what that year's page shows (exact for the
reader who holds the records, hidden where that year's table hides it), over generated records."""

import json
import re

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from indicators.definitions import DISTRICT_INDICATORS
from privacy.normalise import fiscal_year_of
from tests.indicators.test_contacts import generated as made_contacts
from tests.indicators.test_contacts import table
from tests.indicators.test_districts import CODES
from tests.indicators.test_districts import generated as made_cases
from tests.indicators.test_pipeline import made_matters
from tests.screens import browser, page

MAYOR = "市町村長（市長申立て）"


def trends(html: str) -> dict[str, list[int | None]]:
    """The trends table by its rows' headers (an indicator's code and title), years oldest first."""
    body = re.search(r'<table class="table wrapping" id="trends-table">(.*?)</table>', html, re.S).group(1)
    return {
        re.sub(r"<.*?>", "", m.group(1)): [
            None if n == "＊" else int(n) for n in re.findall(r"<td>(\d+|＊)</td>", m.group(2))
        ]
        for m in re.finditer(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body)
    }


def row_of(shown: dict, start: str) -> list:
    (values,) = [values for header, values in shown.items() if header.startswith(start)]
    return values


@override_settings(TSUNAGU_SMALL_NUMBERS=5)
def test_five_years_of_each_indicator_as_each_years_page_shows_it(world, make_person, make_case):
    made = made_cases(world, make_person, make_case)
    matters = made_matters(world, make_person, make_case)
    contacts, _who = made_contacts(world)
    this_year = fiscal_year_of(timezone.localdate())
    years = list(range(this_year - 4, this_year + 1))

    # The ward office: the district table exact, each year (three with no records: zeroes).
    ward = browser(world.ward_worker)
    shown = trends(page(ward.get(reverse("indicators:trends"))))
    for code, indicator in zip(CODES, DISTRICT_INDICATORS, strict=True):
        expected = [sum(n for (c, _d, y), n in made.items() if (c, y) == (code, year)) for year in years]
        assert shown[f"{indicator.code} {indicator.title}"] == expected, indicator.code
    assert any(row_of(shown, "1-(2) ")), "the generator made meetings to count"
    reviewing = [
        len({d for (c, d, y) in made if (c, y) == ("9", year) and made[(c, d, y)]}) for year in years
    ]
    assert row_of(shown, "⑨ 個別課題を見据えた地域支援の検討をした地区の数") == reviewing
    # ⑧ is hidden for a ward office where its year's page hides it: the same figure as that page's.
    for year, value in zip(years, row_of(shown, "⑧ "), strict=True):
        year_page = table(
            page(ward.get(reverse("indicators:index"), {"year": year})), "contacts-by-counterpart"
        )
        assert value == year_page["計"][-1]

    # A commissioner: ⑧ of their own district exact.
    mine = trends(page(browser(world.commissioner).get(reverse("indicators:trends"))))
    district = world.demo.districts[0].name
    assert row_of(mine, "⑧ ") == [
        sum(n for (d, y, _m, _c), n in contacts.items() if (d, y) == (district, year)) for year in years
    ]

    # The centre: the petitions exact, each year.
    centre = trends(page(browser(world.coordinator).get(reverse("indicators:trends"))))
    assert row_of(centre, "家庭裁判所への申立て") == [
        len(matters.get(y, {}).get("to_filing", [])) for y in years
    ]
    assert row_of(centre, "うち市町村長申立て") == [
        matters[y]["petitioners"][MAYOR] if y in matters else 0 for y in years
    ]
    # The ward office sees the same petitions with small ones hidden, as on each year's page.
    for value, year in zip(row_of(shown, "家庭裁判所への申立て"), years, strict=True):
        truth = len(matters.get(year, {}).get("to_filing", []))
        assert value in (truth, None)
        if 0 < truth < 5:
            assert value is None


def test_the_last_year_is_chosen_and_the_trends_exported_audited(world, make_person, make_case):
    made_cases(world, make_person, make_case)
    last = fiscal_year_of(timezone.localdate()) - 1
    ward = browser(world.ward_worker)
    html = page(ward.get(reverse("indicators:trends"), {"year": last}))
    assert "令和" in html and html.count('<rect x="') >= 5
    response = ward.get(reverse("indicators:trends_csv"), {"year": last})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("指標,名称,") and len(lines[0].split(",")) == 2 + 5 + 1
    event = AuditEvent.objects.filter(event="indicators.exported").latest("sequence")
    assert json.loads(event.params) == {
        "indicator": "trends",
        "fiscal_year": last,
        "rows": 12,
        "format": "csv",
    }
    assert browser(world.agency_worker).get(reverse("indicators:trends")).status_code == 403
    assert browser(world.agency_worker).get(reverse("indicators:trends_xlsx")).status_code == 403
    assert AuditEvent.objects.filter(event="indicators.exported").count() == 1
