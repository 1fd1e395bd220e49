"""The web shell: the home page that tells each role what it can do next, and the refusal page."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import ROLE_PURPOSES, Role
from accounts.selectors import memberships_of
from cases.selectors.calendar import support_meetings_between
from config.home import HOME_MOST, home_sections, moment
from config.menu import NEXT_ACTIONS
from guardianship.selectors import (
    home_reports_due,
    is_appointed_guardian,
    matching_meetings_between,
)


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


class CalendarView:
    WEEK = "week"
    MONTH = "month"


@dataclass
class CalendarPeriod:
    """The period a calendar shows, read from ``?view=week|month&start=YYYY-MM-DD``: a week from
    its Monday, a month from its first day; with the previous and next periods' starts."""

    view: str
    from_day: datetime.date
    end: datetime.date  # exclusive
    previous: datetime.date
    next: datetime.date

    @classmethod
    def of(cls, view: str, start: datetime.date) -> "CalendarPeriod":
        if view == CalendarView.MONTH:
            first = start.replace(day=1)
            end = (first + datetime.timedelta(days=32)).replace(day=1)
            previous = (first - datetime.timedelta(days=1)).replace(day=1)
            return cls(view, first, end, previous, end)
        first = start - datetime.timedelta(days=start.weekday())
        week = datetime.timedelta(days=7)
        return cls(CalendarView.WEEK, first, first + week, first - week, first + week)

    @property
    def month_of_week(self) -> datetime.date:
        """The month a week belongs to, as ISO weeks count it: its Thursday's."""
        return self.from_day + datetime.timedelta(days=3)

    @property
    def last(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def days(self) -> list[datetime.date]:
        return [self.from_day + datetime.timedelta(days=n) for n in range((self.end - self.from_day).days)]


def calendar_period(params) -> tuple[CalendarPeriod, str]:
    """The period asked for, or this week with an error that says what was wrong (nothing else
    changes: the page shows this week)."""
    today = timezone.localdate()
    view = params.get("view") or CalendarView.WEEK
    raw = params.get("start") or ""
    if view not in (CalendarView.WEEK, CalendarView.MONTH):
        return CalendarPeriod.of(CalendarView.WEEK, today), _("表示は「週」か「月」を選んでください。")
    if not raw:
        return CalendarPeriod.of(view, today), ""
    try:
        start = datetime.date.fromisoformat(raw)
        if len(raw) != 10:
            raise ValueError(raw)
    except ValueError:
        return CalendarPeriod.of(view, today), _("日付は 2026-12-01 のように 年-月-日 で指定してください。")
    return CalendarPeriod.of(view, start), ""


@login_required
def meeting_calendar(request: HttpRequest) -> HttpResponse:
    """The meetings of the user's organisations, a week or a month at a time: support meetings
    (cases) and candidate matching meetings (guardianship), each read by its app's selector."""
    period, error = calendar_period(request.GET)
    start, end = moment(period.from_day), moment(period.end)
    entries = [
        {
            "at": m.scheduled_for,
            "kind": m.get_kind_display(),
            "who": m.who,
            "url": reverse("cases:meeting_detail", args=[m.pk]),
            "held": m.held_at is not None,
        }
        for m in support_meetings_between(request.user, start, end)
    ] + [
        {
            "at": m.scheduled_for,
            "kind": _("候補者調整会議"),
            "note": ngettext("%(count)d 件の案件", "%(count)d 件の案件", m.item_count)
            % {"count": m.item_count},
            "url": reverse("guardianship:meeting", args=[m.pk]),
            "held": m.held_at is not None,
        }
        for m in matching_meetings_between(request.user, start, end)
    ]
    by_day: dict = {day: [] for day in period.days()}
    for entry in sorted(entries, key=lambda e: e["at"]):
        day = timezone.localdate(entry["at"])
        if day in by_day:
            by_day[day].append(entry)
    context = {
        "period": period,
        "days": list(by_day.items()),
        "count": len(entries),
        "error": error,
        "today": timezone.localdate(),
    }
    return render(request, "calendar.html", context, status=400 if error else 200)


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
