from django.urls import path

from disaster import views

app_name = "disaster"

urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.register, name="register"),
    path("people/<str:registration_id>/", views.registration, name="registration"),
    path("agreements/<int:agreement_id>/issue/", views.issue_new, name="issue_new"),
    path("issues/<int:issue_id>/", views.issue, name="issue"),
    path("issues/<int:issue_id>/pdf/", views.issue_pdf, name="issue_pdf"),
    path("issues/<int:issue_id>/xlsx/", views.issue_xlsx, name="issue_xlsx"),
    path("declare/", views.declare, name="declare"),
    path("checks/", views.checks, name="checks"),
    path("declarations/<int:declaration_id>/", views.declaration, name="declaration"),
    path("declarations/<int:declaration_id>/end/", views.end, name="end"),
]
