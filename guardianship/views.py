"""Thin adapters: the centre's home (matters, reports, matching meetings), a matter, the candidate
pool, a matching meeting, and an appointed guardian's reports."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import User
from audit import services as audit
from cases.access import deny
from cases.exceptions import CaseRuleError
from cases.forms import with_distinct_ids
from cases.web import form_data_or_error, report_outcome
from guardianship import forms, selectors, services
from guardianship.access import may_manage, require_matter_permission, require_report_permission
from guardianship.matching import explain
from guardianship.models import Complaint, MatchProposal, MonitoringReport
from guardianship.vocabulary import MatterState

S = MatterState


@login_required
def centre_home(request: HttpRequest) -> HttpResponse:
    matters = selectors.matters_for(request.user)
    if not matters.exists() and not request.user.has_perm("guardianship.manage_candidates"):
        deny(request.user, action="open_guardianship_centre")
    matching = matters.filter(state=S.CANDIDATE_MATCHING)
    staff = User.objects.filter(memberships__organisation__in=request.user.memberships.values("organisation"))
    form = forms.MatchingMeetingForm(request.POST or None, matters=matching, attendees=staff.distinct())
    if request.method == "POST":
        scheduled = {}

        def schedule():
            data = form_data_or_error(request, form)
            scheduled["meeting"] = services.schedule_matching_meeting(
                actor=request.user,
                matters=list(data["matters"]),
                scheduled_for=data["scheduled_for"],
                attendees=data["attendees"],
            )

        if report_outcome(request, schedule):
            return redirect("guardianship:meeting", meeting_id=scheduled["meeting"].pk)
        return redirect("guardianship:home")
    return render(
        request,
        "guardianship/home.html",
        {
            "matters": list(matters),
            "meeting_form": form if matching.exists() else None,
            "report": selectors.centre_report(request.user),
        },
    )


def _matter_forms(o: selectors.MatterOverview) -> dict:
    matter = o.matter
    initial = {"version": matter.version}
    context: dict = {}
    steps = {
        S.INTAKE: [("start_assessment", _("検討（アセスメント）を始める"))],
        S.ASSESSMENT: [("form_team", _("チームづくりへ進む"))],
        S.TEAM_FORMATION: [],
        S.PETITION_PREPARATION: [("start_matching", _("候補者調整へ進む"))],
        S.APPOINTED: [("start_support", _("後見人等とともに支援を始める"))],
        S.SUPPORTING: [
            ("request_replacement", _("後見人等の交代（候補者調整へ戻る）")),
            ("end_matter", _("案件を終える")),
        ],
        S.ALTERNATIVE_SUPPORT: [("end_matter", _("案件を終える"))],
        S.DISMISSED: [("end_matter", _("案件を終える"))],
    }
    context["steps"] = steps.get(matter.state, [])
    if matter.state in (S.ASSESSMENT, S.TEAM_FORMATION, S.PETITION_PREPARATION, S.CANDIDATE_MATCHING):
        context["assessment_form"] = forms.AssessmentForm.for_matter(matter)
    if matter.state == S.ASSESSMENT:
        context["alternative_form"] = forms.AlternativeForm(initial=initial)
    if matter.state == S.TEAM_FORMATION:
        context["petition_form"] = forms.PetitionForm(initial=initial)
    if matter.state == S.CANDIDATE_MATCHING:
        context["file_form"] = forms.DateForm(initial=initial)
    if matter.state == S.FILED:
        context["ruling_form"] = forms.RulingForm(initial=initial)
    if any(a.is_active for a in o.appointments):
        context["complaint_form"] = forms.ComplaintForm()
        context["schedule_report_form"] = forms.ScheduleReportForm()
    if o.petition and matter.state in (S.PETITION_PREPARATION, S.CANDIDATE_MATCHING):
        context["document_statuses"] = forms.DocumentForm.base_fields["status"].choices
    return context


@login_required
def matter_detail(request: HttpRequest, matter_id) -> HttpResponse:
    o = selectors.matter_for(request.user, matter_id)
    if o.fields_read:
        audit.record(
            "guardianship.viewed",
            actor=request.user,
            organisation_id=o.matter.centre_id,
            target=o.matter,
            case_id=o.matter.case_id,
            person_id=o.matter.case.person_id,
            fields=o.fields_read,
            purpose="case_work",
        )
    if o.appointments:  # the guardians' names are the candidates' personal data
        audit.record(
            "guardianship.candidates_viewed",
            actor=request.user,
            target_type="guardianship.guardiancandidate",
            fields=["name"],
            params={"count": len(o.appointments)},
        )
    for item in o.agenda_items:
        item.explained = [(p, [explain(r) for r in p.reasons]) for p in item.proposals.all()]
    return render(
        request, "guardianship/matter.html", {"o": o, "m": o.matter, **with_distinct_ids(_matter_forms(o))}
    )


def _versioned(service):
    def act(request, matter):
        data = form_data_or_error(request, forms.VersionedForm(request.POST))
        service(actor=request.user, matter=matter, expected_version=data["version"])

    return act


def _assess(request, matter):
    data = form_data_or_error(request, forms.AssessmentForm(request.POST))
    version, providers = data.pop("version"), data.pop("care_providers")
    services.record_assessment(
        actor=request.user, matter=matter, expected_version=version, care_providers=providers, **data
    )


def _alternative(request, matter):
    data = form_data_or_error(request, forms.AlternativeForm(request.POST))
    services.choose_alternative(
        actor=request.user,
        matter=matter,
        expected_version=data["version"],
        alternative=data["alternative"],
        reason=data["reason"],
    )


def _petition(request, matter):
    data = form_data_or_error(request, forms.PetitionForm(request.POST))
    services.prepare_petition(actor=request.user, matter=matter, expected_version=data.pop("version"), **data)


def _document(request, matter):
    data = form_data_or_error(request, forms.DocumentForm(request.POST))
    petition = services.current_petition(matter)
    if petition is None:
        raise CaseRuleError(
            _("申立ての準備がまだ記録されていません。先に申立ての準備を記録してください。"),
            code="no_petition",
        )
    services.update_document(actor=request.user, petition=petition, kind=data["kind"], status=data["status"])


def _file(request, matter):
    data = form_data_or_error(request, forms.DateForm(request.POST))
    services.file_petition(
        actor=request.user, matter=matter, expected_version=data["version"], filed_on=data["on"]
    )


def _ruling(request, matter):
    data = form_data_or_error(request, forms.RulingForm(request.POST))
    services.record_ruling(
        actor=request.user,
        matter=matter,
        expected_version=data["version"],
        appointed=data["appointed"],
        ruled_on=data["on"],
    )


def _complaint(request, matter):
    data = form_data_or_error(request, forms.ComplaintForm(request.POST))
    services.record_complaint(actor=request.user, matter=matter, **data)


def _schedule_report(request, matter):
    data = form_data_or_error(request, forms.ScheduleReportForm(request.POST))
    appointment = matter.appointments.filter(ended_on__isnull=True).first()
    if appointment is None:
        raise CaseRuleError(
            _("後見人等が選任されていないため、報告の予定は立てられません。"), code="no_appointment"
        )
    services.schedule_report(actor=request.user, appointment=appointment, due_on=data["due_on"])


MATTER_ACTIONS = {
    "start_assessment": _versioned(services.start_assessment),
    "form_team": _versioned(services.form_team),
    "start_matching": _versioned(services.start_matching),
    "start_support": _versioned(services.start_support),
    "request_replacement": _versioned(services.request_replacement),
    "end_matter": _versioned(services.end_matter),
    "assess": _assess,
    "choose_alternative": _alternative,
    "prepare_petition": _petition,
    "document": _document,
    "file": _file,
    "ruling": _ruling,
    "complaint": _complaint,
    "schedule_report": _schedule_report,
}


@require_POST
@login_required
def matter_action(request: HttpRequest, matter_id, action: str) -> HttpResponse:
    matter = selectors.matter_for(request.user, matter_id).matter
    # Every action is the centre's: who may not act is refused before their input is read.
    require_matter_permission(request.user, matter, action=f"guardianship.{action}")
    report_outcome(request, lambda: MATTER_ACTIONS[action](request, matter))
    return redirect("guardianship:matter", matter_id=matter.pk)


@require_POST
@login_required
def complaint_close(request: HttpRequest, complaint_id) -> HttpResponse:
    complaint = Complaint.objects.select_related("matter__case").filter(pk=complaint_id).first()
    if complaint is None or not may_manage(request.user, complaint.matter):
        deny(request.user, action="close_complaint", case=complaint.matter.case if complaint else None)

    def close():
        data = form_data_or_error(request, forms.CloseComplaintForm(request.POST))
        services.close_complaint(actor=request.user, complaint=complaint, **data)

    report_outcome(request, close)
    return redirect("guardianship:matter", matter_id=complaint.matter_id)


@login_required
def meeting_detail(request: HttpRequest, meeting_id) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, meeting_id)
    items = []
    for item in meeting.items.select_related("matter__area").prefetch_related(
        "proposals__candidate__data_key", "proposals__backup__data_key"
    ):
        rows = [(p, [explain(r) for r in p.reasons]) for p in item.proposals.all()]
        items.append(
            {"item": item, "rows": rows, "chosen": any(p.status in ("selected", "accepted") for p, _ in rows)}
        )
    shown = [p.candidate for i in items for p, _ in i["rows"]]
    if shown:
        audit.record(
            "guardianship.candidates_viewed",
            actor=request.user,
            target_type="guardianship.guardiancandidate",
            fields=["name"],
            params={"count": len(shown)},
        )
    return render(
        request,
        "guardianship/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "choose_form": forms.ChooseForm(),
            "answer_form": forms.AnswerForm(),
        },
    )


def _proposal(request, proposal_id) -> MatchProposal:
    proposal = (
        MatchProposal.objects.select_related("item__matter__case", "item__meeting")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not may_manage(request.user, proposal.item.matter):
        deny(request.user, action="proposal", case=proposal.item.matter.case if proposal else None)
    return proposal


@require_POST
@login_required
def proposal_choose(request: HttpRequest, proposal_id) -> HttpResponse:
    proposal = _proposal(request, proposal_id)

    def choose():
        data = form_data_or_error(request, forms.ChooseForm(request.POST))
        services.choose_candidate(actor=request.user, proposal=proposal, reason=data["reason"])

    report_outcome(request, choose)
    return redirect("guardianship:meeting", meeting_id=proposal.item.meeting_id)


@require_POST
@login_required
def proposal_answer(request: HttpRequest, proposal_id) -> HttpResponse:
    proposal = _proposal(request, proposal_id)

    def answer():
        data = form_data_or_error(request, forms.AnswerForm(request.POST))
        services.record_candidate_answer(actor=request.user, proposal=proposal, accepted=data["accepted"])

    report_outcome(request, answer)
    return redirect("guardianship:meeting", meeting_id=proposal.item.meeting_id)


@login_required
def candidates(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("guardianship.manage_candidates"):
        deny(request.user, action="open_candidates")
    form = forms.CandidateForm(request.POST or None)
    if request.method == "POST":

        def register():
            data = form_data_or_error(request, form)
            services.register_candidate(actor=request.user, **data)

        report_outcome(request, register)
        return redirect("guardianship:candidates")
    pool = list(selectors.candidates_for(request.user).prefetch_related("areas")[:500])
    if pool:
        audit.record(
            "guardianship.candidates_viewed",
            actor=request.user,
            target_type="guardianship.guardiancandidate",
            fields=["name"],
            params={"count": len(pool)},
        )
    return render(request, "guardianship/candidates.html", {"pool": pool, "form": form})


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """An appointed guardian files their reports here."""
    reports = list(selectors.reports_due_to(request.user))
    return render(request, "guardianship/my_reports.html", {"reports": reports, "form": forms.ReportForm()})


@require_POST
@login_required
def report_submit(request: HttpRequest, report_id) -> HttpResponse:
    report = (
        MonitoringReport.objects.select_related("appointment__candidate", "appointment__matter__case")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        deny(request.user, action="guardianship.submit_report")
    require_report_permission(request.user, report, action="guardianship.submit_report")

    def submit():
        data = form_data_or_error(request, forms.ReportForm(request.POST))
        services.submit_report(actor=request.user, report=report, summary=data["summary"])

    report_outcome(request, submit)
    if may_manage(request.user, report.appointment.matter):
        return redirect("guardianship:matter", matter_id=report.appointment.matter_id)
    return redirect("guardianship:my_reports")
