"""Thin adapters: the agency's and the referrer's inboxes, one referral, and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import selectors as case_selectors
from cases.exceptions import CaseRuleError
from cases.forms import with_distinct_ids
from cases.forms_lists import tabs
from cases.web import act_or_show_form, action_view
from printing import tables
from printing.pdf import pdf_response, render_pdf
from referrals import exports, forms, selectors, services
from referrals.actions import ACTIONS, NEW, offered_actions


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


@login_required
def inbox_file(request: HttpRequest, file_format: str) -> HttpResponse:
    """The received list under its tab and filters as Excel or CSV (the query as the page's); too
    long a list is refused with the reason on the inbox."""
    form = forms.ReferralListForm(request.GET)
    back = redirect(f"{reverse('referrals:inbox')}?{request.GET.urlencode()}")
    if form.errors:  # a filter not understood is not dropped from a file: the list says why
        return back
    try:
        found = selectors.referral_inbox_export(request.user, form.query(), file_format)
    except CaseRuleError as refusal:
        messages.error(request, refusal.messages[0])
        return back
    content = exports.referral_list_file(found, file_format)
    return tables.file_response(content, file_format, f"referrals_{timezone.localdate():%Y%m%d}")


@login_required
def referral_new(request: HttpRequest, case_id) -> HttpResponse:
    """The case page's panel "関係機関につなぐ": a draft, to be checked and sent from its page."""
    case = case_selectors.case_for_action(request.user, case_id, "lead_case")
    return act_or_show_form(
        request,
        NEW,
        case,
        done=lambda referral: reverse("referrals:detail", args=[referral.pk]),
        back=reverse("cases:case_detail", args=[case.pk]),
        # Its form, where the lead may share the case (the page's "disclose"); the service decides a POST.
        before_showing=lambda: case_selectors.require_offered(request.user, case, "disclose"),
    )


def _forms_for(view: selectors.ReferralView, actor) -> dict:
    """The forms of the actions the referral's page offers this actor, by the template's names."""
    return {f"{name}_form": ACTIONS[name].bound_form(actor, view.referral) for name in offered_actions(view)}


@login_required
def referral_detail(request: HttpRequest, referral_id) -> HttpResponse:
    view = selectors.referral_page(request.user, referral_id)
    referral = view.referral
    if view.is_referrer:
        services.mark_seen_by_referrer(actor=request.user, referral=referral)
    return render(
        request,
        "referrals/detail.html",
        {"v": view, "r": referral, "actions": ACTIONS, **with_distinct_ids(_forms_for(view, request.user))},
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


referral_action = action_view(
    lambda actor, referral_id: selectors.referral_to_act_on(actor, referral_id).referral,
    ACTIONS,
    lambda request, referral: reverse("referrals:detail", args=[referral.pk]),
)
