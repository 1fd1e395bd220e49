"""The referral page reads once what it shows, for each side (tests/statements.py)."""

from django.urls import reverse

from tests.screens import browser
from tests.statements import assert_reads_once


def test_the_referral_page_as_referrer(world, sent):
    referral = sent()
    html = assert_reads_once(browser(world.staff), reverse("referrals:detail", args=[referral.pk]))
    assert "取り下げの理由" in html  # the referrer's own action is offered


def test_the_referral_page_as_receiving_agency(world, sent):
    referral = sent()
    html = assert_reads_once(browser(world.agency_worker), reverse("referrals:detail", args=[referral.pk]))
    assert "佐々木 トメ" in html and "お断りの理由" in html  # the shared identity and the agency's answers


def test_the_referral_inbox_as_receiving_agency(world, received_in_bulk):
    received_in_bulk(60)  # more than a page
    received_in_bulk(2, state="accepted", name="引き受けた")
    html = assert_reads_once(
        browser(world.agency_worker), reverse("referrals:inbox") + "?page=2&urgency=routine"
    )
    assert "本人 009" in html and "2 / 2" in html


def test_the_referral_inbox_as_referrer(world, received_in_bulk):
    received_in_bulk(55)
    html = assert_reads_once(browser(world.staff), reverse("referrals:inbox") + "?sent=2")
    assert "本人 000" in html and "2 / 2" in html


def test_the_referral_inbox_through_the_api_reads_each_thing_once(world, received_in_bulk):
    """Each row names both sides' organisations: read with the rows, not once a row."""
    received_in_bulk(12)
    assert_reads_once(browser(world.agency_worker), reverse("api:referrals"))
    assert_reads_once(browser(world.staff), reverse("api:referrals"))
