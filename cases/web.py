"""What every screen of the workflow does with an action: its form, the service it calls, and what
the user sees after — shared by the apps' views, so that no app imports another's views.

An action's form lives at its own URL. GET shows it (a page of its own; for htmx, the form alone,
which the object's page loads into its panel in place); its POST, an ordinary form's, runs the
service and goes back to the object's page with "記録しました", or — on a form error, a refusal or
a conflict — shows the same form again on its page with what was typed and the reason beside it.
Nothing is lost to a typo.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.exceptions import CaseRuleError, Conflict

ACTION_PAGE = "cases/action.html"
ACTION_FORM = "cases/_action.html"


def report_outcome(request: HttpRequest, act, done: str = "") -> bool:
    """Run ``act()``; say on the next page that it was recorded (``done``), or why nothing changed."""
    try:
        act()
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done or _("記録しました。"))
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


@dataclass(frozen=True)
class Action:
    """One action of a page as a service call: the posted form's fields become the service's
    keywords — ``version`` as ``expected_version``, others renamed as given (``on="filed_on"``) —,
    the object acted on the keyword ``target``. ``via`` finds the object the service acts on from
    the page's (a matter's current petition); ``form_kwargs(obj, actor)`` gives the form what it
    offers choices from; ``initial(obj)`` what an empty form starts with (the object's version);
    ``done_message`` what the next page says (else "記録しました。")."""

    title: str
    button: str
    form_class: type
    service: Callable
    target: str
    via: Callable | None = None
    form_kwargs: Callable | None = None
    initial: Callable | None = None
    renamed: dict = field(default_factory=dict)
    done_message: str = ""

    def form(self, request: HttpRequest, obj):
        return self.bound_form(request.user, obj, request.POST if request.method == "POST" else None)

    def bound_form(self, actor, obj, data=None, prefix: str | None = None):
        """The form for ``obj``: filled with ``data`` (a posted form, an API call's body), or
        empty with what it starts with; ``prefix`` for one of several forms of one page."""
        kwargs = self.form_kwargs(obj, actor) if self.form_kwargs else {}
        kwargs["prefix"] = prefix
        if data is not None:
            return self.form_class(data, **kwargs)
        if self.initial:  # else what the form itself starts with
            kwargs["initial"] = self.initial(obj)
        return self.form_class(**kwargs)

    def run(self, request: HttpRequest, obj, form):
        # A form may say how its fields become the service's words (a date and a time as one).
        data = form.service_arguments() if hasattr(form, "service_arguments") else form.cleaned_data
        names = {"version": "expected_version", **self.renamed}
        return self.service(
            actor=request.user,
            **{self.target: self.via(obj) if self.via else obj},
            **{names.get(name, name): value for name, value in data.items()},
        )


def form_action(
    form_class, service, target: str, *, title="", button="", via=None, form_kwargs=None, **renamed
):
    """An ``Action`` in one line, for the tables of actions that views keep."""
    return Action(
        title=title,
        button=button,
        form_class=form_class,
        service=service,
        target=target,
        via=via,
        form_kwargs=form_kwargs,
        renamed=renamed,
    )


def show_refusal(form, error: CaseRuleError) -> None:
    """A service's refusal on the form: a reason about one of the service's arguments beside the
    field it came from (``form.service_fields`` names those that differ), the rest above."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    renamed = getattr(form, "service_fields", {})
    for name, messages_of_field in error.message_dict.items():
        name = renamed.get(name, name)
        for message in messages_of_field:
            form.add_error(name if name in form.fields else None, message)


def with_version(obj) -> dict:
    return {"version": obj.version}


def act_or_show_form(
    request: HttpRequest,
    action: Action,
    obj,
    *,
    done: str | Callable[[object], str],
    back: str,
    before_showing: Callable[[], None] | None = None,
) -> HttpResponse:
    """The view's answer for one action on ``obj`` (found, and the actor's permission checked,
    before this is called): the form, or the outcome (a form's ``about`` is a sentence shown
    above its fields). ``done`` is where a success goes (a URL, or
    a function of what the service returned), ``back`` the page the form belongs to.
    ``before_showing`` refuses (raises) whoever may not be shown the form: called before an empty
    form or one with input errors is shown, not before the service (which says why it refuses)."""
    form = action.form(request, obj)
    # Ids named for the action: a page may load several of these forms into its panels.
    form.auto_id = request.path.rstrip("/").rsplit("/", 1)[-1] + "-%s"
    # A form that searches within itself (a person to choose) says ``searching`` when its search
    # button was pressed: it comes back with what was found and the service is not called.
    if request.method == "POST" and not getattr(form, "searching", False) and form.is_valid():
        try:
            result = action.run(request, obj, form)
        except Conflict as conflict:
            form.add_error(None, str(conflict))
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, action.done_message or _("記録しました。"))
            done = done(result) if callable(done) else done
            return redirect(done)
    elif before_showing is not None:
        before_showing()
    context = {"form": form, "action": action, "url": request.path, "back": back}
    return render(request, ACTION_FORM if request.htmx else ACTION_PAGE, context)


def action_view(find, actions: dict[str, Action], next_page):
    """The view of one kind of object's actions, ``actions[action]`` (the URL pattern passes
    ``action``): the object is found for the actor first by ``find(actor, object_id)`` — a selector
    that refuses, recorded, before any input is read —, then ``act_or_show_form``;
    ``next_page(request, obj)`` (a URL) is where the form belongs and where a success goes."""

    @login_required
    def view(request: HttpRequest, action: str, **object_id) -> HttpResponse:
        if action not in actions:
            raise Http404
        (found,) = object_id.values()
        obj = find(request.user, found)
        page = next_page(request, obj)
        return act_or_show_form(request, actions[action], obj, done=page, back=page)

    return view
