"""The centre's screens, clicked through by its coordinator (Django's test client)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from guardianship.models import GuardianCandidate, GuardianshipMatter, MatchingMeeting
from tests.screens import browser, follow_post, page


def post(client, url, data) -> str:
    html = follow_post(client, url, data)
    errors = re.findall(r'<li class="message error">([^<]*)</li>', html)
    assert not errors, errors
    return html


def test_the_centre_journey_through_the_screens(world, matter):
    centre, staff = browser(world.coordinator), browser(world.staff)
    m = lambda: GuardianshipMatter.objects.get(pk=matter.pk)  # noqa: E731
    today = timezone.localdate()  # filing and ruling happened: never after today

    # The pool: a citizen guardian from the bank and a social worker.
    post(
        centre,
        reverse("guardianship:candidates"),
        {
            "kind": "citizen",
            "name": "横浜 花子",
            "areas": [world.district.pk],
            "languages": ["ja"],
            "max_caseload": 2,
            "training_completed_on": "2024-03-01",
            "registered_on": "2024-04-01",
        },
    )
    html = post(
        centre,
        reverse("guardianship:candidates"),
        {
            "kind": "social_worker",
            "name": "港 一郎",
            "areas": [world.demo.ward.pk],
            "languages": ["ja"],
            "max_caseload": 5,
        },
    )
    assert "横浜 花子" in html and GuardianCandidate.objects.count() == 2

    home = page(centre.get(reverse("guardianship:home")))
    assert reverse("guardianship:matter", args=[matter.pk]) in home and "うち市長申立て" in home
    detail = page(centre.get(reverse("guardianship:matter", args=[matter.pk])))
    assert "佐々木 トメ" in detail  # identity was shared with the centre
    assert "息子さんと二人暮らし" not in detail  # the concern was not
    assert AuditEvent.objects.filter(event="guardianship.viewed", actor=world.coordinator).exists()

    post(centre, reverse("guardianship:matter_start_assessment", args=[matter.pk]), {"version": m().version})
    post(
        centre,
        reverse("guardianship:matter_assess", args=[matter.pk]),
        {
            "version": m().version,
            "wishes": "家で暮らしたい",
            "language": "ja",
            "wishes_how": "ゆっくり二回聞いた",
        },
    )
    assert m().wishes == "家で暮らしたい"
    post(centre, reverse("guardianship:matter_form_team", args=[matter.pk]), {"version": m().version})
    post(
        centre,
        reverse("guardianship:matter_add_team_member", args=[matter.pk]),
        {"organisation": world.plaza.pk, "name": "港 さくら", "role": "lead"},
    )
    assert "港 さくら" in page(centre.get(reverse("guardianship:matter", args=[matter.pk])))
    post(
        centre,
        reverse("guardianship:matter_prepare_petition", args=[matter.pk]),
        {
            "version": m().version,
            "type": "curatorship",
            "petitioner_kind": "relative",
            "court": world.demo.organisations["family_court"].pk,
            "subsidy_remuneration": "on",
        },
    )
    petition = m().petitions.get()
    # The documents checklist: one form, every document's status, one submit.
    html = page(centre.get(reverse("guardianship:matter", args=[matter.pk])))
    assert html.count('name="initial-') == 9 and html.count("書類の状況を保存する") == 1
    post(
        centre,
        reverse("guardianship:matter_documents", args=[matter.pk]),
        {
            **{document.kind: "received" for document in petition.documents.all()},
            **{f"initial-{document.kind}": "needed" for document in petition.documents.all()},
        },
    )
    assert set(petition.documents.values_list("status", flat=True)) == {"received"}
    post(centre, reverse("guardianship:matter_start_matching", args=[matter.pk]), {"version": m().version})

    html = post(
        centre,
        reverse("guardianship:home"),
        {"matters": [matter.pk], "scheduled_for": "2026-12-03T14:00", "attendees": [world.coordinator.pk]},
    )
    meeting = MatchingMeeting.objects.get()
    assert "類型: 市民後見人（この案件に合う度合い）" in html  # the explanation, in Japanese
    assert "後方支援" in html
    first = meeting.items.get().proposals.get(rank=1)
    post(centre, reverse("guardianship:proposal_choose", args=[first.pk]), {"reason": "自宅に近い市民後見人"})
    post(centre, reverse("guardianship:proposal_answer", args=[first.pk]), {"accepted": "1"})
    post(
        centre,
        reverse("guardianship:matter_file", args=[matter.pk]),
        {"version": m().version, "on": today.isoformat()},
    )
    post(
        centre,
        reverse("guardianship:matter_ruling", args=[matter.pk]),
        {"version": m().version, "appointed": "1", "on": today.isoformat()},
    )
    assert m().state == "appointed"
    detail = page(centre.get(reverse("guardianship:matter", args=[matter.pk])))
    first_report_due = today + datetime.timedelta(days=30)
    assert "横浜 花子" in detail and first_report_due.isoformat() in detail  # the guardian, the first report

    # The plaza sees where the matter stands on its case page.
    case_page = page(staff.get(reverse("cases:case_detail", args=[matter.case_id])))
    assert "選任" in case_page and "権利擁護・成年後見" in case_page


@pytest.mark.parametrize(
    "username", ["demo_plaza", "demo_agency", "demo_commissioner", "demo_privacy", "demo_admin"]
)
def test_the_matter_screens_refuse_everyone_but_the_centre(world, matter, username):
    from accounts.models import User

    client = browser(User.objects.get(username=username))
    response = client.get(reverse("guardianship:matter", args=[matter.pk]))
    assert response.status_code == 403 and "佐々木" not in response.content.decode()
    response = client.post(reverse("guardianship:matter_start_assessment", args=[matter.pk]), {"version": 1})
    assert response.status_code == 403
    assert client.get(reverse("guardianship:candidates")).status_code == 403
    assert GuardianshipMatter.objects.get(pk=matter.pk).state == "intake"
    assert AuditEvent.objects.filter(event="case.denied", actor__username=username).count() >= 2


def test_the_centre_sees_the_case_page_only_as_far_as_disclosed(world, matter):
    response = browser(world.coordinator).get(reverse("cases:case_detail", args=[matter.case_id]))
    # A disclosure is view access to the case, limited to the disclosed groups.
    html = response.content.decode()
    assert response.status_code == 200 and "佐々木 トメ" in html and "息子さんと二人暮らし" not in html


def test_the_matter_page_reads_proposals_without_a_query_per_candidate(world, matter, candidate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guardianship import services
    from tests.guardianship.conftest import to_matching

    for kind in ("citizen", "social_worker", "corporate"):
        candidate(kind)
    matter = to_matching(world, matter)
    import datetime

    services.schedule_matching_meeting(
        actor=world.coordinator,
        matters=[matter],
        scheduled_for=datetime.datetime(2026, 12, 3, 5, tzinfo=datetime.UTC),
    )
    client = browser(world.coordinator)
    client.get(reverse("guardianship:matter", args=[matter.pk]))  # warm caches
    with CaptureQueriesContext(connection) as three:
        page(client.get(reverse("guardianship:matter", args=[matter.pk])))
    candidate("lawyer")
    candidate("psychiatric_social_worker")
    services.schedule_matching_meeting(
        actor=world.coordinator,
        matters=[matter],
        scheduled_for=datetime.datetime(2026, 12, 4, 5, tzinfo=datetime.UTC),
    )
    with CaptureQueriesContext(connection) as more:
        page(client.get(reverse("guardianship:matter", args=[matter.pk])))
    assert len(more) == len(three)  # a second meeting with more proposals costs no more queries
