"""The home page per role (what to do today), the menu on every page, the meeting calendar."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cases.models import CaseState
from cases.services.lifecycle import schedule_watch_visit
from cases.services.sharing import open_break_glass
from tests.screens import browser, page
from tests.statements import assert_reads_once
from tests.workflow import decided, support_meeting, take

NAME = "佐々木 トメ"


def home(user) -> str:
    return page(browser(user).get(reverse("home")))


def section(html: str, anchor: str) -> str:
    """The HTML of one section of the home page, by its id."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


# --- the home per role ------------------------------------------------------------------------------


def test_the_plaza_home_shows_new_concerns_with_names_and_links(world, concern):
    case = concern()
    html = home(world.staff)
    concerns = section(html, "home-concerns")
    assert NAME in concerns  # the plaza's grant on a concern of its district includes identity
    assert case.reference in concerns
    assert reverse("cases:case_detail", args=[case.pk]) in concerns
    assert reverse("cases:inbox") in concerns
    # Reading the name is recorded, with the field names.
    event = AuditEvent.objects.filter(actor=world.staff, person_id=case.person_id).order_by("sequence").last()
    assert event is not None and "name" in event.fields


def test_a_taken_concern_is_no_longer_new(world, concern):
    take(world, concern())
    concerns = section(home(world.staff), "home-concerns")
    assert NAME not in concerns
    assert "新しい気付きはありません" in concerns


def test_the_home_lists_at_most_five_and_counts_all(world, concern):
    for n in range(7):
        concern(identity={"name": f"本人 {n}", "kana": "ほんにん", "address": f"つなぐ市{n}"})
    concerns = section(home(world.staff), "home-concerns")
    assert concerns.count("<li") == 5
    assert '<span class="count">7</span>' in concerns


def test_an_overdue_watch_visit_on_the_staff_home(world, concern, soon):
    case = decided(world, take(world, concern()), CaseState.WATCHING, soon)
    schedule_watch_visit(
        actor=world.staff,
        case=case,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
        assigned_to=world.staff,
    )
    html = home(world.staff)
    visits = section(html, "home-visits")
    assert "期限切れ" in visits and NAME in visits
    assert reverse("cases:my_tasks") in visits


def test_an_agency_worker_sees_the_meeting_they_attend_without_the_name(world, concern, soon):
    case = take(world, concern())
    meeting = support_meeting(world, case, soon, attendees=[(world.agency_worker, world.agency)])
    html = home(world.agency_worker)
    listed = section(html, "home-meetings")
    assert reverse("cases:meeting_detail", args=[meeting.pk]) in listed
    assert case.reference in listed
    assert NAME not in html  # nothing shared with the agency: the case number only
    assert "home-concerns" not in html  # not the agency's work


def test_the_commissioner_sees_their_concerns_status(world, concern):
    case = concern()
    html = home(world.commissioner)
    mine = section(html, "home-my-concerns")
    assert case.reference in mine and NAME in mine  # their own words
    assert reverse("cases:my_concerns") in mine
    assert "home-concerns" not in html and "home-referrals" not in html


def test_the_privacy_officer_sees_break_glass_reviews_pending(world, concern):
    case = take(world, concern())
    open_break_glass(actor=world.ward_worker, case=case, reason="夜間の安否確認の通報があったため")
    html = home(world.privacy)
    pending = section(html, "home-break-glass")
    assert '<span class="count">1</span>' in pending
    assert reverse("cases:break_glass_reviews") in pending
    assert NAME not in html and case.reference not in html
    assert "home-meetings" not in html


def test_the_privacy_officer_with_nothing_pending_is_told_so(world):
    assert "確認を待つ緊急アクセスはありません" in section(home(world.privacy), "home-break-glass")


def test_the_sysadmin_home_links_the_admin_site(world):
    html = home(world.admin)
    assert reverse("admin:index") in section(html, "home-admin")
    assert "home-meetings" not in html


def test_empty_sections_say_so(world):
    html = home(world.ward_worker)
    assert "新しい気付きはありません" in html
    assert "出席する予定の会議はありません" in html
    assert "返事を待っているつなぎはありません" in html


def test_the_home_reads_within_the_budget_for_every_role(world, concern, soon):
    case = take(world, concern())
    support_meeting(world, case, soon, attendees=[(world.agency_worker, world.agency)])
    for user in (
        world.staff,
        world.ward_worker,
        world.coordinator,
        world.agency_worker,
        world.commissioner,
        world.privacy,
        world.admin,
    ):
        assert_reads_once(browser(user), reverse("home"))


# --- the menu -------------------------------------------------------------------------------------


