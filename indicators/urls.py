from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.index, name="index"),
    *(
        path(
            f"contacts.{file_format}",
            views.contacts_file,
            {"file_format": file_format},
            name=f"contacts_{file_format}",
        )
        for file_format in views.EXPORTS
    ),
]
