from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template_file, name="template"),
    path("<uuid:staged_id>/", views.confirm, name="confirm"),
    path("people/", views.people_upload, name="people"),
    path("people/template.xlsx", views.people_template, name="people_template"),
    path("people/<uuid:staged_id>/", views.people_import, name="people_import"),
]
