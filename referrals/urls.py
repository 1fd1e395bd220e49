from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("referrals.xlsx", views.inbox_file, {"file_format": "xlsx"}, name="inbox_xlsx"),
    path("referrals.csv", views.inbox_file, {"file_format": "csv"}, name="inbox_csv"),
    path("case/<uuid:case_id>/new/", views.referral_new, name="new"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/summary.pdf", views.referral_summary_pdf, name="summary_pdf"),
    *(
        path(f"<uuid:referral_id>/{action}/", views.referral_action, {"action": action}, name=action)
        for action in views.ACTIONS
    ),
]
