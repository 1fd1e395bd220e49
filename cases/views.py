"""Screens of the case workflow. Thin: forms in, services out; every page that shows decrypted
identity fields records who saw which fields. Queries with names travel in POST bodies, never URLs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Area, OrganisationKind
from audit import services as audit
from cases import forms, selectors
from cases.access import deny, has_case_permission, require_case_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import (
    OPEN_STATES,
    ActionItem,
    Case,
    CaseState,
    ContactLog,
    MeetingAttendance,
    WatchVisit,
)
from cases.selectors import find_people, find_people_for_access_report
from cases.services import intake, lifecycle, meetings, sharing
from cases.signals import case_page_sections
from cases.vocabulary import ReporterKind
from cases.web import form_data_or_error, report_outcome

SEARCH_RESULT_FIELDS = ("name", "kana", "birth_date")


# --- people ----------------------------------------------------------------------------------


def _search(request: HttpRequest, finder) -> tuple[forms.PersonSearchForm, list | None]:
    # The query travels in a POST body: a name must never appear in a URL or an access log.
    form = forms.PersonSearchForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return form, None
    return form, list(
        finder(request.user, form.cleaned_data["q"]).select_related("data_key", "registered_by")
    )


@login_required
@permission_required("cases.view_person", raise_exception=True)
def person_search(request: HttpRequest) -> HttpResponse:
    form, people = _search(request, find_people)
    if people:
        audit.record_people_shown(
            actor=request.user, people=people, fields=SEARCH_RESULT_FIELDS, purpose="search"
        )
    return render(request, "cases/person_search.html", {"form": form, "people": people})


@login_required
@permission_required("audit.view_access_report", raise_exception=True)
def person_lookup_for_report(request: HttpRequest) -> HttpResponse:
    """The privacy officer finds whom a disclosure request is about: ids only, no content."""
    form, people = _search(request, find_people_for_access_report)
    if people is not None:
        audit.record(
            "person.searched_for_report",
            actor=request.user,
            purpose="disclosure_request",
            params={"count": len(people), "people": [str(p.pk) for p in people]},
        )
    return render(request, "cases/person_lookup_for_report.html", {"form": form, "people": people})


# --- concerns (commissioners, on a phone) ----------------------------------------------------------


def _reporting_areas(user):
    # A plaza serves a district and its plaza area; offer districts and finer.
    return (
        Area.objects.filter(
            served_by__memberships__user=user, level__in=[Area.Level.DISTRICT, Area.Level.PLAZA_AREA]
        )
        .distinct()
        .order_by("name")
    )


@login_required
@permission_required("cases.add_concern", raise_exception=True)
def concern_new(request: HttpRequest) -> HttpResponse:
    is_commissioner = request.user.memberships.filter(
        organisation__kind=OrganisationKind.COMMISSIONER_COUNCIL
    ).exists()
    form = forms.ConcernForm(
        request.POST or None,
        areas=_reporting_areas(request.user),
        reporter_kind=ReporterKind.COMMISSIONER if is_commissioner else ReporterKind.AGENCY,
    )
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
    """The reporter's own concerns and where each stands — never more than that."""
    concerns = list(selectors.concerns_reported_by(request.user)[:100])
    rows = [{"concern": c, "status": selectors.CommissionerStatus.of(c.case)} for c in concerns]
    return render(request, "cases/my_concerns.html", {"rows": rows})


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
    today = timezone.localdate()
    this_year = today.year if today.month >= 4 else today.year - 1  # Japanese fiscal year, from April
    counts = ContactLog.objects.filter(
        commissioner=request.user, occurred_on__gte=f"{this_year}-04-01"
    ).aggregate(
        consultation=Count("pk", filter=Q(kind=ContactLog.Kind.CONSULTATION)),
        liaison=Count("pk", filter=Q(kind=ContactLog.Kind.LIAISON)),
    )
    recent = ContactLog.objects.filter(commissioner=request.user).order_by("-occurred_on", "-pk")[:20]
    return render(
        request,
        "cases/contact_log.html",
        {"form": form, "counts": counts, "recent": recent, "fiscal_year": this_year},
    )


# --- the inbox and the case page -----------------------------------------------------------------


