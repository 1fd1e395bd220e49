"""A consent grounds only the disclosures it covers: its purpose, its named recipients, its dates.

One rule (cases.services.sharing.check_consent) for every place a consent is accepted as a ground:
a disclosure, a referral, a meeting, sharing with the guardianship centre. A refusal says why and
records nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.exceptions import CaseRuleError
from cases.models import CaseAccessGrant, CaseState, Consent, Disclosure, MeetingKind, SupportMeeting
from cases.services import meetings, sharing
from referrals import services as referrals
from referrals.models import Referral
from tests.screens import browser, follow_post
from tests.workflow import decided, take

TODAY = timezone.localdate


def consent_for(world, case, purpose, recipients, **dates):
    return sharing.record_consent(
        actor=world.staff, case=case, purpose=purpose, recipients=recipients, method="oral", **dates
    )


def disclose(world, case, consent, recipient=None, **extra):
    return sharing.disclose(
        actor=world.staff,
        case=case,
        recipient=recipient or world.agency,
        field_groups=["identity", "concern"],
        legal_basis=world.basis["consent"],
        consent=consent,
        **extra,
    )


def meeting_on(world, case, consent, *, days: float, attendees=None, **extra):
    """The demo plaza schedules a 重層的支援会議 on the case, on this consent, ``days`` from now."""
    return meetings.schedule_meeting(
        actor=world.staff,
        case=case,
        expected_version=case.version,
        kind=MeetingKind.MULTI_AGENCY,
        legal_basis=world.basis["consent"],
        consent=consent,
        scheduled_for=timezone.now() + datetime.timedelta(days=days),
        attendees=attendees or [(world.agency_worker, world.agency)],
        **extra,
    )


def refused(code: str, match: str):
    """Expect a CaseRuleError with this code and this (Japanese) reason."""

    class Expect:
        def __enter__(self):
            self.raises = pytest.raises(CaseRuleError, match=match)
            self.info = self.raises.__enter__()
            return self.info

        def __exit__(self, *exc):
            suppressed = self.raises.__exit__(*exc)
            assert self.info.value.code == code
            return suppressed

    return Expect()


def assert_nothing_shared(case, organisation):
    assert not Disclosure.objects.filter(case=case).exists()
    assert not CaseAccessGrant.objects.filter(case=case, organisation=organisation).exists()


def test_a_consent_to_discuss_at_a_meeting_is_no_ground_for_a_referral(world, concern, soon):
    """The finding: consent given for a support meeting was accepted for a referral to an agency."""
    case = decided(world, take(world, concern()), CaseState.REFERRED, soon)
    for_meeting = consent_for(world, case, Consent.Purpose.MEETING, [world.agency])
    with refused(
        "consent_wrong_purpose", "目的は「支援会議・ケース会議での検討」です。「関係機関へのつなぎ」のため"
    ):
        referrals.draft_referral(
            actor=world.staff,
            case=case,
            recipient=world.agency,
            field_groups=["identity"],
            purpose="障害福祉サービスの相談",
            legal_basis=world.basis["consent"],
            consent=for_meeting,
        )
    assert not Referral.objects.exists()
    assert_nothing_shared(case, world.agency)


def test_a_disclosure_needs_a_consent_for_its_purpose(world, concern):
    case = take(world, concern())
    for_referral = consent_for(world, case, Consent.Purpose.REFERRAL, [world.agency, world.centre])
    with refused("consent_wrong_purpose", "「支援のための情報共有」のための共有の根拠にはなりません"):
        disclose(world, case, for_referral)
    with refused("consent_wrong_purpose", "「権利擁護・成年後見の相談」のための"):
        disclose(world, case, for_referral, recipient=world.centre, purpose=Consent.Purpose.GUARDIANSHIP)
    assert_nothing_shared(case, world.agency)
    assert_nothing_shared(case, world.centre)
    # Sharing with the guardianship centre for a rights-advocacy matter needs consent to that.
    for_guardianship = consent_for(world, case, Consent.Purpose.GUARDIANSHIP, [world.centre])
    disclose(world, case, for_guardianship, recipient=world.centre, purpose=Consent.Purpose.GUARDIANSHIP)
    assert CaseAccessGrant.objects.filter(case=case, organisation=world.centre, consent=for_guardianship)


def test_a_disclosure_needs_a_consent_that_names_its_recipient(world, concern):
    case = take(world, concern())
    only_anshin = consent_for(world, case, Consent.Purpose.SHARING, [world.anshin])
    with refused("consent_recipient_not_named", f"共有先に含まれていない組織があります: {world.agency.name}"):
        disclose(world, case, only_anshin)
    assert_nothing_shared(case, world.agency)


def test_an_expired_consent_grounds_nothing(world, concern):
    case = take(world, concern())
    expired = consent_for(
        world,
        case,
        Consent.Purpose.SHARING,
        [world.agency],
        obtained_on=TODAY() - datetime.timedelta(days=30),
        valid_until=TODAY() - datetime.timedelta(days=1),
    )
    yesterday = f"{TODAY() - datetime.timedelta(days=1):%Y-%m-%d}"
    with refused("consent_expired", f"有効期限（{yesterday}）を過ぎています"):
        disclose(world, case, expired)
    assert_nothing_shared(case, world.agency)


def test_a_consent_grounds_nothing_before_the_day_it_was_obtained(world, concern):
    case = take(world, concern())
    later = consent_for(world, case, Consent.Purpose.SHARING, [world.agency])
    tomorrow = TODAY() + datetime.timedelta(days=1)
    Consent.objects.filter(pk=later.pk).update(obtained_on=tomorrow)  # the service refuses a future day
    later.refresh_from_db()
    with refused("consent_not_yet_obtained", f"{tomorrow:%Y-%m-%d}に得たものです。それより前"):
        disclose(world, case, later)
    assert_nothing_shared(case, world.agency)


def test_a_meeting_held_before_the_consent_was_obtained_is_not_grounded_by_it(world, concern):
    """Recording, after the fact, a meeting held three days ago on a consent obtained today."""
    case = take(world, concern())
    for_meeting = consent_for(world, case, Consent.Purpose.MEETING, [world.agency])
    with refused("consent_not_yet_obtained", "それより前"):
        meeting_on(world, case, for_meeting, days=-3)
    case.refresh_from_db()
    assert case.state == CaseState.SHARING and not SupportMeeting.objects.filter(case=case).exists()


def test_a_meeting_after_the_consent_expires_is_not_grounded_by_it(world, concern):
    case = take(world, concern())
    for_meeting = consent_for(
        world, case, Consent.Purpose.MEETING, [world.agency], valid_until=TODAY() + datetime.timedelta(days=1)
    )
    with refused("consent_expired", "有効期限"):
        meeting_on(world, case, for_meeting, days=7)
    with refused("consent_wrong_purpose", "「支援会議・ケース会議での検討」のための"):
        meeting_on(world, case, consent_for(world, case, Consent.Purpose.SHARING, [world.agency]), days=1)
    assert not SupportMeeting.objects.filter(case=case).exists()


def test_access_given_on_a_consent_ends_with_it(world, concern):
    case = take(world, concern())
    until_today = consent_for(world, case, Consent.Purpose.SHARING, [world.agency], valid_until=TODAY())
    disclose(world, case, until_today)
    grant = CaseAccessGrant.objects.get(case=case, organisation=world.agency)
    midnight = timezone.make_aware(
        datetime.datetime.combine(TODAY() + datetime.timedelta(days=1), datetime.time())
    )
    assert grant.expires_at == midnight


def test_a_withdrawn_consent_says_so(world, concern):
    case = take(world, concern())
    consent = consent_for(world, case, Consent.Purpose.SHARING, [world.agency])
    sharing.withdraw_consent(actor=world.staff, consent=consent)
    consent.refresh_from_db()
    with refused("consent_withdrawn", "撤回されています"):
        disclose(world, case, consent)
    assert_nothing_shared(case, world.agency)


def test_a_consent_is_recorded_with_sensible_dates(world, concern):
    case = take(world, concern())
    with refused("obtained_in_future", "先の日付"):
        consent_for(world, case, "sharing", [world.agency], obtained_on=TODAY() + datetime.timedelta(days=1))
    with refused("valid_until_before_obtained", "同意を得た日以降"):
        consent_for(
            world,
            case,
            "sharing",
            [world.agency],
            obtained_on=TODAY() - datetime.timedelta(days=3),
            valid_until=TODAY() - datetime.timedelta(days=4),
        )
    assert not case.consents.exists()


def test_the_reasons_read_in_english_too(world, concern):
    case = take(world, concern())
    for_meeting = consent_for(world, case, Consent.Purpose.MEETING, [world.agency])
    with translation.override("en"), pytest.raises(CaseRuleError, match="It is no ground for sharing for"):
        disclose(world, case, for_meeting)


def test_an_attendees_access_rests_on_the_meetings_consent(world, concern):
    """Access given to an attendee on a meeting consent ends with the consent: at its last day,
    and at once when the person withdraws it; an attendee who has not acknowledged by then gets none."""
    case = take(world, concern())
    for_meeting = consent_for(
        world,
        case,
        Consent.Purpose.MEETING,
        [world.agency, world.anshin],
        valid_until=TODAY() + datetime.timedelta(days=2),
    )
    meeting = meeting_on(
        world,
        case,
        for_meeting,
        days=1,
        attendees=[(world.agency_worker, world.agency), (world.anshin_worker, world.anshin)],
        agenda="今後の支援体制について",
    )
    assert meeting.consent == for_meeting
    meetings.acknowledge_confidentiality(actor=world.agency_worker, meeting=meeting)
    grant = CaseAccessGrant.objects.get(case=case, user=world.agency_worker)
    # The meeting's access would last 72 hours after it; the consent ends sooner.
    assert grant.consent == for_meeting
    assert grant.expires_at == sharing.consent_ends_at(for_meeting) < meeting.access_until

    sharing.withdraw_consent(actor=world.staff, consent=for_meeting)
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    with refused("consent_withdrawn", "撤回"):
        meetings.acknowledge_confidentiality(actor=world.anshin_worker, meeting=meeting)
    # On the meeting's page, the attendee reads why (no error page), and sees nothing of the case.
    url = reverse("cases:meeting_detail", args=[meeting.pk])
    html = follow_post(browser(world.anshin_worker), url, {"acknowledge": "1"})
    assert "撤回" in html and "今後の" not in html
    assert not CaseAccessGrant.objects.filter(case=case, user=world.anshin_worker).exists()
