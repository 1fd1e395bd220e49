"""Urgent paths (issue 19, part 6): a 至急 concern tells its reporter what to do now and reaches
the ward office's inbox at once; the ward takes it before any plaza has; a refusal of a case page
offers break-glass only to whom may use it; the break-glass review records a finding and a note."""

import json
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Area, User
from accounts.roles import Role
from accounts.services import add_membership
from audit.models import AuditEvent
from cases import selectors
from cases.exceptions import CaseRuleError
from cases.models import Case, CaseAccessGrant, CaseState
from cases.services import intake, sharing
from tests.screens import browser, follow_post, page
from tests.workflow import take


def events(case, code):
    return AuditEvent.objects.filter(case_id=str(case.pk), event=code)


def denied(actor, action: str):
    return AuditEvent.objects.filter(event="case.denied", actor=actor, params__contains=f'"{action}"')


def concern_post(**overrides) -> dict:
    data = {
        "signals": ["injury", "shouting"],
        "categories": ["elder_abuse"],
        "urgency": "urgent",
        "reporter_kind": "commissioner",
        "name": "佐々木 トメ",
        "address": "",
        "details": "夜に大きな声が聞こえ、腕にあざがあった。",
    }
    data.update(overrides)
    return data


# --- what the reporter is told --------------------------------------------------------------------


def test_an_urgent_concern_tells_the_reporter_what_to_do_now_with_the_numbers(world):
    commissioner = browser(world.commissioner)
    response = commissioner.post(reverse("cases:concern_new"), concern_post(area=world.district.pk))
    case = Case.objects.get()
    assert response.url == reverse("cases:concern_urgent", args=[case.pk])
    html = page(commissioner.get(response.url))
    assert 'href="tel:119"' in html and 'href="tel:110"' in html
    organisations = world.demo.organisations
    for org in (world.plaza, world.ward, world.child_ward):  # the plaza, and the sections that receive 至急
        assert org.phone and org.phone in html and org.name in html
        assert f'href="tel:{org.phone.replace("-", "")}"' in html
    for section in ("生活支援課", "区政推進課"):  # sections that do not receive urgent concerns
        assert organisations[section].phone not in html
    assert case.reference in html  # to quote on the phone
    assert "佐々木" not in html and "あざ" not in html  # nothing of the person
    assert "プラザに届きました" not in html


def test_an_ordinary_concern_keeps_the_ordinary_message_and_no_numbers(world):
    html = follow_post(
        browser(world.commissioner),
        reverse("cases:concern_new"),
        concern_post(area=world.district.pk, urgency="routine", signals=["mail_piling_up"], categories=[]),
    )
    assert "気付きを受け付けました。地域ケアプラザに届きました。" in html
    assert "tel:119" not in html and world.plaza.phone not in html and world.ward.phone not in html


def test_the_urgent_page_is_its_reporters_alone_and_refused_alike_whether_the_case_exists(world, concern):
    urgent, routine = concern(urgency="urgent"), concern()
    colleague = User.objects.create(username="colleague")
    add_membership(
        user=colleague,
        organisation=world.demo.organisations[f"council:{world.district.name}"],
        role=Role.COMMISSIONER,
    )
    assert (
        browser(world.commissioner).get(reverse("cases:concern_urgent", args=[urgent.pk])).status_code == 200
    )
    refused = [
        (colleague, urgent.pk),  # another commissioner's concern
        (colleague, uuid.uuid4()),  # no such case
        (world.commissioner, routine.pk),  # their own, but not 至急
        (world.staff, urgent.pk),  # plaza staff report no concerns here
    ]
    bodies = set()
    for user, case_id in refused:
        response = browser(user).get(reverse("cases:concern_urgent", args=[case_id]))
        assert response.status_code == 403, (user, case_id)
        if user == colleague:
            bodies.add(_without_tokens(response.content.decode(), case_id))
    assert len(bodies) == 1  # the stranger learns nothing of whether the case exists
    assert denied(colleague, "urgent_help").count() == 2
    assert denied(world.commissioner, "urgent_help").count() == 1


def test_the_commissioners_list_links_an_urgent_concern_to_its_numbers(world, concern):
    urgent, routine = concern(urgency="urgent"), concern()
    html = page(browser(world.commissioner).get(reverse("cases:my_concerns")))
    assert reverse("cases:concern_urgent", args=[urgent.pk]) in html
    assert reverse("cases:concern_urgent", args=[routine.pk]) not in html


