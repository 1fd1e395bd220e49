"""The web shell: the home page that tells each role what it can do next, and the refusal page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_PURPOSES, Role
from accounts.selectors import memberships_of, roles_held
from cases.models import CaseState
from cases.selectors.lists import ListQuery, inbox_page, my_concerns_page, tasks_of
from cases.selectors.pages import break_glass_pending
from config.menu import NEXT_ACTIONS
from guardianship.selectors import home_reports_due, is_appointed_guardian
from referrals.access import INBOX_ROLES
from referrals.selectors import referral_inbox

HOME_MOST = 5  # rows per section of the home page; each links to its full list


def home_sections(user) -> dict:
    """What the user has to do today, section by section, each read by its app's list selector with
    a small page (permission-filtered and recorded there); a section the user's roles do not
    have is absent. config composes; it reads nothing itself."""
    held = set(roles_held(user))
    sections: dict = {"date": timezone.localdate()}
    if held & {Role.PLAZA_STAFF, Role.WARD_CASEWORKER}:
        sections["concerns"] = inbox_page(user, ListQuery(state=CaseState.NOTICED), per_page=HOME_MOST)
    if held - {Role.PRIVACY_OFFICER, Role.SYSADMIN}:
        sections["tasks"] = tasks_of(user, per_page=HOME_MOST)
    if held & set(INBOX_ROLES):
        sections["referrals"] = referral_inbox(user, per_page=HOME_MOST)
    if Role.COMMISSIONER in held:
        sections["my_concerns"] = my_concerns_page(user, per_page=HOME_MOST)
    if Role.PRIVACY_OFFICER in held:
        sections["break_glass_pending"] = break_glass_pending(user)
    return sections


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
    today = home_sections(request.user)
    if is_appointed_guardian(request.user):
        today["reports"] = home_reports_due(request.user, most=HOME_MOST)
        roles.append(
            {
                "label": _("後見人等"),
                "purpose": _("選任された本人の支援チームに加わり、後見活動の報告を提出します。"),
                "organisations": [],
                "actions": [(_("後見活動の報告"), "guardianship:my_reports")],
            }
        )
    return render(request, "home.html", {"roles": roles, "today": today})


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
