from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators import exports, selectors
from indicators.forms import YearForm


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The plan's indicators for the districts the user's organisations serve (today: ⑧)."""
    form = YearForm(request.GET)
    table = selectors.contacts_indicator(request.user, form.asked_year())
    return render(request, "indicators/index.html", {"form": form, "contacts": table})


EXPORTS = {
    "xlsx": (exports.contacts_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (exports.contacts_csv, "text/csv; charset=utf-8"),
}


@login_required
def contacts_file(request: HttpRequest, file_format: str) -> HttpResponse:
    """⑧ as Excel or CSV, for the year the page shows (``?year=``)."""
    table = selectors.contacts_export(request.user, YearForm(request.GET).asked_year(), file_format)
    make, content_type = EXPORTS[file_format]
    response = HttpResponse(make(table), content_type=content_type)
    name = f"indicator-8_{table.fiscal_year}.{file_format}"  # no name of anyone: a year and a number
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