def test_the_concern_form_keeps_what_was_typed_on_an_error(world):
    html = page(
        browser(world.commissioner).post(
            reverse("cases:concern_new"),
            concern_post(area=world.district.pk, signals=[], categories=[], details="", name="山田 一郎"),
        )
    )
    assert "気付いたこと・心配なこと・様子のどれかを入力してください" in html
    assert 'value="山田 一郎"' in html
    assert re.search(r'<input type="radio" name="urgency" value="urgent"[^>]*checked', html)
    assert not Case.objects.exists()


# --- the ward's inbox and taking the case ------------------------------------------------------------


def test_an_urgent_concern_reaches_the_ward_inbox_at_once_and_first(world, concern):
    older = concern()  # a plaza's routine intake: not the ward's
    in_hand = take(world, concern())  # an urgent case the ward already leads, escalated earlier
    in_hand = intake.escalate_urgent(
        actor=world.staff,
        case=in_hand,
        expected_version=in_hand.version,
        ward_office=world.ward,
        legal_basis=world.basis["elder-abuse-7"],
    )
    urgent = concern(urgency="urgent", identity={"name": "至急 花子"})
    html = page(browser(world.ward_worker).get(reverse("cases:inbox")))
    assert urgent.reference in html and "至急 花子" in html
    assert older.reference not in html
    assert html.index(urgent.reference) < html.index(in_hand.reference)  # waiting to be taken: on top
    assert list(selectors.inbox(world.ward_worker)) == [urgent, in_hand]
    # The plaza has them all, the urgent ones first.
    assert list(selectors.inbox(world.staff)) == [urgent, in_hand, older]
    received = set(
        CaseAccessGrant.objects.filter(case=urgent, reason="intake").values_list("organisation", flat=True)
    )
    assert received == {world.plaza.pk, world.ward.pk, world.child_ward.pk}  # not every ward section


