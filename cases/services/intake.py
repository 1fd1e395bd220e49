"""From what somebody noticed to an organisation holding it: report, intake, urgent escalation."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Area, Organisation, OrganisationKind, User
from accounts.selectors import organisation_ids_of
from audit import services as audit
from cases.access import (
    change_access,
    deny,
    end_grants,
    grant_access,
    organisation_granted,
    require_role_permission,
)
from cases.exceptions import CaseRuleError
from cases.models import (
    AccessLevel,
    Case,
    CaseAccessGrant,
    Concern,
    ConcernCategoryTag,
    ConcernSignal,
    LegalBasis,
    ReportingCredential,
)
from cases.services.people import register_person
from cases.services.references import allocate_case_reference
from cases.services.sharing import check_legal_basis, record_disclosure
from cases.transitions import CASES, transition
from cases.vocabulary import (
    RIGHTS_ADVOCACY,
    ConcernCategory,
    FieldGroup,
    ObservedSignal,
    ReporterKind,
    Urgency,
)
from notifications.models import Kind
from notifications.selectors import staff_of
from notifications.services import notify

INTAKE_FIELD_GROUPS = [FieldGroup.IDENTITY, FieldGroup.CONTACT, FieldGroup.CONCERN]
ALL_FIELD_GROUPS = list(FieldGroup.values)


def acting_organisation(actor: User, organisation: Organisation | None = None) -> Organisation:
    """The organisation the actor acts for: the one named, if theirs, or their only one."""
    organisations = Organisation.objects.filter(memberships__user=actor).distinct()
    if organisation is not None:
        if not organisations.filter(pk=organisation.pk).exists():
            raise CaseRuleError(_("所属していない組織として操作することはできません。"), code="not_a_member")
        return organisation
    found = list(organisations[:2])
    if len(found) != 1:
        raise CaseRuleError(_("どの組織として操作するかを選んでください。"), code="organisation_required")
    return found[0]


def serving(area: Area, kinds: list[str]) -> list[Organisation]:
    """Active organisations of these kinds whose areas include this area or one above it."""
    return list(
        Organisation.objects.filter(is_active=True, kind__in=kinds, areas__in=[area, *area.ancestors()])
        .distinct()
        .order_by("pk")
    )


def urgent_receivers(area: Area) -> list[Organisation]:
    """The ward office sections that receive a 至急 concern about this area at once, beside the
    care plazas (``Organisation.receives_urgent``)."""
    return [
        organisation
        for organisation in serving(area, [OrganisationKind.WARD_OFFICE])
        if organisation.receives_urgent
    ]


def intake_organisations(area: Area, urgency: str) -> list[Organisation]:
    """Who receives a concern about this area: its care plazas (the ward office where there is
    none) and, for a 至急 one, the ward office sections that receive urgent concerns too."""
    intake = serving(area, [OrganisationKind.CARE_PLAZA]) or serving(area, [OrganisationKind.WARD_OFFICE])
    if urgency == Urgency.URGENT:
        intake += [organisation for organisation in urgent_receivers(area) if organisation not in intake]
    return intake


def serves(organisation: Organisation, area: Area) -> bool:
    """Whether the organisation serves the area: it has the area, or an area the area lies in."""
    return organisation.areas.filter(pk__in=[a.pk for a in [area, *area.ancestors()]]).exists()


def report_concern(
    *,
    actor: User,
    area: Area,
    reporter_kind: str,
    signals: list[str],
    categories: list[str],
    urgency: str = Urgency.ROUTINE,
    details: str = "",
    identity: dict | None = None,
    noticed_on: datetime.date | None = None,
    organisation: Organisation | None = None,
    key: str = "",
    written_at: datetime.datetime | None = None,
) -> Case:
    """A concern (気付き) logged: a person (perhaps not yet named), a case in ``noticed``, and the
    care plazas of the area (the ward office where there is none) see it in their intake inbox —
    a 至急 one the ward office sections that receive urgent concerns too, at the top of theirs.

    Written on a phone offline (docs/offline.md): ``written_at`` is the phone's time of writing,
    ``key`` its one-time key (unique: a second concern with it is refused by the database; a
    phone's sending goes through ``report_concern_once``)."""
    require_role_permission(actor, "cases.add_concern", action="report_concern")
    reporter_organisation = acting_organisation(actor, organisation)
    if not serves(reporter_organisation, area):
        raise CaseRuleError(_("担当地域の外の気付きは登録できません。"), code="outside_area")
    if written_at is not None and written_at > timezone.now() + CLOCK_TOLERANCE:
        raise CaseRuleError(
            {"written_at": [_("端末の時計が進んでいます。端末の日時を確かめてください。")]}, code="in_future"
        )
    return open_case_on_concern(
        actor=actor,
        reporter_organisation=reporter_organisation,
        area=area,
        reporter_kind=reporter_kind,
        signals=signals,
        categories=categories,
        urgency=urgency,
        details=details,
        identity=identity,
        noticed_on=noticed_on,
        key=key,
        written_at=written_at,
    )


def report_concern_once(*, actor: User, key: str, **concern) -> tuple[Case, bool]:
    """``report_concern`` as a phone sends it, with its one-time ``key``: the case and whether it
    was opened now. A key already used answers the case its concern opened (``False``), never a
    second case, even when both sendings arrive at once (the unique key decides)."""
    require_role_permission(actor, "cases.add_concern", action="report_concern")
    earlier = concern_sent_before(actor, key)
    if earlier is not None:
        return earlier, False
    try:
        return report_concern(actor=actor, key=key, **concern), True
    except IntegrityError:
        earlier = concern_sent_before(actor, key)  # the same key, sent twice at once
        if earlier is None:
            raise
        return earlier, False


# How far ahead of the server a phone's clock may be before what it says it wrote is refused.
CLOCK_TOLERANCE = datetime.timedelta(minutes=10)


def concern_sent_before(actor: User, key: str) -> Case | None:
    """The case a concern sent with this one-time key opened, if one was; refused (recorded) when
    the key is another reporter's."""
    if not key:
        return None
    earlier = Concern.objects.filter(key=key).select_related("case").first()
    if earlier is None:
        return None
    if earlier.reported_by_id != actor.pk:
        deny(actor, action="report_concern")
    return earlier.case


def open_case_on_concern(
    *,
    actor: User | None,
    reporter_organisation: Organisation,
    area: Area,
    reporter_kind: str,
    signals: list[str],
    categories: list[str],
    urgency: str,
    details: str,
    identity: dict | None,
    noticed_on: datetime.date | None,
    credential: ReportingCredential | None = None,
    key: str = "",
    written_at: datetime.datetime | None = None,
) -> Case:
    """The writes of a concern that opens a case, whoever reported it (the caller has checked who
    may, and where): a user keeps a status-only view of it; a party reporting under an agreement
    (``credential``, no user) keeps nothing."""
    if not set(signals) <= set(ObservedSignal.values) or not set(categories) <= set(ConcernCategory.values):
        raise CaseRuleError(_("選べない項目が含まれています。"), code="unknown_code")
    if reporter_kind not in ReporterKind.values or urgency not in Urgency.values:
        raise CaseRuleError(_("選べない項目が含まれています。"), code="unknown_code")
    if not (signals or categories or details.strip()):
        raise CaseRuleError(_("気付いたこと・分類・内容のどれかを入力してください。"), code="empty_concern")
    intake = intake_organisations(area, urgency)
    if not intake:
        raise CaseRuleError(_("この地域を担当する受付機関が登録されていません。"), code="no_intake")

    with transaction.atomic(), audit.chained_together():
        person = register_person(actor=None, registered_by=reporter_organisation, **(identity or {}))
        case = Case.objects.create(
            person=person,
            area=area,
            urgent=urgency == Urgency.URGENT,
            reference=allocate_case_reference(area),
        )
        concern = Concern(
            case=case,
            reported_by=actor,
            reporter_kind=reporter_kind,
            urgency=urgency,
            details=details,
            reported_name=(identity or {}).get("name", ""),
            about_rights_advocacy=bool(set(categories) & set(RIGHTS_ADVOCACY)),
            credential=credential,
            key=key or None,
            written_at=written_at,
            **({"noticed_on": noticed_on} if noticed_on else {}),
        )
        concern.full_clean(
            exclude=["case", "reported_by", "key"]
        )  # the database decides: a retry is no error
        concern.save(force_insert=True)
        ConcernSignal.objects.bulk_create(
            ConcernSignal(concern=concern, code=c) for c in sorted(set(signals))
        )
        ConcernCategoryTag.objects.bulk_create(
            ConcernCategoryTag(concern=concern, code=c) for c in sorted(set(categories))
        )
        audit.record(
            "case.reported",
            actor=actor,
            organisation_id=reporter_organisation.pk,
            target=case,
            case_id=case.pk,
            person_id=person.pk,
            fields=["details", *[k for k, v in (identity or {}).items() if v]],
            params={
                "reporter_kind": reporter_kind,
                "urgency": urgency,
                **({"offline": True} if written_at else {}),
                **(
                    {"agreement": credential.agreement_id, "credential": credential.prefix}
                    if credential
                    else {}
                ),
            },
        )
        # The reporter keeps a status-only view; the intake organisations see what they need to act.
        if actor is not None:
            grant_access(
                case=case,
                user=actor,
                level=AccessLevel.STATUS,
                reason=CaseAccessGrant.Reason.REPORTER,
                field_groups=[],
                granted_by=actor,
            )
        for organisation in intake:
            grant_access(
                case=case,
                organisation=organisation,
                level=AccessLevel.VIEW,
                reason=CaseAccessGrant.Reason.INTAKE,
                field_groups=INTAKE_FIELD_GROUPS,
                granted_by=actor,
            )
        notify(
            kind=Kind.CONCERN_NEW,
            recipients=staff_of(organisation.pk for organisation in intake),
            link=_case_link(case),
            case_id=case.pk,
            urgent=case.urgent,
            actor=actor,
        )
    return case


def _case_link(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def _lead_grant(**organisation_and_more) -> dict:
    """The grant that makes an organisation the case's lead (``change_access``'s spec)."""
    return {
        "level": AccessLevel.LEAD,
        "reason": CaseAccessGrant.Reason.OWNER,
        "field_groups": ALL_FIELD_GROUPS,
        **organisation_and_more,
    }


def _not_intake() -> CaseRuleError:
    return CaseRuleError(_("このケースの受付機関ではありません。"), code="not_intake")


def _intake_organisation_id(actor: User, case: Case) -> int:
    """The id of the actor's organisation that received this concern for intake."""
    lead = organisation_granted(case, CaseAccessGrant.Reason.INTAKE, organisation_ids_of(actor))
    if lead is None:
        raise _not_intake()
    return lead


def accept_intake(*, actor: User, case: Case, expected_version: int) -> Case:
    """The care plaza (or ward office) of the area takes the concern as lead organisation."""
    require_role_permission(actor, "cases.take_intake", action="accept_intake", case=case)

    def become_lead(locked: Case) -> None:
        # Every intake grant ends; the first of them held by one of the actor's organisations names
        # the lead (another intake organisation's staff are refused, and the transaction undone).
        ended = end_grants(locked, CaseAccessGrant.objects.filter(reason=CaseAccessGrant.Reason.INTAKE))
        mine = set(organisation_ids_of(actor))
        lead = next((organisation for _pk, organisation, _user in ended if organisation in mine), None)
        if lead is None:
            raise _not_intake()
        locked.lead_organisation_id = lead
        change_access(
            case=locked,
            actor=actor,
            ended=ended,
            why="intake_accepted",
            grants=[_lead_grant(organisation_id=lead)],
        )
        notify(  # whoever reported it hears that it was taken up (the state only: their own view)
            kind=Kind.CONCERN_ACCEPTED,
            recipients=[
                c.reported_by
                for c in Concern.objects.filter(case=locked, reported_by__isnull=False).select_related(
                    "reported_by"
                )
            ],
            link=reverse("cases:my_concerns"),
            case_id=locked.pk,
            actor=actor,
        )

    return transition(
        CASES,
        actor=actor,
        record=case,
        expected_version=expected_version,
        name="accept_intake",
        permission="view_case",
        before=become_lead,
        fields=("lead_organisation",),
    )


def escalate_urgent(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    ward_office: Organisation,
    legal_basis: LegalBasis,
    reference: str = "",
) -> Case:
    """Suspected abuse or risk to life: the ward office leads at once, on a recorded legal basis,
    and the case comes first in its inbox. The previous lead keeps working on it as a contributor."""
    require_role_permission(actor, "cases.take_intake", action="escalate_urgent", case=case)

    def hand_to_ward(locked: Case) -> None:
        acting = locked.lead_organisation
        if acting is None:  # still at intake: the actor's organisation that received the concern
            acting = Organisation.objects.get(pk=_intake_organisation_id(actor, locked))
        if ward_office.kind != OrganisationKind.WARD_OFFICE or not serves(ward_office, locked.area):
            raise CaseRuleError(_("この地域を担当する区役所の課を選んでください。"), code="not_ward_office")
        check_legal_basis(legal_basis, acting, reference)
        if legal_basis.is_consent:
            raise CaseRuleError(
                _("緊急の引継ぎには、同意以外の法令上の根拠を選んでください。"), code="basis_not_urgent"
            )
        disclosure = record_disclosure(
            actor=actor,
            case=locked,
            on_behalf_of=acting,
            recipient=ward_office,
            field_groups=ALL_FIELD_GROUPS,
            legal_basis=legal_basis,
            reference=reference,
        )
        change_access(
            case=locked,
            actor=actor,
            ended=end_grants(
                locked,
                CaseAccessGrant.objects.filter(
                    reason__in=[CaseAccessGrant.Reason.OWNER, CaseAccessGrant.Reason.INTAKE]
                ).filter(~Q(organisation=ward_office)),
            ),
            why="escalated",
            grants=[
                _lead_grant(organisation=ward_office, disclosure=disclosure),
                {
                    "organisation": acting,
                    "level": AccessLevel.CONTRIBUTE,
                    "reason": CaseAccessGrant.Reason.DISCLOSURE,
                    "field_groups": ALL_FIELD_GROUPS,
                },
            ],
        )
        locked.lead_organisation = ward_office
        notify(
            kind=Kind.CASE_ESCALATED,
            recipients=staff_of([ward_office.pk]),
            link=_case_link(locked),
            case_id=locked.pk,
            urgent=True,
            actor=actor,
        )

    return transition(
        CASES,
        actor=actor,
        record=case,
        expected_version=expected_version,
        name="escalate_urgent",
        permission="view_case",
        before=hand_to_ward,
        fields=("lead_organisation",),
    )


def take_urgent(*, actor: User, case: Case, expected_version: int) -> Case:
    """A ward office section that received a 至急 concern takes it as lead before any care plaza
    has accepted it: abuse or a risk to life is the municipality's to answer, and the ward need not
    wait for the plaza to escalate. Only a ward caseworker (``cases.take_urgent``; anyone else is
    refused, recorded), only an urgent case still at intake, only for a section that received it.
    The other ward sections' intake grants end; the care plazas keep what they received (identity,
    contact, concern), see the ward as lead and still find the case in their inbox."""
    require_role_permission(actor, "cases.take_urgent", action="take_urgent", case=case)

    def ward_leads(locked: Case) -> None:
        if not locked.urgent:
            raise CaseRuleError(
                _("至急の気付きではありません。通常の受付（主担当として受け付ける）をしてください。"),
                code="not_urgent",
            )
        wards = list(
            Organisation.objects.filter(
                pk__in=organisation_ids_of(actor), kind=OrganisationKind.WARD_OFFICE
            ).values_list("pk", flat=True)
        )
        lead = organisation_granted(locked, CaseAccessGrant.Reason.INTAKE, wards)
        if lead is None:
            raise _not_intake()
        ended = end_grants(
            locked,
            CaseAccessGrant.objects.filter(
                reason=CaseAccessGrant.Reason.INTAKE, organisation__kind=OrganisationKind.WARD_OFFICE
            ),
        )
        locked.lead_organisation_id = lead
        change_access(
            case=locked,
            actor=actor,
            ended=ended,
            why="urgent_taken",
            grants=[_lead_grant(organisation_id=lead)],
        )

    return transition(
        CASES,
        actor=actor,
        record=case,
        expected_version=expected_version,
        name="take_urgent",
        permission="view_case",
        before=ward_leads,
        fields=("lead_organisation",),
    )
