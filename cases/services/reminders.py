"""The day's reminders of cases, for ``send_reminders``: an action item past its due date, to its
owner; a watch visit due today or earlier, to whoever is to make it. Each is a notification
(notifications.services) keyed by kind, object and day: a second run the same day tells nobody
again, the next day's run tells them again while it is still open."""

import datetime

from django.urls import reverse

from cases.selectors import reminders_due
from notifications.models import Kind, Notification
from notifications.services import notify_each


def remind(today: datetime.date) -> list[Notification]:
    """Write today's reminders of cases; returns those new today."""
    day = today.isoformat()
    tasks = reverse("cases:my_tasks")
    notices = []
    for user, due in reminders_due(today).items():
        notices += [
            Notification(
                recipient=user,
                kind=Kind.ACTION_ITEM_OVERDUE,
                link=tasks,
                case_id=item.meeting.case_id,
                key=f"{Kind.ACTION_ITEM_OVERDUE}:{item.pk}:{day}",
            )
            for item in due["actions"]
        ]
        notices += [
            Notification(
                recipient=user,
                kind=Kind.WATCH_VISIT_DUE,
                link=tasks,
                case_id=visit.case_id,
                key=f"{Kind.WATCH_VISIT_DUE}:{visit.pk}:{day}",
            )
            for visit in due["visits"]
        ]
    return notify_each(notices)
