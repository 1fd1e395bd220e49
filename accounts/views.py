"""The accounts screens: the second factor (set up an authenticator, give a code after the
password, recovery codes) and setting one's own password from a reset link.

Every second-factor response may carry the authenticator's secret or recovery codes: none is
stored by the browser or a proxy (never_cache sends ``Cache-Control: no-store``). A password set
from a reset link is recorded as the user's own change.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import twofactor
from accounts.acting import acting_as
from accounts.forms import ConfirmAuthenticatorForm, PasswordResetForm, SecondFactorForm


def _next_url(request: HttpRequest) -> str:
    """Where the user was going (a page of this site only), else home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _show_recovery_codes(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponse:
    # Shown once, in this response only: the codes are never displayed again.
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "enrolled": enrolled, "next": _next_url(request)},
    )


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if twofactor.has_second_factor(user):
        if not user.is_verified():
            # Replacing a device takes the current one (or an administrator's reset), not the password alone.
            return redirect("accounts:two_factor_verify")
        return render(
            request,
            "accounts/two_factor_settings.html",
            {
                "recovery_codes_left": twofactor.recovery_codes_left(user),
                "required": twofactor.second_factor_required(user),
            },
        )
    form = ConfirmAuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = twofactor.enrol(user=user, code=form.cleaned_data["code"])
        except twofactor.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            return _show_recovery_codes(request, codes, enrolled=True)
    device = twofactor.pending_device(user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": twofactor.secret_for_manual_entry(device),
            "required": twofactor.second_factor_required(user),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The pending authenticator's QR code. Never a confirmed one: a session that was left open
    must not be able to copy a working authenticator."""
    if twofactor.has_second_factor(request.user):
        raise Http404
    return HttpResponse(
        twofactor.qr_code_svg(twofactor.pending_device(request.user)), content_type="image/svg+xml"
    )


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not twofactor.has_second_factor(user):
        return redirect("accounts:two_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify(user=user, code=form.cleaned_data["code"])
        except twofactor.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            if device is None:
                form.add_error("code", _("コードが正しくありません。もう一度入力してください。"))
            else:
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = twofactor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        _("回復コードを使いました。残りは %(count)d 個です。") % {"count": left}
                        + " "
                        + _("スマートフォンを確認し、必要なら回復コードを作り直してください。"),
                    )
                return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, for a user who has signed in with their second factor (a user with a
    device who has not given a code never gets here: SecondFactorMiddleware sends them to verify)."""
    codes = twofactor.regenerate_recovery_codes(user=request.user)
    return _show_recovery_codes(request, codes, enrolled=False)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        # Nobody is signed in on this page: the link's owner is who sets the password.
        with acting_as(self.user):
            return super().form_valid(form)
