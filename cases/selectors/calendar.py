"""The support meetings of the meeting calendar (config's calendar page): those the actor's
organisations convene or attend, and those the actor attends, in a period."""

import datetime

from django.db.models import Q

from accounts.models import User
from accounts.selectors import organisation_ids_of
from cases.models import SupportMeeting
from cases.selectors.lists import who_for


def support_meetings_between(
    actor: User, start: datetime.datetime, end: datetime.datetime
) -> list[SupportMeeting]:
    """The meetings scheduled in [start, end) that the actor's organisations convene or attend (or
    the actor attends), by time; each with ``who``, its case's number and — where a live grant of
    the actor's includes identity — the person's name (``who_for``: read and recorded there). The
    meeting's own content is not read: its page shows it by its own rule."""
    organisations = organisation_ids_of(actor)
    ids = (
        SupportMeeting.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end)
        .filter(
            Q(convened_by_id__in=organisations)
            | Q(attendances__organisation_id__in=organisations)
            | Q(attendances__user=actor)
        )
        .values("pk")
    )
    meetings = list(
        SupportMeeting.objects.filter(pk__in=ids)
        .select_related("case", "convened_by")
        .only("kind", "scheduled_for", "held_at", "convened_by__name", "case__reference", "case__person_id")
        .order_by("scheduled_for", "pk")
    )
    who = who_for(actor, [meeting.case for meeting in meetings])
    for meeting in meetings:
        meeting.who = who[meeting.case_id]
    return meetings
