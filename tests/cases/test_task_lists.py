"""The tasks page as lists (issue 18): meetings, action items and watch visits, each with its tabs
(open / done) and its own 50-row pages in the URL (``?meetings=done``, ``?items_page=2``,
``?visits_page=2``); nothing in the query string answers 500; each row names its case only where
the actor's grant includes identity; and every list clamps its page number in one place
(``known_page``)."""

import datetime
import json

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import selectors
from cases.access import grant_access
from cases.models import (
    AccessLevel,
    ActionItem,
    CaseAccessGrant,
    MeetingAttendance,
    SupportMeeting,
    WatchVisit,
)
from cases.selectors.lists import PAGE_SIZE, TasksQuery, known_page
from tests.screens import browser, page
from tests.statements import assert_reads_once
from tests.workflow import support_meeting, take

TASKS = reverse("cases:my_tasks")


# --- one way to read a page number -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("1.5", 1),
        ("0", 1),
        ("-2", 1),
        ("2", 2),
        (" 3 ", 3),
        ("4", 3),
        ("99999999999999999999", 3),
        ("9" * 5000, 1),
        (2, 2),
    ],
)
def test_a_page_number_is_clamped_to_the_pages_there_are(raw, number):
    assert known_page(Paginator(list(range(120)), PAGE_SIZE), raw).number == number


def test_an_empty_list_has_its_one_empty_page():
    page_ = known_page(Paginator([], PAGE_SIZE), "7")
    assert page_.number == 1 and list(page_) == []


# --- the sections, as rows -------------------------------------------------------------------------


@pytest.fixture
def mine(world, make_person, make_case):
    """A case the demo plaza leads (identity included), and rows on it for a user, made directly:
    ``items(n, done=…)``, ``visits(n, done=…)``, ``meetings(n, held=…)``; each returned in the order
    the open tab lists them (soonest due first)."""
    case = make_case(make_person(name="杉浦 銀次", kana="すぎうら ぎんじ"), state="watching")
    grant_access(
        case=case,
        granted_by=None,
        organisation=world.plaza,
        level=AccessLevel.LEAD,
        reason=CaseAccessGrant.Reason.OWNER,
        field_groups=["identity"],
    )
    today = timezone.localdate()
    now = timezone.now()

    def meeting(i, held=False):
        return SupportMeeting.objects.create(
            case=case,
            kind="support_meeting",
            legal_basis=world.basis["swa-106-6"],
            convened_by=world.plaza,
            scheduled_for=now + datetime.timedelta(days=i + 1),
            access_until=now + datetime.timedelta(days=i + 30),
            held_at=now - datetime.timedelta(days=i) if held else None,
        )

    def items(count, done=False, user=None):
        on = meeting(0)
        return [
            ActionItem.objects.create(
                meeting=on,
                description=f"役割 {i}",
                owner=user or world.staff,
                due_on=today + datetime.timedelta(days=i),
                done_at=now - datetime.timedelta(days=i) if done else None,
            )
            for i in range(count)
        ]

    def visits(count, done=False, user=None):
        return [
            WatchVisit.objects.create(
                case=case,
                due_on=today + datetime.timedelta(days=i),
                assigned_to=user or world.staff,
                visited_on=today - datetime.timedelta(days=i) if done else None,
            )
            for i in range(count)
        ]

    def meetings(count, held=False, user=None):
        return [
            MeetingAttendance.objects.create(
                meeting=meeting(i, held), user=user or world.staff, organisation=world.plaza
            )
            for i in range(count)
        ]

    return type("Mine", (), {"case": case, "items": items, "visits": visits, "meetings": meetings})


def _ids(section) -> list:
    return [row.pk for row in section.rows]


def test_each_section_has_its_open_and_done_tabs_with_counts(world, mine):
    open_items, done_items = mine.items(3), mine.items(2, done=True)
    open_visits, done_visits = mine.visits(2), mine.visits(1, done=True)
    upcoming, held = mine.meetings(1), mine.meetings(2, held=True)
    tasks = selectors.tasks_of(world.staff)
    assert _ids(tasks.items) == [i.pk for i in open_items]  # soonest due first
    assert _ids(tasks.visits) == [v.pk for v in open_visits]
    assert _ids(tasks.meetings) == [a.pk for a in upcoming]
    assert tasks.items.tab_counts == {"open": 3, "done": 2}
    assert tasks.visits.tab_counts == {"open": 2, "done": 1}
    assert tasks.meetings.tab_counts == {"open": 1, "done": 2}
    done = selectors.tasks_of(
        world.staff, TasksQuery(tabs={"items": "done", "visits": "done", "meetings": "done"})
    )
    assert _ids(done.items) == [i.pk for i in done_items]  # most recently done first
    assert _ids(done.visits) == [v.pk for v in done_visits]
    assert _ids(done.meetings) == [a.pk for a in held]
    html = page(browser(world.staff).get(TASKS, {"items": "done"}))
    items = html.split('id="items"')[1].split("</section>")[0]
    assert '完了 <span class="count">2</span>' in items and '未完了 <span class="count">3</span>' in items
    assert 'href="?items=open"' in items  # the other tab, by its code
    assert items.count("<li") == 2 and "<button" not in items  # done: nothing left to press
    visits = html.split('id="visits"')[1].split("</section>")[0]
    assert visits.count("<details") == 2  # the visits section keeps its own (open) tab


