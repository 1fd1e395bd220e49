from django.urls import path

from guardianship import views

app_name = "guardianship"

urlpatterns = [
    path("", views.centre_home, name="home"),
    path("matters/<uuid:matter_id>/", views.matter_detail, name="matter"),
    *(
        path(
            f"matters/<uuid:matter_id>/{action}/",
            views.matter_action,
            {"action": action},
            name=f"matter_{action}",
        )
        for action in views.MATTER_ACTIONS
    ),
    path("complaints/<uuid:complaint_id>/close/", views.complaint_close, name="complaint_close"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("proposals/<int:proposal_id>/choose/", views.proposal_choose, name="proposal_choose"),
    path("proposals/<int:proposal_id>/answer/", views.proposal_answer, name="proposal_answer"),
    path("candidates/", views.candidates, name="candidates"),
    path("reports/", views.my_reports, name="my_reports"),
    path("reports/<uuid:report_id>/submit/", views.report_submit, name="report_submit"),
]
