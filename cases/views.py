"""Screens over persons. Every page that shows decrypted identity fields records who saw them."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit import services as audit
from cases.forms import PersonSearchForm
from cases.selectors import find_people, find_people_for_access_report

SEARCH_RESULT_FIELDS = ("name", "kana", "birth_date")


def _search(request: HttpRequest, finder) -> tuple[PersonSearchForm, list | None]:
    # The query travels in a POST body: a name must never appear in a URL or an access log.
    form = PersonSearchForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return form, None
    return form, list(
        finder(request.user, form.cleaned_data["q"]).select_related("data_key", "registered_by")
    )


@login_required
@permission_required("cases.view_person", raise_exception=True)
def person_search(request: HttpRequest) -> HttpResponse:
    form, people = _search(request, find_people)
    if people:
        audit.record_people_shown(
            actor=request.user, people=people, fields=SEARCH_RESULT_FIELDS, purpose="search"
        )
    return render(request, "cases/person_search.html", {"form": form, "people": people})


@login_required
@permission_required("audit.view_access_report", raise_exception=True)
def person_lookup_for_report(request: HttpRequest) -> HttpResponse:
    """The privacy officer finds whom a disclosure request is about: ids only, no content."""
    form, people = _search(request, find_people_for_access_report)
    if people is not None:
        audit.record(
            "person.searched_for_report",
            actor=request.user,
            purpose="disclosure_request",
            params={"count": len(people), "people": [str(p.pk) for p in people]},
        )
    return render(request, "cases/person_lookup_for_report.html", {"form": form, "people": people})