@login_required
@permission_required("cases.take_intake", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.inbox(request.user)[:200])
    return render(request, "cases/inbox.html", {"cases": cases})


def _action_forms(overview) -> dict:
    case = overview.case
    initial = {"version": case.version}
    context: dict = {}
    if overview.can_lead:
        if case.state in OPEN_STATES:
            context["withdraw_form"] = forms.WithdrawForm(initial=initial)
        if case.state in (
            CaseState.SHARING,
            CaseState.TEAM_MEETING,
            CaseState.REFERRED,
            CaseState.GUARDIANSHIP,
            CaseState.WATCHING,
        ):
            context["disclosure_form"] = forms.DisclosureForm(case=case)
        if case.state == CaseState.SHARING:
            context["meeting_form"] = forms.MeetingForm(case=case, initial=initial)
        if case.state == CaseState.TEAM_MEETING:
            context["decide_form"] = forms.OutcomeForm(
                initial=initial,
                outcomes=[
                    (s.value, s.label)
                    for s in (
                        CaseState.REFERRED,
                        CaseState.GUARDIANSHIP,
                        CaseState.WATCHING,
                        CaseState.CLOSED,
                    )
                ],
            )
        if case.state in (CaseState.REFERRED, CaseState.GUARDIANSHIP):
            # Offered as soon as nothing holds the case (every referral settled…); until then the
            # page says what it waits for, so that no case silently stays open.
            context["conclusion_blockers"] = lifecycle.blockers_of_conclusion(case)
            if not context["conclusion_blockers"]:
                context["conclude_form"] = forms.OutcomeForm(
                    initial=initial,
                    outcomes=[(s.value, s.label) for s in (CaseState.WATCHING, CaseState.CLOSED)],
                )
        if case.state in (CaseState.WATCHING, CaseState.CLOSED):
            context["reopen_form"] = forms.VersionedForm(initial=initial)
        if case.state == CaseState.WATCHING:
            context["close_form"] = forms.VersionedForm(initial=initial)
        if case.state in (CaseState.NOTICED, CaseState.SHARING):
            context["escalate_form"] = forms.EscalateForm(initial=initial)
    if overview.can_contribute and case.state in OPEN_STATES:
        context["consent_form"] = forms.ConsentForm(initial={"obtained_on": timezone.localdate()})
    if overview.can_contribute and case.state == CaseState.WATCHING:
        context["watch_form"] = forms.ScheduleWatchVisitForm(case=case)
    return context


@login_required
def case_detail(request: HttpRequest, case_id) -> HttpResponse:
    case = selectors.case_for(request.user, case_id)
    overview = selectors.case_overview(request.user, case)
    if overview.fields_read:
        audit.record(
            "case.viewed",
            actor=request.user,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=overview.fields_read,
            purpose="case_work",
        )
    sections = [
        section
        for _receiver, found in case_page_sections.send(
            sender=Case, actor=request.user, case=case, overview=overview
        )
        for section in found
    ]
    can_take_intake = (
        case.state == CaseState.NOTICED
        and request.user.has_perm("cases.take_intake")
        and "view_case" in overview.held
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "o": overview,
            "case": case,
            "can_take_intake": can_take_intake,
            "can_break_glass": request.user.has_perm("cases.break_glass"),
            "sections": sections,
            **forms.with_distinct_ids(_action_forms(overview)),
        },
    )


def _run(request: HttpRequest, case_id, action, codename: str = "view_case") -> HttpResponse:
    """Run a service for the case page and come back to it, with the outcome as a message.

    Who does not hold ``codename`` — the permission the action's service asks for — is refused
    (and audited) before their input is even read: an empty form must not tell someone who may
    only see the case what the form would have wanted."""
    case = selectors.case_for(request.user, case_id, codename)
    report_outcome(request, lambda: action(case))
    if not has_case_permission(request.user, case, "view_case"):
        return redirect("home")
    return redirect("cases:case_detail", case_id=case.pk)


@require_POST
@login_required
def case_accept(request: HttpRequest, case_id) -> HttpResponse:
    form = forms.VersionedForm(request.POST)
    return _run(
        request,
        case_id,
        lambda case: intake.accept_intake(
            actor=request.user, case=case, expected_version=form_data_or_error(request, form)["version"]
        ),
    )


