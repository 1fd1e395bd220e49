"""The case summary printed for a referral (docs/documents.md): only the field groups the referral
shares, for the agency while its access lasts and for the referrer; an audited read."""

from urllib.parse import unquote

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from referrals import services
from tests.documents import fields_of, last_printed, params_of, pdf_text
from tests.screens import browser

NAME = "佐々木 トメ"
ADDRESS = "つなぐ市はまかぜ区1-2-3"  # contact: not shared by the referral below
DETAILS = "息子さんと二人暮らし。最近姿を見かけない。"
PURPOSE = "障害福祉サービスの利用について相談したい。"


def url(referral) -> str:
    return reverse("referrals:summary_pdf", args=[referral.pk])


@pytest.mark.parametrize("who", ["agency_worker", "staff"])
def test_the_summary_holds_the_shared_groups_and_omits_the_others(world, sent, who):
    referral = sent(field_groups=("identity", "concern"))
    response = browser(getattr(world, who)).get(url(referral))
    text = pdf_text(response).replace("\n", "")
    for shown in (NAME, DETAILS, PURPOSE, referral.case.reference, "つなぎのためのケース概要"):
        assert shown in text, shown
    assert ADDRESS not in text and "住所" not in text  # the contact group was not shared
    assert "議事録" not in text  # nor the meetings group
    organisation = world.agency if who == "agency_worker" else world.plaza
    assert f"印刷者: {getattr(world, who)}（{organisation.name}）" in text
    assert unquote(response["Content-Disposition"]).endswith(
        f"referral-summary_{referral.case.reference}.pdf"
    )


def test_a_summary_with_the_contact_group_shows_the_address(world, sent):
    """The control of the test above: the same document, the contact group shared."""
    referral = sent(field_groups=("identity", "contact"))
    text = pdf_text(browser(world.agency_worker).get(url(referral))).replace("\n", "")
    assert ADDRESS in text and NAME in text and DETAILS not in text


def test_printing_records_the_document_and_field_names_only(world, sent):
    referral = sent(field_groups=("identity", "concern"))
    before = AuditEvent.objects.latest("sequence").sequence
    browser(world.agency_worker).get(url(referral))
    printed = last_printed("referral.printed")
    assert (printed.actor, printed.organisation_id) == (world.agency_worker, world.agency.pk)
    assert params_of(printed) == {"document": "case_summary"}
    assert fields_of(printed) == sorted(["name", "kana", "birth_date", "concern.details", "purpose"])
    # The referral page's own read is recorded as well; no event carries a value.
    assert AuditEvent.objects.filter(sequence__gt=before, event="referral.viewed").exists()
    for event in AuditEvent.objects.filter(sequence__gt=before):
        for value in (NAME, "佐々木", DETAILS, PURPOSE):
            assert value not in event.fields + event.params


@pytest.mark.parametrize("who", ["anshin_worker", "other_staff", "commissioner", "coordinator", "privacy"])
def test_who_the_referral_is_not_for_is_refused_recorded(world, sent, who):
    referral = sent()
    denied = AuditEvent.objects.filter(event="case.denied").count()
    assert browser(getattr(world, who)).get(url(referral)).status_code == 403
    assert AuditEvent.objects.filter(event="case.denied").count() == denied + 1
    assert not AuditEvent.objects.filter(event="referral.printed").exists()


def test_an_agency_whose_access_ended_is_refused_and_offered_no_link(world, sent):
    referral = sent()
    services.withdraw_referral(
        actor=world.staff, referral=referral, expected_version=referral.version, reason="本人が辞退"
    )
    agency = browser(world.agency_worker)
    page = agency.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert url(referral) not in page
    assert agency.get(url(referral)).status_code == 403
    last = AuditEvent.objects.latest("sequence")
    assert (last.event, params_of(last)) == ("case.denied", {"action": "print_referral_summary"})
    # The referrer still prints what it had shared.
    assert (
        url(referral)
        in browser(world.staff).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    )
