"""The notifications pages: the list (newest first, 50 a page), marking read, the settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import forms, selectors, services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = selectors.notifications_page(request.user, request.GET.get("page"))
    return render(request, "notifications/list.html", {"o": page, "page": page.page})


def _back_to_list(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@require_POST
@login_required
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Marked read; with ``open``, on to where the work is."""
    notification = selectors.notification_of(request.user, notification_id)  # another's: refused
    services.mark_read(actor=request.user, notification=notification)
    if "open" in request.POST and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return _back_to_list(request)


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d件を既読にしました。") % {"count": count})
    return _back_to_list(request)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    saved = selectors.preference_of(request.user)
    initial = {
        "email_kinds": saved.email_kinds,
        "digest": "1" if saved.digest else "0",
        "language": saved.language,
    }
    form = forms.PreferenceForm(
        request.POST or None, initial=initial, kinds=selectors.kinds_offered_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("通知の設定を保存しました。"))
            return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form, "email": request.user.email})
