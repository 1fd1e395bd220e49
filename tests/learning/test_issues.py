"""Raising an issue the existing framework cannot solve (issue 24 part 1): from a case (or one of
its meetings, or a referral that was declined), with a description that names none of the case's
people — refused, nothing saved, the typed text kept, when it does —; the ward's register counts
them by category, district and month, small numbers hidden, and never lists a case."""

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case
from cases.services import people
from learning import services
from learning.models import Category, SystemicIssue
from privacy.normalise import fiscal_year_of
from referrals import services as referrals
from tests.indicators.test_contacts import table
from tests.indicators.test_suppression import recovered
from tests.screens import browser, page
from tests.workflow import support_meeting

GOOD = "ひきこもりの40代の子が通える居場所が区内にない。"


def raise_url(case) -> str:
    return reverse("learning:raise", args=[case.pk])


def form(**overrides) -> dict:
    return {"source": "case", "category": Category.NO_SERVICE, "description": GOOD, **overrides}


def test_a_plaza_worker_raises_an_issue_from_the_case_page(world, tome):
    plaza = browser(world.staff)
    case_page = page(plaza.get(reverse("cases:case_detail", args=[tome.pk])))
    assert raise_url(tome) in case_page  # the panel, for who writes on the case
    response = plaza.post(raise_url(tome), form())
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case_detail", args=[tome.pk]
    )
    issue = SystemicIssue.objects.get()
    assert (issue.case, issue.district, issue.raised_by, issue.category) == (
        Case.objects.get(pk=tome.pk),
        world.district,
        world.staff,
        Category.NO_SERVICE,
    )
    checked = AuditEvent.objects.get(event="systemic_issue.checked")
    assert json.loads(checked.params)["identifiers_found"] == ["none"]
    assert "name" in json.loads(checked.fields) and checked.purpose == "de_identification"
    raised = AuditEvent.objects.get(event="systemic_issue.raised")
    assert raised.target_id == str(issue.pk) and raised.case_id == str(tome.pk)
    assert "居場所" not in raised.params  # the description's words stay out of the trail
    mine = page(plaza.get(reverse("learning:mine")))
    assert GOOD in mine and tome.reference in mine


@pytest.mark.parametrize(
    "description, found",
    [
        ("佐々木トメさんの年金が足りない", "氏名"),
        ("ササキ トメさんの年金", "氏名"),
        ("ｻｻｷ ﾄﾒ の年金", "氏名"),
        ("佐々木　トメ", "氏名"),
        ("電話は 045-123-4567", "電話番号"),
        ("中小来川町３－１２－５の家", "住所"),
        ("昭和15年3月15日生まれで", "生年月日"),
    ],
)
def test_a_description_naming_the_person_is_refused_and_keeps_what_was_typed(world, tome, description, found):
    html = page(browser(world.staff).post(raise_url(tome), form(description=description)))
    assert "個人が特定できる情報が含まれています" in html and found in html
    assert description.replace(" ", "") in html.replace(" ", "")  # the text as typed, to mend
    assert not SystemicIssue.objects.exists()
    event = AuditEvent.objects.get(event="systemic_issue.checked")
    assert json.loads(event.params)["identifiers_found"] != ["none"]
    trail = " ".join(f"{e.params} {e.fields}" for e in AuditEvent.objects.all())
    assert "佐々木" not in trail and "4567" not in trail and "トメ" not in trail


def test_the_household_and_the_supporters_are_checked_too(world, tome):
    people.add_household_member(
        actor=world.staff, case=tome, relation="child", name="佐々木 健一", kana="ささき けんいち"
    )
    people.add_supporter(
        actor=world.staff, case=tome, role="neighbour", name="髙橋 一", relation="隣の部屋の人"
    )
    for description in ("長男の健一さんが仕事を失い", "高橋さんの見守りだけでは足りない"):
        with pytest.raises(Exception, match="個人が特定できる情報"):
            services.raise_systemic_issue(
                actor=world.staff, case=tome, category=Category.NO_SERVICE, description=description
            )
    assert not SystemicIssue.objects.exists()


