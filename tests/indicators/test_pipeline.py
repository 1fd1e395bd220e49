"""The rights-advocacy track on the indicators page: matters by state, petitions by petitioner,
days from intake to filing and from filing to ruling, per fiscal year and the cases' districts —
over matters made at random around the fiscal year's turn, the expected figures kept as they are
made. Exact for the centre; small numbers hidden for a ward office."""

import datetime
import io
import json
import random
import re
import statistics
from collections import Counter

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from guardianship.models import GuardianshipMatter, Petition
from guardianship.selectors import DAY_RANGES
from guardianship.vocabulary import MatterState, PetitionerKind
from indicators.suppression import fixed
from privacy.normalise import fiscal_year_of
from tests.screens import browser, page

STATES = [str(label) for label in MatterState.labels]
PETITIONERS = [str(label) for label in PetitionerKind.labels]


def made_matters(world, make_person, make_case, seed: int = 20261205) -> dict:
    """Matters in two districts opened, filed and ruled on random days (31 March, 1 April and
    others of this fiscal year and the last), and what the page should show for each year:
    year → {"states": Counter, "petitioners": Counter, "to_filing": [days], "to_ruling": [days]}."""
    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    april = datetime.date(fiscal_year_of(today), 4, 1)
    days = [april, april - datetime.timedelta(days=1)] + [
        day
        for n in range(0, 720, 7)
        if (day := today - datetime.timedelta(days=n)) > april.replace(year=april.year - 1)
    ]
    court = world.demo.organisations["family_court"]
    made: dict = {}
    edges = []

    def year_of(day: datetime.date) -> dict:
        return made.setdefault(
            fiscal_year_of(day),
            {"states": Counter(), "petitioners": Counter(), "to_filing": [], "to_ruling": []},
        )

    for n in range(60):
        district = rng.choice(world.demo.districts[:2])
        case = make_case(make_person(name=f"試験 {n}"), area=district)
        opened_on = rng.choice(days)
        hour = rng.choice([0, 9, 23])  # the day's first and last hours: local, not UTC, days count
        state = rng.choice(MatterState.values)
        matter = GuardianshipMatter.objects.create(
            case=case,
            centre=world.centre,
            area=district,
            opened_by=world.coordinator,
            state=state,
            opened_at=datetime.datetime.combine(opened_on, datetime.time(hour, 15), tzinfo=tz),
            # what the states ask of a matter in them (the models' constraints)
            ended_at=timezone.now() if state == MatterState.ENDED else None,
            end_reason="died" if state == MatterState.ENDED else "",
            alternative="anshin" if state == MatterState.ALTERNATIVE_SUPPORT else "",
        )
        year_of(opened_on)["states"][str(MatterState(state).label)] += 1
        if rng.random() < 0.3:
            continue
        filed_on = opened_on + datetime.timedelta(days=rng.choice([0, 30, 30, 31, 90, 200, 400]))
        filed = filed_on <= today and rng.random() < 0.9  # else a petition still being prepared
        ruled_on = filed_on + datetime.timedelta(days=rng.choice([0, 45, 120]))
        ruled = filed and ruled_on <= today and rng.random() < 0.7
        kind = rng.choice(PetitionerKind.values)
        Petition.objects.create(
            matter=matter,
            type="guardianship",
            petitioner_kind=kind,
            court=court,
            filed_on=filed_on if filed else None,
            ruling="appointed" if ruled else "",
            ruled_on=ruled_on if ruled else None,
        )
        if filed and hour == 0 and (filed_on - opened_on).days in (0, 30, 90):
            edges.append(filed_on)  # a day's count from UTC would cross into the next range
        if filed:
            year_of(filed_on)["petitioners"][str(PetitionerKind(kind).label)] += 1
            year_of(filed_on)["to_filing"].append((filed_on - opened_on).days)
        if ruled:
            year_of(ruled_on)["to_ruling"].append((ruled_on - filed_on).days)
    assert edges, "the generator made a filing that a day counted in UTC would misplace"
    return made


def in_ranges(days: list[int]) -> list[int]:
    return [sum(low <= d and (high is None or d <= high) for d in days) for low, high in DAY_RANGES]


def breakdowns(html: str) -> list[tuple[list[int | None], int | None, str | None]]:
    """Each breakdown of the pipeline section: its parts' figures, its total, its median text."""
    section = re.search(
        r'<section class="card" id="guardianship-pipeline">(.*?)</section>', html, re.S
    ).group(1)
    found = []
    for body in re.findall(r'<table class="table">(.*?)</table>', section, re.S):

        def figure(text: str) -> int | None:
            return None if text == "＊" else int(text)

        parts = [
            figure(n)
            for n in re.findall(r"<td>(.*?)</td>", re.search(r"<tbody>(.*?)</tbody>", body, re.S).group(1))
        ]
        total = figure(re.search(r'<th scope="row">計</th><td>(.*?)</td>', body).group(1))
        median = re.search(r'<th scope="row">中央値</th><td>(.*?)</td>', body)
        found.append((parts, total, median.group(1) if median else None))
    return found


