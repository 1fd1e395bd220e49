"""The agency's inbox as a list (issue 18): tabs 未対応 / 対応中 / 終了, filters by state and urgency,
three orders, 50 rows a page (``?page=``) and the sent list paged on its own (``?sent=``); the
query string carries codes and numbers only and nothing in it answers 500; names only where the
grant includes identity; who may not open the inbox is refused, recorded, and not linked to it."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from referrals import selectors
from referrals.access import INBOX_ROLES
from referrals.models import ReferralState
from referrals.selectors import ReferralQuery, ReferralSort, ReferralTab
from tests.screens import browser, page

S = ReferralState
INBOX = reverse("referrals:inbox")


def _listed(actor, **query) -> list:
    return [r.pk for r in selectors.referral_inbox(actor, ReferralQuery(**query)).received]


def _html(user, **params) -> str:
    return page(browser(user).get(INBOX, params))


# --- tabs, filters, orders -------------------------------------------------------------------------


def test_each_received_state_is_under_one_tab_and_the_tabs_count_them(world, received_in_bulk):
    assert sorted(state for states in ReferralTab.STATES.values() for state in states) == sorted(
        state for state in S.values if state != S.DRAFT
    )
    made = {state: received_in_bulk(1, state=state, name=state)[0] for state in S.values if state != S.DRAFT}
    for tab, states in ReferralTab.STATES.items():
        assert set(_listed(world.agency_worker, tab=tab)) == {made[state].pk for state in states}, tab
    inbox = selectors.referral_inbox(world.agency_worker)
    assert inbox.query.tab == ReferralTab.WAITING  # what the agency owes an answer to comes first
    assert inbox.tab_counts == {"waiting": 3, "in_progress": 1, "ended": 3}
    html = _html(world.agency_worker, tab="ended")
    tabs = html.split('class="tabs"')[1].split("</nav>")[0]
    assert '未対応 <span class="count">3</span>' in tabs and '終了 <span class="count">3</span>' in tabs
    assert "?tab=in_progress" in tabs and "本人" not in tabs  # codes only
    assert "completed 000" in html and "sent 000" not in html


def test_filters_by_state_within_the_tab_and_by_the_cases_urgency(world, received_in_bulk):
    [calm] = received_in_bulk(1, name="ふだんの")
    [urgent] = received_in_bulk(1, urgent=True, name="いそぎの")
    [overdue] = received_in_bulk(1, state=S.OVERDUE, name="期限切れの")
    assert _listed(world.agency_worker, state=S.OVERDUE) == [overdue.pk]
    assert _listed(world.agency_worker, urgency="urgent") == [urgent.pk]
    assert set(_listed(world.agency_worker, urgency="routine")) == {calm.pk, overdue.pk}
    counts = selectors.referral_inbox(world.agency_worker, ReferralQuery(urgency="urgent")).tab_counts
    assert counts == {"waiting": 1, "in_progress": 0, "ended": 0}  # the counts follow the filters
    html = _html(world.agency_worker, urgency="urgent")
    assert "いそぎの 000" in html and "ふだんの 000" not in html and "緊急" in html


def test_three_orders_newest_first_by_default(world, received_in_bulk):
    a, b, c = received_in_bulk(3)  # oldest first; the newest is due first …
    type(c).objects.filter(pk=c.pk).update(
        accept_by=c.accept_by.replace(year=c.accept_by.year + 1)
    )  # … but c
    assert _listed(world.agency_worker) == [c.pk, b.pk, a.pk]
    assert _listed(world.agency_worker, sort=ReferralSort.NEWEST) == [c.pk, b.pk, a.pk]
    assert _listed(world.agency_worker, sort=ReferralSort.OLDEST) == [a.pk, b.pk, c.pk]
    assert _listed(world.agency_worker, sort=ReferralSort.DUE) == [b.pk, a.pk, c.pk]


# --- paging ----------------------------------------------------------------------------------------


def test_fifty_rows_a_page_and_a_page_past_the_end_is_the_last(world, received_in_bulk):
    made = received_in_bulk(55)
    first = selectors.referral_inbox(world.agency_worker, ReferralQuery(sort=ReferralSort.OLDEST))
    assert len(first.received) == 50 and first.received.paginator.count == 55
    second = selectors.referral_inbox(world.agency_worker, ReferralQuery(sort=ReferralSort.OLDEST, page="2"))
    assert [r.pk for r in second.received] == [r.pk for r in made[50:]]
    beyond = selectors.referral_inbox(world.agency_worker, ReferralQuery(sort=ReferralSort.OLDEST, page="99"))
    assert beyond.received.number == 2 and [r.pk for r in beyond.received] == [r.pk for r in made[50:]]
    html = _html(world.agency_worker, sort="oldest", page="2")
    assert "本人 050" in html and "本人 049" not in html and "2 / 2" in html
    pager = html.split('class="pager"')[1].split("</nav>")[0]
    assert "page=1" in pager and "sort=oldest" in pager  # the pager keeps the order


def test_the_sent_list_pages_on_its_own(world, received_in_bulk):
    """The referrer's list of what it sent: ``?sent=`` pages it, the agency's ``?page=`` does not."""
    made = received_in_bulk(52)  # sent by the demo plaza, which leads their cases
    lists = selectors.referral_inbox(world.staff, ReferralQuery(sent_page="2", page="3"))
    assert lists.sent.number == 2 and len(lists.sent) == 2 and lists.sent.paginator.count == 52
    assert lists.received.number == 1 and not lists.received_any  # the plaza received nothing
    assert {r.pk for r in lists.sent} <= {r.pk for r in made}
    html = _html(world.staff, sent="2")
    assert "自機関あてのつなぎ" not in html  # nothing received: only the sent list
    pager = html.split('class="pager"')[1].split("</nav>")[0]
    assert "?sent=1" in pager and "2 / 2" in pager
    assert "本人" in html  # the lead names its own cases


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"tab": "nope", "state": "draft", "urgency": "very", "sort": "name", "page": "abc", "sent": "-1"},
            True,
        ),
        ({"tab": "waiting", "state": "accepted", "page": "0"}, True),  # a state of another tab
        ({"page": "9" * 5000, "sent": "1.5"}, False),  # too long to be a number: the first page
        ({"page": "-3", "tab": ["ended", "waiting"]}, False),  # the last of two is the one read
        ({"page": "１"}, False),  # a full-width digit is a number too
    ],
)
def test_garbage_in_the_query_string_falls_back_to_the_defaults(world, received_in_bulk, params, message):
    [referral] = received_in_bulk(1)
    html = _html(world.agency_worker, **params)
    assert referral.case.reference in html and "本人 000" in html  # shown without what it could not use
    assert ("選べない値が指定されたため" in html or "この状況の一覧にない状態です" in html) is message


# --- who the rows name -----------------------------------------------------------------------------


def test_names_only_where_the_grant_includes_identity(world, received_in_bulk):
    named = received_in_bulk(2, name="見える")
    unnamed = received_in_bulk(2, identity=False, name="見えない")
    last = AuditEvent.objects.latest("sequence").sequence
    html = _html(world.agency_worker)
    for referral in named + unnamed:
        assert referral.case.reference in html
    assert "見える 000" in html and "見える 001" in html and "見えない" not in html
    [shown] = AuditEvent.objects.filter(sequence__gt=last, event="person.listed")
    assert sorted(json.loads(shown.params)["people"]) == sorted(str(r.case.person_id) for r in named)
    assert sorted(json.loads(shown.fields)) == ["kana", "name"]
    # Another agency sees none of them; the lead plaza names all it sent.
    other = _html(world.anshin_worker)
    assert "見える" not in other and named[0].case.reference not in other
    sent = _html(world.staff)
    assert "見える 000" in sent and "見えない 000" in sent


def test_a_ward_caseworker_and_a_coordinator_see_only_their_own(world, received_in_bulk):
    received_in_bulk(1, name="はまかぜ")
    for user in (world.ward_worker, world.coordinator):
        html = _html(user)
        assert "はまかぜ" not in html and "自機関あてのつなぎはありません" in html


# --- who may open it -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["commissioner", "privacy", "admin"])
def test_who_has_no_referral_work_is_refused_recorded_and_not_linked(world, received_in_bulk, role):
    user = getattr(world, role)
    # Even where their organisation could receive a referral (the privacy officer's ward section).
    organisation = user.memberships.get().organisation
    received_in_bulk(1, recipient=organisation, name="届いた")
    response = browser(user).get(INBOX, {"page": "2"})
    assert response.status_code == 403 and "届いた" not in response.content.decode()
    denied = AuditEvent.objects.filter(event="case.denied", actor=user).latest("sequence")
    assert json.loads(denied.params) == {"action": "open_referral_inbox"}
    assert INBOX not in page(browser(user).get(reverse("home")))


@pytest.mark.parametrize("role", ["staff", "ward_worker", "coordinator", "agency_worker"])
def test_who_refers_or_answers_is_linked_to_it_from_home(world, role):
    user = getattr(world, role)
    assert user.memberships.get().role in INBOX_ROLES
    assert INBOX in page(browser(user).get(reverse("home")))
    assert browser(user).get(INBOX).status_code == 200


def test_a_user_without_any_membership_is_refused(world):
    stranger = User.objects.create(username="stranger", is_superuser=True)  # the flag gives nothing
    assert browser(stranger).get(INBOX).status_code == 403


def test_the_tabs_are_counted_in_one_statement(world, received_in_bulk):
    received_in_bulk(3)
    received_in_bulk(1, state=S.ACCEPTED, name="引き受けた")
    with CaptureQueriesContext(connection) as queries:
        inbox = selectors.referral_inbox(world.agency_worker, ReferralQuery(tab=ReferralTab.IN_PROGRESS))
    received = [q["sql"] for q in queries.captured_queries if "referralgroupobjectpermission" in q["sql"]]
    counting = [sql for sql in received if "COUNT(" in sql.upper()]
    assert len(counting) == 1  # the three tabs and the tab shown, in one statement
    assert len(received) == 2  # and the page's rows
    assert inbox.tab_counts == {"waiting": 3, "in_progress": 1, "ended": 0} and len(inbox.received) == 1
