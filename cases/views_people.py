"""Screens that change a case's person, household and supporters. Thin: the page's selector
refuses (recorded) before any input is read; on an error the form comes back with what was typed
and the error beside its field, and nothing is changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.exceptions import CaseRuleError, Conflict
from cases.forms_people import (
    EndMembershipForm,
    ExistingMemberForm,
    HouseholdMemberForm,
    IdentityForm,
    SupporterForm,
)
from cases.selectors import people as selectors
from cases.services import people as services
from cases.vocabulary import FieldGroup
from cases.web import Action, act_or_show_form


def _saved(request: HttpRequest, form, act) -> bool:
    """Run ``act(cleaned_data)`` for a valid form; a refused rule goes beside its field."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        act(form.cleaned_data)
    except Conflict as conflict:  # what was typed stays; the page must be opened again to save
        form.add_error(None, str(conflict))
        return False
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
    current = {**page.current, "version": page.version} if page.current else None
    form = IdentityForm(request.POST or None, fields=page.fields, current=current)

    def act(data):
        services.update_person_identity(
            actor=request.user,
            case=page.case,
            expected_version=data["version"],
            **{name: data[name] for name in page.fields},
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


def _add_existing(*, actor, case, person, **rest):
    """The chosen id as a person (refused, recorded, when it names none), then the service, which
    refuses one the actor may not see the same way."""
    chosen = selectors.person_to_add(actor, case, person)
    return services.add_existing_household_member(actor=actor, case=case, person=chosen, **rest)


def _end_membership(*, actor, found, ended_on):
    return services.end_household_membership(
        actor=actor, case=found.case, member=found.member, ended_on=ended_on
    )


ADD_EXISTING_MEMBER = Action(
    gettext_lazy("登録済みの人を世帯員に加える"),
    gettext_lazy("世帯員に加える"),
    ExistingMemberForm,
    _add_existing,
    "case",
    form_kwargs=lambda case, actor: {
        "candidates": lambda query: selectors.household_candidates(actor, case, query)
    },
    done_message=gettext_lazy("世帯員に加えました。"),
)
END_MEMBERSHIP = Action(
    gettext_lazy("世帯を離れたことを記録する"),
    gettext_lazy("記録する"),
    EndMembershipForm,
    _end_membership,
    "found",
    form_kwargs=lambda found, actor: {
        "about": _(
            "%(who)sが世帯を離れた日を記録します。"
            "記録は残り、ケースの画面では「以前の世帯員」に表示されます。"
        )
        % {"who": found.who}
    },
    initial=lambda found: {"ended_on": timezone.localdate()},
    done_message=gettext_lazy("世帯を離れたことを記録しました。"),
)


def _household_of(case) -> str:
    return reverse("cases:case_detail", args=[case.pk]) + "#household-title"


@login_required
def household_member_existing(request: HttpRequest, case_id) -> HttpResponse:
    case = selectors.existing_member_case(request.user, case_id)  # refused before input is read
    back = _household_of(case)
    return act_or_show_form(request, ADD_EXISTING_MEMBER, case, done=back, back=back)


@login_required
def household_member_end(request: HttpRequest, case_id, member_id) -> HttpResponse:
    found = selectors.membership_to_end(request.user, case_id, member_id)  # refused before input
    back = _household_of(found.case)
    return act_or_show_form(request, END_MEMBERSHIP, found, done=back, back=back)


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