@require_POST
@login_required
def case_escalate(request: HttpRequest, case_id) -> HttpResponse:
    form = forms.EscalateForm(request.POST)

    def act(case):
        data = form_data_or_error(request, form)
        intake.escalate_urgent(
            actor=request.user,
            case=case,
            expected_version=data["version"],
            ward_office=data["ward_office"],
            legal_basis=data["legal_basis"],
            reference=data["reference"],
        )

    return _run(request, case_id, act)


@require_POST
@login_required
def case_consent(request: HttpRequest, case_id) -> HttpResponse:
    form = forms.ConsentForm(request.POST)

    def act(case):
        data = form_data_or_error(request, form)
        sharing.record_consent(
            actor=request.user,
            case=case,
            purpose=data["purpose"],
            recipients=list(data["recipients"]),
            method=data["method"],
            representative=data["representative"],
            obtained_on=data["obtained_on"],
            valid_until=data["valid_until"],
        )

    return _run(request, case_id, act, "change_case")


@require_POST
@login_required
def case_schedule_watch_visit(request: HttpRequest, case_id) -> HttpResponse:
    def act(case):
        data = form_data_or_error(request, forms.ScheduleWatchVisitForm(request.POST, case=case))
        lifecycle.schedule_watch_visit(
            actor=request.user, case=case, due_on=data["due_on"], assigned_to=data["assigned_to"]
        )

    return _run(request, case_id, act, "change_case")


@require_POST
@login_required
def case_end_access(request: HttpRequest, case_id, grant_id) -> HttpResponse:
    from cases.models import CaseAccessGrant

    def act(case):
        grant = get_object_or_404(CaseAccessGrant, case=case, pk=grant_id, revoked_at__isnull=True)
        sharing.end_access(actor=request.user, grant=grant)

    return _run(request, case_id, act, "lead_case")


@require_POST
@login_required
def case_consent_withdraw(request: HttpRequest, case_id, consent_id) -> HttpResponse:
    def act(case):
        consent = get_object_or_404(case.consents, pk=consent_id)
        sharing.withdraw_consent(actor=request.user, consent=consent)

    return _run(request, case_id, act, "change_case")


@require_POST
@login_required
def case_disclose(request: HttpRequest, case_id) -> HttpResponse:
    def act(case):
        data = form_data_or_error(request, forms.DisclosureForm(request.POST, case=case))
        sharing.disclose(
            actor=request.user,
            case=case,
            recipient=data["recipient"],
            field_groups=data["field_groups"],
            legal_basis=data["legal_basis"],
            consent=data["consent"],
            reference=data["reference"],
            purpose=data["purpose"],
        )

    return _run(request, case_id, act, "lead_case")


@require_POST
@login_required
def case_schedule_meeting(request: HttpRequest, case_id) -> HttpResponse:
    def act(case):
        data = form_data_or_error(request, forms.MeetingForm(request.POST, case=case))
        attendees = []
        for user in data["attendees"]:
            membership = user.memberships.select_related("organisation").first()
            attendees.append((user, membership.organisation))
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


def _transition_view(name: str, form_class=forms.VersionedForm, codename: str = "lead_case", **fixed):
    @require_POST
    @login_required
    def view(request: HttpRequest, case_id) -> HttpResponse:
        def act(case):
            data = form_data_or_error(
                request, form_class(request.POST, **fixed) if fixed else form_class(request.POST)
            )
            extra = {k: v for k, v in data.items() if k != "version"}
            getattr(lifecycle, name)(actor=request.user, case=case, expected_version=data["version"], **extra)

        return _run(request, case_id, act, codename)

    return view


case_decide = _transition_view(
    "decide",
    forms.OutcomeForm,
    outcomes=[
        (s.value, s.label)
        for s in (CaseState.REFERRED, CaseState.GUARDIANSHIP, CaseState.WATCHING, CaseState.CLOSED)
    ],
)
case_conclude = _transition_view(
    "conclude",
    forms.OutcomeForm,
    outcomes=[(s.value, s.label) for s in (CaseState.WATCHING, CaseState.CLOSED)],
)
case_close = _transition_view("close")
case_reopen = _transition_view("reopen")
# The reporter may withdraw their own concern before intake with nothing more than its status.
case_withdraw = _transition_view("withdraw", forms.WithdrawForm, codename="view_case_status")


