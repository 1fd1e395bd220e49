"""Thin adapters: the agency's and the referrer's inboxes, one referral, and its actions."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import selectors as case_selectors
from cases.forms import with_distinct_ids
from cases.forms_lists import tabs
from cases.web import Action, act_or_show_form, action_view, with_version
from printing.pdf import pdf_response, render_pdf
from referrals import forms, selectors, services
from referrals.models import AWAITING_ANSWER, ReferralMessage, ReferralState

S = ReferralState
Kind = ReferralMessage.Kind


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The agency's inbox (tabs, filters, order, ``?page=``) and the referrer's list (``?sent=``)."""
    form = forms.ReferralListForm(request.GET)
    lists = selectors.referral_inbox(
        request.user, form.query(page=request.GET.get("page"), sent_page=request.GET.get("sent"))
    )
    return render(
        request,
        "referrals/inbox.html",
        {
            "o": lists,
            "form": form,
            "tabs": tabs(selectors.ReferralTab.CHOICES, lists.tab_counts, lists.query.tab),
        },
    )


NEW = Action(
    gettext_lazy("関係機関につなぐ（下書きを作る）"),
    gettext_lazy("下書きを作る"),
    forms.ReferralForm,
    services.draft_referral,  # the form's fields are the service's words: agency, fields, purpose, ground
    "case",
    form_kwargs=lambda case, actor: {"case": case},
    done_message=gettext_lazy("下書きを作りました。内容を確かめて送ってください。"),
)


@login_required
def referral_new(request: HttpRequest, case_id) -> HttpResponse:
    """The case page's panel "関係機関につなぐ": a draft, to be checked and sent from its page."""
    # Its empty form, where the lead may share the case (the page's "disclose"); the service decides a POST.
    offered = "disclose" if request.method != "POST" else ""
    case = case_selectors.case_for_action(request.user, case_id, "view_case_status", offered=offered)
    return act_or_show_form(
        request,
        NEW,
        case,
        done=lambda referral: reverse("referrals:detail", args=[referral.pk]),
        back=reverse("cases:case_detail", args=[case.pk]),
    )


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


@login_required
def referral_summary_pdf(request: HttpRequest, referral_id) -> HttpResponse:
    """The case summary for the referral, to print: only the field groups it shares."""
    view = selectors.referral_summary(request.user, referral_id)
    referral = view.referral
    pdf = render_pdf(
        "referrals/documents/case_summary.html",
        {"v": view, "r": referral, "case": referral.case},
        actor=request.user,
        title=_("つなぎのためのケース概要"),
        organisation=referral.referring_organisation if view.is_referrer else referral.recipient,
    )
    return pdf_response(pdf, f"referral-summary_{referral.case.reference}.pdf")


def _text_action(service, keyword: str, label: str):
    return Action(
        "",
        "",
        forms.TextForm,
        service,
        "referral",
        form_kwargs=lambda referral, actor: {"label": label},
        initial=with_version,
        renamed={"text": keyword},
    )


ACTIONS = {
    "send": Action("", "", forms.VersionedForm, services.send_referral, "referral", initial=with_version),
    "ask": _text_action(services.ask_question, "question", gettext_lazy("つなぐ側への質問")),
    "answer": _text_action(services.answer_question, "answer", gettext_lazy("質問への回答")),
    "accept": Action(
        "",
        "",
        forms.AcceptForm,
        services.accept_referral,
        "referral",
        form_kwargs=lambda referral, actor: {"referral": referral},
        initial=with_version,
    ),
    "decline": _text_action(services.decline_referral, "reason", gettext_lazy("お断りの理由")),
    "complete": _text_action(services.complete_referral, "outcome", gettext_lazy("支援の結果")),
    "withdraw": _text_action(services.withdraw_referral, "reason", gettext_lazy("取り下げの理由")),
}


referral_action = action_view(
    lambda actor, referral_id: selectors.referral_to_act_on(actor, referral_id).referral,
    ACTIONS,
    lambda request, referral: reverse("referrals:detail", args=[referral.pk]),
)
