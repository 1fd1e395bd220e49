"""Screens of the case workflow. Thin: forms in, services out; every page that shows decrypted
identity fields records who saw which fields. Queries with names travel in POST bodies, never URLs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import exports, forms, forms_lists, selectors
from cases.actions import CASE_ACTIONS, MEETING_ACTIONS, OPEN_ACTIONS
from cases.exceptions import CaseRuleError, Conflict
from cases.forms_progress import ProgressCorrectionForm, ProgressForm
from cases.models.meetings import confidentiality_text
from cases.services import contacts, intake, lifecycle, meetings, progress, sharing
from cases.web import Action, act_or_show_form, form_data_or_error, report_outcome, show_refusal
from printing import tables
from printing.pdf import pdf_response, render_pdf

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
    form, results = _search(request, selectors.person_search)
    return render(request, "cases/person_search.html", {"form": form, "results": results})


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
    form = forms.ConcernForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = intake.report_concern(
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
            if case.urgent:  # what to do now: the emergency numbers, then the plaza's and the ward's
                return redirect("cases:concern_urgent", case_id=case.pk)
            messages.success(request, _("気付きを受け付けました。地域ケアプラザに届きました。"))
            return redirect("cases:my_concerns")
    return render(request, "cases/concern_new.html", {"form": form})


@login_required
@permission_required("cases.add_concern", raise_exception=True)
def concern_urgent(request: HttpRequest, case_id) -> HttpResponse:
    """After a 至急 concern: 119 / 110 when life is at risk, then the numbers of the plaza and the
    ward office that received it — for the one who reported it, and nobody else."""
    return render(request, "cases/concern_urgent.html", {"o": selectors.urgent_help(request.user, case_id)})


@login_required
@permission_required("cases.add_concern", raise_exception=True)
def my_concerns(request: HttpRequest) -> HttpResponse:
    """The reporter's own concerns, their own words and where each stands — never more than that."""
    form = forms_lists.TabForm(request.GET)
    page = selectors.my_concerns_page(request.user, form.query(page=request.GET.get("page")))
    return render(
        request, "cases/my_concerns.html", {"o": page, "form": form, "tabs": forms_lists.case_tabs(page)}
    )


@login_required
@permission_required("cases.add_contactlog", raise_exception=True)
def contact_log(request: HttpRequest) -> HttpResponse:
    """相談・連絡調整: what the plan's indicator ⑧ counts."""
    page = selectors.contact_log_page(request.user)
    form = forms.ContactLogForm(
        request.POST or None, initial={"occurred_on": timezone.localdate()}, districts=page.districts
    )
    if request.method == "POST" and form.is_valid():
        try:
            contacts.record_contact(actor=request.user, **form.cleaned_data)
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("記録しました。"))
            return redirect("cases:contact_log")
    return render(request, "cases/contact_log.html", {"form": form, "o": page})


# --- the inbox and the case page -----------------------------------------------------------------