def test_the_menu_names_the_roles_destinations_on_every_page(world):
    html = page(browser(world.staff).get(reverse("cases:inbox")))
    menu = html[
        html.index('class="main-menu wide"') : html.index("</nav>", html.index('class="main-menu wide"'))
    ]
    assert reverse("referrals:inbox") in menu and reverse("calendar") in menu
    assert reverse("audit:event_search") not in menu
    assert 'aria-current="page"' in menu  # the inbox, where we are
    privacy = page(browser(world.privacy).get(reverse("home")))
    assert reverse("audit:event_search") in privacy and reverse("cases:inbox") not in privacy


def test_the_menu_kept_per_process_follows_roles_language_and_page(world):
    """The menu's HTML is kept per process (config/menu.py): another role, language or page gets
    its own, never the one rendered before it."""

    def menu_of(client, url):
        html = page(client.get(url))
        start = html.index('class="main-menu wide"')
        return html[start : html.index("</nav>", start)]

    staff = browser(world.staff)
    inbox, home = menu_of(staff, reverse("cases:inbox")), menu_of(staff, reverse("home"))
    assert inbox != home and 'aria-current="page"' in inbox and 'aria-current="page"' in home
    assert menu_of(staff, reverse("cases:inbox") + "?page=1") == inbox  # a query string: the same page
    assert "受付・担当ケース" in inbox and reverse("audit:event_search") not in inbox
    assert reverse("audit:event_search") in menu_of(browser(world.privacy), reverse("home"))
    staff.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = menu_of(staff, reverse("cases:inbox"))
    assert "受付・担当ケース" not in english and reverse("referrals:inbox") in english


def test_the_menu_costs_no_statement_of_its_own(world):
    """The roles ride with the user's ids: the page's statements are those without the menu's."""
    client = browser(world.staff)
    url = reverse("cases:inbox")
    page(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        page(client.get(url))
    assert not [
        q
        for q in queries.captured_queries
        if "accounts_membership" in q["sql"] and "role" in q["sql"] and "SUM(DISTINCT" not in q["sql"]
    ]
    assert any("SUM(DISTINCT" in q["sql"] for q in queries.captured_queries)


# --- the calendar ---------------------------------------------------------------------------------


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_week_calendar_shows_the_organisations_meetings(world, concern):
    case = take(world, concern())
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    meeting = support_meeting(
        world,
        case,
        _at(monday + datetime.timedelta(days=2), 14),
        attendees=[(world.agency_worker, world.agency)],
    )
    url = reverse("calendar") + f"?view=week&start={monday.isoformat()}"
    staff = page(browser(world.staff).get(url))
    assert reverse("cases:meeting_detail", args=[meeting.pk]) in staff
    assert "14:00" in staff and NAME in staff
    agency = page(browser(world.agency_worker).get(url))
    assert reverse("cases:meeting_detail", args=[meeting.pk]) in agency
    assert case.reference in agency and NAME not in agency  # no identity shared with the agency
    other = page(browser(world.other_staff).get(url))
    assert reverse("cases:meeting_detail", args=[meeting.pk]) not in other
    assert "この期間に予定された会議はありません" in other
    # The next week does not hold it.
    following = page(
        browser(world.staff).get(
            reverse("calendar") + f"?view=week&start={(monday + datetime.timedelta(days=7)).isoformat()}"
        )
    )
    assert reverse("cases:meeting_detail", args=[meeting.pk]) not in following


def test_the_month_calendar_and_its_navigation(world, concern):
    case = take(world, concern())
    meeting = support_meeting(world, case, _at(datetime.date(2031, 3, 28), 10))
    html = page(browser(world.staff).get(reverse("calendar") + "?view=month&start=2031-03-05"))
    assert reverse("cases:meeting_detail", args=[meeting.pk]) in html
    assert "start=2031-02-01" in html and "start=2031-04-01" in html
    assert "2031-03-01 〜 2031-03-31" in html


@pytest.mark.parametrize(
    "query", ["?view=year", "?start=2031-13-01", "?start=yesterday", "?view=week&start=2031-3-1"]
)
def test_bad_calendar_input_is_refused_clearly(world, query):
    response = browser(world.staff).get(reverse("calendar") + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "年-月-日" in html or "「週」か「月」" in html


# --- the demo: everyone has something on their home -------------------------------------------------


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_every_demo_user_has_work_on_their_home_read_within_the_budget():
    # The demo plaza's home fills every section it has: the most a home reads (tests/statements.py).
    call_command("seed_demo")
    for user in User.objects.filter(username__startswith="demo").order_by("username"):
        html = assert_reads_once(browser(user), reverse("home"))
        shown = [
            part
            for part in html.split('class="card home-section"')[1:]
            if '<span class="count">0</span>' not in part.split("</h2>")[0]
        ]
        assert shown, f"{user.username}: nothing to do on the home page"
