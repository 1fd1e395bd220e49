"""How referrals take part in the case workflow, through the signals cases publishes."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from cases.models import Case
from cases.selectors.labels import display
from notifications.models import Kind, Notification
from notifications.services import notify_each
from referrals.models import OPEN, Referral, ReferralState


def open_referrals_hold_the_case(sender, case: Case, **kwargs) -> list[str]:
    """A case moves on to watching or closed only once every referral is settled."""
    return _holding(Referral.objects.filter(case=case, state__in=OPEN).select_related("recipient"))


def _holding(referrals) -> list[str]:
    return [
        _("%(agency)sへのつなぎが終わっていません（%(state)s）。")
        % {"agency": referral.recipient.name, "state": display(referral, "state")}
        for referral in referrals
        if referral.state in OPEN
    ]


def withdraw_open_referrals(sender, case: Case, actor: User, **kwargs) -> None:
    from referrals.services import withdraw_with_the_case

    withdraw_with_the_case(actor=actor, case=case)


def referrals_section(sender, actor: User, case: Case, overview, **kwargs) -> list[dict]:
    """The lead organisation's view of the case's referrals, whether it may make one, and what of
    them holds the case (read once for the page: ``blockers``)."""
    if not overview.can_lead:
        return []
    from referrals.sql import referrals_of_case

    referrals = referrals_of_case(case)
    for referral in referrals:  # the section shows each state's label, and the blockers some again
        referral.state_label = display(referral, "state")
    may_refer = "disclose" in overview.actions  # where the lead may share the case, it may refer it
    return [
        {
            "template": "referrals/_case_section.html",
            "context": {
                "referrals": referrals,
                "all_settled": bool(referrals) and not any(r.is_open for r in referrals),
                "may_refer": may_refer,
            },
            "blockers": _holding(referrals),
            "progress_links": _progress_links(referrals),  # what a progress entry may link to
        }
    ]


def _progress_links(referrals) -> list[tuple[str, str]]:
    label = _("つなぎ: %(agency)s（%(state)s）")
    return [
        (str(r.pk), label % {"agency": r.recipient.name, "state": display(r, "state")}) for r in referrals
    ]


def progress_link_targets(sender, case: Case, **kwargs) -> tuple[str, list[tuple[str, str]]]:
    """The case's referrals, which a progress entry may name (cases.signals.progress_links)."""
    from referrals.sql import referrals_of_case

    return "referral", _progress_links(referrals_of_case(case))


def overdue_referrals(sender, today: datetime.date, **kwargs) -> list[Notification]:
    """For ``send_reminders``: each overdue referral, to its author and to the receiving
    organisation's staff, once a day. Three statements however many are overdue."""
    from referrals.services import mark_overdue_referrals

    mark_overdue_referrals(today)
    overdue = list(Referral.objects.filter(state=ReferralState.OVERDUE).select_related("created_by"))
    staff: dict[int, dict[int, User]] = {}  # organisation id → its active users, each once
    for membership in Membership.objects.filter(
        organisation_id__in={referral.recipient_id for referral in overdue}, user__is_active=True
    ).select_related("user"):
        staff.setdefault(membership.organisation_id, {})[membership.user_id] = membership.user
    notices = []
    for referral in overdue:
        told = {referral.created_by_id: referral.created_by, **staff.get(referral.recipient_id, {})}
        notices += [
            Notification(
                recipient=user,
                kind=Kind.REFERRAL_OVERDUE,
                link=reverse("referrals:detail", args=[referral.pk]),
                case_id=referral.case_id,
                key=f"{Kind.REFERRAL_OVERDUE}:{referral.pk}:{today.isoformat()}",
            )
            for user in told.values()
        ]
    return notify_each(notices)