@login_required
@permission_required("cases.take_intake", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    form = forms_lists.CaseListForm(request.GET, choices=selectors.case_list_choices(request.user))
    page = selectors.inbox_page(request.user, form.query(page=request.GET.get("page")))
    return render(request, "cases/inbox.html", {"o": page, "form": form, "tabs": forms_lists.case_tabs(page)})


@login_required
@permission_required("cases.take_intake", raise_exception=True)
def inbox_file(request: HttpRequest, file_format: str) -> HttpResponse:
    """The inbox under its tab and filters as Excel or CSV (the query as the page's); too long a
    list is refused with the reason on the inbox."""
    form = forms_lists.CaseListForm(request.GET, choices=selectors.case_list_choices(request.user))
    query = form.query()
    back = redirect(f"{reverse('cases:inbox')}?{request.GET.urlencode()}")
    if form.errors:  # a filter not understood is not dropped from a file: the list says why
        return back
    try:
        found = selectors.inbox_export(request.user, query, file_format)
    except CaseRuleError as refusal:
        messages.error(request, refusal.messages[0])
        return back
    content = exports.case_list_file(found, file_format)
    return tables.file_response(content, file_format, f"cases_{timezone.localdate():%Y%m%d}")


@login_required
def tasks_file(request: HttpRequest, section: str, file_format: str) -> HttpResponse:
    """One section of the tasks page under its tab (``?items=done``) as Excel or CSV; too long a
    list is refused with the reason on the page."""
    back = redirect(f"{reverse('cases:my_tasks')}?{request.GET.urlencode()}")
    try:
        found = selectors.tasks_export(
            request.user, section, selectors.TasksQuery.from_params(request.GET), file_format
        )
    except CaseRuleError as refusal:
        messages.error(request, refusal.messages[0])
        return back
    content = exports.task_list_file(found, file_format)
    return tables.file_response(content, file_format, f"tasks_{section}_{timezone.localdate():%Y%m%d}")


@login_required
def case_detail(request: HttpRequest, case_id) -> HttpResponse:
    page = selectors.case_page(request.user, case_id)  # refuses, audited; records what it read
    selectors.link_labels(page)  # labels what each progress entry is linked to
    offered = [
        {"name": name, "title": action.title, "open": name in OPEN_ACTIONS}
        for name, (_codename, action) in CASE_ACTIONS.items()
        if name in page.actions
    ]
    return render(
        request,
        "cases/case_detail.html",
        {
            "o": page,
            "case": page.case,
            "can_take_intake": page.can_take_intake,
            "sections": page.sections,
            "conclusion_blockers": page.conclusion_blockers,
            "actions": offered,
        },
    )


PROGRESS = Action(
    gettext_lazy("支援経過を記録する"),
    gettext_lazy("記録する"),
    ProgressForm,
    progress.record_progress,
    "case",
    form_kwargs=lambda case, actor: {"links": selectors.link_choices(actor, case)},
    initial=lambda case: {
        "occurred_on": timezone.localdate(),
        "occurred_time": timezone.localtime().strftime("%H:%M"),
    },
    done_message=gettext_lazy("支援経過を記録しました。"),
)


@login_required
def case_progress(request: HttpRequest, case_id) -> HttpResponse:
    """A new progress entry (the case page's panel): on an error the form comes back with what was
    typed and the error beside its field; nothing is written."""
    case = selectors.case_for_progress(request.user, case_id)  # refused before the form is read
    back = reverse("cases:case_detail", args=[case.pk])
    return act_or_show_form(request, PROGRESS, case, done=lambda entry: f"{back}#entry-{entry.pk}", back=back)


@login_required
def progress_correct(request: HttpRequest, case_id, entry_id) -> HttpResponse:
    """記録の訂正: a new version of an entry; the earlier one stays, struck through."""
    o = selectors.entry_to_correct(request.user, case_id, entry_id)  # refused before input is read
    form = ProgressCorrectionForm(
        request.POST or None, links=o.links, initial=ProgressCorrectionForm.initial_of(o.entry)
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = progress.correct_progress(actor=request.user, entry=o.entry, **form.service_arguments())
        except Conflict as conflict:
            form.add_error(None, str(conflict))
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("支援経過を訂正しました。訂正前の記録も残っています。"))
            return redirect(f"{reverse('cases:case_detail', args=[o.case.pk])}#entry-{entry.pk}")
    return render(request, "cases/progress_correct.html", {"o": o, "form": form})


def _run(request: HttpRequest, case_id, action, codename: str = "view_case") -> HttpResponse:
    """Run a service for the case page and come back to it, with the outcome as a message — for
    the page's buttons, which carry no input but the case's version.

    Who does not hold ``codename`` — the permission the action's service asks for — is refused
    (and audited) before their input is even read: an empty form must not tell someone who may
    only see the case what the form would have wanted."""
    case = selectors.case_for_action(request.user, case_id, codename)
    report_outcome(request, lambda: action(case))
    return redirect(_after(request, case))


def _after(request: HttpRequest, case) -> str:
    """The case page, or home for who no longer sees the case (a withdrawn concern's reporter)."""
    if not selectors.may_view(request.user, case):
        return reverse("home")
    return reverse("cases:case_detail", kwargs={"case_id": case.pk})


def _case_action(name: str):
    """The view of one action of the case page (``CASE_ACTIONS``): its form (GET, or loaded into
    the page's panel by htmx), then the service, back to the case page; an error shows the form
    again with what was typed."""
    codename, action = CASE_ACTIONS[name]

    @login_required
    def view(request: HttpRequest, case_id) -> HttpResponse:
        case = selectors.case_for_action(request.user, case_id, codename)
        back = reverse("cases:case_detail", kwargs={"case_id": case.pk})
        return act_or_show_form(
            request,
            action,
            case,
            done=lambda _result: _after(request, case),
            back=back,
            # The form, empty or with input errors, only where the case page offers the action
            # (a POST with input the form accepts goes to the service, which says why it refuses).
            before_showing=lambda: selectors.require_offered(request.user, case, name),
        )

    return view


case_accept = _case_action("accept")
case_take_urgent = _case_action("take_urgent")
case_escalate = _case_action("escalate")
case_consent = _case_action("consent")
case_schedule_watch_visit = _case_action("schedule_watch_visit")
case_disclose = _case_action("disclose")
case_decide = _case_action("decide")
case_conclude = _case_action("conclude")
case_close = _case_action("close")
case_reopen = _case_action("reopen")
case_withdraw = _case_action("withdraw")
case_schedule_meeting = _case_action("schedule_meeting")


def _list_button(name: str, pick, service, codename: str):
    """A button of one of the case page's lists (grants, consents): one form for the whole list,
    the row being the one named by the button pressed (``name``); ``pick`` refuses any other."""

    @require_POST
    @login_required
    def view(request: HttpRequest, case_id) -> HttpResponse:
        def act(case):
            service(actor=request.user, **{name: pick(request.user, case, request.POST.get(name, ""))})

        return _run(request, case_id, act, codename)

    return view


case_end_access = _list_button("grant", selectors.grant_of, sharing.end_access, "lead_case")
case_consent_withdraw = _list_button("consent", selectors.consent_of, sharing.withdraw_consent, "change_case")


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
def meeting_record_pdf(request: HttpRequest, meeting_id) -> HttpResponse:
    """The meeting record to print (docs/documents.md): read and recorded by its selector."""
    page = selectors.meeting_record(request.user, meeting_id)
    meeting = page.meeting
    held_on = timezone.localdate(meeting.held_at or meeting.scheduled_for)
    pdf = render_pdf(
        "cases/documents/meeting_record.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "guests": page.guests,
            "amendments": page.amendments,
            "confidentiality": confidentiality_text(meeting),
        },
        actor=request.user,
        title=_("支援会議の記録"),
    )
    return pdf_response(pdf, f"meeting-record_{meeting.case.reference}_{held_on.isoformat()}.pdf")


