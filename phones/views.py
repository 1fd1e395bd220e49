"""Sign-in that can remember the phone, sign-out that wipes it, and the user's own phones."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phones import selectors, services
from phones.forms import SignInForm
from phones.middleware import CLEAR_SITE_DATA


def _set_phone_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        services.COOKIE,
        token,
        max_age=services.COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            user = form.get_user()
            if services.may_remember(user):
                token = services.remember_phone(request=self.request, user=user)
                _set_phone_cookie(response, token)
            else:
                messages.info(
                    self.request, _("職員の方は共用の端末を使うため、ログインを保持しませんでした。")
                )
        return response


class SignOutView(auth_views.LogoutView):
    """Signing out ends the phone's kept sign-in too, and tells the browser to wipe the site's
    storage and caches: nothing of the user's stays on the phone (docs/offline.md)."""

    def post(self, request, *args, **kwargs):
        phone_id = request.session.get(services.SESSION_PHONE) if request.user.is_authenticated else None
        if phone_id is not None:
            phone = selectors.phone_of(request.user, phone_id)
            if phone is not None:
                services.revoke_phone(actor=request.user, phone=phone)
        response = super().post(request, *args, **kwargs)
        response.delete_cookie(services.COOKIE)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


@login_required
def my_phones(request: HttpRequest) -> HttpResponse:
    """The phones where the user's sign-in is kept, each to be signed out of from here."""
    this = request.session.get(services.SESSION_PHONE)
    return render(
        request,
        "phones/mine.html",
        {
            "phones": selectors.phones_of(request.user),
            "this": this,
            "idle_days": settings.TSUNAGU_PHONE_IDLE_DAYS,
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, phone_id: int) -> HttpResponse:
    phone = selectors.phone_of(request.user, phone_id)
    if phone is None:
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    if phone.pk == request.session.get(services.SESSION_PHONE):
        return SignOutView.as_view()(request)  # the phone in hand: signing out of it, wiped
    services.revoke_phone(actor=request.user, phone=phone)
    messages.success(request, _("端末でのログインを無効にしました。"))
    return redirect("phones:mine")
