from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:network_id>/", views.change, name="change"),
]
