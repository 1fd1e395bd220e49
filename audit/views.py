"""The privacy officer's screens: search the trail, a person's access report, the chain's state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import selectors
from audit.checkpoints import sign_checkpoint as sign_chain_head
from audit.forms import EventSearchForm
from audit.verify import verify_chain
from printing.pdf import pdf_response, render_pdf


def _rows(events) -> list[dict]:
    return [
        {"event": e, "description": selectors.describe(e), "fields": selectors.field_labels(e)}
        for e in events
    ]


@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def event_search(request: HttpRequest) -> HttpResponse:
    form = EventSearchForm(request.GET or None)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        events = selectors.search_events(
            request.user,
            person=data["person"],
            actor_username=data["actor"],
            organisation=data["organisation"],
            action=data["action"],
            since=data["since"],
            until=data["until"],
        )
        page = Paginator(events, 50).get_page(request.GET.get("page"))
    elif not request.GET:
        page = Paginator(selectors.search_events(request.user), 50).get_page(1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_search.html",
        {"form": form, "page": page, "rows": _rows(page) if page else [], "query": query.urlencode()},
    )


@login_required
@permission_required("audit.view_access_report", raise_exception=True)
def access_report(request: HttpRequest, person_id) -> HttpResponse:
    events = selectors.access_report(request.user, str(person_id))
    # The trail itself says whether the person's data was erased (audit knows no Person model).
    erased_at = next((e.occurred_at for e in events if e.erases_person), None)
    return render(
        request,
        "audit/access_report.html",
        {"person_id": person_id, "rows": _rows(events), "erased_at": erased_at},
    )


@login_required
@permission_required("audit.view_access_report", raise_exception=True)
def access_report_pdf(request: HttpRequest, person_id) -> HttpResponse:
    """The access report to print: events and field names only, like its page."""
    events = selectors.access_report_document(request.user, str(person_id))
    erased_at = next((e.occurred_at for e in events if e.erases_person), None)
    pdf = render_pdf(
        "audit/documents/access_report.html",
        {"person_id": person_id, "rows": _rows(events), "erased_at": erased_at},
        actor=request.user,
        title=_("本人のアクセス報告"),
    )
    return pdf_response(pdf, f"access-report_{timezone.localdate().isoformat()}.pdf")


@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def chain_status(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/chain_status.html", {"status": selectors.chain_status(request.user)})


@require_POST
@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def verify_now(request: HttpRequest) -> HttpResponse:
    report = verify_chain()
    return render(
        request, "audit/chain_status.html", {"status": selectors.chain_status(request.user), "report": report}
    )


@require_POST
@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def sign_checkpoint(request: HttpRequest) -> HttpResponse:
    checkpoint = sign_chain_head()
    if checkpoint:
        messages.success(
            request, _("連番 %(sequence)s までの記録に署名しました。") % {"sequence": checkpoint.sequence}
        )
    else:
        messages.info(request, _("最新の記録には署名済みです。"))
    return redirect("audit:chain_status")
