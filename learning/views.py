from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.web import Action, act_or_show_form
from learning import selectors, services
from learning.forms import RaiseForm

RAISE = Action(
    _("解決できない課題として挙げる"),
    _("挙げる"),
    RaiseForm,
    services.raise_systemic_issue,
    "case",
    form_kwargs=lambda case, actor: {"sources": selectors.raising_sources(case)},
    done_message=_("課題を挙げました。区の集計に件数として加わります。"),
)


@login_required
def raise_issue(request: HttpRequest, case_id) -> HttpResponse:
    """The raising form of a case (the case page's panel); on an error, the form again with what
    was typed and the reason beside its field — nothing is written."""
    case = selectors.case_for_raising(request.user, case_id)  # refused before the form is read
    back = reverse("cases:case_detail", args=[case.pk])
    return act_or_show_form(request, RAISE, case, done=back, back=back)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The ward's register: counts by category, district and month, small numbers hidden."""
    year = request.GET.get("year", "")
    page = selectors.register_page(request.user, int(year) if year.isdigit() else None)
    return render(request, "learning/register.html", {"o": page})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The issues the user raised."""
    return render(request, "learning/mine.html", {"issues": selectors.my_issues(request.user)})
