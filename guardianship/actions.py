"""A guardianship matter's actions as service calls (``cases.web.Action``): the steps of the
centre's work on it — one table for the matter page (guardianship/views.py) and the API
(api/views.py). Every action is the centre's."""

from django.utils.translation import gettext_lazy as _

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
