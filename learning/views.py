from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.exceptions import CaseRuleError
from cases.web import Action, act_or_show_form, action_view, show_refusal, with_version
from learning import examples, selectors, services
from learning.forms import (
    AgendaItemForm,
    ConveneForm,
    ExampleEditForm,
    ExampleReviewForm,
    ExampleSubmitForm,
    OutcomeForm,
    ProposeForm,
    RaiseForm,
    ReviewFindingForm,
    ShowExampleForm,
)
from learning.models import ReviewItem

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


REVIEW_ACTIONS = {
    "item": Action(
        _("議題を加える"),
        _("議題にする"),
        AgendaItemForm,
        services.add_review_item,
        "meeting",
        form_kwargs=lambda meeting, actor: {"districts": selectors.review_districts(meeting)},
        done_message=_("議題に加えました。"),
    ),
}
ITEM_ACTIONS = {
    "finding": Action(
        _("検討の結果を記録する"),
        _("記録する"),
        ReviewFindingForm,
        services.record_review,
        "item",
        initial=lambda item: {
            "version": item.version,
            "analysis": item.analysis,
            "proposal": item.proposal,
            "addressed_to": item.addressed_to,
        },
    ),
    "outcome": Action(
        _("回答・結果を記録する"),
        _("記録する"),
        OutcomeForm,
        services.record_outcome,
        "item",
        initial=lambda item: {"version": item.version, "outcome": item.outcome},
        done_message=_("回答・結果を記録しました。課題を挙げた職員に通知しました。"),
    ),
}


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """The review meetings the user convenes or attends; the ward office convenes another here."""
    page = selectors.reviews_page(request.user, convening=request.method == "POST")  # refuses, recorded
    form = None
    if page.places:
        form = ConveneForm(request.POST or None, places=page.places, candidates=page.candidates)
        if request.method == "POST" and form.is_valid():
            try:
                meeting = services.convene_review(actor=request.user, **form.service_arguments())
            except CaseRuleError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("実務者検討会議を設定しました。出席者に通知しました。"))
                return redirect("learning:review", meeting.pk)
    return render(request, "learning/reviews.html", {"o": page, "form": form})


@login_required
def review(request: HttpRequest, review_id) -> HttpResponse:
    """A review meeting: its attendees, and its agenda once the reader may read it."""
    page = selectors.review_page(request.user, review_id)  # refuses, recorded
    actions = []
    if page.is_convener:
        actions = [
            (reverse(f"learning:review_{name}", args=[page.meeting.pk]), action.title)
            for name, action in REVIEW_ACTIONS.items()
        ]
    return render(
        request, "learning/review.html", {"o": page, "actions": actions, "item_actions": ITEM_ACTIONS}
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, review_id) -> HttpResponse:
    meeting = selectors.attended_review(request.user, review_id)  # refuses, recorded
    services.acknowledge_review(actor=request.user, meeting=meeting)
    messages.success(request, _("守秘義務を確認しました。議題を表示します。"))
    return redirect("learning:review", meeting.pk)


def _review_page(request: HttpRequest, obj) -> str:
    meeting = obj.meeting if isinstance(obj, ReviewItem) else obj
    return reverse("learning:review", args=[meeting.pk])


review_action = action_view(selectors.meeting_to_convene, REVIEW_ACTIONS, _review_page)
item_action = action_view(selectors.item_to_record, ITEM_ACTIONS, _review_page)


PROPOSE_EXAMPLE = Action(
    _("事例として提案する（事例検討・公表）"),
    _("下書きを作る"),
    ProposeForm,
    examples.propose_example,
    "case",
    done_message=_("匿名化した下書きを作りました。内容を確かめて直してから、審査を依頼してください。"),
)
EXAMPLE_ACTIONS = {
    "edit": Action(
        _("本文を直す"),
        _("保存する"),
        ExampleEditForm,
        examples.edit_example,
        "example",
        initial=lambda example: {"version": example.version, "title": example.title, "body": example.body},
    ),
    "submit": Action(
        _("審査を依頼する"),
        _("審査を依頼する"),
        ExampleSubmitForm,
        examples.submit_example,
        "example",
        initial=with_version,
        done_message=_("審査を依頼しました。"),
    ),
    "review": Action(
        _("審査する"),
        _("記録する"),
        ExampleReviewForm,
        examples.review_example,
        "example",
        initial=with_version,
    ),
}
REVIEW_ACTIONS["example"] = Action(
    _("事例を示す"),
    _("示す"),
    ShowExampleForm,
    examples.show_example,
    "meeting",
    form_kwargs=lambda meeting, actor: {"examples": selectors.examples_to_show(meeting)},
    done_message=_("事例を示しました。"),
)


@login_required
def propose_example(request: HttpRequest, case_id) -> HttpResponse:
    """The case page's panel: a draft example from the case, by its lead."""
    case = selectors.case_to_propose(request.user, case_id)  # refused before the form is read
    back = reverse("cases:case_detail", args=[case.pk])
    return act_or_show_form(
        request,
        PROPOSE_EXAMPLE,
        case,
        done=lambda example: reverse("learning:example", args=[example.pk]),
        back=back,
    )


@login_required
def examples_list(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/examples.html", {"o": selectors.examples_page(request.user)})


@login_required
def example(request: HttpRequest, example_id) -> HttpResponse:
    page = selectors.example_page(request.user, example_id)  # refuses, recorded
    return render(request, "learning/example.html", {"o": page, "example_actions": EXAMPLE_ACTIONS})


@login_required
def example_text(request: HttpRequest, example_id) -> HttpResponse:
    """An approved example as a text file (UTF-8), for its lead or the officer: recorded."""
    found = selectors.example_to_export(request.user, example_id)
    response = HttpResponse(f"{found.title}\n\n{found.body}\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="example_{timezone.localdate():%Y%m%d}.txt"'
    return response


def _example_page(request: HttpRequest, found) -> str:
    return reverse("learning:example", args=[found.pk])


example_action = action_view(selectors.example_to_act_on, EXAMPLE_ACTIONS, _example_page)
