from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.exceptions import CaseRuleError
from onboarding import people, selectors, services, workbook
from onboarding.forms import UploadForm
from onboarding.models import StagedImport

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
    return _workbook(services.template_workbook(), "tsunagu-onboarding.xlsx")


def _workbook(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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


@login_required
@require_http_methods(["GET", "POST"])
def people_upload(request: HttpRequest) -> HttpResponse:
    """Choose the filled 本人とケース workbook: checked, nothing written; without problems it goes
    on to its import page."""
    services.require_administrator(request.user, "onboarding.check")
    form = UploadForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        checked, staged = people.stage_people(
            actor=request.user, content=form.cleaned_data["workbook"].read()
        )
        if staged is not None:
            return redirect("onboarding:people_import", staged_id=staged.pk)
    return render(
        request,
        "onboarding/people_upload.html",
        {"form": form, "checked": checked, "unfinished": selectors.unfinished_people_import(request.user)},
    )


@login_required
def people_template(request: HttpRequest) -> HttpResponse:
    services.require_administrator(request.user, "onboarding.template")
    return _workbook(people.template_workbook(), "tsunagu-people.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest, staged_id) -> HttpResponse:
    """The checked file's import, a batch per POST: the page's script asks for the next batch as
    soon as one is written and the bar moves; without script each press of 続ける writes one. An
    interrupted import carries on from here."""
    staged = selectors.staged_for(request.user, staged_id, kind=StagedImport.Kind.PEOPLE)
    problem = ""
    if request.method == "POST":
        if "discard" in request.POST:
            services.discard_staged(actor=request.user, staged=staged)
            messages.success(request, _("取り込み待ちの行を破棄しました。取り込み済みの行はそのままです。"))
            return redirect("onboarding:people")
        try:
            staged = people.write_batch(
                actor=request.user, staged=staged, number=int(request.POST.get("batch", ""))
            )
        except (people.Conflict, ValueError):
            staged.refresh_from_db()  # another tab wrote it, or the page was stale: show where it is
        except CaseRuleError as refusal:
            problem = refusal.messages[0]
        finished = staged.written == staged.batches
        if not request.htmx:
            if problem:
                messages.error(request, problem)
            elif finished:
                messages.success(
                    request,
                    _("本人とケースを %(n)s 件取り込みました。")
                    % {"n": staged.rows.get(people.SHEET.key, 0)},
                )
                return redirect("onboarding:people")
            return redirect("onboarding:people_import", staged_id=staged.pk)
        return render(
            request,
            "onboarding/_people_progress.html",
            people.progress(staged, running=not problem, problem=problem),
        )
    return render(request, "onboarding/people_import.html", people.progress(staged, running=False))
