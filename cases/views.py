"""Screens of the case workflow. Thin: forms in, services out; every page that shows decrypted
identity fields records who saw which fields. Queries with names travel in POST bodies, never URLs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import forms, forms_lists, selectors
from cases.exceptions import CaseRuleError, Conflict
from cases.models import CaseState
from cases.services import intake, lifecycle, meetings, sharing
from cases.web import form_action, form_data_or_error, report_outcome

DECIDE_OUTCOMES = [
    (s.value, s.label)
    for s in (CaseState.REFERRED, CaseState.GUARDIANSHIP, CaseState.WATCHING, CaseState.CLOSED)
]
CONCLUDE_OUTCOMES = [(s.value, s.label) for s in (CaseState.WATCHING, CaseState.CLOSED)]
# --- people ----------------------------------------------------------------------------------


def _search(request: HttpRequest, finder) -> tuple[forms.PersonSearchForm, list | None]:
    # The query travels in a POST body: a name must never appear in a URL or an access log.
    form = forms.PersonSearchForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return form, None
    return form, finder(request.user, form.cleaned_data["q"])


@login_required
@permission_required("cases.view_person", raise_exception=True)
def person_search(request: HttpRequest) -> HttpResponse:
    form, people = _search(request, selectors.person_search)
    return render(request, "cases/person_search.html", {"form": form, "people": people})


@login_required
@permission_required("audit.view_access_report", raise_exception=True)
def person_lookup_for_report(request: HttpRequest) -> HttpResponse:
    """The privacy officer finds whom a disclosure request is about: ids only, no content."""
    form, people = _search(request, selectors.people_for_report)
    return render(request, "cases/person_lookup_for_report.html", {"form": form, "people": people})


# --- concerns (commissioners, on a phone) ----------------------------------------------------------


@login_required
@permission_required("cases.add_concern", raise_exception=True)
def concern_new(request: HttpRequest) -> HttpResponse:
    choices = selectors.concern_form_choices(request.user)
    form = forms.ConcernForm(request.POST or None, areas=choices.areas, reporter_kind=choices.reporter_kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intake.report_concern(
                actor=request.user,
                area=data["area"],
                reporter_kind=data["reporter_kind"],
                signals=data["signals"],
                categories=data["categories"],
                urgency=data["urgency"],
                details=data["details"],
                identity={"name": data["name"], "address": data["address"]},
            )
        except CaseRuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("気付きを受け付けました。地域ケアプラザに届きました。"))
            return redirect("cases:my_concerns")
    return render(request, "cases/concern_new.html", {"form": form})


@login_required
@permission_required("cases.add_concern", raise_exception=True)
def my_concerns(request: HttpRequest) -> HttpResponse:
    """The reporter's own concerns, their own words and where each stands — never more than that."""
    form = forms_lists.TabForm(request.GET)
    page = selectors.my_concerns_page(request.user, form.query(page=request.GET.get("page")))
    return render(
        request, "cases/my_concerns.html", {"o": page, "form": form, "tabs": forms_lists.tabs(page)}
    )


@login_required
@permission_required("cases.add_contactlog", raise_exception=True)
def contact_log(request: HttpRequest) -> HttpResponse:
    """相談・連絡調整: what the plan's indicator ⑧ counts."""
    form = forms.ContactLogForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.commissioner = request.user
        entry.save()
        messages.success(request, _("記録しました。"))
        return redirect("cases:contact_log")
    page = selectors.contact_log_page(request.user)
    return render(
        request,
        "cases/contact_log.html",
        {"form": form, "counts": page.counts, "recent": page.recent, "fiscal_year": page.fiscal_year},
    )


# --- the inbox and the case page -----------------------------------------------------------------


