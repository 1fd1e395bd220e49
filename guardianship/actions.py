"""A guardianship matter's actions as service calls (``cases.web.Action``): the steps of the
centre's work on it — one table for the matter page (guardianship/views.py) and the API
(api/views.py). Every action is the centre's."""

from django.utils.translation import gettext_lazy as _

from cases.access import deny
from cases.web import Action, form_action, with_version
from guardianship import forms, selectors, services
from guardianship.vocabulary import MatterState

S = MatterState


def _end_form_kwargs(matter, actor) -> dict:
    """The reasons the matter's state allows; after filing, the petition's court as the one that
    permits the withdrawal."""
    petition = services.current_petition(matter) if matter.state == S.FILED else None
    return {"state": matter.state, "court_id": petition.court_id if petition else None}


def _versioned(service):
    return form_action(forms.VersionedForm, service, "matter")


MATTER_ACTIONS = {
    "start_assessment": _versioned(services.start_assessment),
    "form_team": _versioned(services.form_team),
    "start_matching": _versioned(services.start_matching),
    "start_support": _versioned(services.start_support),
    "request_replacement": form_action(forms.ReplacementForm, services.request_replacement, "matter"),
    "end_matter": Action(
        _("案件を終える"),
        _("終える"),
        forms.EndMatterForm,
        services.end_matter,
        "matter",
        form_kwargs=_end_form_kwargs,
        initial=with_version,
    ),
    "add_team_member": Action(
        _("チームの構成員を記録する"), _("記録する"), forms.TeamMemberForm, services.add_team_member, "matter"
    ),
    "assess": form_action(forms.AssessmentForm, services.record_assessment, "matter"),
    "choose_alternative": form_action(forms.AlternativeForm, services.choose_alternative, "matter"),
    "prepare_petition": form_action(forms.PetitionForm, services.prepare_petition, "matter"),
    "documents": Action(
        _("申立書類の状況"),
        _("書類の状況を保存する"),
        forms.DocumentsForm,
        services.update_documents,
        "petition",
        via=selectors.current_petition_of,
        form_kwargs=lambda matter, actor: {"documents": selectors.petition_documents(matter)},
        done_message=_("書類の状況を保存しました。"),
    ),
    "file": form_action(forms.DateForm, services.file_petition, "matter", on="filed_on"),
    "ruling": form_action(forms.RulingForm, services.record_ruling, "matter", on="ruled_on"),
    "complaint": form_action(forms.ComplaintForm, services.record_complaint, "matter"),
    "schedule_report": form_action(
        forms.ScheduleReportForm, services.schedule_report, "appointment", via=selectors.active_appointment_of
    ),
}


# The steps and forms the matter page offers in each state (with the two below, which depend on
# more than the state).
_BY_STATE = {
    S.INTAKE: ["start_assessment"],
    S.ASSESSMENT: ["form_team", "assess", "choose_alternative"],
    S.TEAM_FORMATION: ["assess", "prepare_petition"],
    S.PETITION_PREPARATION: ["start_matching", "assess"],
    S.CANDIDATE_MATCHING: ["assess", "file"],
    S.FILED: ["ruling"],
    S.APPOINTED: ["start_support"],
    S.SUPPORTING: ["request_replacement"],
}


def offered_actions(state: str, *, petition: bool, guardian: bool) -> list[str]:
    """The actions the matter's page offers its centre (MATTER_ACTIONS' order): by the matter's
    state, whether a petition is being prepared (its documents) and whether a guardian is
    appointed now (complaints, reports) — for the page's forms and the API alike."""
    offered = set(_BY_STATE.get(state, []))
    if state not in (S.INTAKE, S.ENDED):
        offered.add("add_team_member")
    if state != S.ENDED:
        offered.add("end_matter")
    if guardian:
        offered |= {"complaint", "schedule_report"}
    if petition and state in (S.PETITION_PREPARATION, S.CANDIDATE_MATCHING):
        offered.add("documents")
    return [name for name in MATTER_ACTIONS if name in offered]


def offered_on(overview: selectors.MatterOverview) -> list[str]:
    """The actions the matter page offers, from what its page read."""
    return offered_actions(
        overview.matter.state,
        petition=overview.petition is not None,
        guardian=any(appointment.is_active for appointment in overview.appointments),
    )


def matter_for_form(actor, matter_id: object, action: str):
    """The matter whose action form is asked for, for its centre (refused, recorded, first) and
    only where the page offers that form (refused, recorded, otherwise); nothing decrypted."""
    matter = selectors.matter_to_act_on(actor, matter_id)
    offered = offered_actions(
        matter.state,
        petition=services.current_petition(matter) is not None,
        guardian=matter.appointments.filter(ended_on__isnull=True).exists(),
    )
    if action not in offered:
        deny(actor, action=f"open_form:{action}", case=matter.case)
    return matter
