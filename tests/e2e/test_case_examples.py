"""A case example from proposal to a case review, in Chromium: the plaza worker proposes her case
as an example and asks for review; the privacy officer returns it with a comment; the worker
edits it and asks again; the officer approves it; the ward office shows it at its practitioners'
review; an attendee who has no access to the case — another plaza's worker, on a phone — reads the
example after acknowledging confidentiality, and nothing else: no case, no name."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from cases.services import progress
from learning import services
from learning.models import CaseExample, ExampleStatus
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.workflow import take


def action(page, title: str):
    box = page.locator("details.action").filter(has=page.locator("summary", has_text=title))
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def test_an_example_is_proposed_returned_approved_and_read_at_a_review(people, open_as, concern, live_server):
    case = take(people, concern())
    progress.record_progress(
        actor=people.staff,
        case=case,
        kind="visit",
        occurred_at=timezone.now() - datetime.timedelta(days=3),
        counterpart="person",
        text="佐々木トメさん宅を訪問。郵便受けがあふれていた。",
    )
    # 1. The plaza worker proposes the case as an example from its page.
    plaza = open_as("demo_plaza", DESKTOP)
    plaza.goto(f"{live_server.url}/cases/{case.pk}/")
    propose = action(plaza, "事例として提案する")
    propose.get_by_label("目的").select_option(label="事例検討（会議での検討）")
    propose.get_by_label("事例の題名").fill("郵便受けがあふれていた高齢者への支援")
    propose.get_by_role("button", name="下書きを作る").click()
    expect(plaza.locator("main")).to_contain_text("匿名化した下書きを作りました")
    expect(plaza.locator("#body")).not_to_contain_text("佐々木")
    expect(plaza.locator("#body")).to_contain_text("本人宅を訪問")
    shot(plaza, "example-01-draft-desktop")
    example_url = plaza.url
    action(plaza, "審査を依頼する").get_by_role("button", name="審査を依頼する").click()
    expect(plaza.locator("#status")).to_contain_text("審査待ち")

    # 2. The privacy officer returns it with a comment.
    officer = open_as("demo_privacy", DESKTOP)
    officer.goto(example_url)
    expect(officer.locator("#k-check")).to_contain_text("基準に足りません")
    review = action(officer, "審査する")
    review.get_by_label("差し戻し（直してもらう）").check()
    review.get_by_label("コメント").fill(
        "郵便受けの様子は、本人が特定されないよう一般的な書き方にしてください。"
    )
    review.get_by_role("button", name="記録する").click()
    expect(officer.locator("#status")).to_contain_text("差し戻し")
    shot(officer, "example-02-returned-desktop")

    # 3. The worker edits and asks again.
    plaza.goto(example_url)
    expect(plaza.locator("#comment")).to_contain_text("一般的な書き方")
    edit = action(plaza, "本文を直す")
    body = edit.get_by_label("事例の本文")
    body.fill(body.input_value().replace("郵便受けがあふれていた", "生活の変化がうかがえた"))
    edit.get_by_role("button", name="保存する").click()
    expect(plaza.locator("#body")).to_contain_text("生活の変化がうかがえた")
    action(plaza, "審査を依頼する").get_by_role("button", name="審査を依頼する").click()
    expect(plaza.locator("#status")).to_contain_text("審査待ち")

    # 4. The officer approves, recording why a small k is acceptable.
    officer.goto(example_url)
    review = action(officer, "審査する")
    review.get_by_label("承認", exact=True).check()
    review.get_by_label("基準に満たなくても認める理由").fill(
        "地区を区にまとめ、世帯の構成を書いていないため。"
    )
    review.get_by_role("button", name="記録する").click()
    expect(officer.locator("#status")).to_contain_text("承認")

    # 5. The ward office shows it at a review another plaza's worker attends.
    other = User.objects.get(username="other_plaza")
    other.set_password(DEMO_PASSWORD)  # the world's second plaza worker signs in like the demo users
    other.save()
    office = services.offices_of(people.ward_worker)[0]
    ward_area = services.wards_of(office)[0]
    meeting = services.convene_review(
        actor=people.ward_worker,
        office=office,
        ward=ward_area,
        title="第3回 実務者検討会議",
        scheduled_for=timezone.now() + datetime.timedelta(days=1),
        attendees=[pair for pair in services.review_candidates(ward_area) if pair[0] == other],
    )
    ward = open_as("demo_ward", DESKTOP)
    ward.goto(f"{live_server.url}/learning/reviews/{meeting.pk}/")
    show = action(ward, "事例を示す")
    show.get_by_label("事例").select_option(label="郵便受けがあふれていた高齢者への支援")
    show.get_by_role("button", name="示す").click()
    expect(ward.locator("#examples")).to_contain_text("郵便受けがあふれていた高齢者への支援")

    # 6. The attendee, on a phone, reads the example after acknowledging — and nothing else.
    attendee = open_as("other_plaza", PHONE)
    attendee.goto(f"{live_server.url}/learning/reviews/{meeting.pk}/")
    expect(attendee.locator("main")).not_to_contain_text("郵便受けがあふれていた高齢者への支援")
    attendee.get_by_role("button", name="確認しました").click()
    attendee.locator("#examples").get_by_role("link", name="郵便受けがあふれていた高齢者への支援").click()
    expect(attendee.locator("#body")).to_contain_text("生活の変化がうかがえた")
    main = attendee.locator("main")
    expect(main).not_to_contain_text("佐々木")
    expect(main).not_to_contain_text(case.reference)
    assert attendee.locator(f"a[href*='{case.pk}']").count() == 0
    shot(attendee, "example-03-attendee-phone")
    assert attendee.goto(f"{live_server.url}/cases/{case.pk}/").status == 403
    assert CaseExample.objects.get().status == ExampleStatus.APPROVED
