"""The referral screens, clicked through by both sides (Django's test client)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from audit.models import AuditEvent
from cases import urls as case_urls
from cases.models import Case, CaseAccessGrant, CaseState, Disclosure, SupportMeeting
from cases.services import sharing
from referrals import services
from referrals.models import Referral, ReferralState
from tests.screens import browser, follow_post, page
from tests.workflow import decided, take


def messages_in(html: str) -> list[str]:
    return re.findall(r'<li class="message [^"]*">([^<]*)</li>', html)


def test_the_referral_loop_through_the_screens(world, referred):
    staff, agency, commissioner = (
        browser(world.staff),
        browser(world.agency_worker),
        browser(world.commissioner),
    )

    # The lead organisation refers from the case page: the agency, the purpose, the fields.
    case_page = page(staff.get(reverse("cases:case_detail", args=[referred.pk])))
    assert "まだどこにもつないでいません" in case_page and "次の段階へ進む前に" not in case_page
    new = reverse("referrals:new", args=[referred.pk])
    assert f'hx-get="{new}"' in case_page  # the panel loads its form in place
    assert 'name="purpose"' in page(staff.get(new, headers={"HX-Request": "true"}))
    html = follow_post(
        staff,
        reverse("referrals:new", args=[referred.pk]),
        {
            "recipient": world.agency.pk,
            "purpose": "就労支援と障害福祉サービスの相談",
            "field_groups": ["identity"],
            "legal_basis": world.basis["consent"].pk,
            "consent": referred.consent.pk,
            "reference": "",
        },
    )
    referral = Referral.objects.get()
    assert referral.state == ReferralState.DRAFT and "内容を確かめて送ってください" in html
    html = follow_post(staff, reverse("referrals:send", args=[referral.pk]), {"version": referral.version})
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and "返事の期限" in html

    # While it is open, the case page says what the case waits for instead of offering the next step.
    case_page = page(staff.get(reverse("cases:case_detail", args=[referred.pk])))
    assert "つなぎが終わっていません" in case_page and "見守りまたは終結" not in case_page

    # The agency: its inbox, the shared fields and nothing else, the reading audited.
    assert reverse("referrals:detail", args=[referral.pk]) in page(agency.get(reverse("referrals:inbox")))
    detail = page(agency.get(reverse("referrals:detail", args=[referral.pk])))
    assert "佐々木 トメ" in detail and "就労支援と障害福祉サービスの相談" in detail
    assert "つなぐ市はまかぜ区1-2-3" not in detail  # contact was not shared
    assert "息子さんと二人暮らし" not in detail  # nor the concern
    assert "検討した" not in detail  # nor the minutes
    assert reverse("cases:case_detail", args=[referred.pk]) not in detail
    viewed = AuditEvent.objects.get(event="referral.viewed")
    assert viewed.actor == world.agency_worker and "name" in viewed.fields and "address" not in viewed.fields

    html = follow_post(
        agency,
        reverse("referrals:accept", args=[referral.pk]),
        {"version": referral.version, "worker": world.agency_worker.pk},
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED, messages_in(html)
    assert "つながりました" in page(commissioner.get(reverse("cases:my_concerns")))

    # The referrer's inbox shows what the agency did, first and marked, until opened.
    inbox = page(staff.get(reverse("referrals:inbox")))
    assert "未確認" in inbox
    page(staff.get(reverse("referrals:detail", args=[referral.pk])))
    assert "未確認" not in page(staff.get(reverse("referrals:inbox")))

    html = follow_post(
        agency,
        reverse("referrals:complete", args=[referral.pk]),
        {"version": referral.version, "text": "就労継続支援B型の利用を始めた"},
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
    assert "佐々木 トメ" not in html  # the agency's sight ended with its part

    case_page = page(staff.get(reverse("cases:case_detail", args=[referred.pk])))
    assert "すべてのつなぎが終わりました" in case_page and "見守りまたは終結" in case_page
    html = follow_post(
        staff,
        reverse("cases:case_conclude", args=[referred.pk]),
        {"version": Case.objects.get().version, "outcome": "watching"},
    )
    assert Case.objects.get().state == CaseState.WATCHING


def test_errors_are_shown_and_change_nothing(world, referred):
    staff = browser(world.staff)
    html = follow_post(
        staff,
        reverse("referrals:new", args=[referred.pk]),
        {
            "recipient": world.agency.pk,
            "purpose": "相談",
            "field_groups": ["identity"],
            "legal_basis": world.basis["consent"].pk,
        },
    )
    assert any("同意の記録を選んでください" in m for m in messages_in(html))
    assert not Referral.objects.exists()
    referral = Referral.objects.create(
        case=referred,
        referring_organisation=world.plaza,
        recipient=world.agency,
        created_by=world.staff,
        field_groups=["identity"],
        purpose="相談",
        legal_basis=world.basis["consent"],
        consent=referred.consent,
    )
    html = follow_post(staff, reverse("referrals:send", args=[referral.pk]), {"version": "abc"})
    assert any("他の人が先に" in m for m in messages_in(html))
    referral.refresh_from_db()
    assert referral.state == ReferralState.DRAFT


def _case_urls(case, referral_grant, meeting):
    """Every case URL of cases/urls.py that names a case (or a meeting of it), with real ids."""
    ids = {
        "case_id": case.pk,
        "consent_id": case.consent.pk,
        "grant_id": referral_grant.pk,
        "meeting_id": meeting.pk,
    }
    for pattern in case_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = set(pattern.pattern.converters)
        if names and names <= ids.keys():
            yield reverse(f"cases:{pattern.name}", kwargs={k: ids[k] for k in names})


def test_the_agency_reaches_no_case_url(world, referred, sent):
    referral = sent(field_groups=("identity",))
    grant = CaseAccessGrant.objects.get(disclosure=referral.disclosure)
    meeting = SupportMeeting.objects.get(case=referred)
    agency = browser(world.agency_worker)
    before = (Case.objects.get().version, Disclosure.objects.count(), CaseAccessGrant.objects.count())
    urls = list(_case_urls(referred, grant, meeting))
    assert len(urls) >= 16  # every page and action of a case, and its meeting
    for url in urls:
        for response in (
            agency.get(url),
            agency.post(url, {"version": referred.version, "reason": "x" * 20}),
        ):
            assert response.status_code in (403, 405), (url, response.status_code)
            assert "佐々木" not in response.content.decode()
    assert (Case.objects.get().version, Disclosure.objects.count(), CaseAccessGrant.objects.count()) == before
    assert AuditEvent.objects.filter(
        event__in=["case.denied", "access.denied"], actor=world.agency_worker
    ).count() >= len(urls)


@pytest.mark.parametrize(
    "username", ["other_plaza", "anshin_worker", "demo_commissioner", "demo_coordinator"]
)
def test_outsiders_get_a_refusal_page_for_a_referral(world, sent, username):
    from accounts.models import User

    referral = sent()
    response = browser(User.objects.get(username=username)).get(
        reverse("referrals:detail", args=[referral.pk])
    )
    assert response.status_code == 403 and "佐々木" not in response.content.decode()
    assert AuditEvent.objects.filter(event="case.denied", actor__username=username).exists()


def test_phone_sized_pages(world, sent):
    referral = sent()
    for user, url in [
        (world.agency_worker, reverse("referrals:inbox")),
        (world.agency_worker, reverse("referrals:detail", args=[referral.pk])),
        (world.staff, reverse("referrals:inbox")),
        (world.staff, reverse("referrals:detail", args=[referral.pk])),
    ]:
        html = page(browser(user).get(url))
        assert 'name="viewport" content="width=device-width' in html
        assert "<title>つなぎ | つなぐ</title>" in html
        assert "<table" not in html  # lists, not wide tables, on a phone
        assert "Version" not in html  # hidden fields carry no visible label


def test_the_inboxes_cost_no_query_per_referral(world, referred, sent, concern, soon):
    sent()
    staff, agency = browser(world.staff), browser(world.agency_worker)

    def inbox_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(staff.get(reverse("referrals:inbox")))
            page(agency.get(reverse("referrals:inbox")))
        return len(queries)

    before = inbox_queries()
    # Two more referrals, one of them on another case.
    sent(recipient=world.anshin)
    other = decided(world, take(world, concern(identity={"name": "別人 一郎"})), CaseState.REFERRED, soon)
    consent = sharing.record_consent(
        actor=world.staff, case=other, purpose="referral", recipients=[world.agency], method="oral"
    )
    draft = services.draft_referral(
        actor=world.staff,
        case=other,
        recipient=world.agency,
        field_groups=["identity"],
        purpose="相談",
        legal_basis=world.basis["consent"],
        consent=consent,
    )
    services.send_referral(actor=world.staff, referral=draft, expected_version=draft.version)
    assert inbox_queries() == before
