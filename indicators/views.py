from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators import selectors
from indicators.forms import YearForm


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The plan's indicators for the districts the user's organisations serve (today: ⑧)."""
    form = YearForm(request.GET)
    table = selectors.contacts_indicator(request.user, form.asked_year())
    return render(request, "indicators/index.html", {"form": form, "contacts": table})
