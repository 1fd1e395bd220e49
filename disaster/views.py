"""The evacuation-support list for the ward office that keeps it: thin views over
``disaster.selectors`` (which refuse and record) and ``disaster.services``."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.exceptions import CaseRuleError, Conflict
from cases.web import show_refusal
from disaster import selectors, services
from disaster.forms import (
    AssignForm,
    ChangeRegistrationForm,
    CheckForm,
    DeclarationForm,
    IssueForm,
    PlanForm,
    RegistrationForm,
    RemovalForm,
    ReturnForm,
)
from printing.pdf import pdf_response, render_pdf
from printing.tables import PERSONAL_DATA_HANDLING, file_response, list_file


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The ward's list: disasters in effect, agreements and their issues, the listed persons."""
    page = selectors.list_page(request.user, request.GET.get("page"))  # refuses, recorded
    declaring = DeclarationForm(areas=page.areas) if page.can_declare else None
    return render(request, "disaster/index.html", {"o": page, "declaring": declaring})


@login_required
def register(request: HttpRequest) -> HttpResponse:
    page = selectors.list_page(request.user)  # refuses, recorded
    form = RegistrationForm(request.POST or None, areas=page.areas, offices=page.offices)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        office = values.pop("office", page.offices[0])
        try:
            registration = services.register_for_list(actor=request.user, office=office, **values)
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("名簿に登録しました。続けて個別避難計画を記録してください。"))
            return redirect("disaster:registration", registration.pk)
    return render(request, "disaster/register.html", {"form": form})


@login_required
def registration(request: HttpRequest, registration_id: str) -> HttpResponse:
    """A listed person: their circumstances and consent, their plan, their removal from the list."""
    found = selectors.registration_page(request.user, registration_id)  # refuses, recorded
    plan = found.current_plan
    areas = selectors.offices_areas([found.office])
    current = {
        "version": found.version,
        "area": found.area,
        **{name: getattr(found, name) for name in (*services.CIRCUMSTANCES, *services.CONSENT)},
    }
    changing = ChangeRegistrationForm(initial=current, areas=areas)
    planning = PlanForm(
        initial={"version": plan.version, **{name: getattr(plan, name) for name in plan.FIELDS}}
        if plan
        else {"version": 0}
    )
    removing = RemovalForm(initial={"version": found.version, "removed_on": timezone.localdate()})
    assigning = AssignForm(checkers=found.possible_checkers)
    if request.method == "POST":
        acting = request.POST.get("action")
        if acting == "assign":
            assigning = AssignForm(request.POST, checkers=found.possible_checkers)
            if assigning.is_valid():
                try:
                    services.assign_checker(actor=request.user, registration=found, **assigning.cleaned_data)
                except CaseRuleError as error:
                    show_refusal(assigning, error)
                except Conflict as conflict:
                    assigning.add_error(None, str(conflict))
                else:
                    messages.success(request, _("安否確認の担当を決めました。"))
                    return redirect("disaster:registration", found.pk)
        elif acting == "unassign":
            chosen = request.POST.get("assignment")
            for assignment in found.assignments:
                if str(assignment.pk) == chosen:
                    services.unassign_checker(actor=request.user, assignment=assignment)
                    messages.success(request, _("安否確認の担当を外しました。"))
            return redirect("disaster:registration", found.pk)
        form, call = {
            "change": (ChangeRegistrationForm(request.POST, areas=areas), services.change_registration),
            "plan": (PlanForm(request.POST), services.save_plan),
            "remove": (RemovalForm(request.POST), services.remove_from_list),
        }.get(acting, (None, None))
        if form is not None and form.is_valid():
            values = dict(form.cleaned_data)
            version = values.pop("version")
            try:
                call(
                    actor=request.user,
                    registration=found,
                    expected_version=-1 if version is None else version,
                    **values,
                )
            except CaseRuleError as error:
                show_refusal(form, error)
            except Conflict as conflict:
                form.add_error(None, str(conflict))
            else:
                messages.success(request, _("記録しました。"))
                return redirect("disaster:registration", found.pk)
        if form is not None:
            changing, planning, removing = (
                form if acting == "change" else changing,
                form if acting == "plan" else planning,
                form if acting == "remove" else removing,
            )
    return render(
        request,
        "disaster/registration.html",
        {
            "r": found,
            "plan": plan,
            "changing": changing,
            "planning": planning,
            "removing": removing,
            "assigning": assigning,
        },
    )


@login_required
def issue_new(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Hand the list to an agreement's party: a new numbered version."""
    agreement = selectors.agreement_to_issue(request.user, agreement_id)  # refuses, recorded
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_list(actor=request.user, agreement=agreement, **form.cleaned_data)
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("名簿を提供しました。印刷するか書き出して、受け取る方に手渡してください。")
            )
            return redirect("disaster:issue", issued.pk)
    return render(request, "disaster/issue_new.html", {"agreement": agreement, "form": form})