@login_required
def case_break_glass(request: HttpRequest, case_id) -> HttpResponse:
    """Emergency access to a case the user has no grant on: only with a reason, and reviewed."""
    if not request.user.has_perm("cases.break_glass"):
        raise PermissionDenied

    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied
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
    page = selectors.meeting_for(request.user, meeting_id)  # refuses, audited, before any input is read
    meeting, attendance = page.meeting, page.attendance
    if request.method == "POST" and attendance is not None and "acknowledge" in request.POST:
        try:
            meetings.acknowledge_confidentiality(actor=request.user, meeting=meeting)
        except CaseRuleError as error:  # the consent it rests on no longer covers the attendee
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("守秘義務を確認しました。"))
        return redirect("cases:meeting_detail", meeting_id=meeting.pk)
    hold_form = None
    if page.can_lead and not meeting.is_held:
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
            "attendance": attendance,
            "hold_form": hold_form,
            "shows_content": page.shows_content,
            # an attendee who acknowledged, whose time-boxed access has ended
            "access_ended": attendance is not None
            and attendance.acknowledged_at is not None
            and not page.shows_content,
        },
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The meetings the actor is asked to attend, their open action items and watch visits."""
    today = timezone.localdate()
    meetings = (
        MeetingAttendance.objects.filter(user=request.user, meeting__held_at__isnull=True)
        .select_related("meeting")
        .order_by("meeting__scheduled_for")
    )
    items = (
        ActionItem.objects.filter(owner=request.user, done_at__isnull=True)
        .select_related("meeting__case")
        .order_by("due_on")
    )
    visits = (
        WatchVisit.objects.filter(assigned_to=request.user, visited_on__isnull=True)
        .select_related("case")
        .order_by("due_on")
    )
    return render(
        request,
        "cases/my_tasks.html",
        {
            "meetings": meetings,
            "items": items,
            "today": today,
            # One form per visit, each with ids of its own.
            "visit_rows": [
                (visit, forms.WatchVisitForm(initial={"visited_on": today}, auto_id=f"visit-{visit.pk}-%s"))
                for visit in visits
            ],
        },
    )


@require_POST
@login_required
def action_item_done(request: HttpRequest, item_id) -> HttpResponse:
    item = ActionItem.objects.select_related("meeting__case").filter(pk=item_id).first()
    if item is None:  # refused as an item of someone else's would be: existence is not told
        deny(request.user, action="complete_action_item")
    meetings.complete_action_item(actor=request.user, item=item)
    messages.success(request, _("完了にしました。"))
    return redirect("cases:my_tasks")


@require_POST
@login_required
def watch_visit_record(request: HttpRequest, visit_id) -> HttpResponse:
    visit = WatchVisit.objects.select_related("case").filter(pk=visit_id).first()
    # Who may not record it is refused before the form is read: an empty form must not tell them
    # that the visit exists.
    if visit is None:
        deny(request.user, action="record_watch_visit")
    require_case_permission(request.user, visit.case, "change_case", action="record_watch_visit")
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
    from cases.models import BreakGlassAccess

    if request.method == "POST":
        form = forms.BreakGlassReviewForm(request.POST)
        access = (
            BreakGlassAccess.objects.filter(pk=form.cleaned_data["access"]).first()
            if form.is_valid()
            else None
        )
        if access is None:
            messages.error(request, _("確認する緊急アクセスが見つかりません。一覧から選び直してください。"))
        else:
            sharing.review_break_glass(actor=request.user, access=access)
            messages.success(request, _("確認済みにしました。"))
        return redirect("cases:break_glass_reviews")
    accesses = list(
        BreakGlassAccess.objects.select_related(
            "user", "grant", "reviewed_by", "case__person__data_key"
        ).order_by("reviewed_at", "-started_at")[:200]
    )
    for access in accesses:  # the reason is the justification under review: reading it is recorded
        audit.record(
            "case.viewed",
            actor=request.user,
            target=access.case,
            case_id=access.case_id,
            fields=["break_glass.reason"],
            purpose="emergency",
        )
    return render(request, "cases/break_glass_reviews.html", {"accesses": accesses})
