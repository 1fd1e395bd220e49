"""Writes of the network registry: a care plaza's staff register the networks their plaza is the
secretariat of, and change them (a stale form gets a conflict, not a lost update)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Area, Organisation, OrganisationKind, User
from accounts.selectors import districts_of, organisation_ids_of
from audit import services as audit
from cases.access import deny, require_role_permission
from cases.exceptions import CaseRuleError, Conflict
from networks.models import Network

# What a form may change (the secretariat stays: another plaza registers its own network).
CHANGEABLE = ("name", "district", "purpose", "member_count", "started_on", "ended_on")
CONFLICT = gettext_lazy(
    "他の人が先にこのネットワークを更新しました。画面を開き直して、最新の内容を確かめてください。"
)


def secretariats_of(actor: User) -> list[Organisation]:
    """The care plazas the actor works for: the secretariats they may register networks of."""
    plazas = Organisation.objects.filter(pk__in=organisation_ids_of(actor), kind=OrganisationKind.CARE_PLAZA)
    return list(plazas.order_by("name"))


def _check(values: dict, secretariat: Organisation) -> None:
    """The rules a network's values keep, each beside its field."""
    errors: dict[str, list[ValidationError]] = {}
    today = timezone.localdate()
    started, ended = values.get("started_on"), values.get("ended_on")
    if started and started > today:
        errors["started_on"] = [ValidationError(_("今日より後の日付は記録できません。"), code="in_future")]
    if ended and ended > today:
        errors["ended_on"] = [ValidationError(_("今日より後の日付は記録できません。"), code="in_future")]
    elif ended and started and ended < started:
        errors["ended_on"] = [
            ValidationError(_("終えた日は、担い始めた日より後にしてください。"), code="ends_before_start")
        ]
    if values.get("district") not in districts_of(Organisation.objects.filter(pk=secretariat.pk)):
        errors["district"] = [
            ValidationError(_("事務局の組織が受け持つ地区から選んでください。"), code="not_its_district")
        ]
    if errors:
        raise CaseRuleError(errors)


def register_network(
    *,
    actor: User,
    secretariat: Organisation,
    name: str,
    district: Area,
    started_on: datetime.date,
    purpose: str = "",
    member_count: int | None = None,
    ended_on: datetime.date | None = None,
) -> Network:
    """A network the actor's plaza is the secretariat of."""
    require_role_permission(actor, "networks.add_network", action="register_network")
    if secretariat not in secretariats_of(actor):
        deny(actor, action="register_network")
    values = {
        "name": name,
        "district": district,
        "started_on": started_on,
        "purpose": purpose,
        "member_count": member_count,
        "ended_on": ended_on,
    }
    _check(values, secretariat)
    with transaction.atomic():
        network = Network(secretariat=secretariat, created_by=actor, **values)
        network.full_clean()
        network.save()
        audit.record("network.registered", actor=actor, target=network)
    return network


def change_network(*, actor: User, network: Network, expected_version: int, **values) -> Network:
    """New values for a network of the actor's plaza, as of the version the form was made from."""
    unknown = set(values) - set(CHANGEABLE)
    if unknown:  # a caller's mistake, not the user's input
        raise TypeError(f"unknown network fields {sorted(unknown)}")
    require_role_permission(actor, "networks.change_network", action="change_network")
    if network.secretariat not in secretariats_of(actor):
        deny(actor, action="change_network")
    for name, value in values.items():
        setattr(network, name, value)
    _check({name: getattr(network, name) for name in CHANGEABLE}, network.secretariat)
    network.full_clean(exclude=["version"])
    with transaction.atomic():
        stored = Network.objects.select_for_update().get(pk=network.pk)
        if stored.version != expected_version:
            raise Conflict(CONFLICT)
        changed = [name for name in CHANGEABLE if getattr(stored, name) != getattr(network, name)]
        for name in changed:
            setattr(stored, name, getattr(network, name))
        stored.version += 1
        stored.save()
        audit.record(
            "network.changed", actor=actor, target=stored, fields=[f"network.{name}" for name in changed]
        )
    return stored
