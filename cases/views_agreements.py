"""The agreement registry (協定) for the ward office staff who manage it, and the reporting page
of the parties' staff (no account: a code per agreement)."""

import hmac

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.signin import locked_out_response
from cases.exceptions import CaseRuleError, Conflict
from cases.forms_agreements import (
    AgreementForm,
    BusinessReportForm,
    CredentialForm,
    RenewalForm,
    ReportCodeForm,
    TerminationForm,
)
from cases.selectors import agreements as selectors
from cases.services import agreements as services
from cases.web import show_refusal


@login_required
def agreements(request: HttpRequest) -> HttpResponse:
    """The ward office's agreements, and a form for another."""
    page = selectors.agreements_page(request.user)  # refuses, recorded
    form = AgreementForm(request.POST or None, page=page)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        municipal_side = values.pop("municipal_side", page.offices[0])
        try:
            agreement = services.register_agreement(
                actor=request.user, municipal_side=municipal_side, **values
            )
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("協定を登録しました。"))
            return redirect("cases:agreement", agreement.pk)
    return render(request, "cases/agreements.html", {"o": page, "form": form})


@login_required
def agreement(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """One agreement's terms and clauses, with its renewal and termination."""
    found = selectors.agreement_to_manage(request.user, agreement_id)  # refuses, recorded
    initial = {"version": found.version}
    renewal, termination = RenewalForm(initial=initial), TerminationForm(initial=initial)
    issuing, issued = CredentialForm(), None
    if request.method == "POST":
        acting = request.POST.get("action")
        if acting == "issue":
            issuing = CredentialForm(request.POST)
            if issuing.is_valid():
                try:  # the code is shown on this answer only: never stored, never redirected with
                    issued = services.issue_credential(
                        actor=request.user, agreement=found, **issuing.cleaned_data
                    )
                except CaseRuleError as error:
                    show_refusal(issuing, error)
                else:
                    issuing = CredentialForm()
        elif acting == "revoke_credential":
            credential = selectors.credential_to_revoke(found, request.POST.get("credential"))
            if credential is not None:
                services.revoke_credential(actor=request.user, credential=credential)
                messages.success(request, _("報告用コードを無効にしました。"))
            return redirect("cases:agreement", found.pk)
        try:
            if acting == "renew":
                renewal = RenewalForm(request.POST, initial=initial)
                if renewal.is_valid():
                    values = renewal.cleaned_data
                    renewed = services.renew_agreement(
                        actor=request.user,
                        agreement=found,
                        expected_version=-1 if values["version"] is None else values["version"],
                        valid_from=values["valid_from"],
                        valid_until=values["valid_until"],
                    )
                    messages.success(request, _("協定の更新を登録しました。"))
                    return redirect("cases:agreement", renewed.pk)
            elif acting == "terminate":
                termination = TerminationForm(request.POST, initial=initial)
                if termination.is_valid():
                    values = termination.cleaned_data
                    services.terminate_agreement(
                        actor=request.user,
                        agreement=found,
                        expected_version=-1 if values["version"] is None else values["version"],
                        terminated_on=values["terminated_on"],
                        reason=values["reason"],
                    )
                    messages.success(
                        request, _("協定の終了を記録しました。この協定による共有とアクセスは終わりました。")
                    )
                    return redirect("cases:agreement", found.pk)
        except CaseRuleError as error:
            show_refusal(renewal if acting == "renew" else termination, error)
        except Conflict as conflict:
            (renewal if acting == "renew" else termination).add_error(None, str(conflict))
    renewal.auto_id, termination.auto_id, issuing.auto_id = "renew-%s", "terminate-%s", "issue-%s"
    return render(
        request,
        "cases/agreement.html",
        {
            "agreement": found,
            "renewed_by": selectors.renewal_of(found),
            "renewal": renewal,
            "termination": termination,
            "issuing": issuing,
            "issued": issued,
            "credentials": selectors.credentials_of(found),
            "report_url": request.build_absolute_uri(reverse("cases:report")),
        },
    )


# --- reporting under an agreement: the party's staff, no account ---------------------------------
# The phone that entered a code keeps a signed token of it (not the code: a forged or guessed
# cookie is refused by its signature, without a guess at the code), sent only to these pages; each
# request checks the credential again, so a revoked code or a lapsed agreement stops it at once.
REPORT_COOKIE = "tsunagu_report"
REPORT_COOKIE_DAYS = 90
REPORT_SALT = "tsunagu.cases.report"


def _reporting_credential(request: HttpRequest):
    try:
        held = signing.loads(
            request.COOKIES.get(REPORT_COOKIE, ""), salt=REPORT_SALT, max_age=REPORT_COOKIE_DAYS * 86400
        )
        credential = services.usable_credential(pk=int(held["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if credential is None or not hmac.compare_digest(credential.key_hash, str(held.get("h", ""))):
        return None
    return credential


def _forget_code(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(REPORT_COOKIE, path=reverse("cases:report"), samesite="Strict")
    return response


def report_code(request: HttpRequest) -> HttpResponse:
    """Where a party's staff enter their reporting code, once per phone. A wrong code counts as a
    failed sign-in from the address (django-axes): enough of them lock the address."""
    form = ReportCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = services.normalised_code(form.cleaned_data["code"])
        attempt = {get_user_model().USERNAME_FIELD: f"report:{typed}"}
        if AxesProxyHandler.is_locked(request, attempt):
            return locked_out_response(request, credentials=attempt)
        credential = services.credential_for(typed)
        if credential is None:
            user_login_failed.send(sender=__name__, credentials=attempt, request=request)
            form.add_error(
                "code",
                _("コードが正しくないか、使えなくなっています。協定を結んだ事業所に確かめてください。"),
            )
        else:
            response = redirect("cases:report")
            response.set_cookie(
                REPORT_COOKIE,
                signing.dumps({"c": credential.pk, "h": credential.key_hash}, salt=REPORT_SALT),
                max_age=REPORT_COOKIE_DAYS * 86400,
                path=reverse("cases:report"),
                secure=request.is_secure(),
                httponly=True,
                samesite="Strict",
            )
            return response
    return render(request, "cases/report_code.html", {"form": form})


def report(request: HttpRequest) -> HttpResponse:
    """A concern from the agreement's party: what was noticed, where, how urgent. The answer says
    it arrived, and nothing of the case it opens."""
    credential = _reporting_credential(request)
    if credential is None:
        if REPORT_COOKIE in request.COOKIES:
            messages.error(request, _("この端末に記憶した報告用コードは使えなくなりました。"))
        return _forget_code(redirect("cases:report_code"))
    agreement = credential.agreement
    form = BusinessReportForm(request.POST or None, areas=selectors.areas_of_agreement(agreement))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_under_agreement(credential=credential, **form.cleaned_data)
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(time)s に受け付けました。地域ケアプラザなどが確認します。ご協力ありがとうございました。")
                % {"time": timezone.localtime().strftime("%H:%M")},
            )
            return redirect("cases:report")
    return render(
        request, "cases/report.html", {"agreement": agreement, "credential": credential, "form": form}
    )


@require_POST
def report_forget(request: HttpRequest) -> HttpResponse:
    """This phone forgets its code (a shared phone handed on)."""
    messages.success(request, _("この端末から報告用コードを消しました。"))
    return _forget_code(redirect("cases:report_code"))


@require_POST
def report_revoke(request: HttpRequest) -> HttpResponse:
    """The holder stops the code everywhere (a lost card, a leaked code): the ward office issues
    another."""
    credential = _reporting_credential(request)
    if credential is not None:
        services.revoke_credential(actor=None, credential=credential)
        messages.success(request, _("報告用コードを無効にしました。新しいコードは区役所に依頼してください。"))
    return _forget_code(redirect("cases:report_code"))
