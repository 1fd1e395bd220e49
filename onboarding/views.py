from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onboarding import selectors, services, workbook
from onboarding.forms import UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Choose the filled workbook: it is checked and nothing is written; a file with problems
    comes back with each one by sheet, row and column; one without goes on to its preview."""
    services.require_administrator(request.user, "onboarding.check")
    form = UploadForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["workbook"].read()
        checked, staged = services.stage_workbook(actor=request.user, content=content)
        if staged is not None:
            return redirect("onboarding:confirm", staged_id=staged.pk)
    return render(request, "onboarding/upload.html", {"form": form, "checked": checked})


@login_required
def template_file(request: HttpRequest) -> HttpResponse:
    services.require_administrator(request.user, "onboarding.template")
    response = HttpResponse(services.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="tsunagu-onboarding.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, staged_id) -> HttpResponse:
    """The checked file's preview (how many of each); 取り込む writes it all, 破棄する drops it."""
    staged = selectors.staged_for(request.user, staged_id)
    if request.method == "POST":
        if "discard" in request.POST:
            services.discard_staged(actor=request.user, staged=staged)
            messages.success(request, _("取り込み待ちのファイルを破棄しました。何も登録していません。"))
            return redirect("onboarding:upload")
        try:
            made = services.import_staged(actor=request.user, staged=staged)
        except services.ImportRefused as refused:
            return render(
                request,
                "onboarding/upload.html",
                {"form": UploadForm(), "checked": refused.checked, "refused": True},
                status=409,
            )
        messages.success(
            request,
            _(
                "取り込みました：地域 %(areas)d、組織 %(organisations)d、利用者 %(users)d、"
                "所属 %(memberships)d（別の管理者の承認待ち %(requests)d）、"
                "後見人候補者 %(candidates)d、共有の根拠 %(legal_bases)d。"
            )
            % made,
        )
        return redirect("onboarding:upload")
    preview = [(sheet.title, staged.rows.get(sheet.key, 0)) for sheet in workbook.SHEETS]
    return render(request, "onboarding/confirm.html", {"preview": preview})
