from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_search, name="event_search"),
    path("people/<uuid:person_id>/", views.access_report, name="access_report"),
    path("people/<uuid:person_id>/report.pdf", views.access_report_pdf, name="access_report_pdf"),
    path("chain/", views.chain_status, name="chain_status"),
    path("chain/verify/", views.verify_now, name="verify_now"),
    path("chain/checkpoint/", views.sign_checkpoint, name="sign_checkpoint"),
]