@login_required
@permission_required("cases.take_intake", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    form = forms_lists.CaseListForm(request.GET, choices=selectors.case_list_choices(request.user))
    page = selectors.inbox_page(request.user, form.query(page=request.GET.get("page")))
    return render(request, "cases/inbox.html", {"o": page, "form": form, "tabs": forms_lists.tabs(page)})


def _action_forms(page: selectors.CasePage) -> dict:
    """The forms of the actions the page offers (``page.actions``), their choices from the page."""
    case, choices, actions = page.case, page.choices, page.actions
    initial = {"version": case.version}
    built: dict = {}
    if "withdraw" in actions:
        built["withdraw_form"] = forms.WithdrawForm(initial=initial)
    if "disclose" in actions:
        built["disclosure_form"] = forms.DisclosureForm(case=case, choices=choices)
    if "schedule_meeting" in actions:
        built["meeting_form"] = forms.MeetingForm(case=case, initial=initial, choices=choices)
    if "decide" in actions:
        built["decide_form"] = forms.OutcomeForm(initial=initial, outcomes=DECIDE_OUTCOMES)
    if "conclude" in actions:
        built["conclude_form"] = forms.OutcomeForm(initial=initial, outcomes=CONCLUDE_OUTCOMES)
    if "reopen" in actions:
        built["reopen_form"] = forms.VersionedForm(initial=initial)
    if "close" in actions:
        built["close_form"] = forms.VersionedForm(initial=initial)
    if "escalate" in actions:
        built["escalate_form"] = forms.EscalateForm(initial=initial, choices=choices)
    if "consent" in actions:
        today = timezone.localdate()
        built["consent_form"] = forms.ConsentForm(initial={"obtained_on": today}, choices=choices)
    if "schedule_watch_visit" in actions:
        built["watch_form"] = forms.ScheduleWatchVisitForm(case=case, choices=choices)
    return built


@login_required
def case_detail(request: HttpRequest, case_id) -> HttpResponse:
    page = selectors.case_page(request.user, case_id)  # refuses, audited; records what it read
    return render(
        request,
        "cases/case_detail.html",
        {
            "o": page,
            "case": page.case,
            "can_take_intake": page.can_take_intake,
            "sections": page.sections,
            "conclusion_blockers": page.conclusion_blockers,
            **forms.with_distinct_ids(_action_forms(page)),
        },
    )


def _run(request: HttpRequest, case_id, action, codename: str = "view_case") -> HttpResponse:
    """Run a service for the case page and come back to it, with the outcome as a message.

    Who does not hold ``codename`` — the permission the action's service asks for — is refused
    (and audited) before their input is even read: an empty form must not tell someone who may
    only see the case what the form would have wanted."""
    case = selectors.case_for_action(request.user, case_id, codename)
    report_outcome(request, lambda: action(case))
    if not selectors.may_view(request.user, case):
        return redirect("home")
    return redirect("cases:case_detail", case_id=case.pk)


def _case_action(codename: str, form_class, service, **options):
    """The POST view of one action of the case page: ``codename`` is the permission the service
    asks for (refused before the form is read), the form's fields its keywords (``form_action``)."""
    act = form_action(form_class, service, "case", **options)

    @require_POST
    @login_required
    def view(request: HttpRequest, case_id) -> HttpResponse:
        return _run(request, case_id, lambda case: act(request, case), codename)

    return view


def _with_case(case) -> dict:
    return {"case": case}


case_accept = _case_action("view_case", forms.VersionedForm, intake.accept_intake)
case_escalate = _case_action("view_case", forms.EscalateForm, intake.escalate_urgent)
case_consent = _case_action("change_case", forms.ConsentForm, sharing.record_consent)
case_schedule_watch_visit = _case_action(
    "change_case", forms.ScheduleWatchVisitForm, lifecycle.schedule_watch_visit, form_kwargs=_with_case
)
case_disclose = _case_action("lead_case", forms.DisclosureForm, sharing.disclose, form_kwargs=_with_case)
case_decide = _case_action(
    "lead_case", forms.OutcomeForm, lifecycle.decide, form_kwargs=lambda case: {"outcomes": DECIDE_OUTCOMES}
)
case_conclude = _case_action(
    "lead_case",
    forms.OutcomeForm,
    lifecycle.conclude,
    form_kwargs=lambda case: {"outcomes": CONCLUDE_OUTCOMES},
)
case_close = _case_action("lead_case", forms.VersionedForm, lifecycle.close)
case_reopen = _case_action("lead_case", forms.VersionedForm, lifecycle.reopen)
# The reporter may withdraw their own concern before intake with nothing more than its status.
case_withdraw = _case_action("view_case_status", forms.WithdrawForm, lifecycle.withdraw)


@require_POST
@login_required
def case_end_access(request: HttpRequest, case_id, grant_id) -> HttpResponse:
    def act(case):
        sharing.end_access(actor=request.user, grant=selectors.grant_of(request.user, case, grant_id))

    return _run(request, case_id, act, "lead_case")


@require_POST
@login_required
def case_consent_withdraw(request: HttpRequest, case_id, consent_id) -> HttpResponse:
    def act(case):
        consent = selectors.consent_of(request.user, case, consent_id)
        sharing.withdraw_consent(actor=request.user, consent=consent)

    return _run(request, case_id, act, "change_case")


@require_POST
@login_required
def case_schedule_meeting(request: HttpRequest, case_id) -> HttpResponse:
    def act(case):
        data = form_data_or_error(request, forms.MeetingForm(request.POST, case=case))
        attendees = selectors.meeting_attendees(list(data["attendees"]))
        meetings.schedule_meeting(
            actor=request.user,
            case=case,
            expected_version=data["version"],
            kind=data["kind"],
            legal_basis=data["legal_basis"],
            consent=data["consent"],
            reference=data["reference"],
            scheduled_for=data["scheduled_for"],
            attendees=attendees,
            agenda=data["agenda"],
        )

    return _run(request, case_id, act, "lead_case")


@login_required
def case_break_glass(request: HttpRequest, case_id) -> HttpResponse:
    """Emergency access to a case the user has no grant on: only with a reason, and reviewed."""
    case = selectors.break_glass_case(request.user, case_id)  # refused alike when it does not exist
    form = forms.BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sharing.open_break_glass(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except CaseRuleError as error:
            form.add_error("reason", error)
        else:
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/break_glass.html", {"form": form, "case_id": case.pk})


# --- meetings, action items, watch visits ---------------------------------------------------------


@login_required
def meeting_detail(request: HttpRequest, meeting_id) -> HttpResponse:
    page = selectors.meeting_page(request.user, meeting_id)  # refuses, audited, before any input is read
    meeting = page.meeting
    if request.method == "POST" and page.may_acknowledge and "acknowledge" in request.POST:
        try:
            meetings.acknowledge_confidentiality(actor=request.user, meeting=meeting)
        except CaseRuleError as error:  # the consent it rests on no longer covers the attendee
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("守秘義務を確認しました。"))
        return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    hold_form = None
    if page.may_hold:
        hold_form = forms.HoldMeetingForm(
            request.POST or None, meeting=meeting, initial={"version": meeting.case.version}
        )
        if request.method == "POST" and "hold" in request.POST and hold_form.is_valid():
            data = hold_form.cleaned_data
            items = [(data["action"], data["action_owner"], data["action_due"])] if data["action"] else []
            try:
                meetings.hold_meeting(
                    actor=request.user,
                    meeting=meeting,
                    expected_version=data["version"],
                    minutes=data["minutes"],
                    decision=data["decision"],
                    reason=data["reason"],
                    action_items=items,
                )
            except Conflict as conflict:
                messages.error(request, str(conflict))
            except CaseRuleError as error:
                hold_form.add_error(None, error)
            else:
                messages.success(request, _("会議の記録を保存しました。"))
                return redirect("cases:case_detail", case_id=meeting.case_id)
    return render(
        request,
        "cases/meeting_detail.html",
        {
            "meeting": meeting,
            "attendance": page.attendance,
            "hold_form": hold_form,
            "shows_content": page.shows_content,
            "access_ended": page.access_ended,
        },
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The meetings the actor is asked to attend, their open action items and watch visits."""
    today = timezone.localdate()
    tasks = selectors.tasks_of(request.user)
    return render(
        request,
        "cases/my_tasks.html",
        {
            "meetings": tasks.meetings,
            "items": tasks.items,
            "today": today,
            # One form per visit, each with ids of its own.
            "visit_rows": [
                (visit, forms.WatchVisitForm(initial={"visited_on": today}, auto_id=f"visit-{visit.pk}-%s"))
                for visit in tasks.visits
            ],
        },
    )


@require_POST
@login_required
def action_item_done(request: HttpRequest, item_id) -> HttpResponse:
    item = selectors.action_item_of(request.user, item_id)  # a missing one is refused as a forbidden one
    meetings.complete_action_item(actor=request.user, item=item)
    messages.success(request, _("完了にしました。"))
    return redirect("cases:my_tasks")


@require_POST
@login_required
def watch_visit_record(request: HttpRequest, visit_id) -> HttpResponse:
    # Who may not record it is refused before the form is read: an empty form must not tell them
    # that the visit exists.
    visit = selectors.watch_visit_of(request.user, visit_id)
    form = forms.WatchVisitForm(request.POST)
    if form.is_valid():
        lifecycle.record_watch_visit(
            actor=request.user,
            visit=visit,
            note=form.cleaned_data["note"],
            visited_on=form.cleaned_data["visited_on"],
        )
        messages.success(request, _("見守り訪問を記録しました。"))
    else:
        messages.error(request, _("訪問日を入力してください。"))
    return redirect("cases:my_tasks")


@login_required
@permission_required("cases.review_break_glass", raise_exception=True)
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    """The privacy officer's list of emergency accesses, those not yet reviewed first."""
    if request.method == "POST":
        form = forms.BreakGlassReviewForm(request.POST)
        valid = form.is_valid()
        access = selectors.break_glass_access(request.user, form.cleaned_data["access"]) if valid else None
        if access is None:
            messages.error(request, _("確認する緊急アクセスが見つかりません。一覧から選び直してください。"))
        else:
            sharing.review_break_glass(actor=request.user, access=access)
            messages.success(request, _("確認済みにしました。"))
        return redirect("cases:break_glass_reviews")
    accesses = selectors.break_glass_reviews(request.user)  # records that the reasons were read
    return render(request, "cases/break_glass_reviews.html", {"accesses": accesses})
