"""Reads of the agreement registry for the ward office staff who manage it. Agreements name
organisations and their clauses, never a person: nothing to record when they are read, only
refusals."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accounts.models import Area, Organisation, User
from accounts.selectors import districts_of
from cases.access import deny, require_role_permission
from cases.models import Agreement, ReportingCredential
from cases.services.agreements import MANAGE, PARTY_KINDS, administering_offices


@dataclass
class AgreementsPage:
    offices: list[Organisation]  # the actor's ward offices: the municipal side
    areas: QuerySet[Area]  # what an agreement of theirs may cover
    parties: QuerySet[Organisation]  # whom they may sign with
    agreements: list[Agreement]  # theirs, with ``disclosure_count``


def agreements_page(actor: User) -> AgreementsPage:
    """The agreements of the actor's ward offices; refused, recorded, for anyone who may not manage
    agreements or works for no ward office."""
    require_role_permission(actor, MANAGE, action="open_agreements")
    offices = administering_offices(actor)
    if not offices:
        deny(actor, action="open_agreements")
    chosen = Organisation.objects.filter(pk__in=[o.pk for o in offices])
    areas = Area.objects.filter(Q(served_by__in=chosen) | Q(pk__in=districts_of(chosen))).distinct()
    agreements = (
        Agreement.objects.filter(municipal_side__in=chosen)
        .select_related("party", "area", "municipal_side", "renews")
        .annotate(disclosure_count=Count("disclosures"))
        .order_by("party__name", "-valid_from", "pk")
    )
    return AgreementsPage(
        offices=offices,
        areas=areas.order_by("level", "name"),
        parties=Organisation.objects.filter(
            is_active=True, kind__in=PARTY_KINDS, municipality__in=[o.municipality_id for o in offices]
        ).order_by("kind", "name"),
        agreements=list(agreements),
    )


def agreement_to_manage(actor: User, agreement_id: object) -> Agreement:
    """An agreement of the actor's ward office; refused, recorded, otherwise (one that does not
    exist as well: the refusal does not tell which)."""
    require_role_permission(actor, MANAGE, action="manage_agreement")
    agreement = (
        Agreement.objects.filter(pk=agreement_id, municipal_side__in=administering_offices(actor))
        .select_related("party", "area", "municipal_side", "renews")
        .annotate(disclosure_count=Count("disclosures"))
        .first()
    )
    if agreement is None:
        deny(actor, action="manage_agreement")
    return agreement


def renewal_of(agreement: Agreement) -> Agreement | None:
    return Agreement.objects.filter(renews=agreement).first()


def credentials_of(agreement: Agreement) -> list[ReportingCredential]:
    """The reporting codes issued under the agreement, with how many concerns each brought."""
    return list(agreement.credentials.annotate(report_count=Count("concerns")).order_by("-created_at"))


def credential_to_revoke(agreement: Agreement, credential_id: str | None) -> ReportingCredential | None:
    """One of the agreement's codes by its id as a form sent it (anything else: None)."""
    if not (credential_id or "").isdigit():
        return None
    return agreement.credentials.filter(pk=int(credential_id)).first()


def areas_of_agreement(agreement: Agreement) -> QuerySet[Area]:
    """Where a report under the agreement may be about: its area, then the districts in it."""
    area = agreement.area
    return Area.objects.filter(
        Q(pk=area.pk) | (Q(level=Area.Level.DISTRICT) & (Q(parent=area) | Q(parent__parent=area)))
    ).order_by("-level", "name")  # "ward" and "municipality" sort after "district": the agreement's own first
