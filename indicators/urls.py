from django.urls import path

from indicators import views
from printing import tables

app_name = "indicators"

urlpatterns = [
    path("", views.index, name="index"),
    path("trends/", views.trends, name="trends"),
    *(
        path(
            f"{table}.{file_format}",
            views.table_file,
            {"table": table, "file_format": file_format},
            name=f"{table}_{file_format}",
        )
        for table in views.TABLES
        for file_format in tables.CONTENT_TYPES
    ),
]
