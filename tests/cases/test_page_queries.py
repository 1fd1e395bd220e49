"""Each main page of the case workflow asks the database a bounded number of questions, never the
same one twice, and the case page's timeline reads only the events it shows (bench/pages.py
times them; here only what can be counted)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import services as audit
from cases.access import send_transitions_of_case
from cases.models import Case, CaseState, SupportMeeting
from tests.screens import browser
from tests.security.conftest import demo_data  # noqa: F401 (the demo's cases, referrals and matters)
from tests.statements import assert_reads_once


@pytest.fixture
def rich_case(demo_data):  # noqa: F811
    """The demo plaza's referred case: consents, a disclosure, a held meeting, referrals in every
    state — the case page at its fullest."""
    return Case.objects.get(state=CaseState.REFERRED, lead_organisation=demo_data.plaza)


def test_the_main_pages_ask_at_most_twenty_questions_none_twice(demo_data, rich_case):  # noqa: F811
    staff = browser(demo_data.staff)
    meeting = SupportMeeting.objects.filter(case=rich_case).first()
    for method, url, data in [
        ("get", reverse("cases:case_detail", args=[rich_case.pk]), None),
        ("get", reverse("cases:meeting_detail", args=[meeting.pk]), None),
        ("get", reverse("cases:inbox"), None),
        ("get", reverse("cases:my_tasks"), None),
        ("post", reverse("cases:person_search"), {"q": rich_case.person.name}),
    ]:
        assert_reads_once(staff, url, method, data)


def test_an_agency_workers_case_page_is_bounded_too(demo_data, rich_case):  # noqa: F811
    """The agency the case was shared with sees less, and asks no more for it."""
    url = reverse("cases:case_detail", args=[rich_case.pk])
    assert_reads_once(browser(demo_data.agency_worker), url)


def test_the_timeline_reads_only_the_transitions_however_often_the_case_was_viewed(
    demo_data,  # noqa: F811
    rich_case,
):
    shown = [event.pk for event in send_transitions_of_case(rich_case)()]
    assert shown  # intake, meeting, decision…
    audit.append(
        [
            audit.new_event(
                "case.viewed",
                actor=demo_data.staff,
                target=rich_case,
                case_id=rich_case.pk,
                fields=["name"],
                purpose="case_work",
            )
            for _ in range(200)
        ]
    )
    # Read: the transitions only…
    assert [event.pk for event in send_transitions_of_case(rich_case)()] == shown
    # …found through the index that starts with the case and the kind of event, not among the
    # case's every event.
    with CaptureQueriesContext(connection) as read:
        send_transitions_of_case(rich_case)()
    (sql,) = [q["sql"] for q in read.captured_queries]  # as run, its parameters in the text
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With the table's statistics (as autovacuum keeps them), not the planner's defaults for
            # a table never analysed, under which it may walk the time index for the sort instead.
            cursor.execute("ANALYZE audit_auditevent")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(column) for row in cursor.fetchall() for column in row)
    assert "audit_case_event_time" in plan, plan
    with CaptureQueriesContext(connection) as ctx:
        browser(demo_data.staff).get(reverse("cases:case_detail", args=[rich_case.pk]))
    (timeline,) = [q["sql"] for q in ctx.captured_queries if 'FROM "audit_auditevent"' in q["sql"]]
    assert "'case.transitioned'" in timeline