# The meeting page's actions (cases.actions.MEETING_ACTIONS) each posted by its own button (its
# name); these two are buttons alone, their outcome said above the page.
MEETING_BUTTONS = {"acknowledge": lambda posted: {}, "guest_acknowledged": lambda posted: {"guest": posted}}


@login_required
def meeting_detail(request: HttpRequest, meeting_id) -> HttpResponse:
    page = selectors.meeting_page(request.user, meeting_id)  # refuses, audited, before any input is read
    meeting = page.meeting
    posted = ""
    if request.method == "POST":
        posted = next((name for name in MEETING_ACTIONS if name in request.POST and name in page.actions), "")
    if posted in MEETING_BUTTONS:
        act = MEETING_ACTIONS[posted]
        form = act.bound_form(request.user, meeting, MEETING_BUTTONS[posted](request.POST[posted]))

        def press():
            form_data_or_error(request, form)  # a guest no longer awaiting it: said, nothing changed
            act.run(request, meeting, form)

        report_outcome(request, press, act.done_message)
        return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    shown = {}
    for name, act in MEETING_ACTIONS.items():
        if name in MEETING_BUTTONS or name not in page.actions:
            continue
        data = request.POST if posted == name else None
        # The record of the meeting is the page's main form; the lead's others each have a prefix.
        prefix = None if name == "hold" else name
        form = shown[name] = act.bound_form(request.user, meeting, data, prefix=prefix)
        if data is not None and form.is_valid():
            try:
                act.run(request, meeting, form)
            except Conflict as conflict:
                form.add_error(None, str(conflict))
            except CaseRuleError as error:
                show_refusal(form, error)
            else:
                messages.success(request, act.done_message)
                if name == "hold":
                    return redirect("cases:case_detail", case_id=meeting.case_id)
                return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    hold_form = shown.pop("hold", None)
    lead_forms = shown
    return render(
        request,
        "cases/meeting_detail.html",
        {
            "meeting": meeting,
            "page": page,
            "attendance": page.attendance,
            "confidentiality": confidentiality_text(meeting),
            "hold_form": hold_form,
            "lead_forms": lead_forms,
            "shows_content": page.shows_content,
            "access_ended": page.access_ended,
        },
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The meetings the actor is asked to attend, their action items and watch visits: each
    section its own tabs (open / done) and pages, in the URL (``?items=done&items_page=2``)."""
    today = timezone.localdate()
    tasks = selectors.tasks_of(request.user, selectors.TasksQuery.from_params(request.GET))
    sections = [tasks.meetings, tasks.items, tasks.visits]
    return render(
        request,
        "cases/my_tasks.html",
        {
            "meetings": tasks.meetings,
            "items": tasks.items,
            "visits": tasks.visits,
            "tabs": {s.name: forms_lists.tabs(s.choices, s.tab_counts, s.tab) for s in sections},
            "today": today,
            # One form per item still open and per visit still to record, each with ids of its own.
            "item_rows": [
                (
                    item,
                    None if item.done_at else forms.ActionItemDoneForm(auto_id=f"item-{item.pk}-%s"),
                    meetings.may_undo(request.user, item),
                )
                for item in tasks.items.rows
            ],
            "visit_rows": [
                (
                    visit,
                    None
                    if visit.visited_on
                    else forms.WatchVisitForm(initial={"visited_on": today}, auto_id=f"visit-{visit.pk}-%s"),
                )
                for visit in tasks.visits.rows
            ],
        },
    )


def _back_to_tasks(request: HttpRequest) -> HttpResponse:
    """The tasks page as it was (its tabs and pages: codes and numbers only)."""
    query = request.GET.urlencode()
    return redirect(reverse("cases:my_tasks") + (f"?{query}" if query else ""))


def _change_item(request: HttpRequest, item_id, change, done: str) -> HttpResponse:
    """An action item's owner (or the case's lead) changes it, back to the tasks page as it was:
    refused before the form is read (``action_item_of``), a rule broken said as a message."""
    item = selectors.action_item_of(request.user, item_id)  # a missing one is refused as a forbidden one
    try:
        change(item)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return _back_to_tasks(request)


@require_POST
@login_required
def action_item_done(request: HttpRequest, item_id) -> HttpResponse:
    """Done, with its one-line result (the service refuses an empty one)."""
    result = request.POST.get("result", "")
    return _change_item(
        request,
        item_id,
        lambda item: meetings.complete_action_item(actor=request.user, item=item, result=result),
        _("完了にしました。1日以内なら取り消せます。"),
    )


@require_POST
@login_required
def action_item_undo(request: HttpRequest, item_id) -> HttpResponse:
    return _change_item(
        request,
        item_id,
        lambda item: meetings.undo_action_item(actor=request.user, item=item),
        _("完了を取り消しました。"),
    )


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
    return _back_to_tasks(request)


@login_required
@permission_required("cases.review_break_glass", raise_exception=True)
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    """The privacy officer's list of emergency accesses, those not yet reviewed first; each
    review records a finding (妥当 / 要確認) and a note. A review that breaks a rule comes back on
    its row with what was typed and the reason beside the field."""
    returned = None  # the bound form of a review that came back with an error
    if request.method == "POST":
        form = forms.BreakGlassReviewForm(request.POST)
        form.is_valid()
        found = form.cleaned_data.get("access")
        access = selectors.break_glass_access(request.user, found) if found else None
        if access is None:
            messages.error(request, _("確認する緊急アクセスが見つかりません。一覧から選び直してください。"))
            return redirect("cases:break_glass_reviews")
        form.auto_id = f"review-{access.pk}-%s"
        if form.is_valid():
            try:
                sharing.review_break_glass(
                    actor=request.user,
                    access=access,
                    finding=form.cleaned_data["finding"],
                    note=form.cleaned_data["note"],
                )
            except CaseRuleError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("確認の結果を記録しました。"))
                return redirect("cases:break_glass_reviews")
        returned = form
    accesses = selectors.break_glass_reviews(request.user)  # records that the reasons were read
    rows = [
        (
            access,
            returned
            if returned is not None and returned.cleaned_data.get("access") == access.pk
            else forms.BreakGlassReviewForm(initial={"access": access.pk}, auto_id=f"review-{access.pk}-%s"),
        )
        for access in accesses
    ]
    return render(request, "cases/break_glass_reviews.html", {"rows": rows})
