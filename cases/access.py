"""Access to cases: grants (the source of truth) mirrored into django-guardian's direct-FK tables.

Sharing a case with an organisation is one grant to the organisation's group ("org:<id>", which
accounts keeps in step with memberships). Checks here never honour the superuser flag: a system
administrator has no implicit access to personal data (DESIGN.md).
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import organisation_group_name
from audit import services as audit
from cases.models import (
    LEVEL_PERMISSIONS,
    AccessLevel,
    Case,
    CaseAccessGrant,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
)
from cases.vocabulary import FieldGroup

ALL_FIELD_GROUPS = list(FieldGroup.values)


def live_grants(now: datetime.datetime | None = None) -> QuerySet[CaseAccessGrant]:
    now = now or timezone.now()
    return CaseAccessGrant.objects.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def _case_permissions() -> dict[str, Permission]:
    return {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="cases", content_type__model="case")
    }


def sync_case_permissions(case: Case) -> None:
    """Make guardian's rows for this case exactly what its live grants say."""
    permissions = _case_permissions()
    wanted_groups: set[tuple[int, int]] = set()
    wanted_users: set[tuple[int, int]] = set()
    for grant in live_grants().filter(case=case).select_related("organisation"):
        codenames = LEVEL_PERMISSIONS[AccessLevel(grant.level)]
        if grant.organisation_id:
            group, _created = Group.objects.get_or_create(name=organisation_group_name(grant.organisation))
            wanted_groups |= {(group.pk, permissions[c].pk) for c in codenames}
        else:
            wanted_users |= {(grant.user_id, permissions[c].pk) for c in codenames}

    existing_groups = {
        (row.group_id, row.permission_id): row.pk
        for row in CaseGroupObjectPermission.objects.filter(content_object=case)
    }
    existing_users = {
        (row.user_id, row.permission_id): row.pk
        for row in CaseUserObjectPermission.objects.filter(content_object=case)
    }
    CaseGroupObjectPermission.objects.filter(
        pk__in=[pk for key, pk in existing_groups.items() if key not in wanted_groups]
    ).delete()
    CaseUserObjectPermission.objects.filter(
        pk__in=[pk for key, pk in existing_users.items() if key not in wanted_users]
    ).delete()
    CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(group_id=g, permission_id=p, content_object=case)
        for g, p in wanted_groups - existing_groups.keys()
    )
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(user_id=u, permission_id=p, content_object=case)
        for u, p in wanted_users - existing_users.keys()
    )


def grant_access(
    *,
    case: Case,
    level: AccessLevel,
    reason: str,
    field_groups: Iterable[str],
    granted_by: User | None,
    organisation: Organisation | None = None,
    user: User | None = None,
    expires_at: datetime.datetime | None = None,
    **sources,
) -> CaseAccessGrant:
    grant = CaseAccessGrant.objects.create(
        case=case,
        organisation=organisation,
        user=user,
        level=level,
        field_groups=sorted(set(field_groups)),
        reason=reason,
        granted_by=granted_by,
        expires_at=expires_at,
        **sources,
    )
    sync_case_permissions(case)
    audit.record(
        "case.access_granted",
        actor=granted_by,
        target=case,
        case_id=case.pk,
        person_id=case.person_id,
        fields=grant.field_groups,
        params={
            "grant": grant.pk,
            "level": int(level),
            "reason": reason,
            "organisation": organisation.pk if organisation else None,
            "user": user.pk if user else None,
        },
    )
    return grant


def revoke_grants(grants: QuerySet[CaseAccessGrant], *, actor: User | None, why: str) -> int:
    """End these grants now; guardian's rows follow. ``why`` is a code (expired, consent_withdrawn…)."""
    grants = list(grants.filter(revoked_at__isnull=True).select_related("case"))
    if not grants:
        return 0
    now = timezone.now()
    CaseAccessGrant.objects.filter(pk__in=[g.pk for g in grants]).update(revoked_at=now)
    for case in {g.case_id: g.case for g in grants}.values():
        sync_case_permissions(case)
    for grant in grants:
        audit.record(
            "case.access_revoked",
            actor=actor,
            target=grant.case,
            case_id=grant.case_id,
            person_id=grant.case.person_id,
            params={"grant": grant.pk, "why": why},
        )
    return len(grants)


def revoke_expired_grants() -> int:
    """Time-boxed grants (meeting attendees, break-glass) end when their time is up.

    Called before permission-filtered reads (one indexed query when there is nothing to do) and
    by ``send_reminders``, so that guardian's rows never outlive a grant by more than a request.
    """
    expired = CaseAccessGrant.objects.filter(revoked_at__isnull=True, expires_at__lte=timezone.now())
    if not expired.exists():
        return 0
    with transaction.atomic():
        return revoke_grants(expired, actor=None, why="expired")


def has_case_permission(actor: User, case: Case, codename: str) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    revoke_expired_grants()
    if CaseUserObjectPermission.objects.filter(
        user=actor, content_object_id=case.pk, permission__codename=codename
    ).exists():
        return True
    return CaseGroupObjectPermission.objects.filter(
        group__user=actor, content_object_id=case.pk, permission__codename=codename
    ).exists()


def field_groups_for(actor: User, case: Case) -> set[str]:
    """The field groups the actor may read in this case: the union of their live grants'."""
    groups: set[str] = set()
    organisations = Organisation.objects.filter(memberships__user=actor)
    for field_groups in (
        live_grants()
        .filter(case=case)
        .filter(Q(user=actor) | Q(organisation__in=organisations))
        .values_list("field_groups", flat=True)
    ):
        groups.update(field_groups)
    return groups


def require_case_permission(actor: User, case: Case, codename: str, *, action: str) -> None:
    """Refuse (recorded in the audit trail) unless the actor holds ``codename`` on the case.

    Call it before opening the transaction of the change: the refusal is written in its own.
    """
    if not has_case_permission(actor, case, codename):
        deny(actor, action=action, case=case)


def require_role_permission(actor: User, perm: str, *, action: str, case: Case | None = None) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.has_perm(perm)):
        deny(actor, action=action, case=case)


def deny(actor: User, *, action: str, case: Case | None = None) -> None:
    """Record the refusal in its own transaction (the caller's is about to roll back), then refuse."""
    with transaction.atomic():
        audit.record(
            "case.denied",
            actor=actor if actor.is_authenticated else None,
            target=case,
            case_id=case.pk if case else "",
            params={"action": action},
        )
    error = PermissionDenied(_("この操作を行う権限がありません。"))
    error.audited = True  # the audit middleware need not record it again
    raise error