@login_required
def issue(request: HttpRequest, issue_id: int) -> HttpResponse:
    """An issue: to whom, on which ground, and its return or destruction once recalled."""
    found = selectors.issue_page(request.user, issue_id)  # refuses, recorded
    form = ReturnForm(request.POST or None, initial={"confirmed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_return(actor=request.user, issue=found, **form.cleaned_data)
        except CaseRuleError as error:
            show_refusal(form, error)
        except Conflict as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, _("返却・廃棄を記録しました。"))
            return redirect("disaster:issue", found.pk)
    return render(request, "disaster/issue.html", {"issue": found, "form": form})


@login_required
def issue_pdf(request: HttpRequest, issue_id: int) -> HttpResponse:
    document = selectors.issue_document(request.user, issue_id, "pdf")  # refuses, recorded
    title = _("避難行動要支援者名簿 第%(number)s号") % {"number": document.issue.number}
    pdf = render_pdf(
        "disaster/issue_document.html",
        {"o": document},
        actor=request.user,
        title=title,
        organisation=document.issue.agreement.municipal_side,
        watermark=document.watermark,
    )
    return pdf_response(pdf, f"evacuation-list-{document.issue.number}.pdf")


@login_required
def issue_xlsx(request: HttpRequest, issue_id: int) -> HttpResponse:
    document = selectors.issue_document(request.user, issue_id, "xlsx")  # refuses, recorded
    issue = document.issue
    header = _(
        "提供先: %(recipient)s　第%(number)s号・第%(version)s版　"
        "取扱注意（災害対策基本法 第49条の13 守秘義務）"
    ) % {
        "recipient": document.watermark,
        "number": issue.number,
        "version": issue.version,
    }
    content = list_file(
        "xlsx",
        _("避難行動要支援者名簿"),
        selectors.issue_table(document),
        _("避難行動要支援者名簿 第%(number)s号") % {"number": issue.number},
        PERSONAL_DATA_HANDLING,
        notes=[[_("提供先"), document.watermark], [_("提供の根拠"), issue.get_basis_display()]],
        page_header=header,
    )
    return file_response(content, "xlsx", f"evacuation-list-{issue.number}")


@login_required
@require_POST
def declare(request: HttpRequest) -> HttpResponse:
    page = selectors.list_page(request.user)  # refuses, recorded
    form = DeclarationForm(request.POST, areas=page.areas)
    if form.is_valid():
        try:
            services.declare_disaster(actor=request.user, **form.cleaned_data)
        except CaseRuleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("災害の発生を宣言しました。"))
            return redirect("disaster:index")
    return render(request, "disaster/index.html", {"o": page, "declaring": form}, status=400)


@login_required
def declaration(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """A declared disaster; for its office's list keepers, who is checked by district, refreshed
    every 30 seconds (the refresh names no one)."""
    refresh = bool(request.htmx)
    page = selectors.declaration_page(request.user, declaration_id, counts_only=refresh)  # refuses, recorded
    template = "disaster/_coverage.html" if refresh and page.coverage else "disaster/declaration.html"
    return render(request, template, {"o": page})


@login_required
def checks(request: HttpRequest) -> HttpResponse:
    """The persons the user checks on in a declared disaster, each with a form for their check
    (sent to the API by the page's script; without script, here)."""
    failed: dict[str, CheckForm] = {}
    if request.method == "POST":
        sent = request.POST
        form = CheckForm(sent, auto_id=f"check-{sent.get('declaration')}-{sent.get('registration')}-%s")
        if form.is_valid():
            values = dict(form.cleaned_data)
            declaration = selectors.declaration_for_check(request.user, values.pop("declaration"))
            try:
                services.record_check(
                    actor=request.user,
                    declaration=declaration,
                    registration_id=values.pop("registration"),
                    **values,
                )
            except CaseRuleError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("安否を記録しました。"))
                return redirect("disaster:checks")
        failed[request.POST.get("registration", "")] = form
    rounds = selectors.checks_page(request.user)  # refuses, recorded
    for round_ in rounds:
        for person in round_.people:
            # One form per person on the page: ids of their own, names the same (what is sent).
            person.form = failed.get(str(person.pk)) or CheckForm(
                initial={
                    "declaration": round_.declaration.pk,
                    "registration": person.pk,
                    "key": uuid.uuid4().hex,
                },
                auto_id=f"check-{round_.declaration.pk}-{person.pk}-%s",
            )
    return render(request, "disaster/checks.html", {"rounds": rounds})


@login_required
@require_POST
def end(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = selectors.declaration_to_end(request.user, declaration_id)  # refuses, recorded
    try:
        services.end_disaster(actor=request.user, declaration=declaration)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("災害の終了を記録しました。"))
    return redirect("disaster:declaration", declaration.pk)
