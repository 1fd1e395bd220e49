"""The agency's inbox says who (issue 18, part 1): the case number always, the person's name only
while the agency's grant on the case includes identity; the referrer's list names its own cases."""

from django.urls import reverse

from audit.models import AuditEvent
from referrals import selectors
from tests.screens import browser, page


def test_the_agency_sees_the_name_only_when_identity_was_shared(world, sent):
    referral = sent(field_groups=("concern",))
    html = page(browser(world.agency_worker).get(reverse("referrals:inbox")))
    assert referral.case.reference in html and "佐々木" not in html
    referral = sent(recipient=world.anshin, field_groups=("identity", "concern"))
    html = page(browser(world.anshin_worker).get(reverse("referrals:inbox")))
    assert referral.case.reference in html and "佐々木 トメ" in html
    shown = AuditEvent.objects.filter(actor=world.anshin_worker, event="person.viewed").latest("sequence")
    assert shown.person_id == str(referral.case.person_id)


def test_the_referrer_list_names_its_cases_and_pages_by_fifty(world, sent):
    referral = sent()
    html = page(browser(world.staff).get(reverse("referrals:inbox")))
    assert referral.case.reference in html and "佐々木 トメ" in html
    lists = selectors.referral_inbox(
        world.staff, selectors.ReferralQuery(sent_page="2")
    )  # past the end: the last
    assert [r.pk for r in lists.sent] == [referral.pk] and lists.sent.paginator.per_page == 50
