"""The web shell: the home page that tells each role what it can do next, and the refusal page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_PURPOSES, Role
from accounts.selectors import memberships_of
from guardianship.selectors import is_appointed_guardian

# Next steps per role: (label, URL name). Each feature adds its entry point here when it lands;
# a role without working screens shows none rather than a placeholder.
NEXT_ACTIONS: dict[str, list[tuple[str, str]]] = {
    Role.COMMISSIONER: [
        (_("気付きを記録する"), "cases:concern_new"),
        (_("報告した気付きの状況"), "cases:my_concerns"),
        (_("相談・連絡調整を記録する"), "cases:contact_log"),
    ],
    Role.PLAZA_STAFF: [
        (_("受付・担当ケース"), "cases:inbox"),
        (_("つなぎの状況"), "referrals:inbox"),
        (_("役割分担と見守り"), "cases:my_tasks"),
        (_("本人を検索する"), "cases:person_search"),
    ],
    Role.WARD_CASEWORKER: [
        (_("受付・担当ケース"), "cases:inbox"),
        (_("つなぎの状況"), "referrals:inbox"),
        (_("役割分担と見守り"), "cases:my_tasks"),
        (_("本人を検索する"), "cases:person_search"),
    ],
    Role.GUARDIANSHIP_COORDINATOR: [
        (_("案件・候補者調整会議・集計"), "guardianship:home"),
        (_("後見人等の候補者名簿"), "guardianship:candidates"),
        (_("つなぎの受付"), "referrals:inbox"),
        (_("出席する会議と役割分担"), "cases:my_tasks"),
    ],
    Role.AGENCY_WORKER: [
        (_("つなぎの受付"), "referrals:inbox"),
        (_("出席する会議と役割分担"), "cases:my_tasks"),
    ],
    Role.PRIVACY_OFFICER: [
        (_("監査記録を検索する"), "audit:event_search"),
        (_("開示請求の本人を特定する"), "cases:person_lookup_for_report"),
        (_("監査記録を検証する"), "audit:chain_status"),
        (_("緊急アクセスを確認する"), "cases:break_glass_reviews"),
    ],
    Role.SYSADMIN: [(_("利用者・組織・地域を管理する"), "admin:index")],
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(memberships_of(request.user))
    roles = []
    for role in dict.fromkeys(m.role for m in memberships):
        roles.append(
            {
                "label": Role(role).label,
                "purpose": ROLE_PURPOSES[role],
                "organisations": [m.organisation for m in memberships if m.role == role],
                "actions": NEXT_ACTIONS.get(role, []),
            }
        )
    # An appointed guardian is not a role of the organisation chart: their appointment makes them one.
    if is_appointed_guardian(request.user):
        roles.append(
            {
                "label": _("後見人等"),
                "purpose": _("選任された本人の支援チームに加わり、後見活動の報告を提出します。"),
                "organisations": [],
                "actions": [(_("後見活動の報告"), "guardianship:my_reports")],
            }
        )
    return render(request, "home.html", {"roles": roles})


# The pages whose refusal offers break-glass access: the case page (break-glass gives a view of it).
BREAK_GLASS_FROM = frozenset({"cases:case_detail"})


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The refusal page (403). Refused on a case page, a user whose role may open break-glass
    access (``cases.break_glass``) is offered it; anyone else sees the plain refusal. The offer
    depends on the address and the role alone, never on the case, so the page is the same whether
    the case exists or not."""
    match = request.resolver_match
    break_glass_url = None
    if (
        match is not None
        and match.view_name in BREAK_GLASS_FROM
        and request.user.is_authenticated
        and request.user.has_perm("cases.break_glass")
    ):
        break_glass_url = reverse("cases:case_break_glass", args=[match.kwargs["case_id"]])
    return render(request, "403.html", {"break_glass_url": break_glass_url}, status=403)
