"""The case page's actions as service calls (``cases.web.Action``): what the page offers, the
form each takes and the service it calls — one table for the pages (cases/views.py) and the API
(api/views.py), so that both take the same input to the same service under the same permission."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases import forms, selectors
from cases.models import CaseState
from cases.services import intake, lifecycle, meetings, sharing
from cases.web import Action, with_version

DECIDE_OUTCOMES = [
    (s.value, s.label)
    for s in (CaseState.REFERRED, CaseState.GUARDIANSHIP, CaseState.WATCHING, CaseState.CLOSED)
]
CONCLUDE_OUTCOMES = [(s.value, s.label) for s in (CaseState.WATCHING, CaseState.CLOSED)]


def _schedule_meeting(*, actor, case, attendees, **details):
    return meetings.schedule_meeting(
        actor=actor, case=case, attendees=selectors.meeting_attendees(list(attendees)), **details
    )


def _with_case(case, actor) -> dict:
    return {"case": case}


# The case page's actions, in the order the page offers them: the permission each one's service
# asks for (refused, recorded, before the form is read), and the action.
CASE_ACTIONS: dict[str, tuple[str, Action]] = {
    "consent": (
        "change_case",
        Action(
            gettext_lazy("同意を記録する"),
            gettext_lazy("記録する"),
            forms.ConsentForm,
            sharing.record_consent,
            "case",
            initial=lambda case: {"obtained_on": timezone.localdate()},
        ),
    ),
    "disclose": (
        "lead_case",
        Action(
            gettext_lazy("関係機関と情報を共有する"),
            gettext_lazy("共有する"),
            forms.DisclosureForm,
            sharing.disclose,
            "case",
            form_kwargs=_with_case,
        ),
    ),
    "schedule_meeting": (
        "lead_case",
        Action(
            gettext_lazy("支援会議を設定する"),
            gettext_lazy("設定する"),
            forms.MeetingForm,
            _schedule_meeting,
            "case",
            form_kwargs=_with_case,
            initial=with_version,
        ),
    ),
    "decide": (
        "lead_case",
        Action(
            gettext_lazy("会議の決定に沿って進める"),
            gettext_lazy("進める"),
            forms.OutcomeForm,
            lifecycle.decide,
            "case",
            form_kwargs=lambda case, actor: {"outcomes": DECIDE_OUTCOMES},
            initial=with_version,
        ),
    ),
    "conclude": (
        "lead_case",
        Action(
            gettext_lazy("つなぎ・後見の後の段階へ（見守りまたは終結）"),
            gettext_lazy("進める"),
            forms.OutcomeForm,
            lifecycle.conclude,
            "case",
            form_kwargs=lambda case, actor: {"outcomes": CONCLUDE_OUTCOMES},
            initial=with_version,
        ),
    ),
    "schedule_watch_visit": (
        "change_case",
        Action(
            gettext_lazy("見守り訪問を予定する"),
            gettext_lazy("予定する"),
            forms.ScheduleWatchVisitForm,
            lifecycle.schedule_watch_visit,
            "case",
            form_kwargs=_with_case,
        ),
    ),
    "close": (
        "lead_case",
        Action(
            gettext_lazy("見守りを終えて終結する"),
            gettext_lazy("終結する"),
            forms.VersionedForm,
            lifecycle.close,
            "case",
            initial=with_version,
        ),
    ),
    "reopen": (
        "lead_case",
        Action(
            gettext_lazy("再び支援を始める"),
            gettext_lazy("再開する"),
            forms.VersionedForm,
            lifecycle.reopen,
            "case",
            initial=with_version,
        ),
    ),
    "escalate": (
        "view_case",
        Action(
            gettext_lazy("緊急案件として区役所に引き継ぐ"),
            gettext_lazy("引き継ぐ"),
            forms.EscalateForm,
            intake.escalate_urgent,
            "case",
            form_kwargs=_with_case,
            initial=with_version,
        ),
    ),
    "accept": (
        "view_case",
        Action("", "", forms.VersionedForm, intake.accept_intake, "case", initial=with_version),
    ),
    # A ward caseworker takes a 至急 concern before any plaza accepts it (others are refused by the service).
    "take_urgent": (
        "view_case",
        Action("", "", forms.VersionedForm, intake.take_urgent, "case", initial=with_version),
    ),
    # The reporter may withdraw their own concern before intake with nothing more than its status.
    "withdraw": (
        "view_case_status",
        Action(
            gettext_lazy("ケースを取り下げる"),
            gettext_lazy("取り下げる"),
            forms.WithdrawForm,
            lifecycle.withdraw,
            "case",
            initial=with_version,
        ),
    ),
}
# What the page opens by itself: the step the case waits for.
OPEN_ACTIONS = {"conclude"}


def _add_attendee(*, actor, meeting, attendee):
    ((user, organisation),) = selectors.meeting_attendees([attendee])
    return meetings.add_meeting_attendee(actor=actor, meeting=meeting, user=user, organisation=organisation)


def _acknowledge_guest(*, actor, meeting, guest):
    return meetings.record_guest_acknowledgement(actor=actor, guest=guest)


def _for_meeting(meeting, actor) -> dict:
    return {"meeting": meeting}


def _meeting_action(title, button, form_class, service, done, **options) -> Action:
    return Action(
        title, button, form_class, service, "meeting", form_kwargs=_for_meeting, done_message=done, **options
    )


# The meeting page's actions (which of them it offers: ``selectors.MeetingPage.actions``): an
# attendee's acknowledgement; the lead's record of the meeting, its attendees before it is held,
# and its minutes and action items after.
MEETING_ACTIONS: dict[str, Action] = {
    "acknowledge": _meeting_action(
        gettext_lazy("守秘義務の確認"),
        gettext_lazy("確認しました"),
        forms.ConfirmForm,
        meetings.acknowledge_confidentiality,
        gettext_lazy("守秘義務を確認しました。"),
    ),
    "hold": _meeting_action(
        gettext_lazy("会議の記録"),
        gettext_lazy("記録する"),
        forms.HoldMeetingForm,
        meetings.hold_meeting,
        gettext_lazy("会議の記録を保存しました。"),
        initial=lambda meeting: {"version": meeting.case.version},
    ),
    "add_attendee": _meeting_action(
        gettext_lazy("出席者を追加する（職員・民生委員）"),
        gettext_lazy("追加する"),
        forms.AddAttendeeForm,
        _add_attendee,
        gettext_lazy("出席者を追加しました。"),
    ),
    "add_guest": _meeting_action(
        gettext_lazy("アカウントのない出席者を記録する（家族・近隣・医師など）"),
        gettext_lazy("記録する"),
        forms.GuestForm,
        meetings.add_meeting_guest,
        gettext_lazy("出席者（アカウントなし）を記録しました。"),
    ),
    "guest_acknowledged": _meeting_action(
        gettext_lazy("誓約書（紙）の受領"),
        gettext_lazy("誓約書を受け取った"),
        forms.GuestAcknowledgedForm,
        _acknowledge_guest,
        gettext_lazy("誓約書（紙）の受領を記録しました。"),
    ),
    "amend": _meeting_action(
        gettext_lazy("議事録を修正する"),
        gettext_lazy("修正を保存する"),
        forms.AmendMinutesForm,
        meetings.amend_minutes,
        gettext_lazy("議事録を修正しました。修正前の議事録も残っています。"),
        renamed={"amendments": "expected_amendments"},
    ),
    "add_item": _meeting_action(
        gettext_lazy("役割分担を追加する"),
        gettext_lazy("追加する"),
        forms.ActionItemForm,
        meetings.add_action_item,
        gettext_lazy("役割分担を追加しました。"),
    ),
}
