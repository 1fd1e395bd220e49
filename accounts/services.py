"""Writes on users, organisations and memberships, and unlocking sign-in."""

import datetime

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.acting import acting_as
from accounts.models import Membership, MembershipRequest, Organisation, User
from accounts.roles import Role
from accounts.selectors import forget_user_ids
from accounts.signals import password_reset_link_sent, sign_in_unlocked

ORGANISATION_GROUP_PREFIX = "org:"


def organisation_group_name(organisation_id: int) -> str:
    """The Django group of everyone working for an organisation: what a case is shared with."""
    return f"{ORGANISATION_GROUP_PREFIX}{organisation_id}"


def sync_role_groups(user: User) -> None:
    """Give the user exactly the role groups and organisation groups of their memberships.

    Other groups are left alone. Only system administrators reach the admin site, so ``is_staff``
    follows the sysadmin role (a superuser flag set by an operator on the command line is never
    granted or removed here).
    """
    forget_user_ids(user)  # accounts.selectors.group_ids_of and organisation_ids_of read them again
    memberships = list(Membership.objects.filter(user=user))
    wanted = {m.role for m in memberships} | {organisation_group_name(m.organisation_id) for m in memberships}
    for name in wanted:
        Group.objects.get_or_create(name=name)
    managed = Group.objects.filter(Q(name__in=Role.values) | Q(name__startswith=ORGANISATION_GROUP_PREFIX))
    current = set(user.groups.filter(pk__in=managed).values_list("name", flat=True))
    user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    user.groups.add(*Group.objects.filter(name__in=wanted - current))
    roles = {m.role for m in memberships}
    is_staff = Role.SYSADMIN in roles
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


# Every role but sysadmin reads cases (or audit reports about people): docs/design.md "Roles".
CASE_READING_ROLES = frozenset(Role.values) - {Role.SYSADMIN}


class AdministrationError(Exception):
    """An administrative step refused or failed, with the reason for the administrator: a
    membership request that cannot be decided (so, or by them), a link that cannot be sent."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_administrator(user: User) -> bool:
    """Whoever may administer Tsunagu: the sysadmin role, or a superuser made on the command line."""
    return user.is_superuser or Membership.objects.filter(user=user, role=Role.SYSADMIN).exists()


def email_fixed_in_admin(user: User) -> bool:
    """Whether the admin may not change this user's e-mail address: anyone who holds a role (or is
    a superuser). The password link goes to that address, so an administrator who could point it
    at their own mailbox, then reset the second factor, would take over a caseworker's — or a
    fellow administrator's — account alone. Such a change is made at the server
    (``manage.py set_email``), audited."""
    return user.is_superuser or Membership.objects.filter(user=user).exists()


def needs_second_approval(*, actor: User | None, user: User, role: str) -> bool:
    """Four-eyes: no administrator alone gives anyone a role that reads cases, nor makes anyone an
    administrator. Not only themself or a fellow administrator: an account they create (or whose
    address they change) receives its password link at an address they may control, so a
    stand-in account would read cases for them; and an administrator made alone could approve
    their own requests. An operator without an actor (a command, a migration) is not asked."""
    if actor is None:
        return False
    return role in CASE_READING_ROLES or role == Role.SYSADMIN


@transaction.atomic
def add_membership(
    *, user: User, organisation: Organisation, role: str, actor: User | None = None
) -> Membership:
    """Idempotent: an existing membership is returned unchanged. No four-eyes check: for
    commands and the demo; an administrator's change goes through ``request_membership``."""
    with acting_as(actor):
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
    return membership


def unlock_sign_in(*, actor: User | None, attempts: QuerySet[AccessAttempt]) -> int:
    """Delete these counts of failed sign-ins (unlocking their accounts and addresses) and
    announce it, which audit records: from the admin (actor: the administrator) or axes' reset
    commands (actor None: an operator at the server). Returns how many were deleted."""
    if actor is not None and not actor.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied
    with transaction.atomic():
        deleted = list(attempts.select_for_update().order_by("pk"))
        if deleted:
            AccessAttempt.objects.filter(pk__in=[attempt.pk for attempt in deleted]).delete()
            sign_in_unlocked.send(sender=AccessAttempt, actor=actor, attempts=deleted)
    return len(deleted)


