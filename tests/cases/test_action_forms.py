"""The case page's actions as forms of their own (cases.web): an error comes back with what was
typed and the reason beside it, and changes nothing; an empty form is offered only to who may take
the action; a form offers only the choices its user may pick."""

import datetime

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, Consent, SupportMeeting
from tests.screens import browser, page
from tests.workflow import shared_on_consent, take


def _meeting(world, case, **overrides) -> dict:
    typed = {
        "version": Case.objects.get(pk=case.pk).version,
        "kind": "support_meeting",
        "legal_basis": world.basis["swa-106-6"].pk,
        "reference": "",  # this ground asks for one: the error the issue saw empty the form
        "scheduled_for": f"{timezone.localdate() + datetime.timedelta(days=14)}T14:00",
        "attendees": [world.agency_worker.pk],
        "agenda": "今後の支援と見守りの分担を話し合う",
    }
    return typed | overrides


def test_a_meeting_refused_for_its_missing_reference_keeps_the_agenda_and_the_attendees(world, concern):
    case = take(world, concern())
    shared_on_consent(world, case, world.agency, ["identity"], purpose=Consent.Purpose.SHARING)
    url = reverse("cases:case_schedule_meeting", args=[case.pk])
    html = page(browser(world.staff).post(url, _meeting(world, case)))
    assert "今後の支援と見守りの分担を話し合う" in html  # the agenda, as typed
    assert f'value="{world.agency_worker.pk}"' in html and "checked" in html  # the attendee still ticked
    assert 'class="message error"' in html or 'class="error"' in html
    assert not SupportMeeting.objects.filter(case=case).exists()


def test_a_day_that_does_not_exist_or_has_not_come_keeps_the_consent_form_and_changes_nothing(world, concern):
    case = take(world, concern())
    staff = browser(world.staff)
    url = reverse("cases:case_consent", args=[case.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for day, reason in (("昭和64年1月8日", "令和6年4月1日 の形"), (tomorrow.isoformat(), "今日より後")):
        typed = {
            "purpose": Consent.Purpose.SHARING,
            "recipients": [world.agency.pk],
            "method": "oral",
            "representative": "佐々木 一郎（長男）",
            "obtained_on": day,
        }
        html = page(staff.post(url, typed))
        assert reason in html
        assert "佐々木 一郎（長男）" in html and f'value="{day}"' in html
    assert not Consent.objects.filter(case=case).exists()


def test_an_action_form_is_offered_only_to_who_may_take_it(world, concern):
    case = take(world, concern())
    url = reverse("cases:case_consent", args=[case.pk])
    assert 'name="obtained_on"' in page(browser(world.staff).get(url, headers={"HX-Request": "true"}))
    refusals = AuditEvent.objects.filter(event="case.denied").count()
    # The commissioner who reported it sees its status only; the form is refused, recorded.
    assert browser(world.commissioner).get(url).status_code == 403
    # The lead may not close a case that is not being watched: no form for that either.
    assert browser(world.staff).get(reverse("cases:case_close", args=[case.pk])).status_code == 403
    assert AuditEvent.objects.filter(event="case.denied").count() == refusals + 2


def test_the_sharing_form_offers_only_the_grounds_the_lead_may_invoke(world, concern):
    case = take(world, concern())  # led by a care plaza
    html = page(browser(world.staff).get(reverse("cases:case_disclose", args=[case.pk])))
    assert world.basis["consent"].name in html
    assert world.basis["appi-69-2-2"].name not in html  # a ward office's ground