def test_the_ward_takes_an_urgent_case_before_any_plaza_and_the_plaza_sees_the_ward_lead(world, concern):
    case = concern(urgency="urgent")
    ward = browser(world.ward_worker)
    detail = page(ward.get(reverse("cases:case_detail", args=[case.pk])))
    assert "区役所が主担当として引き受ける" in detail and "主担当として受け付ける</button>" not in detail
    plaza_detail = page(browser(world.staff).get(reverse("cases:case_detail", args=[case.pk])))
    assert "主担当として受け付ける" in plaza_detail and "区役所が主担当として引き受ける" not in plaza_detail

    follow_post(ward, reverse("cases:case_take_urgent", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert (case.state, case.lead_organisation, case.version) == (CaseState.SHARING, world.ward, 2)
    [moved] = events(case, "case.transitioned")
    assert json.loads(moved.params)["transition"] == "take_urgent" and moved.actor == world.ward_worker
    # The other ward section's intake ends; the plaza keeps what it received and sees the ward lead.
    live = CaseAccessGrant.objects.filter(case=case, revoked_at__isnull=True)
    assert not live.filter(organisation=world.child_ward).exists()
    assert live.filter(organisation=world.plaza, reason="intake").exists()
    assert live.get(organisation=world.ward).reason == "owner"
    inbox = page(browser(world.staff).get(reverse("cases:inbox")))
    assert case.reference in inbox and world.ward.name in inbox
    plaza_detail = page(browser(world.staff).get(reverse("cases:case_detail", args=[case.pk])))
    assert world.ward.name in plaza_detail and "主担当として受け付ける" not in plaza_detail
    with pytest.raises(CaseRuleError):  # past intake: nobody accepts it again
        intake.accept_intake(actor=world.staff, case=case, expected_version=case.version)


def test_only_a_ward_caseworker_takes_an_urgent_case_and_others_are_refused_recorded(world, concern):
    case = concern(urgency="urgent")
    for user in (world.staff, world.commissioner):
        response = browser(user).post(reverse("cases:case_take_urgent", args=[case.pk]), {"version": 1})
        assert response.status_code == 403
    assert denied(world.staff, "take_urgent").filter(case_id=str(case.pk)).count() == 1
    assert denied(world.commissioner, "open_case:view_case").filter(case_id=str(case.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        intake.take_urgent(actor=world.staff, case=case, expected_version=case.version)
    case.refresh_from_db()
    assert (case.state, case.lead_organisation) == (CaseState.NOTICED, None)


def test_the_ward_cannot_take_an_ordinary_concern(world, concern):
    routine = concern()
    response = browser(world.ward_worker).post(
        reverse("cases:case_take_urgent", args=[routine.pk]), {"version": routine.version}
    )
    assert response.status_code == 403  # the ward never received it
    # Where no plaza serves the area the ward receives every concern; an ordinary one is accepted
    # as usual, not taken as 至急.
    ward_area = world.district.parent
    alone = Area.objects.create(level=Area.Level.DISTRICT, name="プラザのない地区", parent=ward_area)
    world.demo.organisations[f"council:{world.district.name}"].areas.add(alone)
    case = concern(area=alone)
    assert CaseAccessGrant.objects.filter(case=case, organisation=world.ward, reason="intake").exists()
    with pytest.raises(CaseRuleError, match="至急の気付きではありません"):
        intake.take_urgent(actor=world.ward_worker, case=case, expected_version=case.version)
    html = follow_post(
        browser(world.ward_worker),
        reverse("cases:case_take_urgent", args=[case.pk]),
        {"version": case.version},
    )
    assert "至急の気付きではありません" in html
    case.refresh_from_db()
    assert case.state == CaseState.NOTICED


def test_a_plaza_that_accepts_first_leads_and_the_ward_no_longer_receives(world, concern):
    case = take(world, concern(urgency="urgent"))
    assert case.lead_organisation == world.plaza
    assert case not in selectors.cases_visible_to(world.ward_worker)
    with pytest.raises(PermissionDenied):
        intake.take_urgent(actor=world.ward_worker, case=case, expected_version=case.version)


# --- the refusal page and break-glass -----------------------------------------------------------------


def _without_tokens(html: str, *ids) -> str:
    """The page without its CSRF tokens and the ids of its address (the language switch returns to it)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    for each in ids:
        html = html.replace(str(each), "ID")
    return html


def test_the_refusal_offers_break_glass_only_to_a_role_that_may_use_it(world, concern):
    case = concern()  # the plaza's intake: the ward has no grant
    missing = uuid.uuid4()
    ward = browser(world.ward_worker)
    for case_id in (case.pk, missing):
        response = ward.get(reverse("cases:case_detail", args=[case_id]))
        assert response.status_code == 403
        html = response.content.decode()
        assert reverse("cases:case_break_glass", args=[case_id]) in html and "緊急アクセスを申請する" in html
    # Who may not break glass sees the plain refusal, the same for a case that exists and one that does not.
    for user in (world.other_staff, world.agency_worker, world.commissioner, world.privacy):
        client = browser(user)
        answers = [client.get(reverse("cases:case_detail", args=[case_id])) for case_id in (case.pk, missing)]
        assert [a.status_code for a in answers] == [403, 403]
        bodies = [
            _without_tokens(a.content.decode(), case_id)
            for a, case_id in zip(answers, (case.pk, missing), strict=True)
        ]
        assert bodies[0] == bodies[1], user
        # The refusal itself (the menu above it names the privacy officer's own review page).
        refusal = bodies[0][bodies[0].index('<main id="main"') :]
        assert "緊急アクセス" not in refusal and "break-glass" not in refusal
    # A refusal elsewhere (an action the ward may not take) offers nothing.
    html = ward.post(reverse("cases:case_withdraw", args=[case.pk]), {}).content.decode()
    assert "緊急アクセスを申請する" not in html


def test_break_glass_from_the_refusal_opens_the_case(world, concern):
    case = concern()
    ward = browser(world.ward_worker)
    refusal = ward.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    link = re.search(r'href="([^"]*break-glass/)"', refusal).group(1)
    html = follow_post(ward, link, {"reason": "救急搬送され、家族の連絡先が必要"})
    assert "佐々木 トメ" in html


# --- the break-glass review ------------------------------------------------------------------------------


@pytest.fixture
def access(world, concern):
    case = concern()
    return sharing.open_break_glass(
        actor=world.ward_worker, case=case, reason="夜間に救急搬送。家族の連絡先が必要"
    )


def test_a_review_records_its_finding_and_note_audited_by_field_name(world, access):
    officer = browser(world.privacy)
    html = follow_post(
        officer,
        reverse("cases:break_glass_reviews"),
        {"access": access.pk, "finding": "needs_follow_up", "note": "夜間の搬送記録と照合する"},
    )
    access.refresh_from_db()
    assert (access.finding, access.finding_note, access.reviewed_by) == (
        "needs_follow_up",
        "夜間の搬送記録と照合する",
        world.privacy,
    )
    row = html.split(f'id="access-{access.pk}"')[1].split("</tr>")[0]  # the finding, in the list
    assert re.search(r"<strong[^>]*>要確認</strong>", row) and "夜間の搬送記録と照合する" in row
    [event] = events(access.case, "case.break_glass_reviewed")
    assert json.loads(event.fields) == ["finding", "finding_note"]
    assert json.loads(event.params) == {"break_glass": str(access.pk), "finding": "needs_follow_up"}
    assert "照合" not in event.params and "照合" not in event.fields
    # Reading the list again records that the note was read, by name.
    page(officer.get(reverse("cases:break_glass_reviews")))
    read = AuditEvent.objects.filter(event="case.viewed", actor=world.privacy).latest("sequence")
    assert sorted(json.loads(read.fields)) == ["break_glass.finding_note", "break_glass.reason"]
    # A finding is recorded once.
    with pytest.raises(CaseRuleError, match="すでに確認"):
        sharing.review_break_glass(actor=world.privacy, access=access, finding="appropriate")


def test_appropriate_needs_no_note_and_follow_up_does(world, access):
    with pytest.raises(CaseRuleError) as missing:
        sharing.review_break_glass(actor=world.privacy, access=access, finding="needs_follow_up", note="  ")
    assert "note" in missing.value.message_dict
    with pytest.raises(CaseRuleError) as unknown:
        sharing.review_break_glass(actor=world.privacy, access=access, finding="reviewed")
    assert "finding" in unknown.value.message_dict
    access.refresh_from_db()
    assert access.reviewed_at is None and not events(access.case, "case.break_glass_reviewed").exists()
    sharing.review_break_glass(actor=world.privacy, access=access, finding="appropriate")
    access.refresh_from_db()
    assert (access.finding, access.finding_note) == ("appropriate", "")
    [event] = events(access.case, "case.break_glass_reviewed")
    assert json.loads(event.fields) == ["finding"]


def test_the_review_form_keeps_what_was_typed_on_an_error(world, access):
    officer = browser(world.privacy)
    html = page(
        officer.post(
            reverse("cases:break_glass_reviews"),
            {"access": access.pk, "finding": "needs_follow_up", "note": ""},
        )
    )
    assert "何を確認するのかをメモに書いてください" in html
    assert re.search(r'value="needs_follow_up"[^>]*checked', html)
    html = page(
        officer.post(reverse("cases:break_glass_reviews"), {"access": access.pk, "note": "所属長に確認する"})
    )
    assert "確認の結果（妥当・要確認）を選んでください" in html
    assert "所属長に確認する</textarea>" in html
    access.refresh_from_db()
    assert access.reviewed_at is None and access.finding == ""
    assert officer.get(reverse("cases:break_glass_reviews")).status_code == 200
    assert (
        browser(world.ward_worker)
        .post(reverse("cases:break_glass_reviews"), {"access": access.pk, "finding": "appropriate"})
        .status_code
        == 403
    )


def test_the_urgent_screens_speak_english_too(world, concern, access):
    urgent = concern(urgency="urgent")
    english = {"accept-language": "en"}
    html = page(
        browser(world.commissioner).get(reverse("cases:concern_urgent", args=[urgent.pk]), headers=english)
    )
    assert "Ambulance and fire" in html and "Community care plaza" in html and world.plaza.phone in html
    html = page(
        browser(world.ward_worker).get(reverse("cases:case_detail", args=[urgent.pk]), headers=english)
    )
    assert "Take as lead for the ward office" in html
    refusal = browser(world.ward_worker).get(
        reverse("cases:case_detail", args=[uuid.uuid4()]), headers=english
    )
    assert "Request emergency access" in refusal.content.decode()
    html = page(browser(world.privacy).get(reverse("cases:break_glass_reviews"), headers=english))
    assert "Needs follow-up" in html and "Record the finding" in html
