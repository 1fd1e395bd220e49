"""Administrative changes, recorded whichever path made them: the admin, a command or a service.

They all end in a model's save or delete, so the trail listens there: ``watch(model, ...)``
connects pre_save (to read the row as it was), post_save and post_delete, and records one event
naming the actor, the target and the *names* of the changed fields — never their values (codes,
ids and flags may go in the parameters). The actor is ``accounts.acting.current_actor()``: the
signed-in user of the request (set by the audit middleware) or the actor a service was given;
None for an operator's command.

accounts' models are watched here (accounts imports nothing of ours); an app above audit watches
its own administered models from its ``AppConfig.ready`` (cases: the legal-basis catalogue;
referrals: the acceptance deadlines), with this same function.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from accounts.acting import current_actor
from accounts.models import (
    Area,
    AreaLevel,
    Membership,
    MembershipRequest,
    Organisation,
    OrganisationKind,
    User,
)
from accounts.roles import Role
from accounts.signals import password_reset_link_sent
from audit.events import COMMON, register
from audit.services import record

Params = Callable[[models.Model, set[str]], dict]


@dataclass(frozen=True)
class Watched:
    model: type[models.Model]
    created: str
    deleted: str
    # Event code → the fields whose change it records (a save may record several events).
    changed: dict[str, tuple[str, ...]]
    target: Callable[[models.Model], tuple[str, object]]
    params: Params
    # Adjusts the changed names before they are recorded (may name a pseudo-field, see users).
    refine: Callable[[models.Model, set[str], bool], set[str]] = field(
        default=lambda obj, names, created: names
    )

    @property
    def fields(self) -> tuple[str, ...]:
        """The model's fields that are compared (pseudo-fields that ``refine`` names are not)."""
        concrete = {f.name for f in self.model._meta.concrete_fields}
        return tuple(name for names in self.changed.values() for name in names if name in concrete)


_WATCHED: dict[type[models.Model], Watched] = {}
_BEFORE = "_audit_before"


def _itself(instance: models.Model) -> tuple[str, object]:
    return instance._meta.label_lower, instance.pk


def watch(
    model: type[models.Model],
    *,
    created: str,
    deleted: str,
    changed: str | dict[str, Iterable[str]],
    target: Callable[[models.Model], tuple[str, object]] = _itself,
    params: Params = lambda instance, names: {},
    refine: Callable[[models.Model, set[str], bool], set[str]] | None = None,
) -> None:
    """Record every creation, change and deletion of ``model``'s rows. ``changed`` is one event
    code for every concrete field, or a map of codes to the fields each records."""
    if isinstance(changed, str):
        changed = {changed: tuple(f.name for f in model._meta.concrete_fields if not f.primary_key)}
    extra = {"refine": refine} if refine else {}
    _WATCHED[model] = Watched(
        model=model,
        created=created,
        deleted=deleted,
        changed={code: tuple(names) for code, names in changed.items()},
        target=target,
        params=params,
        **extra,
    )
    uid = f"audit.administration.{model._meta.label_lower}"
    pre_save.connect(_remember, sender=model, dispatch_uid=f"{uid}.pre_save")
    post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}.post_save")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}.post_delete")


def _record(code: str, watched: Watched, instance: models.Model, names: set[str]) -> None:
    target_type, target_id = watched.target(instance)
    record(
        code,
        actor=current_actor(),
        target_type=target_type,
        target_id=target_id,
        fields=names,
        params=watched.params(instance, names),
    )


