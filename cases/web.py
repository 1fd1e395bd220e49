"""What every screen of the workflow does with a service's outcome: shared by the apps' views, so
that no app imports another's views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.exceptions import CaseRuleError, Conflict


def report_outcome(request: HttpRequest, act) -> bool:
    """Run ``act()``; say on the next page that it was recorded, or why nothing changed."""
    try:
        act()
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("記録しました。"))
        return True
    return False


def form_data_or_error(request, form) -> dict:
    if not form.is_valid():
        raise CaseRuleError(
            [
                f"{form.fields[f].label if f in form.fields else ''}: {e}"
                for f, es in form.errors.items()
                for e in es
            ]
        )
    return form.cleaned_data


def form_action(form_class, service, target: str, *, via=None, form_kwargs=None, **renamed):
    """A page's action as a service call: ``act(request, obj)`` validates the posted form, then calls
    ``service`` with the actor, the object acted on as keyword ``target`` and the form's fields as
    keywords — ``version`` as ``expected_version``, others renamed as given (``on="filed_on"``).
    ``via`` finds the object the service acts on from the page's (a matter's current petition);
    ``form_kwargs(obj)`` gives the form what it offers choices from (the case of a disclosure form)."""
    names = {"version": "expected_version", **renamed}

    def act(request: HttpRequest, obj):
        data = form_data_or_error(
            request, form_class(request.POST, **(form_kwargs(obj) if form_kwargs else {}))
        )
        return service(
            actor=request.user,
            **{target: via(obj) if via else obj},
            **{names.get(name, name): value for name, value in data.items()},
        )

    return act


def action_view(find, actions: dict, next_page):
    """The view of one kind of object's actions, ``actions[action](request, obj)`` (see
    ``form_action``; the URL pattern passes ``action``): the object is found for the actor first by
    ``find(actor, object_id)`` — a selector that refuses, recorded, before any input is read —,
    the outcome is reported, and ``next_page(request, obj)`` (a URL) follows."""

    @require_POST
    @login_required
    def view(request: HttpRequest, action: str, **object_id) -> HttpResponse:
        (found,) = object_id.values()
        obj = find(request.user, found)
        report_outcome(request, lambda: actions[action](request, obj))
        return redirect(next_page(request, obj))

    return view
