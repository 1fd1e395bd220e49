from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("cases/<uuid:case_id>/raise/", views.raise_issue, name="raise"),
]
