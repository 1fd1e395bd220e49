"""Screens that change a case's person, household and supporters. Thin: the page's selector
refuses (recorded) before any input is read; on an error the form comes back with what was typed
and the error beside its field, and nothing is changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.exceptions import CaseRuleError
from cases.forms_people import HouseholdMemberForm, IdentityForm, SupporterForm
from cases.selectors import people as selectors
from cases.services import people as services
from cases.vocabulary import FieldGroup


def _saved(request: HttpRequest, form, act) -> bool:
    """Run ``act(cleaned_data)`` for a valid form; a refused rule goes beside its field."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        act(form.cleaned_data)
    except CaseRuleError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("記録しました。"))
    return True


@login_required
def person_identity(request: HttpRequest, case_id) -> HttpResponse:
    page = selectors.people_form_page(
        request.user,
        case_id,
        "update_person_identity",
        needs_identity=False,
        read_current=request.method != "POST",
    )
    form = IdentityForm(request.POST or None, fields=page.fields, current=page.current)

    def act(data):
        services.update_person_identity(
            actor=request.user, case=page.case, **{name: data[name] for name in page.fields}
        )

    if _saved(request, form, act):
        return redirect("cases:case_detail", case_id=page.case.pk)
    return render(request, "cases/person_identity.html", {"form": form, "case": page.case})


@login_required
def household_member_new(request: HttpRequest, case_id) -> HttpResponse:
    page = selectors.people_form_page(request.user, case_id, "add_household_member")
    form = HouseholdMemberForm(request.POST or None)

    def act(data):
        services.add_household_member(actor=request.user, case=page.case, **data)

    if _saved(request, form, act):
        return redirect("cases:case_detail", case_id=page.case.pk)
    return render(request, "cases/household_member_new.html", {"form": form, "case": page.case})


@login_required
def supporter_new(request: HttpRequest, case_id) -> HttpResponse:
    page = selectors.people_form_page(request.user, case_id, "add_supporter")
    form = SupporterForm(request.POST or None, shows_contact=FieldGroup.CONTACT in page.groups)

    def act(data):
        services.add_supporter(actor=request.user, case=page.case, **data)

    if _saved(request, form, act):
        return redirect("cases:case_detail", case_id=page.case.pk)
    return render(request, "cases/supporter_new.html", {"form": form, "case": page.case})


@require_POST
@login_required
def supporter_end(request: HttpRequest, case_id, supporter_id) -> HttpResponse:
    page = selectors.people_form_page(request.user, case_id, "end_supporter")
    supporter = selectors.supporter_of(request.user, page.case, supporter_id)
    services.end_supporter(actor=request.user, case=page.case, supporter=supporter)
    messages.success(request, _("支援者の登録を終了しました。"))
    return redirect("cases:case_detail", case_id=page.case.pk)
