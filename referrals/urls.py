from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("case/<uuid:case_id>/new/", views.referral_new, name="new"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    *(
        path(f"<uuid:referral_id>/{action}/", views.referral_action, {"action": action}, name=action)
        for action in views.ACTIONS
    ),
]
