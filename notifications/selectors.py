"""Every read of notifications: each user reads only their own. Who is told (the staff of an
organisation, the holders of a role) is read here too, from accounts."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.selectors import user_count
from notifications.models import Kind, Notification, Preference, default_preference
from notifications.signals import cases_shown

PAGE_SIZE = 50
# The bell counts up to here and then says "99+": the count stays short, on the index.
BELL_MOST = 100
UNREAD = "notifications.unread"


def unread_count_sql() -> str:
    """The bell's count as a scalar subquery on the user's id, read with the user's group and
    organisation ids (``accounts.selectors.read_with_user_ids``, registered in apps.py): written,
    not built, because it rides in accounts' written statement and every page shows the bell; its
    own statement was one more on every page (bench/pages.py). Table and columns from the model."""
    meta = Notification._meta
    recipient = meta.get_field("recipient").column
    read_at = meta.get_field("read_at").column
    return (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {meta.db_table} "  # noqa: S608
        f"WHERE {recipient} = %s AND {read_at} IS NULL LIMIT {BELL_MOST}) unread"
    )


class Bell:
    """The header's unread count, read when (and if) the page shows it."""

    def __init__(self, user: User):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return user_count(self.user, UNREAD)

    @property
    def shown(self) -> str:
        return f"{BELL_MOST - 1}+" if self.unread >= BELL_MOST else str(self.unread)


@dataclass
class NotificationsPage:
    page: Page
    rows: list[Notification] = field(default_factory=list)
    unread: int = 0


def notifications_page(actor: User, page_number: object = 1) -> NotificationsPage:
    """The actor's notifications, newest first, 50 a page; each row's case as the app that owns
    cases says it may be shown to the actor now (``notifications.signals.cases_shown``)."""
    page = Paginator(
        Notification.objects.filter(recipient=actor).order_by("-created_at", "-pk"), PAGE_SIZE
    ).get_page(page_number)
    rows = list(page.object_list)
    case_ids = {row.case_id for row in rows if row.case_id}
    shown: dict = {}
    if case_ids:
        for _receiver, answer in cases_shown.send(sender=Notification, actor=actor, case_ids=case_ids):
            shown.update(answer or {})
    for row in rows:
        row.who = shown.get(row.case_id)
    return NotificationsPage(page=page, rows=rows, unread=sum(1 for row in rows if not row.is_read))


def notification_of(actor: User, notification_id: object) -> Notification:
    """One of the actor's own notifications; anyone else's, or one that does not exist, is refused
    alike (403, recorded by the audit middleware), so that nobody learns which exist."""
    found = Notification.objects.filter(pk=notification_id, recipient_id=actor.pk).first()
    if found is None:
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    return found


def preferences_of(users: Iterable[User]) -> dict[int, Preference]:
    """Each user's settings (the default for one who never saved any), in one statement."""
    users = list(users)
    saved = {p.user_id: p for p in Preference.objects.filter(user_id__in={u.pk for u in users})}
    return {user.pk: saved.get(user.pk) or default_preference(user) for user in users}


def preference_of(user: User) -> Preference:
    return preferences_of([user])[user.pk]


def staff_of(organisation_ids: Iterable[int]) -> list[User]:
    """The active users of these organisations, each once."""
    ids = [pk for pk in organisation_ids if pk is not None]
    if not ids:
        return []
    return list(User.objects.filter(memberships__organisation_id__in=ids, is_active=True).distinct())


def holders_of(role: str) -> list[User]:
    """The active users who hold ``role`` in any organisation, each once."""
    return list(User.objects.filter(memberships__role=role, is_active=True).distinct())


_MEETINGS = [Kind.ACTION_ITEM_ASSIGNED, Kind.ACTION_ITEM_OVERDUE]
_REFERRING = [Kind.REFERRAL_ACCEPTED, Kind.REFERRAL_DECLINED, Kind.REFERRAL_OVERDUE]
_DISASTER = [Kind.DISASTER_DECLARED, Kind.SAFETY_CHECKS_OVERDUE]
_CASEWORK = [*_REFERRING, *_MEETINGS, Kind.WATCH_VISIT_DUE, Kind.BREAK_GLASS_USED]
_REVIEW = [Kind.REVIEW_INVITED, Kind.ISSUE_ANSWERED]  # the ward's practitioners' review (learning)
# The kinds each role is told of (docs/notifications.md "Kinds, and where each is written"): the
# settings page asks a user about these, not about all of them. A kind the user has been sent all
# the same (an appointed guardian's reports, the staff of an organisation told whatever their
# role) is asked about too, and a role missing here is asked about every kind.
KINDS_BY_ROLE: dict[str, list[str]] = {
    Role.COMMISSIONER: [Kind.CONCERN_ACCEPTED, *_MEETINGS, Kind.WATCH_VISIT_DUE, *_DISASTER],
    Role.PLAZA_STAFF: [Kind.CONCERN_NEW, *_CASEWORK, *_REVIEW, *_DISASTER],
    Role.WARD_CASEWORKER: [
        Kind.CONCERN_NEW,
        Kind.CASE_ESCALATED,
        *_CASEWORK,
        *_REVIEW,
        Kind.LIST_RECALL_DUE,
        *_DISASTER,
    ],
    Role.GUARDIANSHIP_COORDINATOR: [
        Kind.REFERRAL_RECEIVED,
        Kind.REFERRAL_OVERDUE,
        Kind.MATTER_OPENED,
        Kind.GUARDIAN_REPORT_DUE,
        *_MEETINGS,
    ],
    Role.AGENCY_WORKER: [Kind.REFERRAL_RECEIVED, Kind.REFERRAL_OVERDUE, *_MEETINGS, Kind.REVIEW_INVITED],
    Role.PRIVACY_OFFICER: [Kind.BREAK_GLASS_REVIEW],
    Role.SYSADMIN: [Kind.SIGN_IN_LOCKED],
    Role.SUPPORTER: _DISASTER,
}


def kinds_offered_to(user: User) -> list[str]:
    """The kinds the settings page asks this user about, in the order of ``Kind``: their roles'
    kinds and any kind they have been sent."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if roles - set(KINDS_BY_ROLE):
        return list(Kind.values)
    offered = {kind for role in roles for kind in KINDS_BY_ROLE[role]}
    offered |= set(Notification.objects.filter(recipient=user).values_list("kind", flat=True).distinct())
    return [kind for kind in Kind.values if kind in offered]