def test_an_issue_comes_from_the_cases_own_meeting_or_a_declined_referral(world, tome, soon, draft):
    meeting = support_meeting(world, tome, soon)
    plaza = browser(world.staff)
    assert plaza.post(raise_url(tome), form(source=f"meeting:{meeting.pk}")).status_code == 302
    assert SystemicIssue.objects.get().meeting == meeting
    referral = draft()  # another case's, still a draft
    html = page(plaza.post(raise_url(tome), form(source=f"referral:{referral.pk}")))
    assert "errorlist" in html or 'class="error"' in html
    case = referral.case
    sent = referrals.send_referral(actor=world.staff, referral=referral, expected_version=referral.version)
    declined = referrals.decline_referral(
        actor=world.agency_worker, referral=sent, expected_version=sent.version, reason="定員に空きがない"
    )
    form_html = page(plaza.get(raise_url(case)))
    assert f"referral:{declined.pk}" in form_html  # offered now that it was declined
    assert plaza.post(raise_url(case), form(source=f"referral:{declined.pk}")).status_code == 302
    assert SystemicIssue.objects.filter(referral=declined).count() == 1


def test_who_does_not_write_on_the_case_may_not_raise_from_it(world, tome):
    for who in (world.commissioner, world.other_staff, world.agency_worker, world.privacy):
        assert browser(who).post(raise_url(tome), form()).status_code == 403
        assert browser(who).get(raise_url(tome)).status_code == 403
    assert not SystemicIssue.objects.exists()
    commissioner_page = browser(world.commissioner).get(reverse("cases:my_concerns"))
    assert raise_url(tome) not in commissioner_page.content.decode()


def _raise(world, case, category, times):
    for _ in range(times):
        services.raise_systemic_issue(actor=world.staff, case=case, category=category, description=GOOD)


def test_the_register_counts_by_category_and_district_and_hides_small_numbers(world, tome, concern):
    from tests.workflow import take

    other_district = world.demo.districts[10]  # the plaza's other district: nothing raised there
    other = take(world, concern(area=world.district))
    _raise(world, tome, Category.NO_SERVICE, 6)
    _raise(world, other, Category.HOUSING, 2)  # small: hidden
    ward = browser(world.ward_worker)
    year = fiscal_year_of(timezone.localdate())
    html = page(ward.get(reverse("learning:register"), {"year": year}))
    by_district = table(html, "register-by-district")
    housing = list(Category.values).index(Category.HOUSING)
    no_service = list(Category.values).index(Category.NO_SERVICE)
    row = by_district[world.district.name]
    assert row[housing] is None  # 2 < 5
    assert row[no_service] is None or row[no_service] == 6
    assert other_district.name not in by_district  # nothing raised there: no row
    # Nothing else of the flags: no case, no description.
    assert tome.reference not in html and "居場所" not in html
    assert not re.search(r"/cases/[0-9a-f-]{36}/", html)


def test_no_hidden_figure_of_the_register_is_worked_out_from_its_totals(world, tome):
    from learning.selectors import _register_sums, register_page

    # Its district's row (and its month's) has one small figure, 3 of 10: hidden alone, the row's
    # total would give it away.
    _raise(world, tome, Category.NO_SERVICE, 7)
    _raise(world, tome, Category.COST, 3)
    o = register_page(world.ward_worker)
    grid = [*([*r.counts, r.total] for r in o.by_district), [*o.totals.counts, o.totals.total]]
    grid += [[*r.counts, r.total] for r in o.by_month]
    hidden = {(r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if v is None}
    assert hidden  # 3 and 1 are small
    with override_settings(TSUNAGU_SMALL_NUMBERS=1):
        exact = register_page(world.ward_worker)
    values = [*([*r.counts, r.total] for r in exact.by_district), [*exact.totals.counts, exact.totals.total]]
    values += [[*r.counts, r.total] for r in exact.by_month]
    small = {(r, c) for r, row in enumerate(values) for c, v in enumerate(row) if 0 < v < 5}
    assert small and small <= hidden
    sums = _register_sums(len(o.by_district), len(o.categories), len(o.by_month))
    assert not recovered(values, sums, hidden) & small


@pytest.mark.parametrize("who", ["commissioner", "agency_worker", "coordinator", "privacy", "admin"])
def test_who_is_not_at_the_ward_review_does_not_see_the_register(world, who):
    assert browser(getattr(world, who)).get(reverse("learning:register")).status_code == 403


def test_the_plaza_sees_the_register_of_its_districts(world, tome):
    _raise(world, tome, Category.NO_SERVICE, 5)
    shown = table(page(browser(world.staff).get(reverse("learning:register"))), "register-by-district")
    assert world.district.name in shown
