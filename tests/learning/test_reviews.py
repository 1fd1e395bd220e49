"""The ward's practitioners' review (issue 24 part 2): the ward office convenes it and asks the
ward's offices, plazas and 社協; an attendee reads the agenda only after acknowledging
confidentiality; issues are taken onto the agenda by category, never by case; the finding and
the answer are recorded (a stale form gets a conflict), and the answer reaches each raiser."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.exceptions import CaseRuleError, Conflict
from learning import services
from learning.models import Addressee, Category, ReviewItem, ReviewMeeting, SystemicIssue
from notifications.models import Kind, Notification
from tests.screens import browser, page

GOOD = "保証人がいないため、高齢の単身者が転居先を借りられない。"


def raised(world, case, category=Category.HOUSING, times=1):
    return [
        services.raise_systemic_issue(actor=world.staff, case=case, category=category, description=GOOD)
        for _ in range(times)
    ]


def convened(world, attendees=None) -> ReviewMeeting:
    office = services.offices_of(world.ward_worker)[0]
    ward = services.wards_of(office)[0]
    candidates = services.review_candidates(ward)
    chosen = attendees or [pair for pair in candidates if pair[0] == world.staff]
    return services.convene_review(
        actor=world.ward_worker,
        office=office,
        ward=ward,
        title="第1回 実務者検討会議",
        scheduled_for=timezone.now() + datetime.timedelta(days=3),
        attendees=chosen,
    )


def test_the_ward_office_convenes_from_its_page_and_the_attendee_is_told(world):
    ward = browser(world.ward_worker)
    html = page(ward.get(reverse("learning:reviews")))
    assert f'value="{world.staff.pk}:{world.plaza.pk}"' in html  # the plaza's staff may be asked
    assert f'value="{world.agency_worker.pk}:' not in html  # not the disability agency's
    when = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    form = {
        "title": "第1回 実務者検討会議",
        "scheduled_for": f"{when}T14:00",
        "attendees": [f"{world.staff.pk}:{world.plaza.pk}"],
    }
    office = services.offices_of(world.ward_worker)[0]
    form["place"] = f"{office.pk}:{services.wards_of(office)[0].pk}"
    response = ward.post(reverse("learning:reviews"), form)
    meeting = ReviewMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "learning:review", args=[meeting.pk]
    )
    told = Notification.objects.get(kind=Kind.REVIEW_INVITED)
    assert told.recipient == world.staff and told.link == reverse("learning:review", args=[meeting.pk])
    assert AuditEvent.objects.filter(event="review.convened", target_id=str(meeting.pk)).exists()
    # An outsider's attendee is refused by the service, nothing written.
    bad = {**form, "attendees": [f"{world.agency_worker.pk}:{world.agency.pk}"]}
    html = page(ward.post(reverse("learning:reviews"), bad))
    assert "第1回 実務者検討会議" in html and ReviewMeeting.objects.count() == 1


def test_who_may_not_convene_is_refused(world):
    for who in (world.staff, world.commissioner, world.agency_worker):
        response = browser(who).post(reverse("learning:reviews"), {"title": "x"})
        assert response.status_code == 403
    assert not ReviewMeeting.objects.exists()
    assert browser(world.commissioner).get(reverse("learning:reviews")).status_code == 403
    assert browser(world.staff).get(reverse("learning:reviews")).status_code == 200  # an empty list


def test_an_attendee_reads_the_agenda_only_after_acknowledging(world, tome):
    raised(world, tome, times=2)
    meeting = convened(world)
    services.add_review_item(actor=world.ward_worker, meeting=meeting, category=Category.HOUSING)
    plaza = browser(world.staff)
    url = reverse("learning:review", args=[meeting.pk])
    before = page(plaza.get(url))
    assert GOOD not in before and "確認しました" in before
    plaza.post(reverse("learning:review_acknowledge", args=[meeting.pk]))
    after = page(plaza.get(url))
    assert GOOD in after and after.count(GOOD) == 2
    assert tome.reference not in after and "佐々木" not in after  # issues, never a case or a person
    assert AuditEvent.objects.filter(event="review.acknowledged", actor=world.staff).exists()
    # Who is neither convener nor attendee sees nothing.
    for who in (world.other_staff, world.commissioner, world.agency_worker):
        assert browser(who).get(url).status_code == 403
        assert browser(who).post(reverse("learning:review_acknowledge", args=[meeting.pk])).status_code == 403


def test_issues_go_onto_the_agenda_by_category_once(world, tome):
    raised(world, tome, Category.HOUSING, 3)
    raised(world, tome, Category.COST, 1)
    meeting = convened(world)
    ward = browser(world.ward_worker)
    url = reverse("learning:review_item", args=[meeting.pk])
    assert ward.post(url, {"category": Category.HOUSING, "district": ""}).status_code == 302
    item = ReviewItem.objects.get()
    assert SystemicIssue.objects.filter(review_item=item).count() == 3
    assert SystemicIssue.objects.filter(category=Category.COST, review_item__isnull=True).count() == 1
    html = page(ward.post(url, {"category": Category.HOUSING, "district": ""}))  # nothing left open
    assert "まだ検討されていない課題はありません" in html and ReviewItem.objects.count() == 1
    assert browser(world.staff).post(url, {"category": Category.COST}).status_code == 403  # attendee only


def test_the_finding_then_the_answer_reach_the_raiser(world, tome):
    raised(world, tome, times=2)
    meeting = convened(world)
    item = services.add_review_item(actor=world.ward_worker, meeting=meeting, category=Category.HOUSING)
    ward = browser(world.ward_worker)
    outcome_url = reverse("learning:item_outcome", args=[item.pk])
    html = page(ward.post(outcome_url, {"outcome": "試行する", "version": item.version}))
    assert "先に、検討の結果" in html and not ReviewItem.objects.get().answered_at
    finding = {
        "analysis": "保証人が求められる",
        "proposal": "保証の仕組みを検討",
        "addressed_to": Addressee.WARD_POLICY,
    }
    assert (
        ward.post(
            reverse("learning:item_finding", args=[item.pk]), {**finding, "version": item.version}
        ).status_code
        == 302
    )
    stale = page(ward.post(outcome_url, {"outcome": "試行する", "version": item.version}))
    assert "他の人が先にこの議題を更新しました" in stale and "試行する" in stale
    assert (
        ward.post(outcome_url, {"outcome": "来年度に試行する", "version": item.version + 1}).status_code
        == 302
    )
    told = Notification.objects.filter(kind=Kind.ISSUE_ANSWERED)
    assert [n.recipient for n in told] == [world.staff]  # once, for two issues
    mine = page(browser(world.staff).get(reverse("learning:mine")))
    assert "来年度に試行する" in mine and "保証の仕組みを検討" in mine and "区の施策" in mine
    assert browser(world.staff).post(outcome_url, {"outcome": "x", "version": 3}).status_code == 403


def test_the_services_refuse_a_stale_version_and_a_missing_finding(world, tome):
    raised(world, tome)
    item = services.add_review_item(
        actor=world.ward_worker, meeting=convened(world), category=Category.HOUSING
    )
    with pytest.raises(CaseRuleError):
        services.record_review(
            actor=world.ward_worker,
            item=item,
            expected_version=item.version,
            analysis="",
            proposal="",
            addressed_to="",
        )
    with pytest.raises(Conflict):
        services.record_review(
            actor=world.ward_worker,
            item=item,
            expected_version=item.version + 1,
            analysis="a",
            proposal="p",
            addressed_to=Addressee.COUNCIL,
        )
    assert ReviewItem.objects.get().reviewed_at is None
