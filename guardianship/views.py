"""Thin adapters: the centre's home (matters, reports, matching meetings), a matter, the candidate
pool, a matching meeting, and an appointed guardian's reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.exceptions import CaseRuleError
from cases.forms import with_distinct_ids
from cases.web import (
    action_view,
    form_action,
    show_refusal,
)
from guardianship import exports, forms, selectors, services
from guardianship.access import may_manage, require_pool_permission
from guardianship.actions import MATTER_ACTIONS, offered_on
from guardianship.vocabulary import MatterState
from printing import tables
from printing.pdf import pdf_response, render_pdf

S = MatterState


def _registered(request: HttpRequest, form, register) -> bool:
    """Run ``register(form)`` on a valid form: True when it was recorded; else the form carries
    the reasons, beside their fields, and keeps what was typed."""
    if not form.is_valid():
        return False
    try:
        register(form)
    except CaseRuleError as error:
        show_refusal(form, error)
        return False
    messages.success(request, gettext("記録しました。"))
    return True


@login_required
def centre_home(request: HttpRequest) -> HttpResponse:
    form = None
    if request.method == "POST":
        choices = selectors.meeting_choices(request.user)  # refuses, recorded, before the input is read
        form = forms.MatchingMeetingForm(request.POST, matters=choices.matters, attendees=choices.attendees)
        scheduled = {}

        def schedule(form):
            data = form.cleaned_data
            scheduled["meeting"] = services.schedule_matching_meeting(
                actor=request.user,
                matters=list(data["matters"]),
                scheduled_for=data["scheduled_for"],
                attendees=data["attendees"],
            )

        if _registered(request, form, schedule):
            return redirect("guardianship:meeting", meeting_id=scheduled["meeting"].pk)
    home = selectors.centre_home(request.user)
    choices = home.meeting_choices
    if form is None and choices:
        form = forms.MatchingMeetingForm(matters=choices.matters, attendees=choices.attendees)
    return render(
        request,
        "guardianship/home.html",
        {
            "matters": home.matters,
            "meeting_form": form,
            "form_open": form is not None and form.is_bound,
            "report": home.report,
            "durations": [
                (_("受付から申立てまで"), home.report.days_to_filing),
                (_("申立てから審判まで"), home.report.days_to_ruling),
            ],
        },
    )


# The steps the page offers as one button each (guardianship.actions.offered_on says which).
STEPS = {
    "start_assessment": _("検討（アセスメント）を始める"),
    "form_team": _("チームづくりへ進む"),
    "start_matching": _("候補者調整へ進む"),
    "start_support": _("後見人等とともに支援を始める"),
}


def _matter_forms(o: selectors.MatterOverview) -> dict:
    matter = o.matter
    offered = offered_on(o)
    initial = {"version": matter.version}
    context: dict = {"steps": [(name, label) for name, label in STEPS.items() if name in offered]}
    # Panels whose forms load when opened (their choices are read only then).
    context["end_panel"] = "end_matter" in offered
    if "add_team_member" in offered:
        context["team_panel"] = True
        context["team_open"] = matter.state == S.TEAM_FORMATION and not o.team
    if "request_replacement" in offered:
        context["replacement_form"] = forms.ReplacementForm(initial=initial)
    if "assess" in offered:
        context["assessment_form"] = forms.AssessmentForm.for_matter(matter)
    if "choose_alternative" in offered:
        context["alternative_form"] = forms.AlternativeForm(initial=initial)
    if "prepare_petition" in offered:
        context["petition_form"] = forms.PetitionForm(initial=initial)
    if "file" in offered:
        context["file_form"] = forms.DateForm(initial=initial)
    if "ruling" in offered:
        context["ruling_form"] = forms.RulingForm(initial=initial)
    if "complaint" in offered:
        context["complaint_form"] = forms.ComplaintForm()
        context["schedule_report_form"] = forms.ScheduleReportForm()
    if "documents" in offered:
        context["documents_form"] = forms.DocumentsForm(documents=o.petition.documents.all())
    return context


@login_required
def matter_detail(request: HttpRequest, matter_id) -> HttpResponse:
    o = selectors.matter_page(request.user, matter_id)
    return render(
        request, "guardianship/matter.html", {"o": o, "m": o.matter, **with_distinct_ids(_matter_forms(o))}
    )


@login_required
def petition_draft_pdf(request: HttpRequest, matter_id, document: str) -> HttpResponse:
    """本人情報シート or 申立事情説明書, drafted from what the matter records, to print."""
    draft = selectors.petition_draft(request.user, matter_id, document)
    matter = draft.overview.matter
    pdf = render_pdf(
        f"guardianship/documents/{document}.html",
        {"d": draft, "o": draft.overview, "m": matter, "p": draft.overview.petition},
        actor=request.user,
        title=str(draft.title),
        organisation=matter.centre,
        draft=True,
    )
    return pdf_response(pdf, f"{document.replace('_', '-')}_{matter.case.reference}_draft.pdf")


PETITION_DRAFTS = list(selectors.PETITION_DRAFTS)  # each at a URL of its own


def _matter_page(request, matter) -> str:
    return reverse("guardianship:matter", args=[matter.pk])


# Every action is the centre's: who may not act is refused before their input is read.
matter_action = action_view(selectors.matter_to_act_on, MATTER_ACTIONS, _matter_page)
team_member_action = action_view(
    selectors.team_member_to_remove,
    {"remove": form_action(forms.ConfirmForm, services.remove_team_member, "member")},
    lambda request, member: _matter_page(request, member.matter),
)


@login_required
def matching_review(request: HttpRequest, matter_id) -> HttpResponse:
    """Why each candidate not proposed for the matter was left out."""
    review = selectors.matching_review(request.user, matter_id, request.GET.get("page", 1))
    return render(request, "guardianship/matching_review.html", {"review": review, "m": review.matter})


complaint_action = action_view(
    selectors.complaint_to_close,
    {"close": form_action(forms.CloseComplaintForm, services.close_complaint, "complaint")},
    lambda request, complaint: _matter_page(request, complaint.matter),
)


@login_required
def meeting_detail(request: HttpRequest, meeting_id) -> HttpResponse:
    page = selectors.matching_meeting_page(request.user, meeting_id)
    return render(
        request,
        "guardianship/meeting.html",
        {
            "meeting": page.meeting,
            "items": page.items,
            "attendees": page.attendees,
            "outside": page.outside,
            "needs_acknowledgement": page.needs_acknowledgement,
        },
    )


@login_required
@require_POST
def meeting_acknowledge(request: HttpRequest, meeting_id) -> HttpResponse:
    """An attendee from a professional association or the ward office confirms confidentiality."""
    meeting = selectors.meeting_to_acknowledge(request.user, meeting_id)
    try:
        services.acknowledge_matching_meeting(actor=request.user, meeting=meeting)
    except CaseRuleError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("guardianship:meeting", meeting_id=meeting.pk)


proposal_action = action_view(
    selectors.proposal_to_decide,
    {
        "choose": form_action(forms.ChooseForm, services.choose_candidate, "proposal"),
        "answer": form_action(forms.AnswerForm, services.record_candidate_answer, "proposal"),
    },
    lambda request, proposal: reverse("guardianship:meeting", args=[proposal.item.meeting_id]),
)


@login_required
def candidates(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        require_pool_permission(request.user, action="open_candidates")  # before the input is read
        form = forms.CandidateForm(request.POST, matters=selectors.relative_matters(request.user))

        def register(form):
            services.register_candidate(actor=request.user, **form.service_arguments())

        if _registered(request, form, register):
            return redirect("guardianship:candidates")
    else:
        initial = {}
        if request.GET.get("relative_of"):  # from a matter's page: a relative of its person
            initial = {"kind": "relative", "relative_matter": request.GET["relative_of"]}
        form = forms.CandidateForm(initial=initial, matters=selectors.relative_matters(request.user))
    pool = selectors.candidate_pool(request.user)
    return render(
        request,
        "guardianship/candidates.html",
        {"pool": pool, "form": form, "form_open": form.is_bound or bool(request.GET.get("relative_of"))},
    )


@login_required
def candidates_file(request: HttpRequest, file_format: str) -> HttpResponse:
    """The candidate pool as Excel or CSV; too long a pool is refused with the reason on its page."""
    try:
        pool = selectors.candidate_pool_export(request.user, file_format)  # refuses, recorded
    except CaseRuleError as refusal:
        messages.error(request, refusal.messages[0])
        return redirect("guardianship:candidates")
    content = exports.candidates_file(pool, file_format)
    return tables.file_response(content, file_format, f"candidates_{timezone.localdate():%Y%m%d}")


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """An appointed guardian files their reports here."""
    reports = list(selectors.reports_due_to(request.user))
    return render(request, "guardianship/my_reports.html", {"reports": reports, "form": forms.ReportForm()})


def _after_report(request, report) -> str:
    """The centre returns to the matter; the guardian to their reports."""
    if may_manage(request.user, report.appointment.matter):
        return _matter_page(request, report.appointment.matter)
    return reverse("guardianship:my_reports")


report_action = action_view(
    selectors.report_to_submit,
    {"submit": form_action(forms.ReportForm, services.submit_report, "report")},
    _after_report,
)


@login_required
def council_meetings(request: HttpRequest) -> HttpResponse:
    """The ward guardianship council's meetings and participants (indicator 1-(3)), and a form for
    another."""
    page = selectors.council_page(request.user)  # refuses, recorded
    form = forms.CouncilMeetingForm(request.POST or None, areas=page.areas)
    if request.method == "POST" and _registered(
        request, form, lambda f: services.record_council_meeting(actor=request.user, **f.cleaned_data)
    ):
        return redirect("guardianship:council")
    return render(request, "guardianship/council.html", {"o": page, "form": form})


@login_required
@require_POST
def council_meeting_delete(request: HttpRequest, council_meeting_id: int) -> HttpResponse:
    """A meeting recorded by mistake taken back."""
    meeting = selectors.council_meeting_to_delete(request.user, council_meeting_id)  # refuses, recorded
    services.delete_council_meeting(actor=request.user, meeting=meeting)
    messages.success(request, gettext("記録を取り消しました。"))
    return redirect("guardianship:council")