def test_each_section_pages_by_fifty_with_its_own_parameter(world, mine):
    items, visits = mine.items(PAGE_SIZE + 3), mine.visits(PAGE_SIZE + 1)
    tasks = selectors.tasks_of(world.staff)
    assert len(tasks.items.rows) == PAGE_SIZE and tasks.items.page.paginator.count == PAGE_SIZE + 3
    query = TasksQuery.from_params({"items_page": "2"})
    tasks = selectors.tasks_of(world.staff, query)
    assert _ids(tasks.items) == [i.pk for i in items[PAGE_SIZE:]]
    assert tasks.visits.page.number == 1 and _ids(tasks.visits) == [v.pk for v in visits[:PAGE_SIZE]]
    html = page(browser(world.staff).get(TASKS, {"items_page": "2", "visits_page": "2"}))
    items_html = html.split('id="items"')[1].split("</section>")[0]
    visits_html = html.split('id="visits"')[1].split("</section>")[0]
    assert items_html.count("<li") == 3 and visits_html.count("<details") == 1
    assert "items_page=1" in items_html and "visits_page=2" in items_html  # the other section stays
    # A tab link starts its own section again at the first page, and keeps the others'.
    tabs = items_html.split('class="tabs"')[1].split("</nav>")[0]
    assert "items_page" not in tabs and "visits_page=2" in tabs


@pytest.mark.parametrize(
    "params",
    [
        {"items": "nope", "visits": "DONE", "meetings": "", "items_page": "abc", "visits_page": "-1"},
        {"items_page": "999", "visits_page": "0", "meetings_page": "9" * 5000},
        {"items": ["done", "open"], "items_page": ["2", "x"]},
    ],
)
def test_garbage_in_the_query_string_shows_the_open_tabs(world, mine, params):
    mine.items(PAGE_SIZE + 1)
    mine.visits(1)
    response = browser(world.staff).get(TASKS, params)
    html = page(response)
    assert "杉浦 銀次" in html
    tasks = selectors.tasks_of(world.staff, TasksQuery.from_params(response.wsgi_request.GET))
    assert (tasks.items.tab, tasks.visits.tab, tasks.meetings.tab) == ("open", "open", "open")
    assert tasks.items.page.number in (1, 2) and tasks.visits.page.number == 1


def test_a_page_past_the_end_is_the_last(world, mine):
    items = mine.items(PAGE_SIZE + 2)
    tasks = selectors.tasks_of(world.staff, TasksQuery.from_params({"items_page": "7"}))
    assert tasks.items.page.number == 2 and _ids(tasks.items) == [i.pk for i in items[PAGE_SIZE:]]


def test_completing_an_item_returns_to_the_same_page_and_tab(world, mine):
    items = mine.items(PAGE_SIZE + 2)
    client = browser(world.staff)
    url = reverse("cases:action_item_done", args=[items[-1].pk]) + "?items_page=2&visits=done"
    # Without its one-line result, nothing is done: the reason comes back on the same page.
    response = client.post(url, {"result": "  "})
    assert response.status_code == 302 and response.url == f"{TASKS}?items_page=2&visits=done"
    html = page(client.get(TASKS, {"items_page": "2"}))
    assert "結果を一行で入力してください" in html
    assert html.split('id="items"')[1].split("</section>")[0].count('<li class="task-item') == 2
    response = client.post(url, {"result": "電話で確認した"})
    assert response.status_code == 302 and response.url == f"{TASKS}?items_page=2&visits=done"
    html = page(client.get(TASKS, {"items_page": "2"}))
    assert html.split('id="items"')[1].split("</section>")[0].count('<li class="task-item') == 1


# --- who the rows name -----------------------------------------------------------------------------


