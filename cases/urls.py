from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("people/search/", views.person_search, name="person_search"),
    path("people/lookup-for-report/", views.person_lookup_for_report, name="person_lookup_for_report"),
]
