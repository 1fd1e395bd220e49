"""Reads of the network registry: a plaza's own networks for its staff, and the counts of ⑦ for
the indicators. Networks hold nothing personal: nothing to record when they are read."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q

from accounts.models import Area, Organisation, OrganisationKind, User
from accounts.selectors import districts_of
from cases.access import deny, require_role_permission
from networks.models import Network
from networks.services import secretariats_of


@dataclass
class NetworksPage:
    secretariats: list[Organisation]  # the actor's plazas
    districts: list[Area]  # where their networks may be
    networks: list[Network]  # theirs, those still running first


def networks_page(actor: User) -> NetworksPage:
    """The networks of the actor's plazas; refused, recorded, for anyone who may not register one
    or works for no plaza."""
    require_role_permission(actor, "networks.add_network", action="open_networks")
    secretariats = secretariats_of(actor)
    if not secretariats:
        deny(actor, action="open_networks")
    networks = (
        Network.objects.filter(secretariat__in=secretariats)
        .select_related("district", "secretariat")
        .order_by(F("ended_on").desc(nulls_first=True), "name", "pk")
    )
    return NetworksPage(
        secretariats=secretariats,
        districts=list(districts_of(Organisation.objects.filter(pk__in=[s.pk for s in secretariats]))),
        networks=list(networks),
    )


def network_to_change(actor: User, network_id: object) -> Network:
    """A network of the actor's plaza, to change; refused, recorded, otherwise (one that does not
    exist as well: the refusal does not tell which)."""
    require_role_permission(actor, "networks.change_network", action="change_network")
    network = (
        Network.objects.filter(pk=network_id, secretariat__in=secretariats_of(actor))
        .select_related("district", "secretariat")
        .first()
    )
    if network is None:
        deny(actor, action="change_network")
    return network


def network_counts(districts: Iterable[Area], start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Indicator ⑦: the networks with a care plaza as secretariat that ran at some time between two
    days (both included), by district."""
    rows = (
        Network.objects.filter(
            district__in=list(districts),
            secretariat__kind=OrganisationKind.CARE_PLAZA,
            started_on__lte=end,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by()
        .values_list("district")
        .annotate(n=Count("pk"))
    )
    return dict(rows)
