"""What disaster does when cases announces something (cases.signals)."""

import datetime

from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from disaster.models import ListIssue, Registration
from notifications.models import Kind, Notification
from notifications.selectors import staff_of
from notifications.services import notify_each


def recall_lists_of_ended_agreement(sender, agreement, actor: User | None, **kwargs) -> None:
    """An agreement was terminated: the lists its party holds are recalled at once."""
    from disaster.services import recall_for_agreement

    recall_for_agreement(agreement, actor)


def lapsed_lists(sender, today: datetime.date, **kwargs) -> list[Notification]:
    """For ``send_reminders``: lists whose agreement has lapsed are recalled, and the ward office's
    staff are told of every list still to come back, once a day."""
    from disaster.services import recall_lapsed

    recall_lapsed(today)
    waiting = ListIssue.objects.filter(recalled_at__isnull=False, returned_on__isnull=True).select_related(
        "agreement"
    )
    by_office: dict[int, list[ListIssue]] = {}
    for issue in waiting:
        by_office.setdefault(issue.agreement.municipal_side_id, []).append(issue)
    notices = [
        Notification(
            recipient=user,
            kind=Kind.LIST_RECALL_DUE,
            link=reverse("disaster:issue", args=[issue.pk]),
            key=f"{Kind.LIST_RECALL_DUE}:{issue.pk}:{today.isoformat()}",
        )
        for office_id, issues in by_office.items()
        for user in staff_of([office_id])
        if user.has_perm("disaster.manage_evacuation_list")
        for issue in issues
    ]
    return notify_each(notices)


def listed_people(sender, cutoff: datetime.datetime, **kwargs):
    """For the retention job: whoever is on the evacuation-support list, or left it after
    ``cutoff``, is still in use (their record's last use is their removal, not their registration)."""
    return Registration.objects.filter(Q(removed_on__isnull=True) | Q(removed_on__gte=cutoff.date())).values(
        "person"
    )
