from django.urls import path

from phones import views

app_name = "phones"

urlpatterns = [
    path("", views.my_phones, name="mine"),
    path("<int:phone_id>/revoke/", views.revoke, name="revoke"),
]
