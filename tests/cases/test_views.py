"""The case screens, clicked through as the people who use them (Django's test client)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, CaseState, MeetingAttendance
from tests.screens import browser, follow_post, page


def test_the_journey_through_the_screens(world):
    commissioner, staff, agency = (
        browser(world.commissioner),
        browser(world.staff),
        browser(world.agency_worker),
    )

    # 1. The commissioner records a concern on a phone: big checkboxes, nothing else required.
    form = page(commissioner.get(reverse("cases:concern_new")))
    assert 'type="checkbox"' in form and "郵便物や新聞がたまっている" in form
    html = follow_post(
        commissioner,
        reverse("cases:concern_new"),
        {
            "signals": ["mail_piling_up"],
            "categories": ["eighty_fifty"],
            "urgency": "routine",
            "area": world.district.pk,
            "reporter_kind": "commissioner",
            "name": "佐々木 トメ",
            "address": "",
            "details": "最近姿を見かけない。",
        },
    )
    assert "受付済み" in html
    case = Case.objects.get()

    # 2. The plaza finds it in its inbox and opens it: the page records what was read.
    assert reverse("cases:case_detail", args=[case.pk]) in page(staff.get(reverse("cases:inbox")))
    html = page(staff.get(reverse("cases:case_detail", args=[case.pk])))
    assert "佐々木 トメ" in html and "主担当として受け付ける" in html
    viewed = AuditEvent.objects.filter(event="case.viewed", actor=world.staff).latest("sequence")
    assert "name" in viewed.fields and "佐々木" not in viewed.fields + viewed.params
    follow_post(staff, reverse("cases:case_accept", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.state == CaseState.SHARING

    # 3. Oral consent to sharing (for a year) and to a meeting, then sharing with the 基幹相談支援センター.
    a_year = timezone.localdate() + datetime.timedelta(days=365)
    for purpose, until in [("sharing", a_year), ("meeting", "")]:
        follow_post(
            staff,
            reverse("cases:case_consent", args=[case.pk]),
            {
                "purpose": purpose,
                "recipients": [world.agency.pk, world.anshin.pk],
                "method": "oral",
                "representative": "",
                "obtained_on": timezone.localdate().isoformat(),
                "valid_until": until and until.isoformat(),
            },
        )
    assert case.consents.get(purpose="sharing").valid_until == a_year
    consent = case.consents.get(purpose="meeting")
    html = follow_post(
        staff,
        reverse("cases:case_disclose", args=[case.pk]),
        {
            "purpose": "sharing",
            "recipient": world.agency.pk,
            "field_groups": ["identity"],
            "legal_basis": world.basis["consent"].pk,
            "consent": case.consents.get(purpose="sharing").pk,
            "reference": "",
        },
    )
    assert world.agency.name in html
    assert f"（{a_year:%Y-%m-%d}まで有効）" in html  # the consent's line says until when
    agency_view = page(agency.get(reverse("cases:case_detail", args=[case.pk])))
    assert "佐々木 トメ" in agency_view
    assert "住所" not in agency_view.split("<main")[1]  # only the identity group was shared

    # 4. A multi-agency meeting with an attendee from the あんしんセンター, who acknowledges first.
    when = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    case.refresh_from_db()
    follow_post(
        staff,
        reverse("cases:case_schedule_meeting", args=[case.pk]),
        {
            "version": case.version,
            "kind": "multi_agency",
            "legal_basis": world.basis["consent"].pk,
            "consent": consent.pk,
            "reference": "",
            "scheduled_for": when,
            "attendees": [world.anshin_worker.pk],
            "agenda": "見守り体制",
        },
    )
    meeting = case.meetings.get()
    anshin = browser(world.anshin_worker)
    html = page(anshin.get(reverse("cases:meeting_detail", args=[meeting.pk])))
    assert "守秘義務の確認" in html and "見守り体制" not in html  # nothing before acknowledging
    follow_post(anshin, reverse("cases:meeting_detail", args=[meeting.pk]), {"acknowledge": "1"})
    assert MeetingAttendance.objects.get(meeting=meeting).acknowledged_at is not None
    assert "見守り体制" in page(anshin.get(reverse("cases:meeting_detail", args=[meeting.pk])))

    # 5. Minutes and a decision, then the case follows it; the commissioner sees つながりました.
    case.refresh_from_db()
    follow_post(
        staff,
        reverse("cases:meeting_detail", args=[meeting.pk]),
        {
            "hold": "1",
            "version": case.version,
            "minutes": "基幹相談支援センターへつなぐ",
            "decision": "referred",
            "reason": "障害福祉サービスの検討",
            "action": "",
        },
    )
    case.refresh_from_db()
    html = follow_post(
        staff, reverse("cases:case_decide", args=[case.pk]), {"version": case.version, "outcome": "referred"}
    )
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
    status = page(commissioner.get(reverse("cases:my_concerns")))
    # つながりました comes when the agency accepts the referral (tests/referrals/test_views.py).
    assert "対応中" in status and case.reference in status
    # The name and the note as the commissioner wrote them (issue 18), nothing written since.
    assert "佐々木 トメ" in status and "最近姿を見かけない" in status
    assert "ささき" not in status and "基幹相談支援センターへつなぐ" not in status


def test_a_stale_page_gets_a_conflict_message_and_changes_nothing(world, concern):
    case = concern()
    staff = browser(world.staff)
    stale = case.version
    follow_post(staff, reverse("cases:case_accept", args=[case.pk]), {"version": stale})
    html = follow_post(
        staff,
        reverse("cases:case_withdraw", args=[case.pk]),
        {"version": stale, "reason": "古い画面", "kind": "in_error"},
    )
    assert "他の人が先に" in html
    case.refresh_from_db()
    assert case.state == CaseState.SHARING


def test_rule_errors_are_shown_and_change_nothing(world, concern):
    case = concern()
    staff = browser(world.staff)
    follow_post(staff, reverse("cases:case_accept", args=[case.pk]), {"version": case.version})
    html = follow_post(
        staff,
        reverse("cases:case_disclose", args=[case.pk]),
        {
            "purpose": "sharing",
            "recipient": world.agency.pk,
            "field_groups": ["identity"],
            "legal_basis": world.basis["consent"].pk,
        },
    )
    assert "同意の記録を選んでください" in html
    assert not case.disclosures.exists()


def test_inbox_lists_urgent_first(world, concern):
    routine = concern()
    urgent = concern(urgency="urgent")
    html = page(browser(world.staff).get(reverse("cases:inbox")))
    assert html.index(str(urgent.pk)) < html.index(str(routine.pk))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_case_screens_render_in_both_languages(world, concern, language):
    case = concern()
    headers = {"accept-language": language}
    for client, url in [
        (browser(world.commissioner), reverse("cases:concern_new")),
        (browser(world.commissioner), reverse("cases:my_concerns")),
        (browser(world.commissioner), reverse("cases:contact_log")),
        (browser(world.staff), reverse("cases:inbox")),
        (browser(world.staff), reverse("cases:case_detail", args=[case.pk])),
        (browser(world.staff), reverse("cases:my_tasks")),
        (browser(world.ward_worker), reverse("cases:case_break_glass", args=[case.pk])),
    ]:
        html = page(client.get(url, headers=headers))
        assert f'<html lang="{language}">' in html


def test_break_glass_through_the_screen(world, concern):
    case = concern()
    ward = browser(world.ward_worker)
    assert ward.get(reverse("cases:case_detail", args=[case.pk])).status_code == 403
    html = follow_post(
        ward,
        reverse("cases:case_break_glass", args=[case.pk]),
        {"reason": "救急搬送され、家族の連絡先が必要"},
    )
    assert "佐々木 トメ" in html
    assert browser(world.staff).get(reverse("cases:case_break_glass", args=[case.pk])).status_code == 403


def test_watch_visits_are_scheduled_and_recorded_from_the_screens(world, concern, make_case):
    from cases.access import grant_access
    from cases.models import AccessLevel, CaseAccessGrant, WatchVisit

    case = make_case(concern().person, "watching", lead_organisation=world.plaza)
    grant_access(
        case=case,
        granted_by=None,
        organisation=world.plaza,
        level=AccessLevel.LEAD,
        reason=CaseAccessGrant.Reason.OWNER,
        field_groups=["identity"],
    )
    staff = browser(world.staff)
    assert "見守り訪問を予定する" in page(staff.get(reverse("cases:case_detail", args=[case.pk])))
    html = follow_post(
        staff,
        reverse("cases:case_schedule_watch_visit", args=[case.pk]),
        {"due_on": timezone.localdate().isoformat(), "assigned_to": world.agency_worker.pk},
    )
    assert "候補にありません" in html and not WatchVisit.objects.exists()  # not one of the lead's staff
    follow_post(
        staff,
        reverse("cases:case_schedule_watch_visit", args=[case.pk]),
        {"due_on": timezone.localdate().isoformat(), "assigned_to": world.staff.pk},
    )
    follow_post(
        staff,
        reverse("cases:case_schedule_watch_visit", args=[case.pk]),
        {"due_on": timezone.localdate().isoformat(), "assigned_to": world.staff.pk},
    )
    visit, other = WatchVisit.objects.order_by("created_at")
    tasks = page(staff.get(reverse("cases:my_tasks")))
    assert str(visit.pk) in tasks
    ids = re.findall(r' id="([^"]+)"', tasks)
    assert len(ids) == len(set(ids))  # two visits, two forms, no id twice
    assert f'id="visit-{other.pk}-note"' in tasks
    follow_post(
        staff,
        reverse("cases:watch_visit_record", args=[visit.pk]),
        {"visited_on": timezone.localdate().isoformat(), "note": "元気そうだった"},
    )
    visit.refresh_from_db()
    assert visit.visited_on == timezone.localdate() and visit.note == "元気そうだった"
    assert AuditEvent.objects.filter(event="case.watch_visit", case_id=str(case.pk)).exists()


def test_privacy_officer_reviews_break_glass_from_a_list(world, concern):
    from cases.models import BreakGlassAccess
    from cases.services import sharing

    case = concern()
    sharing.open_break_glass(actor=world.ward_worker, case=case, reason="救急搬送され、家族の連絡先が必要")
    officer = browser(world.privacy)
    html = page(officer.get(reverse("cases:break_glass_reviews")))
    assert "救急搬送" in html and "佐々木" not in html
    access = BreakGlassAccess.objects.get()
    follow_post(
        officer, reverse("cases:break_glass_reviews"), {"access": access.pk, "finding": "appropriate"}
    )
    access.refresh_from_db()
    assert (access.reviewed_by, access.finding) == (world.privacy, "appropriate")
    assert browser(world.staff).get(reverse("cases:break_glass_reviews")).status_code == 403


def test_plaza_staff_find_the_people_of_cases_shared_with_them(world, concern):
    concern()  # registered by the commissioners' council, taken in by the plaza
    staff = browser(world.staff)
    assert "佐々木 トメ" in follow_post(staff, reverse("cases:person_search"), {"q": "ささきとめ"})
    other = browser(world.other_staff)
    assert "佐々木 トメ" not in follow_post(other, reverse("cases:person_search"), {"q": "ささきとめ"})


def test_the_legal_basis_catalogue_is_administered_in_the_admin(world):
    admin_client = browser(world.admin)
    html = page(admin_client.get(reverse("admin:cases_legalbasis_changelist")))
    assert "社会福祉法 第106条の6" in html
    assert admin_client.get("/admin/cases/case/").status_code == 404  # no case content in the admin


def test_the_pages_list_forms_act_on_the_button_pressed_and_refuse_any_other_id(world, concern):
    """Consents and grants are each one form on the case page, the button naming its row: the
    row named is acted on (the lead ends an organisation's access, records a withdrawal); a
    missing, garbled or foreign id is refused (403, recorded) and changes nothing."""
    from audit.models import AuditEvent
    from cases import selectors
    from cases.exceptions import CaseRuleError
    from cases.models import CaseAccessGrant, Consent
    from cases.services import sharing

    case = concern()
    staff = browser(world.staff)
    follow_post(staff, reverse("cases:case_accept", args=[case.pk]), {"version": case.version})
    consent = sharing.record_consent(
        actor=world.staff,
        case=case,
        purpose=Consent.Purpose.SHARING,
        recipients=[world.agency],
        method=Consent.Method.ORAL,
    )
    sharing.disclose(
        actor=world.staff,
        case=case,
        recipient=world.agency,
        field_groups=["identity"],
        legal_basis=world.basis["consent"],
        consent=consent,
    )
    grant = CaseAccessGrant.objects.get(case=case, organisation=world.agency, revoked_at__isnull=True)
    assert "アクセスを終了" in page(staff.get(reverse("cases:case_detail", args=[case.pk])))
    other_case = concern()
    foreign = CaseAccessGrant.objects.filter(case=other_case).first()
    own = CaseAccessGrant.objects.get(case=case, reason=CaseAccessGrant.Reason.OWNER, revoked_at__isnull=True)
    withdraw = reverse("cases:case_consent_withdraw", args=[case.pk])
    end = reverse("cases:case_end_access", args=[case.pk])
    denied = AuditEvent.objects.filter(event="case.denied").count()
    for url, data in [
        (withdraw, {}),
        (withdraw, {"consent": "not-a-uuid"}),
        (withdraw, {"consent": str(other_case.pk)}),
        (end, {}),
        (end, {"grant": "1; DROP"}),
        (end, {"grant": foreign.pk}),
        (end, {"grant": own.pk}),  # the lead's own: it would lock itself out of its case
    ]:
        assert staff.post(url, data).status_code == 403, (url, data)
    assert AuditEvent.objects.filter(event="case.denied").count() == denied + 7
    consent.refresh_from_db()
    grant.refresh_from_db()
    assert consent.withdrawn_at is None and grant.revoked_at is None
    assert CaseAccessGrant.objects.get(pk=foreign.pk).revoked_at is None
    own.refresh_from_db()
    assert own.revoked_at is None
    with pytest.raises(CaseRuleError):  # the service refuses it too, whoever calls it
        sharing.end_access(actor=world.staff, grant=own)

    # Only the lead ends an organisation's access: not the agency it was given to.
    assert browser(world.agency_worker).post(end, {"grant": grant.pk}).status_code == 403
    follow_post(staff, end, {"grant": grant.pk})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert case not in selectors.cases_visible_to(world.agency_worker)
    follow_post(staff, withdraw, {"consent": str(consent.pk)})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
