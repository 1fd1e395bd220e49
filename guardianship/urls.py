from django.urls import path

from guardianship import views
from guardianship.actions import MATTER_ACTIONS

app_name = "guardianship"

urlpatterns = [
    path("", views.centre_home, name="home"),
    path("matters/<uuid:matter_id>/", views.matter_detail, name="matter"),
    *(
        path(
            f"matters/<uuid:matter_id>/drafts/{document.replace('_', '-')}.pdf",
            views.petition_draft_pdf,
            {"document": document},
            name=f"draft_{document}",
        )
        for document in views.PETITION_DRAFTS
    ),
    *(
        path(
            f"matters/<uuid:matter_id>/{action}/",
            views.matter_action,
            {"action": action},
            name=f"matter_{action}",
        )
        for action in MATTER_ACTIONS
    ),
    path("matters/<uuid:matter_id>/matching/", views.matching_review, name="matching_review"),
    path(
        "team/<uuid:member_id>/remove/",
        views.team_member_action,
        {"action": "remove"},
        name="team_member_remove",
    ),
    path(
        "complaints/<uuid:complaint_id>/close/",
        views.complaint_action,
        {"action": "close"},
        name="complaint_close",
    ),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/acknowledge/", views.meeting_acknowledge, name="meeting_acknowledge"),
    *(
        path(
            f"proposals/<int:proposal_id>/{action}/",
            views.proposal_action,
            {"action": action},
            name=f"proposal_{action}",
        )
        for action in ("choose", "answer")
    ),
    path("candidates/", views.candidates, name="candidates"),
    path(
        "candidates/candidates.xlsx", views.candidates_file, {"file_format": "xlsx"}, name="candidates_xlsx"
    ),
    path("candidates/candidates.csv", views.candidates_file, {"file_format": "csv"}, name="candidates_csv"),
    path("council/", views.council_meetings, name="council"),
    path(
        "council/<int:council_meeting_id>/delete/",
        views.council_meeting_delete,
        name="council_meeting_delete",
    ),
    path("reports/", views.my_reports, name="my_reports"),
    path("reports/<uuid:report_id>/submit/", views.report_action, {"action": "submit"}, name="report_submit"),
]
