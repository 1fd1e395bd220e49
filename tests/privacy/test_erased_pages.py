"""Every page of a case whose person was erased still renders, showing 消去済み where their data was.

The cases are walked to their end through the services (a referral accepted and completed; a
guardianship matter through assessment, matching and a dismissed petition), closed, and only then
erased — erasure is refused while a case is open (tests/privacy/test_erasure.py). Each page is
requested as the role that may see it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseState, Consent, Person
from cases.services import lifecycle, meetings, sharing
from cases.services.people import erase_person
from guardianship import services as guardianship
from guardianship.models import GuardianshipMatter
from referrals import services as referrals
from tests.guardianship.conftest import advance, to_matching
from tests.screens import browser, page
from tests.workflow import decided, shared_on_consent, support_meeting, take

NAME = "佐々木 トメ"  # the concern fixture's person
SECRETS = [
    "息子さんと二人暮らし",
    "検討した",
    "電話で様子を聞く",
    "障害福祉サービスの相談",
    "就労の支援を始めた",
]


def erased_page(client, url: str, secrets=SECRETS) -> str:
    """The page answers 200 (the test client re-raises a 500's exception: a DataErased shows itself)
    and shows none of the person's data."""
    html = page(client.get(url))
    assert NAME not in html
    for secret in secrets:
        assert secret not in html
    return html


def close(world, case) -> None:
    case.refresh_from_db()
    lifecycle.conclude(actor=world.staff, case=case, expected_version=case.version, outcome=CaseState.CLOSED)


@pytest.fixture
def referred_then_erased(world, concern):
    """A case referred to the 基幹相談支援センター, which accepted and completed; then closed and erased."""
    case = take(world, concern())
    meeting = support_meeting(world, case, timezone.now() + datetime.timedelta(days=1))
    meetings.hold_meeting(
        actor=world.staff,
        meeting=meeting,
        expected_version=case.version,
        minutes="検討した",
        decision=CaseState.REFERRED,
        reason="障害福祉サービスの検討",
        action_items=[("電話で様子を聞く", world.staff, timezone.localdate() + datetime.timedelta(days=7))],
    )
    case.refresh_from_db()
    case = lifecycle.decide(actor=world.staff, case=case, expected_version=case.version, outcome="referred")
    consent = sharing.record_consent(
        actor=world.staff,
        case=case,
        purpose=Consent.Purpose.REFERRAL,
        recipients=[world.agency],
        method="oral",
    )
    referral = referrals.draft_referral(
        actor=world.staff,
        case=case,
        recipient=world.agency,
        field_groups=["identity", "concern", "meetings"],
        purpose="障害福祉サービスの相談",
        legal_basis=world.basis["consent"],
        consent=consent,
    )
    referral = referrals.send_referral(
        actor=world.staff, referral=referral, expected_version=referral.version
    )
    referral = referrals.accept_referral(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        worker=world.agency_worker,
    )
    referral = referrals.complete_referral(
        actor=world.agency_worker,
        referral=referral,
        expected_version=referral.version,
        outcome="就労の支援を始めた",
    )
    close(world, case)
    # A ward caseworker looked at the closed case in an emergency; the review is still pending.
    sharing.open_break_glass(actor=world.ward_worker, case=case, reason="本人の安否確認のため至急")
    erase_person(actor=world.privacy, person=case.person)
    return case, meeting, referral


def test_the_referred_cases_pages_render_after_erasure(world, referred_then_erased):
    case, meeting, referral = referred_then_erased
    staff, agency = browser(world.staff), browser(world.agency_worker)

    html = erased_page(staff, reverse("cases:case_detail", args=[case.pk]))
    assert "消去済み" in html
    assert "消去済み" in erased_page(staff, reverse("cases:meeting_detail", args=[meeting.pk]))
    assert "消去済み" in erased_page(staff, reverse("referrals:detail", args=[referral.pk]))
    # The agency's sight of the shared fields ended with the referral (before any erasure could
    # happen): its page renders, saying that, and shows nothing of the person either way.
    agency_side = erased_page(agency, reverse("referrals:detail", args=[referral.pk]))
    assert "共有された情報へのアクセスが終わった" in agency_side
    for side in (staff, agency):
        erased_page(side, reverse("referrals:inbox"))
        erased_page(side, reverse("home"))
    erased_page(staff, reverse("cases:my_tasks"))  # lists name no person: they only must not fail
    erased_page(staff, reverse("cases:inbox"))
    erased_page(browser(world.commissioner), reverse("cases:my_concerns"))
    privacy = browser(world.privacy)
    report = erased_page(privacy, reverse("audit:access_report", args=[case.person_id]))
    assert "消去済み" in report
    erased_page(privacy, reverse("audit:event_search"))
    assert "消去済み" in erased_page(privacy, reverse("cases:break_glass_reviews"))
    assert "消去済み" in erased_page(browser(world.ward_worker), reverse("cases:case_detail", args=[case.pk]))


@pytest.fixture
def guardianship_then_erased(world, concern, soon):
    """A guardianship matter assessed, matched and petitioned; the court dismissed it, the centre
    ended it; the case was closed and then erased."""
    case = decided(world, take(world, concern()), CaseState.GUARDIANSHIP, soon)
    shared_on_consent(
        world, case, world.centre, ["identity", "concern", "guardianship"], Consent.Purpose.GUARDIANSHIP
    )
    matter = advance(world, GuardianshipMatter.objects.get(case=case), "start_assessment")
    matter = guardianship.record_assessment(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        capacity_concerns="契約の内容を覚えていない",
        wishes="自宅で暮らし続けたい",
        wishes_supported_by="社会福祉士",
        wishes_how="写真で説明した",
    )
    guardianship.register_candidate(
        actor=world.coordinator,
        kind="citizen",
        name="候補 市民",
        max_caseload=3,
        areas=[world.district],
        training_completed_on=datetime.date(2024, 3, 1),
        registered_on=datetime.date(2024, 4, 1),
    )
    matter = to_matching(world, matter)
    meeting = guardianship.schedule_matching_meeting(
        actor=world.coordinator, matters=[matter], scheduled_for=timezone.now() + datetime.timedelta(days=1)
    )
    first = meeting.items.get().proposals.order_by("rank").first()
    guardianship.choose_candidate(actor=world.coordinator, proposal=first, reason="地域の事情に詳しい")
    guardianship.record_candidate_answer(actor=world.coordinator, proposal=first, accepted=True)
    matter.refresh_from_db()
    matter = guardianship.file_petition(
        actor=world.coordinator, matter=matter, expected_version=matter.version, filed_on=timezone.localdate()
    )
    matter = guardianship.record_ruling(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=False,
        ruled_on=timezone.localdate(),
    )
    matter = advance(world, matter, "end_matter", reason="dismissed", note="却下の審判を受けて終了")
    close(world, case)
    erase_person(actor=world.privacy, person=case.person)
    return case, matter, meeting


def test_the_guardianship_cases_pages_render_after_erasure(world, guardianship_then_erased):
    case, matter, meeting = guardianship_then_erased
    centre, staff = browser(world.coordinator), browser(world.staff)
    secrets = [*SECRETS, "契約の内容を覚えていない", "自宅で暮らし続けたい", "地域の事情に詳しい"]
    matter_page = erased_page(centre, reverse("guardianship:matter", args=[matter.pk]), secrets)
    assert "消去済み" in matter_page
    assert "消去済み" in erased_page(centre, reverse("guardianship:meeting", args=[meeting.pk]), secrets)
    erased_page(centre, reverse("guardianship:home"), secrets)
    assert "消去済み" in erased_page(staff, reverse("cases:case_detail", args=[case.pk]), secrets)


def test_the_personal_filter_hides_erasure_and_nothing_else(make_person, demo):
    """消去済み for a destroyed key only: a value moved from another row is a fault, and still fails."""
    from privacy.exceptions import DecryptionError
    from privacy.fields import Ciphertext
    from privacy.templatetags.personal_data import personal

    hanako, taro = make_person(name="山田 花子"), make_person(name="鈴木 太郎")
    assert personal(hanako, "name") == "山田 花子"
    stolen = Person.objects.filter(pk=hanako.pk).values_list("name", flat=True).get()
    Person.objects.filter(pk=taro.pk).update(name=Ciphertext(stolen))
    with pytest.raises(DecryptionError):
        personal(Person.objects.get(pk=taro.pk), "name")
    erase_person(actor=demo.users["demo_privacy"], person=hanako)
    assert personal(Person.objects.get(pk=hanako.pk), "name") == "消去済み"