def test_the_rows_name_the_case_only_where_the_grant_includes_identity(world, mine, concern, soon):
    """The lead's worker sees the name on every section and the showing is recorded once; an
    attendee from another organisation sees the case number only, until an identity grant."""
    mine.items(1), mine.visits(1), mine.meetings(1)
    last = AuditEvent.objects.latest("sequence").sequence
    html = page(browser(world.staff).get(TASKS))
    assert html.count("杉浦 銀次") == 3 and mine.case.reference in html
    [shown] = AuditEvent.objects.filter(sequence__gt=last, event="person.viewed")
    assert shown.person_id == str(mine.case.person_id) and sorted(json.loads(shown.fields)) == [
        "kana",
        "name",
    ]

    case = take(world, concern())
    support_meeting(world, case, soon, attendees=[(world.anshin_worker, world.anshin)])
    mine.items(1, user=world.anshin_worker)  # on the plaza's case, owned by the other agency's worker
    last = AuditEvent.objects.latest("sequence").sequence
    html = page(browser(world.anshin_worker).get(TASKS))
    assert case.reference in html and mine.case.reference in html
    assert "佐々木" not in html and "杉浦" not in html  # no grant with identity on either
    assert not AuditEvent.objects.filter(
        sequence__gt=last, event__in=["person.viewed", "person.listed"]
    ).exists()


@pytest.mark.parametrize("role", ["commissioner", "privacy", "admin", "coordinator"])
def test_each_user_sees_only_their_own_tasks(world, mine, role):
    """The page lists what is assigned to the one who opens it; a role with none sees empty
    sections — never someone else's rows."""
    mine.items(2), mine.visits(2)
    html = page(browser(getattr(world, role)).get(TASKS, {"items": "done", "visits_page": "3"}))
    assert "杉浦" not in html and mine.case.reference not in html
    assert "完了した役割分担はありません" in html and "予定の見守り訪問はありません" in html


def test_the_full_page_reads_each_thing_once(world, mine):
    """Three sections of more than a page each: a count and a page of rows each, the names once."""
    mine.items(PAGE_SIZE + 1), mine.visits(PAGE_SIZE + 1), mine.meetings(PAGE_SIZE + 1)
    html = assert_reads_once(browser(world.staff), f"{TASKS}?items_page=2&meetings=open&visits_page=2")
    assert html.count("杉浦 銀次") == PAGE_SIZE + 2


def test_a_section_taken_away_holds_its_tabs_rows_what_the_page_shows_and_is_recorded(world, mine):
    import csv
    import io

    from openpyxl import load_workbook

    mine.items(2)
    [done] = mine.items(1, done=True)
    done.result = "電話がつながった"
    done.save(update_fields=["result"])
    mine.visits(1)
    staff = browser(world.staff)
    html = page(staff.get(TASKS))
    assert reverse("cases:tasks_items_xlsx") in html and reverse("cases:tasks_visits_csv") in html
    last = AuditEvent.objects.latest("sequence").sequence
    response = staff.get(reverse("cases:tasks_items_xlsx"))
    assert response["Content-Disposition"].startswith('attachment; filename="tasks_items_')
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0] == ("期限", "役割分担", "ケース番号", "氏名", "ふりがな", "完了", "結果")
    assert [row[1] for row in rows[1:]] == ["役割 0", "役割 1"]  # the open tab, soonest due first
    assert rows[1][3:5] == ("杉浦 銀次", "すぎうら ぎんじ") and rows[1][2] == mine.case.reference
    [exported] = AuditEvent.objects.filter(sequence__gt=last, event="case.tasks_exported")
    assert json.loads(exported.params) == {"rows": 2, "format": "xlsx", "section": "items", "tab": "open"}
    assert sorted(json.loads(exported.fields)) == ["kana", "name"]
    [viewed] = AuditEvent.objects.filter(sequence__gt=last, event="case.viewed")
    assert json.loads(viewed.fields) == ["action_item.description"] and viewed.case_id == str(mine.case.pk)
    # The done tab: with its result, recorded as read.
    last = AuditEvent.objects.latest("sequence").sequence
    content = staff.get(reverse("cases:tasks_items_csv"), {"items": "done"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[1][1] == "役割 0" and rows[1][6] == "電話がつながった" and rows[-1][0] == "取扱い"
    [viewed] = AuditEvent.objects.filter(sequence__gt=last, event="case.viewed")
    assert json.loads(viewed.fields) == ["action_item.description", "action_item.result"]
    # Someone else's file holds none of it.
    other = browser(world.commissioner).get(reverse("cases:tasks_visits_csv")).content.decode("utf-8-sig")
    assert mine.case.reference not in other and "杉浦" not in other


def test_a_tasks_file_names_a_case_only_where_the_page_does(world, mine):
    mine.visits(1, user=world.commissioner)  # the commissioner holds no grant with identity on it
    content = browser(world.commissioner).get(reverse("cases:tasks_visits_csv")).content.decode("utf-8-sig")
    assert mine.case.reference in content and "杉浦" not in content
