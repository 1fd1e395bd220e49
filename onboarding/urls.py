from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template_file, name="template"),
    path("<uuid:staged_id>/", views.confirm, name="confirm"),
]
