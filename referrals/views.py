"""Thin adapters: the agency's and the referrer's inboxes, one referral, and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import services as audit
from cases import selectors as case_selectors
from cases.exceptions import CaseRuleError
from cases.forms import with_distinct_ids
from cases.web import form_data_or_error, report_outcome
from referrals import forms, selectors, services
from referrals.models import AWAITING_ANSWER, ReferralMessage, ReferralState

S = ReferralState
Kind = ReferralMessage.Kind


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "referrals/inbox.html",
        {
            "received": list(selectors.referrals_received_by(request.user)[:200]),
            "sent": list(selectors.referrals_sent_by(request.user)[:200]),
        },
    )


@require_POST
@login_required
def referral_new(request: HttpRequest, case_id) -> HttpResponse:
    case = case_selectors.case_for(request.user, case_id, "view_case_status")
    try:
        data = form_data_or_error(request, forms.ReferralForm(request.POST, case=case))
        referral = services.draft_referral(
            actor=request.user,
            case=case,
            recipient=data["recipient"],
            field_groups=data["field_groups"],
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
            consent=data["consent"],
            reference=data["reference"],
        )
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
    view = selectors.referral_for(request.user, referral_id)
    referral = view.referral
    if view.fields_read_by_agency:
        audit.record(
            "referral.viewed",
            actor=request.user,
            organisation_id=referral.recipient_id,
            target=referral,
            case_id=referral.case_id,
            person_id=referral.case.person_id,
            fields=view.fields_read_by_agency,
            purpose="case_work",
        )
    if view.is_referrer:
        services.mark_seen_by_referrer(actor=request.user, referral=referral)
    return render(
        request, "referrals/detail.html", {"v": view, "r": referral, **with_distinct_ids(_forms_for(view))}
    )


def _text_action(service, keyword: str):
    def act(request, referral, version):
        data = form_data_or_error(request, forms.TextForm(request.POST))
        return service(
            actor=request.user, referral=referral, expected_version=version, **{keyword: data["text"]}
        )

    return act


def _accept(request, referral, version):
    data = form_data_or_error(request, forms.AcceptForm(request.POST, referral=referral))
    return services.accept_referral(
        actor=request.user, referral=referral, expected_version=version, worker=data["worker"]
    )


def _send(request, referral, version):
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


@require_POST
@login_required
def referral_action(request: HttpRequest, referral_id, action: str) -> HttpResponse:
    view = selectors.referral_for(request.user, referral_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # a form without the version it was drawn from is stale by definition
    report_outcome(request, lambda: ACTIONS[action](request, view.referral, version))
    return redirect("referrals:detail", referral_id=view.referral.pk)
