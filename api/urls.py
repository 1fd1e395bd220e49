from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("concerns/", views.ConcernCreate.as_view(), name="concerns"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
]