@override_settings(TSUNAGU_SMALL_NUMBERS=5)
def test_the_centre_sees_the_track_as_made_for_each_fiscal_year(world, make_person, make_case):
    made = made_matters(world, make_person, make_case)
    assert len(made) == 2, "the generator spans two fiscal years"
    centre = browser(world.coordinator)
    for year, expected in made.items():
        html = page(centre.get(reverse("indicators:index"), {"year": year}))
        states, petitioners, to_filing, to_ruling = breakdowns(html)
        assert states[0] == [expected["states"][label] for label in STATES]
        assert states[1] == sum(expected["states"].values())
        assert petitioners[0] == [expected["petitioners"][label] for label in PETITIONERS]
        assert petitioners[1] == to_filing[1] == len(expected["to_filing"])
        assert to_filing[0] == in_ranges(expected["to_filing"])
        assert to_ruling[0] == in_ranges(expected["to_ruling"]) and to_ruling[1] == len(expected["to_ruling"])
        assert min(expected["to_filing"], default=0) >= 0
        for (_parts, _total, median), days in (
            (to_filing, expected["to_filing"]),
            (to_ruling, expected["to_ruling"]),
        ):
            assert median == (f"{statistics.median(days):g}日" if days else "—")
        assert "秘匿なし（記録を持つ中核機関の数）" in html
    assert "市町村長（市長申立て）" in html


@override_settings(TSUNAGU_SMALL_NUMBERS=5)
def test_a_ward_office_sees_small_figures_hidden_and_none_given_away(world, make_person, make_case):
    made = made_matters(world, make_person, make_case)
    year = fiscal_year_of(timezone.localdate())
    html = page(browser(world.ward_worker).get(reverse("indicators:index"), {"year": year}))
    shown = breakdowns(html)
    expected = made[year]
    truths = [
        ([expected["states"][label] for label in STATES], sum(expected["states"].values())),
        ([expected["petitioners"][label] for label in PETITIONERS], len(expected["to_filing"])),
        (in_ranges(expected["to_filing"]), len(expected["to_filing"])),
        (in_ranges(expected["to_ruling"]), len(expected["to_ruling"])),
    ]
    small = 0
    for (parts, total, _median), (true_parts, true_total) in zip(shown, truths, strict=True):
        for value, truth in [*zip(parts, true_parts, strict=True), (total, true_total)]:
            assert value in (truth, None)
            if 0 < truth < 5:
                small += 1
                assert value is None
    assert small, "the generated year has small figures to hide"
    # A median only of days counted five times or more: of fewer it tells about the few.
    for (_parts, total, median), days in (
        (shown[2], expected["to_filing"]),
        (shown[3], expected["to_ruling"]),
    ):
        assert median == (f"{statistics.median(days):g}日" if total is not None and total >= 5 else "—")
    # As an attacker: the hidden figures are unknowns of the breakdowns' sums — the petitions'
    # total one unknown for two breakdowns — and none may be fixed by them.
    cells, sums = {}, []
    for b, (parts, total, _median) in enumerate(shown):
        total_cell = (1, len(shown[1][0])) if b == 2 else (b, len(parts))
        sums.append(([(b, i) for i in range(len(parts))], total_cell))
        for i, value in enumerate(parts):
            cells[(b, i)] = value
        if cells.get(total_cell) is None:  # known if either breakdown shows it
            cells[total_cell] = total
    hidden = {cell for cell, value in cells.items() if value is None}
    assert hidden and not fixed(sums, hidden)
    assert "5未満の数" in re.search(r'id="pipeline-rule">(.*?)</dd>', html).group(1)


def test_the_pipeline_is_exported_audited_and_refused_to_an_agency(world, make_person, make_case):
    made = made_matters(world, make_person, make_case)
    year = fiscal_year_of(timezone.localdate())
    response = browser(world.coordinator).get(reverse("indicators:guardianship_csv"), {"year": year})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "区分,内訳,数" and "秘匿なし" in lines[-1]
    mayor = [line for line in lines if "市町村長（市長申立て）" in line]
    assert mayor == [
        f"その年度の申立て（申立人別）,市町村長（市長申立て）,{made[year]['petitioners']['市町村長（市長申立て）']}"
    ]
    event = AuditEvent.objects.filter(event="indicators.exported").latest("sequence")
    assert json.loads(event.params)["indicator"] == "guardianship"
    assert browser(world.agency_worker).get(reverse("indicators:guardianship_xlsx")).status_code == 403
    assert AuditEvent.objects.filter(event="indicators.exported").count() == 1


@override_settings(TSUNAGU_SMALL_NUMBERS=5)
def test_a_median_of_few_is_told_to_the_centre_alone(world, make_person, make_case):
    today = timezone.localdate()
    for n, days in enumerate((10, 20)):
        matter = GuardianshipMatter.objects.create(
            case=make_case(make_person(name=f"試験 {n}")),
            centre=world.centre,
            area=world.demo.districts[0],
            opened_by=world.coordinator,
            state=MatterState.FILED,
            opened_at=timezone.now() - datetime.timedelta(days=days),
        )
        Petition.objects.create(
            matter=matter, type="guardianship", petitioner_kind="mayor", court=world.centre, filed_on=today
        )
    asked = {"year": fiscal_year_of(today)}
    to_filing = breakdowns(page(browser(world.coordinator).get(reverse("indicators:index"), asked)))[2]
    assert to_filing[1:] == (2, "15日")
    to_filing = breakdowns(page(browser(world.ward_worker).get(reverse("indicators:index"), asked)))[2]
    assert to_filing[1:] == (None, "—")


def test_the_pipelines_excel_file_holds_the_pages_figures(world, make_person, make_case):
    made = made_matters(world, make_person, make_case)
    year = fiscal_year_of(timezone.localdate())
    response = browser(world.coordinator).get(reverse("indicators:guardianship_xlsx"), {"year": year})
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].values)
    assert rows[0] == ("区分", "内訳", "数")
    by_part = {(title, part): n for title, part, n in rows[1:]}
    assert by_part[("その年度の申立て（申立人別）", "計")] == len(made[year]["to_filing"])
    assert by_part[("受付から申立てまでの日数", "中央値（日）")] == statistics.median(made[year]["to_filing"])
    definitions = dict(book["定義"].values)
    assert definitions["小さい数の秘匿"] == "秘匿なし（記録を持つ中核機関の数）"