@transaction.atomic
def request_membership(
    *, actor: User, user: User, organisation: Organisation, role: str
) -> Membership | MembershipRequest:
    """An administrator gives ``user`` a role in ``organisation``: the membership at once, or a
    request that waits for a second administrator when four-eyes applies (an identical pending
    request is returned as it is)."""
    existing = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if existing is not None:
        return existing
    if not needs_second_approval(actor=actor, user=user, role=role):
        return add_membership(user=user, organisation=organisation, role=role, actor=actor)
    pending = MembershipRequest.objects.filter(
        user=user, organisation=organisation, role=role, decided_at__isnull=True
    ).first()
    if pending is not None:
        return pending
    with acting_as(actor):
        return MembershipRequest.objects.create(
            user=user, organisation=organisation, role=role, requested_by=actor
        )


def _decide(*, actor: User, membership_request: MembershipRequest, approved: bool) -> MembershipRequest:
    # Locked, so that two administrators deciding at once cannot both win.
    request = MembershipRequest.objects.select_for_update().get(pk=membership_request.pk)
    if not request.is_pending:
        raise AdministrationError(_("この申請は既に判断されています。"))
    if actor.pk == request.requested_by_id:
        raise AdministrationError(_("自分が申請した所属は、別の管理者が承認または却下します。"))
    if actor.pk == request.user_id:
        raise AdministrationError(_("自分あての所属の申請は、別の管理者が承認または却下します。"))
    if not is_administrator(actor):
        raise AdministrationError(_("所属の申請を判断できるのはシステム管理者です。"))
    request.decided_by, request.decided_at, request.approved = actor, timezone.now(), approved
    with acting_as(actor):
        request.save(update_fields=["decided_by", "decided_at", "approved"])
    return request


@transaction.atomic
def approve_membership_request(*, actor: User, membership_request: MembershipRequest) -> Membership:
    request = _decide(actor=actor, membership_request=membership_request, approved=True)
    return add_membership(
        user=request.user, organisation=request.organisation, role=request.role, actor=actor
    )


@transaction.atomic
def reject_membership_request(*, actor: User, membership_request: MembershipRequest) -> MembershipRequest:
    return _decide(actor=actor, membership_request=membership_request, approved=False)


@transaction.atomic
def remove_membership(*, actor: User | None, membership: Membership) -> None:
    """Taking a role away needs no second approval: it only narrows access."""
    with acting_as(actor):
        membership.delete()


PASSWORD_LINK_INTERVAL = datetime.timedelta(minutes=15)


def claim_password_link(user: User) -> bool:
    """Whether the sign-in page may send ``user`` a password link now (at most one per
    PASSWORD_LINK_INTERVAL); if so, the time is taken in the same statement, so that two requests
    at once cannot both send. An update, not a save: the claim is no administrative change."""
    now = timezone.now()
    return bool(
        User.objects.filter(pk=user.pk)
        .filter(
            Q(password_link_sent_at__isnull=True) | Q(password_link_sent_at__lte=now - PASSWORD_LINK_INTERVAL)
        )
        .update(password_link_sent_at=now)
    )


def send_password_reset_link(*, actor: User | None, user: User, domain: str, use_https: bool) -> None:
    """E-mail ``user`` a one-time link to set their own password (Django's reset token: it stops
    working once the password changes, and after PASSWORD_RESET_TIMEOUT). The message carries the
    link and nothing else about the user."""
    if not user.email:
        raise AdministrationError(_("メールアドレスが登録されていないため、リンクを送れません。"))
    context = {
        "domain": domain,
        "protocol": "https" if use_https else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
    body = render_to_string("registration/password_reset_email.txt", context)
    try:
        EmailMessage(subject, body, None, [user.email]).send()
    except OSError as error:  # smtplib's errors included; recorded as sent only when it was
        raise AdministrationError(
            _("メールを送れませんでした。時間をおいてもう一度送ってください。")
        ) from error
    password_reset_link_sent.send(sender=User, user=user, actor=actor)