def _remember(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    watched = _WATCHED[sender]
    instance.__dict__[_BEFORE] = None
    if raw or instance._state.adding or instance.pk is None:
        return
    names = [n for n in watched.fields if update_fields is None or n in update_fields]
    if not names:  # e.g. last_login at every sign-in: nothing administered changed
        instance.__dict__[_BEFORE] = {}
        return
    attnames = [sender._meta.get_field(name).attname for name in names]
    row = sender._default_manager.filter(pk=instance.pk).values(*attnames).first()
    instance.__dict__[_BEFORE] = (
        {name: row[attname] for name, attname in zip(names, attnames, strict=True)} if row else None
    )


def _saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    watched = _WATCHED[sender]
    before = instance.__dict__.pop(_BEFORE, None)
    if created or before is None:
        names = {
            name
            for name in watched.fields
            if getattr(instance, sender._meta.get_field(name).attname) not in (None, False, "", [], {})
        }
        _record(watched.created, watched, instance, watched.refine(instance, names, True))
        return
    changed = {
        name
        for name, value in before.items()
        if getattr(instance, sender._meta.get_field(name).attname) != value
    }
    changed = watched.refine(instance, changed, False)
    for code, names in watched.changed.items():
        mine = changed & set(names)
        if mine:
            _record(code, watched, instance, mine)


def _deleted(sender, instance, **kwargs) -> None:
    watched = _WATCHED[sender]
    _record(watched.deleted, watched, instance, set())


# --- accounts -------------------------------------------------------------------------------------

_USER_DETAILS = ("username", "last_name", "first_name", "email")
_USER_ACCESS = ("is_active", "is_staff", "is_superuser")


def _user_refine(user: User, names: set[str], created: bool) -> set[str]:
    if "password" not in names:
        return names
    if created and not user.has_usable_password():
        return names - {"password"}  # a new account that has no password yet
    if not created and user.has_usable_password() and user._password is None:
        # Not set_password (which keeps the new password until saved): Django re-hashing a password
        # with a stronger hasher at sign-in, or a hash written directly. Recorded apart, not hidden.
        return (names - {"password"}) | {"password_hash"}
    return names


def _user_params(user: User, names: set[str]) -> dict:
    params = {flag: getattr(user, flag) for flag in _USER_ACCESS if flag in names}
    if "password" in names:
        params["usable_password"] = user.has_usable_password()
    return params


def _of_user(instance) -> tuple[str, object]:
    return User._meta.label_lower, instance.user_id


def _membership_params(membership: Membership, names: set[str]) -> dict:
    return {"role": membership.role, "organisation": membership.organisation_id, "membership": membership.pk}


def _request_params(request: MembershipRequest, names: set[str]) -> dict:
    params = {"role": request.role, "organisation": request.organisation_id, "request": request.pk}
    if request.approved is not None:
        params["decision"] = "approved" if request.approved else "rejected"
    return params


def _groups_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """Group changes, in either direction (user.groups or group.user_set)."""
    if action == "pre_clear":
        pk_set = set((instance.user_set if reverse else instance.groups).values_list("pk", flat=True))
        change = "removed"
    elif action in ("post_add", "post_remove"):
        change = "added" if action == "post_add" else "removed"
    else:
        return
    if not pk_set:
        return
    pairs = (
        [(user_id, [instance.pk]) for user_id in sorted(pk_set)]
        if reverse
        else [(instance.pk, sorted(pk_set))]
    )
    role_of = dict(Group.objects.filter(name__in=Role.values).values_list("pk", "name"))
    for user_id, group_ids in pairs:
        record(
            "user.groups_changed",
            actor=current_actor(),
            target_type=User._meta.label_lower,
            target_id=user_id,
            fields=["groups"],
            params={
                "change": change,
                "groups": group_ids,
                "roles": sorted(role_of[g] for g in group_ids if g in role_of),
            },
        )


def _reset_link_sent(sender, user: User, actor: User | None, **kwargs) -> None:
    record("auth.password_reset_sent", actor=actor, target=user)


def connect() -> None:
    """Called from AuditConfig.ready."""
    watch(
        User,
        created="user.created",
        deleted="user.deleted",
        changed={
            "user.changed": _USER_DETAILS,
            "user.access_changed": _USER_ACCESS,
            "auth.password_changed": ("password",),
            "auth.password_hash_replaced": ("password_hash",),
        },
        params=_user_params,
        refine=_user_refine,
    )
    watch(
        Membership,
        created="membership.added",
        deleted="membership.removed",
        changed={"membership.changed": ("user", "organisation", "role")},
        target=_of_user,
        params=_membership_params,
    )
    watch(
        MembershipRequest,
        created="membership.requested",
        deleted="membership.request_deleted",
        changed={"membership.request_decided": ("decided_by", "decided_at", "approved")},
        target=_of_user,
        params=_request_params,
    )
    # Who serves which districts decides who reads which figures and receives which referrals.
    watch(
        Organisation,
        created="organisation.created",
        deleted="organisation.deleted",
        changed="organisation.changed",
        params=lambda organisation, names: {"organisation_kind": organisation.kind},
    )
    # The area tree decides which districts an organisation serves and whose figures a reader sees.
    watch(
        Area,
        created="area.created",
        deleted="area.deleted",
        changed="area.changed",
        params=lambda area, names: {"area_level": area.level},
    )
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="audit.administration.groups"
    )
    password_reset_link_sent.connect(_reset_link_sent, dispatch_uid="audit.administration.reset_link")
    register(
        COMMON,
        parameter_labels={
            "role": dict(Role.choices),
            "organisation_kind": dict(OrganisationKind.choices),
            "area_level": dict(AreaLevel.choices),
            "change": {"added": _("追加"), "removed": _("削除")},
            "decision": {"approved": _("承認"), "rejected": _("却下")},
        },
    )
