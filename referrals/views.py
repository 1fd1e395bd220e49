"""Thin adapters: the agency's and the referrer's inboxes, one referral, and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.exceptions import CaseRuleError
from cases.forms import with_distinct_ids
from cases.web import action_view, form_action, form_data_or_error
from referrals import forms, selectors, services
from referrals.models import AWAITING_ANSWER, ReferralMessage, ReferralState

S = ReferralState
Kind = ReferralMessage.Kind


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    lists = selectors.referral_inbox(
        request.user, received_page=request.GET.get("received"), sent_page=request.GET.get("sent")
    )
    return render(
        request,
        "referrals/inbox.html",
        {"received": lists.received, "sent": lists.sent},
    )


@require_POST
@login_required
def referral_new(request: HttpRequest, case_id) -> HttpResponse:
    case = case_selectors.case_for(request.user, case_id, "view_case_status")
    try:
        data = form_data_or_error(request, forms.ReferralForm(request.POST, case=case))
        # The form's fields are the service's words: agency, fields, purpose, ground.
        referral = services.draft_referral(actor=request.user, case=case, **data)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("cases:case_detail", case_id=case.pk)
    messages.success(request, _("下書きを作りました。内容を確かめて送ってください。"))
    return redirect("referrals:detail", referral_id=referral.pk)


def _forms_for(view: selectors.ReferralView) -> dict:
    referral = view.referral
    initial = {"version": referral.version}
    context: dict = {}
    if view.is_referrer:
        if referral.state == S.DRAFT:
            context["send_form"] = forms.VersionedForm(initial=initial)
        if referral.state == S.RETURNED:
            context["answer_form"] = forms.TextForm(initial=initial, label=_("質問への回答"))
        if referral.is_open:
            context["withdraw_form"] = forms.TextForm(initial=initial, label=_("取り下げの理由"))
    if view.is_recipient:
        if referral.state in AWAITING_ANSWER:
            context["accept_form"] = forms.AcceptForm(initial=initial, referral=referral)
            context["ask_form"] = forms.TextForm(initial=initial, label=_("つなぐ側への質問"))
        if referral.state in (*AWAITING_ANSWER, S.RETURNED):
            context["decline_form"] = forms.TextForm(initial=initial, label=_("お断りの理由"))
        if referral.state == S.ACCEPTED:
            context["complete_form"] = forms.TextForm(initial=initial, label=_("支援の結果"))
    return context


@login_required
def referral_detail(request: HttpRequest, referral_id) -> HttpResponse:
    view = selectors.referral_page(request.user, referral_id)
    referral = view.referral
    if view.is_referrer:
        services.mark_seen_by_referrer(actor=request.user, referral=referral)
    return render(
        request, "referrals/detail.html", {"v": view, "r": referral, **with_distinct_ids(_forms_for(view))}
    )


def _text_action(service, keyword: str):
    return form_action(forms.TextForm, service, "referral", text=keyword)


def _accept(request, referral):
    data = form_data_or_error(request, forms.AcceptForm(request.POST, referral=referral))
    return services.accept_referral(
        actor=request.user, referral=referral, expected_version=data["version"], worker=data["worker"]
    )


def _send(request, referral):
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # a form without the version it was drawn from is stale by definition
    return services.send_referral(actor=request.user, referral=referral, expected_version=version)


ACTIONS = {
    "send": _send,
    "ask": _text_action(services.ask_question, "question"),
    "answer": _text_action(services.answer_question, "answer"),
    "accept": _accept,
    "decline": _text_action(services.decline_referral, "reason"),
    "complete": _text_action(services.complete_referral, "outcome"),
    "withdraw": _text_action(services.withdraw_referral, "reason"),
}


referral_action = action_view(
    lambda actor, referral_id: selectors.referral_to_act_on(actor, referral_id).referral,
    ACTIONS,
    lambda request, referral: reverse("referrals:detail", args=[referral.pk]),
)
