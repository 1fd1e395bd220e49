"""Every write of the rights-advocacy track: one function per use case (docs/architecture.md).

The centre's coordinators act through their object permission on the matter; the candidate pool
through the role permission ``guardianship.manage_candidates``. Transitions and the assessment go
through the engine (``cases.transitions``) with the machine below: the matter row is locked, the
permission decided on it, the version compared (``cases.exceptions.Conflict``), then the input
and rules checked. Other services check before their transaction. A refusal is audited in a
transaction of its own, and every change records its audit event in the same transaction.
"""

import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Area, Organisation, OrganisationKind, User
from accounts.roles import Role
from accounts.selectors import council_areas_of, organisation_ids_of
from audit import services as audit
from cases.access import deny, grant_access, require_role_permission, revoke_grants
from cases.exceptions import CaseRuleError
from cases.models import AccessLevel, Case, CaseAccessGrant, Person
from cases.transitions import RowMachine, act, transition
from cases.vocabulary import FieldGroup
from guardianship import matching
from guardianship.access import (
    MANAGE,
    may_manage,
    open_to_centre,
    permitted_matter_ids,
    require_matter_permission,
    require_pool_permission,
    require_report_permission,
)
from guardianship.models import (
    AgendaItem,
    Appointment,
    Complaint,
    ConflictDeclaration,
    CouncilMeeting,
    GuardianCandidate,
    GuardianshipMatter,
    MatchingAcknowledgement,
    MatchingMeeting,
    MatchProposal,
    MonitoringReport,
    Petition,
    PetitionDocument,
    Replacement,
    TeamMember,
)
from guardianship.vocabulary import (
    END_REASON_ONLY_IN,
    DocumentKind,
    DocumentStatus,
    MatterEndReason,
    MatterState,
    ReplacementReason,
    TeamRole,
)
from notifications.models import Kind
from notifications.selectors import staff_of
from notifications.services import notify
from privacy.models import DataKey

S = MatterState
P = MatchProposal.Status
# What an appointed guardian sees of the case: who the person is, how to reach them, the matter.
GUARDIAN_FIELD_GROUPS = [FieldGroup.IDENTITY, FieldGroup.CONTACT, FieldGroup.GUARDIANSHIP]
# The first report is due a month after appointment (the inventory of 民法 §853), then as scheduled.
FIRST_REPORT_DAYS = 30


class MatterMachine(RowMachine[GuardianshipMatter]):
    model = GuardianshipMatter
    related = ("case__person", "centre", "area")
    organisation = "centre_id"
    transitioned_event = "guardianship.transitioned"
    conflict_message = gettext_lazy(
        "他の人が先にこの案件を更新しました。画面を開き直して、最新の状態を確かめてください。"
    )
    not_allowed_message = gettext_lazy("この案件は今の状態（%(state)s）ではこの操作ができません。")

    def permitted(self, actor: User | None, locked: GuardianshipMatter, permission: str) -> bool:
        return may_manage(actor, locked)


MATTERS = MatterMachine()


def _record(event: str, *, actor: User | None, matter: GuardianshipMatter, fields=(), **params) -> None:
    MATTERS.record(event, actor=actor, locked=matter, fields=fields, params=params)


def _centre_for(case: Case) -> Organisation:
    """The guardianship centre serving the case's area (or one of its ancestors)."""
    area: Area | None = case.area
    ancestors = []
    while area is not None:
        ancestors.append(area.pk)
        area = area.parent
    centre = (
        Organisation.objects.filter(
            kind=OrganisationKind.GUARDIANSHIP_CENTRE, is_active=True, areas__in=ancestors
        )
        .order_by("pk")
        .first()
    )
    if centre is None:
        raise CaseRuleError(
            _("この地域を担当する中核機関（成年後見の推進センター）が登録されていません。"), code="no_centre"
        )
    return centre


def open_matter(*, actor: User, case: Case) -> GuardianshipMatter:
    """The case decided on guardianship: the area's centre receives a matter in intake. It sees
    the case only as far as the lead organisation discloses it."""
    matter = GuardianshipMatter(case=case, centre=_centre_for(case), area=case.area, opened_by=actor)
    matter.save(force_insert=True)
    open_to_centre(matter)
    _record("guardianship.opened", actor=actor, matter=matter, centre=matter.centre_id)
    notify(
        kind=Kind.MATTER_OPENED,
        recipients=staff_of([matter.centre_id]),
        link=reverse("guardianship:matter", args=[matter.pk]),
        case_id=case.pk,
        actor=actor,
    )
    return matter


def _transition(
    *,
    actor: User,
    matter: GuardianshipMatter,
    expected_version: int,
    name: str,
    before: Callable[[GuardianshipMatter], None] | None = None,
) -> GuardianshipMatter:
    """Transition ``name`` through the engine for the matter's centre; ``before(locked)`` checks
    the input and rules (a CaseRuleError refuses) and writes what goes with the transition."""
    return transition(
        MATTERS,
        actor=actor,
        record=matter,
        expected_version=expected_version,
        name=name,
        permission=MANAGE,
        action=f"guardianship.{name}",
        before=before,
    )


def start_assessment(*, actor: User, matter: GuardianshipMatter, expected_version: int) -> GuardianshipMatter:
    return _transition(actor=actor, matter=matter, expected_version=expected_version, name="start_assessment")


ASSESSMENT_TEXT = ("capacity_concerns", "wishes", "wishes_supported_by", "wishes_how", "alternative_reason")
ASSESSMENT_FLAGS = (
    "has_disputes",
    "has_real_estate",
    "has_debts",
    "has_abuse",
    "has_family_conflict",
    "large_estate",
)
ASSESSMENT_FIELDS = (*ASSESSMENT_TEXT, *ASSESSMENT_FLAGS, "alternative", "language", "needed_specialisms")


def record_assessment(
    *,
    actor: User,
    matter: GuardianshipMatter,
    expected_version: int,
    care_providers: Iterable[Organisation] | None = None,
    **values,
) -> GuardianshipMatter:
    """Capacity concerns, the person's wishes (意思決定支援: what they said, who supported, how),
    complexity indicators and the alternative considered. Until the petition is filed."""
    unknown = set(values) - set(ASSESSMENT_FIELDS)
    if unknown:  # a caller's mistake, not the user's input
        raise TypeError(f"unknown assessment fields {sorted(unknown)}")

    def assess(locked: GuardianshipMatter) -> GuardianshipMatter:
        if locked.state not in (S.ASSESSMENT, S.TEAM_FORMATION, S.PETITION_PREPARATION, S.CANDIDATE_MATCHING):
            raise CaseRuleError(
                _("アセスメントは、検討から候補者調整までの間に記録できます。"), code="not_assessing"
            )
        for name, value in values.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["case", "centre", "area", "opened_by", "care_providers", "state"])
        MATTERS.save(locked, values)
        if care_providers is not None:
            locked.care_providers.set(care_providers)
        _record(
            "guardianship.assessed",
            actor=actor,
            matter=locked,
            fields=[name for name in values if name in ASSESSMENT_TEXT and values[name]],
        )
        return locked

    return act(
        MATTERS,
        actor=actor,
        record=matter,
        expected_version=expected_version,
        permission=MANAGE,
        action="guardianship.record_assessment",
        work=assess,
    )


def choose_alternative(
    *, actor: User, matter: GuardianshipMatter, expected_version: int, alternative: str, reason: str
) -> GuardianshipMatter:
    """No petition: the person is supported another way (意思決定支援, あんしんセンター, 任意後見…)."""

    def keep(locked):
        if not reason.strip():
            raise CaseRuleError(_("他の支援を選んだ理由を書いてください。"), code="reason_required")
        locked.alternative, locked.alternative_reason = alternative, reason

    return _transition(
        actor=actor, matter=matter, expected_version=expected_version, name="choose_alternative", before=keep
    )


def form_team(*, actor: User, matter: GuardianshipMatter, expected_version: int) -> GuardianshipMatter:
    return _transition(actor=actor, matter=matter, expected_version=expected_version, name="form_team")


def add_team_member(
    *, actor: User, matter: GuardianshipMatter, name: str, role: str, organisation: Organisation | None = None
) -> TeamMember:
    """Someone joins the person's support team: their organisation (if any), name and part."""
    require_matter_permission(actor, matter, action="guardianship.add_team_member")
    if not name.strip():
        raise CaseRuleError({"name": [_("氏名を入力してください。")]}, code="name_required")
    if role not in TeamRole.values:
        raise CaseRuleError({"role": [_("役割を選んでください。")]}, code="bad_role")
    with transaction.atomic():
        locked = GuardianshipMatter.objects.select_for_update().select_related("case").get(pk=matter.pk)
        if locked.state in (S.INTAKE, S.ENDED):
            raise CaseRuleError(
                _("チームの構成員は、検討を始めてから案件を終えるまでの間に記録できます。"),
                code="not_forming_team",
            )
        member = TeamMember(
            matter=locked, organisation=organisation, name=name.strip(), role=role, added_by=actor
        )
        member.save(force_insert=True)
        _record(
            "guardianship.updated",
            actor=actor,
            matter=locked,
            fields=["team_name"],
            what="team_member",
            team_role=role,
        )
    return member


def remove_team_member(*, actor: User, member: TeamMember) -> None:
    """A member recorded by mistake, or who has left the team, is taken off the list."""
    matter = member.matter
    require_matter_permission(actor, matter, action="guardianship.remove_team_member")
    with transaction.atomic():
        locked = GuardianshipMatter.objects.select_for_update().select_related("case").get(pk=matter.pk)
        if locked.state == S.ENDED:
            raise CaseRuleError(_("終了した案件のチームは変えられません。"), code="matter_ended")
        TeamMember.objects.filter(pk=member.pk, matter=locked).delete()
        _record(
            "guardianship.updated",
            actor=actor,
            matter=locked,
            what="team_member_removed",
            team_role=member.role,
        )


def prepare_petition(
    *,
    actor: User,
    matter: GuardianshipMatter,
    expected_version: int,
    type: str,
    petitioner_kind: str,
    court: Organisation,
    subsidy_petition_costs: bool = False,
    subsidy_remuneration: bool = False,
) -> GuardianshipMatter:
    """The petition is prepared with the team: its type, petitioner, court, fee subsidies and the
    documents checklist."""

    def create(locked):
        if not locked.team.exists():
            raise CaseRuleError(_("申立ての準備の前に、チームの構成員を記録してください。"), code="no_team")
        if court.kind != OrganisationKind.FAMILY_COURT:
            raise CaseRuleError(_("申立先には家庭裁判所を選んでください。"), code="not_a_court")
        _new_petition(
            locked,
            [{"kind": kind} for kind in DocumentKind.values],
            type=type,
            petitioner_kind=petitioner_kind,
            court=court,
            subsidy_petition_costs=subsidy_petition_costs,
            subsidy_remuneration=subsidy_remuneration,
        )

    return _transition(
        actor=actor, matter=matter, expected_version=expected_version, name="prepare_petition", before=create
    )


# What a petition says besides its matter and documents: a replacement's new petition copies them.
PETITION_TERMS = ("type", "petitioner_kind", "court", "subsidy_petition_costs", "subsidy_remuneration")


def _new_petition(matter: GuardianshipMatter, documents: list[dict], **terms) -> Petition:
    """A petition of the matter with its documents checklist (each a dict of the document's fields)."""
    petition = Petition(matter=matter, **terms)
    petition.full_clean(exclude=["matter", "court"])
    petition.save(force_insert=True)
    PetitionDocument.objects.bulk_create(
        PetitionDocument(petition=petition, **document) for document in documents
    )
    return petition


def current_petition(matter: GuardianshipMatter) -> Petition | None:
    return matter.petitions.order_by("-created_at").first()


def update_documents(*, actor: User, petition: Petition, statuses: dict[str, str]) -> list[PetitionDocument]:
    """The petition's documents checklist, saved in one submit: ``statuses`` maps each document
    the user changed to its new status. Those that differ are written in one transaction with one
    event naming them (codes only); nothing is written when nothing differs. An unknown document
    or status changes nothing."""
    matter = petition.matter
    require_matter_permission(actor, matter, action="guardianship.update_document")
    if any(status not in DocumentStatus.values for status in statuses.values()):
        raise CaseRuleError(_("書類の状況を選んでください。"), code="bad_status")
    with transaction.atomic():
        documents = list(
            PetitionDocument.objects.select_for_update().filter(petition=petition, kind__in=list(statuses))
        )
        if len(documents) != len(statuses):
            raise CaseRuleError(_("この申立ての書類ではありません。"), code="unknown_document")
        order = {kind: index for index, kind in enumerate(DocumentKind.values)}
        changed = sorted(
            (document for document in documents if document.status != statuses[document.kind]),
            key=lambda document: order.get(document.kind, len(order)),
        )
        now = timezone.now()
        for document in changed:
            document.status, document.updated_at = statuses[document.kind], now
        if changed:
            PetitionDocument.objects.bulk_update(changed, ["status", "updated_at"])
            _record(
                "guardianship.updated",
                actor=actor,
                matter=matter,
                what="documents",
                documents=[document.kind for document in changed],
                statuses=[document.status for document in changed],
            )
    return changed


def update_document(*, actor: User, petition: Petition, kind: str, status: str) -> PetitionDocument:
    """One document of the checklist (``update_documents`` with one item)."""
    update_documents(actor=actor, petition=petition, statuses={kind: status})
    return PetitionDocument.objects.get(petition=petition, kind=kind)


def start_matching(*, actor: User, matter: GuardianshipMatter, expected_version: int) -> GuardianshipMatter:
    return _transition(actor=actor, matter=matter, expected_version=expected_version, name="start_matching")


def register_candidate(*, actor: User, relative_of: Person | None = None, **candidate) -> GuardianCandidate:
    """Add someone to the candidate pool (a citizen guardian from the bank: with the dates of
    their training and registration; a relative: of a person whose open matter the actor's centre
    works on); ``candidate`` as ``enrol_candidate`` takes it. Name and contact are encrypted under
    a key of their own."""
    require_pool_permission(actor, action="guardianship.register_candidate")
    if relative_of is not None and not (
        GuardianshipMatter.objects.filter(case__person=relative_of, pk__in=permitted_matter_ids(actor))
        .exclude(state=S.ENDED)
        .exists()
    ):
        deny(actor, action="guardianship.register_candidate")
    return enrol_candidate(actor=actor, relative_of=relative_of, **candidate)


def candidate_problem(candidate: GuardianCandidate, unchecked: Iterable[str] = ()) -> list[str]:
    """What is wrong with a candidate not yet saved (the model's rules, in words), or nothing;
    ``unchecked`` fields are left to the caller (an organisation that the same import makes)."""
    try:
        candidate.full_clean(exclude=["data_key", *unchecked], validate_constraints=False)
    except ValidationError as error:
        return error.messages
    return []


def enrol_candidate(
    *,
    actor: User,
    kind: str,
    name: str,
    max_caseload: int,
    areas: Iterable[Area] = (),
    contact: str = "",
    organisation: Organisation | None = None,
    user: User | None = None,
    relative_of: Person | None = None,
    languages: Iterable[str] = ("ja",),
    specialisms: Iterable[str] = (),
    caseload: int = 0,
    training_completed_on: datetime.date | None = None,
    registered_on: datetime.date | None = None,
) -> GuardianCandidate:
    """The candidate written and recorded, once the caller has decided the actor may: the centre's
    ``register_candidate``, or an administrator's onboarding import (onboarding.services)."""
    with transaction.atomic():
        candidate = GuardianCandidate(
            data_key=DataKey.objects.generate(),
            kind=kind,
            name=name,
            contact=contact,
            organisation=organisation,
            user=user,
            relative_of=relative_of,
            languages=sorted(set(languages)),
            specialisms=sorted(set(specialisms)),
            max_caseload=max_caseload,
            caseload=caseload,
            training_completed_on=training_completed_on,
            registered_on=registered_on,
        )
        if problems := candidate_problem(candidate):  # clean() says it in words; nothing is saved
            raise CaseRuleError(problems, code="invalid_candidate")
        candidate.save(force_insert=True)
        candidate.areas.set(areas)
        audit.record(
            "guardianship.candidate_registered",
            actor=actor,
            target=candidate,
            fields=["name", *(["contact"] if contact else [])],
            params={"kind": kind},
        )
    return candidate


def declare_conflict(*, actor: User, candidate: GuardianCandidate, person: Person) -> ConflictDeclaration:
    require_pool_permission(actor, action="guardianship.declare_conflict")
    with transaction.atomic():
        declaration, _created = ConflictDeclaration.objects.get_or_create(candidate=candidate, person=person)
        audit.record(
            "guardianship.conflict_declared", actor=actor, target=candidate, person_id=person.pk, params={}
        )
    return declaration


def meeting_attendees(centre_ids: "Iterable[int] | QuerySet") -> QuerySet[User]:
    """The people a matching meeting of these centres may admit: active users of the centres, of
    the professional associations (弁護士会・司法書士会・社会福祉士会) and the ward office's
    caseworkers, those two of the centres' municipalities; each with ``organisation_name``, the
    (first) organisation that admits them. ``centre_ids``: ids, or a query of them."""
    municipalities = Organisation.objects.filter(pk__in=centre_ids).values("municipality")
    nearby = {
        "memberships__organisation__is_active": True,
        "memberships__organisation__municipality__in": municipalities,
    }
    admitting = (
        Q(memberships__organisation_id__in=centre_ids)
        | Q(memberships__organisation__kind=OrganisationKind.PROFESSIONAL_ASSOCIATION, **nearby)
        | Q(
            memberships__organisation__kind=OrganisationKind.WARD_OFFICE,
            memberships__role=Role.WARD_CASEWORKER,
            **nearby,
        )
    )
    return (
        User.objects.filter(admitting, is_active=True)
        .annotate(organisation_name=Min("memberships__organisation__name"))
        .order_by("organisation_name", "last_name", "first_name", "pk")
    )


def schedule_matching_meeting(
    *,
    actor: User,
    matters: list[GuardianshipMatter],
    scheduled_for: datetime.datetime,
    attendees: Iterable[User] = (),
    proposals_per_matter: int = 5,
) -> MatchingMeeting:
    """Put matters in candidate matching on one agenda, each with its ranked, explained proposals."""
    if not matters:
        raise CaseRuleError(_("議題にする案件を選んでください。"), code="no_matters")
    for matter in matters:
        require_matter_permission(actor, matter, action="guardianship.schedule_matching")
    centres = {matter.centre_id for matter in matters}
    if len(centres) != 1:
        raise CaseRuleError(_("一つの会議では、一つの中核機関の案件を扱います。"), code="mixed_centres")
    centre_id = centres.pop()
    attendees = list(attendees)
    admitted = set(
        meeting_attendees([centre_id]).filter(pk__in=[a.pk for a in attendees]).values_list("pk", flat=True)
    )
    if any(a.pk not in admitted for a in attendees):
        raise CaseRuleError(
            {"attendees": [_("出席者は、中核機関・専門職団体・区役所の職員から選んでください。")]},
            code="attendee_not_admitted",
        )
    with transaction.atomic():
        meeting = MatchingMeeting.objects.create(
            centre_id=centre_id, scheduled_for=scheduled_for, convened_by=actor
        )
        meeting.attendees.set(attendees)
        for matter in matters:
            matter = GuardianshipMatter.objects.select_related("case", "area").get(pk=matter.pk)
            if matter.state != S.CANDIDATE_MATCHING:
                raise CaseRuleError(_("候補者調整の段階にない案件は議題にできません。"), code="not_matching")
            item = AgendaItem(meeting=meeting, matter=matter)
            item.save(force_insert=True)
            proposals = matching.propose_candidates(matter, limit=proposals_per_matter)
            MatchProposal.objects.bulk_create(
                MatchProposal(
                    item=item,
                    candidate_id=p.candidate_id,
                    rank=rank,
                    score=p.score,
                    reasons=p.reasons,
                    backup_id=p.backup_id,
                )
                for rank, p in enumerate(proposals, start=1)
            )
            _record(
                "guardianship.matching_scheduled",
                actor=actor,
                matter=matter,
                meeting=meeting.pk,
                proposals=len(proposals),
            )
    return meeting


# Who a matching meeting admits from outside the centre: they see its matters only once they
# have acknowledged confidentiality on screen, and only until the meeting's access ends.
OUTSIDE_ATTENDEE_KINDS = (OrganisationKind.PROFESSIONAL_ASSOCIATION, OrganisationKind.WARD_OFFICE)
# What such an attendee sees of the person on each agenda item: who they are, nothing more.
MATCHING_ATTENDEE_FIELD_GROUPS = [FieldGroup.IDENTITY]


def is_outside_attendee(actor: User, meeting: MatchingMeeting) -> bool:
    """An attendee of the meeting who is of a professional association or the ward office."""
    return meeting.attendees.filter(
        pk=actor.pk, memberships__organisation__kind__in=OUTSIDE_ATTENDEE_KINDS
    ).exists()


def acknowledge_matching_meeting(*, actor: User, meeting: MatchingMeeting) -> MatchingAcknowledgement:
    """An attendee from a professional association or the ward office confirms the duty of
    confidentiality; only then do they see the meeting's matters (the person's identity, the
    candidates proposed), until the meeting's access ends. Anyone else is refused, recorded."""
    with transaction.atomic():
        locked = MatchingMeeting.objects.select_for_update().get(pk=meeting.pk)
        if not is_outside_attendee(actor, locked):
            deny(actor, action="guardianship.acknowledge_matching")
        if timezone.now() > locked.access_until:
            raise CaseRuleError(_("この会議の閲覧期間は終わりました。"), code="meeting_access_ended")
        done = MatchingAcknowledgement.objects.filter(meeting=locked, user=actor).first()
        if done is not None:
            return done
        acknowledgement = MatchingAcknowledgement.objects.create(
            meeting=locked, user=actor, acknowledged_at=timezone.now()
        )
        for item in locked.items.select_related("matter__case"):
            case = item.matter.case
            grant_access(
                case=case,
                user=actor,
                level=AccessLevel.VIEW,
                reason=CaseAccessGrant.Reason.MEETING,
                field_groups=MATCHING_ATTENDEE_FIELD_GROUPS,
                granted_by=actor,
                expires_at=locked.access_until,
            )
            _record("guardianship.matching_acknowledged", actor=actor, matter=item.matter, meeting=locked.pk)
    return acknowledgement


def choose_candidate(*, actor: User, proposal: MatchProposal, reason: str) -> MatchProposal:
    """The meeting picks a proposal for the matter, with its reason; the candidate is then asked."""
    item = proposal.item
    require_matter_permission(actor, item.matter, action="guardianship.choose_candidate")
    if not reason.strip():
        raise CaseRuleError(_("決定の理由を書いてください。"), code="reason_required")
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("matter__case").get(pk=item.pk)
        if item.proposals.filter(status__in=[P.SELECTED, P.ACCEPTED]).exists():
            raise CaseRuleError(_("この案件では、既に候補者を選んでいます。"), code="already_chosen")
        proposal = MatchProposal.objects.get(pk=proposal.pk, item=item)
        if proposal.status != P.PROPOSED:
            raise CaseRuleError(_("この候補者は選べません（辞退または見送り）。"), code="not_proposed")
        proposal.status = P.SELECTED
        proposal.save(update_fields=["status"])
        item.decision_reason, item.decided_at = reason, timezone.now()
        item.save(update_fields=["decision_reason", "decided_at"])
        _record(
            "guardianship.candidate_chosen",
            actor=actor,
            matter=item.matter,
            fields=["decision_reason"],
            proposal=proposal.pk,
            rank=proposal.rank,
        )
    return proposal


def record_candidate_answer(*, actor: User, proposal: MatchProposal, accepted: bool) -> MatchProposal:
    """受任の内諾, or a refusal — then the next proposal in rank is asked."""
    item = proposal.item
    require_matter_permission(actor, item.matter, action="guardianship.candidate_answer")
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("matter__case").get(pk=item.pk)
        proposal = MatchProposal.objects.get(pk=proposal.pk, item=item)
        if proposal.status != P.SELECTED:
            raise CaseRuleError(_("内諾を確認しているのは、選んだ候補者だけです。"), code="not_selected")
        proposal.status = P.ACCEPTED if accepted else P.REFUSED
        proposal.save(update_fields=["status"])
        if not accepted:
            following = (
                item.proposals.filter(status=P.PROPOSED, rank__gt=proposal.rank).order_by("rank").first()
            )
            if following is not None:
                following.status = P.SELECTED
                following.save(update_fields=["status"])
        else:
            item.proposals.filter(status=P.PROPOSED).update(status=P.NOT_SELECTED)
        _record(
            "guardianship.candidate_answered",
            actor=actor,
            matter=item.matter,
            proposal=proposal.pk,
            accepted=accepted,
        )
    return proposal


def accepted_proposal(matter: GuardianshipMatter) -> MatchProposal | None:
    return (
        MatchProposal.objects.filter(item__matter=matter, status=P.ACCEPTED)
        .select_related("candidate")
        .order_by("-item__meeting__scheduled_for")
        .first()
    )


def file_petition(
    *, actor: User, matter: GuardianshipMatter, expected_version: int, filed_on: datetime.date
) -> GuardianshipMatter:
    """The petition goes to the court with a candidate who has agreed to serve and every document."""

    def check(locked):
        petition = current_petition(locked)
        if petition is None:
            raise CaseRuleError(_("申立ての準備が記録されていません。"), code="no_petition")
        if not petition.documents_ready:
            missing = petition.documents.exclude(
                status__in=[DocumentStatus.RECEIVED, DocumentStatus.NOT_APPLICABLE]
            ).values_list("kind", flat=True)
            raise CaseRuleError(
                _("そろっていない書類があります: %(documents)s")
                % {"documents": "、".join(str(DocumentKind(k).label) for k in missing)},
                code="documents_missing",
            )
        if accepted_proposal(locked) is None:
            raise CaseRuleError(_("受任の内諾を得た候補者がいません。"), code="no_candidate")
        opened_on = timezone.localdate(locked.opened_at)
        if filed_on > timezone.localdate():
            raise CaseRuleError(_("申立日に未来の日付は入れられません。"), code="filed_in_future")
        if filed_on < opened_on:  # the report's days from intake to filing would go negative
            raise CaseRuleError(
                _("申立日は案件の受付日（%(opened)s）以降の日付にしてください。")
                % {"opened": opened_on.isoformat()},
                code="filed_before_opening",
            )
        petition.filed_on = filed_on
        petition.save(update_fields=["filed_on"])

    return _transition(
        actor=actor, matter=matter, expected_version=expected_version, name="file", before=check
    )


def record_ruling(
    *,
    actor: User,
    matter: GuardianshipMatter,
    expected_version: int,
    appointed: bool,
    ruled_on: datetime.date,
) -> GuardianshipMatter:
    """The court's ruling. Appointed: the candidate who agreed becomes the guardian, joins the case
    team with limited access, and the first report is scheduled. Dismissed: the matter says so."""

    def rule(locked):
        petition = current_petition(locked)
        if ruled_on < petition.filed_on:
            raise CaseRuleError(_("審判日は申立日より後の日付にしてください。"), code="ruling_before_filing")
        if ruled_on > timezone.localdate():
            raise CaseRuleError(_("審判日に未来の日付は入れられません。"), code="ruled_in_future")
        petition.ruling = Petition.Ruling.APPOINTED if appointed else Petition.Ruling.DISMISSED
        petition.ruled_on = ruled_on
        petition.save(update_fields=["ruling", "ruled_on"])
        if appointed:
            _appoint(actor, locked, petition, accepted_proposal(locked).candidate, ruled_on)

    return _transition(
        actor=actor,
        matter=matter,
        expected_version=expected_version,
        name="appoint" if appointed else "dismiss",
        before=rule,
    )


def _appoint(actor, matter, petition, candidate, appointed_on) -> Appointment:
    grantee = {"user": candidate.user} if candidate.user_id else {"organisation": candidate.organisation}
    grant = None
    if candidate.user_id or candidate.organisation_id:
        grant = grant_access(
            case=matter.case,
            granted_by=actor,
            level=AccessLevel.VIEW,
            reason=CaseAccessGrant.Reason.GUARDIAN,
            field_groups=GUARDIAN_FIELD_GROUPS,
            **grantee,
        )
    appointment = Appointment.objects.create(
        matter=matter,
        candidate=candidate,
        petition=petition,
        type=petition.type,
        appointed_on=appointed_on,
        grant=grant,
    )
    GuardianCandidate.objects.filter(pk=candidate.pk).update(caseload=F("caseload") + 1)
    MonitoringReport(
        appointment=appointment, due_on=appointed_on + datetime.timedelta(days=FIRST_REPORT_DAYS)
    ).save(force_insert=True)
    return appointment


def _end_appointment(actor, matter, reason: str) -> Appointment | None:
    appointment = matter.appointments.filter(ended_on__isnull=True).first()
    if appointment is None:
        return None
    appointment.ended_on, appointment.end_reason = timezone.localdate(), reason
    appointment.save(update_fields=["ended_on", "end_reason"])
    GuardianCandidate.objects.filter(pk=appointment.candidate_id, caseload__gt=0).update(
        caseload=F("caseload") - 1
    )
    if appointment.grant_id:
        revoke_grants(
            CaseAccessGrant.objects.filter(pk=appointment.grant_id), actor=actor, why="guardian_ended"
        )
    return appointment


def start_support(*, actor: User, matter: GuardianshipMatter, expected_version: int) -> GuardianshipMatter:
    return _transition(actor=actor, matter=matter, expected_version=expected_version, name="start_support")


def request_replacement(
    *,
    actor: User,
    matter: GuardianshipMatter,
    expected_version: int,
    reason: str,
    note: str = "",
) -> GuardianshipMatter:
    """交代: the guardian's appointment ends (kept in the history) with the reason for the
    replacement, and matching starts again with a new petition that carries the documents already
    gathered."""

    def replace(locked):
        if reason not in ReplacementReason.values:
            raise CaseRuleError({"reason": [_("交代の理由を選んでください。")]}, code="reason_required")
        if reason == ReplacementReason.OTHER and not note.strip():
            raise CaseRuleError(
                {"note": [_("「その他」のときは、交代の理由をメモに書いてください。")]}, code="note_required"
            )
        previous = _end_appointment(actor, locked, Appointment.EndReason.REPLACED)
        Replacement(
            matter=locked, appointment=previous, reason=reason, note=note.strip(), recorded_by=actor
        ).save(force_insert=True)
        old = previous.petition if previous else current_petition(locked)
        _new_petition(
            locked,
            [{"kind": d.kind, "status": d.status} for d in old.documents.all()],
            **{term: getattr(old, term) for term in PETITION_TERMS},
        )
        _record(
            "guardianship.updated",
            actor=actor,
            matter=locked,
            fields=["replacement_note"] if note.strip() else [],
            what="replacement",
            reason=reason,
        )

    return _transition(
        actor=actor, matter=matter, expected_version=expected_version, name="start_matching", before=replace
    )


def end_matter(
    *,
    actor: User,
    matter: GuardianshipMatter,
    expected_version: int,
    reason: str,
    note: str = "",
    withdrawal_permitted_on: datetime.date | None = None,
    withdrawal_court: Organisation | None = None,
) -> GuardianshipMatter:
    """The matter ends, at any stage, with its reason (the case withdrawn, the person dead or moved
    away, another way of support…). After the petition is filed and before the ruling, ending
    withdraws the petition, which the family court must permit (家事事件手続法 §121): the day of
    its permission and the court are recorded, or nothing ends. The person's death ends the
    proceedings by itself and needs no permission. A guardian still appointed steps down."""

    withdrew = []  # whether ending withdrew a filed petition: said in the event

    def finish(locked):
        errors: dict[str, list] = {}
        if reason not in MatterEndReason.values:
            errors["reason"] = [_("終了の理由を選んでください。")]
        elif END_REASON_ONLY_IN.get(reason, locked.state) != locked.state:
            errors["reason"] = [
                _("この理由は、案件が「%(state)s」のときだけ選べます。")
                % {"state": S(END_REASON_ONLY_IN[reason]).label}
            ]
        elif reason == MatterEndReason.OTHER and not note.strip():
            errors["note"] = [_("「その他」のときは、終了の理由をメモに書いてください。")]
        withdrawing = locked.state == S.FILED and reason != MatterEndReason.DIED
        petition = current_petition(locked) if withdrawing else None
        if withdrawing:
            today = timezone.localdate()
            if withdrawal_permitted_on is None:
                errors["withdrawal_permitted_on"] = [
                    _(
                        "申立て後の取下げには、家庭裁判所の許可が必要です（家事事件手続法第121条）。許可日を入力してください。"
                    )
                ]
            elif withdrawal_permitted_on > today:
                errors["withdrawal_permitted_on"] = [_("今日より後の日付は入力できません。")]
            elif petition.filed_on and withdrawal_permitted_on < petition.filed_on:
                errors["withdrawal_permitted_on"] = [
                    _("取下げの許可日は、申立日より後の日付にしてください。")
                ]
            if withdrawal_court is None or withdrawal_court.kind != OrganisationKind.FAMILY_COURT:
                errors["withdrawal_court"] = [_("取下げを許可した家庭裁判所を選んでください。")]
        if errors:
            raise CaseRuleError(errors, code="cannot_end")
        withdrew.append(withdrawing)
        if withdrawing:
            petition.withdrawal_permitted_on, petition.withdrawal_court = (
                withdrawal_permitted_on,
                withdrawal_court,
            )
            petition.save(update_fields=["withdrawal_permitted_on", "withdrawal_court"])
        locked.end_reason, locked.end_note = reason, note.strip()
        _end_appointment(actor, locked, Appointment.EndReason.MATTER_ENDED)

    def announce(locked):
        _record(
            "guardianship.ended",
            actor=actor,
            matter=locked,
            fields=["end_note"] if note.strip() else [],
            reason=reason,
            withdrawn=withdrew[0],
        )

    return transition(
        MATTERS,
        actor=actor,
        record=matter,
        expected_version=expected_version,
        name="end",
        permission=MANAGE,
        action="guardianship.end",
        before=finish,
        after=announce,
    )


def schedule_report(*, actor: User, appointment: Appointment, due_on: datetime.date) -> MonitoringReport:
    require_matter_permission(actor, appointment.matter, action="guardianship.schedule_report")
    if not appointment.is_active:
        raise CaseRuleError(_("終了した選任には報告を設定できません。"), code="appointment_ended")
    with transaction.atomic():
        report = MonitoringReport(appointment=appointment, due_on=due_on)
        report.save(force_insert=True)
        _record("guardianship.updated", actor=actor, matter=appointment.matter, what="report_scheduled")
    return report


def submit_report(
    *, actor: User, report: MonitoringReport, summary: str, submitted_on: datetime.date | None = None
) -> MonitoringReport:
    """The guardian (or the centre, recording a paper report) files the report."""
    appointment = report.appointment
    require_report_permission(actor, report, action="guardianship.submit_report")
    if not summary.strip():
        raise CaseRuleError(_("報告の内容を書いてください。"), code="summary_required")
    with transaction.atomic():
        report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
        report.summary, report.submitted_on = summary, submitted_on or timezone.localdate()
        report.save(update_fields=["summary", "submitted_on"])
        _record(
            "guardianship.updated", actor=actor, matter=appointment.matter, fields=["summary"], what="report"
        )
    return report


def record_complaint(
    *, actor: User, matter: GuardianshipMatter, complainant_kind: str, category: str, details: str
) -> Complaint:
    """A complaint about the guardian (不正防止): recorded against the current appointment."""
    require_matter_permission(actor, matter, action="guardianship.record_complaint")
    appointment = matter.appointments.filter(ended_on__isnull=True).first()
    if appointment is None:
        raise CaseRuleError(_("選任中の後見人等がいません。"), code="no_guardian")
    if not details.strip():
        raise CaseRuleError(_("苦情の内容を書いてください。"), code="details_required")
    with transaction.atomic():
        complaint = Complaint(
            matter=matter,
            appointment=appointment,
            complainant_kind=complainant_kind,
            category=category,
            details=details,
            recorded_by=actor,
        )
        complaint.full_clean(exclude=["matter", "appointment", "recorded_by"])
        complaint.save(force_insert=True)
        _record("guardianship.updated", actor=actor, matter=matter, fields=["details"], what="complaint")
    return complaint


def close_complaint(*, actor: User, complaint: Complaint, handling: str, outcome: str) -> Complaint:
    require_matter_permission(actor, complaint.matter, action="guardianship.close_complaint")
    if not outcome.strip():
        raise CaseRuleError(_("苦情への対応の結果を書いてください。"), code="outcome_required")
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        complaint.handling, complaint.outcome, complaint.closed_on = handling, outcome, timezone.localdate()
        complaint.save(update_fields=["handling", "outcome", "closed_on"])
        _record(
            "guardianship.updated",
            actor=actor,
            matter=complaint.matter,
            fields=["handling", "outcome"],
            what="complaint_closed",
        )
    return complaint


# --- the ward council's meetings (indicator 1-(3)) -------------------------------------------------


def council_areas(actor: User) -> list[Area]:
    """The wards (a city without wards: the city) whose council meetings the actor records."""
    return list(council_areas_of(Organisation.objects.filter(pk__in=organisation_ids_of(actor))))


def record_council_meeting(
    *, actor: User, area: Area, held_on: datetime.date, participants: int, theme: str = ""
) -> CouncilMeeting:
    """A meeting of a ward's guardianship council that the actor's office or centre takes part in;
    never on a day to come (it would count in a year that has not happened)."""
    require_role_permission(actor, "guardianship.add_councilmeeting", action="record_council_meeting")
    errors = {}
    if area not in council_areas(actor):
        errors["area"] = [
            ValidationError(_("所属する組織が受け持つ区から選んでください。"), code="not_their_ward")
        ]
    if held_on > timezone.localdate():
        errors["held_on"] = [ValidationError(_("今日より後の日付は記録できません。"), code="in_future")]
    if errors:
        raise CaseRuleError(errors)
    meeting = CouncilMeeting(
        area=area, held_on=held_on, participants=participants, theme=theme, recorded_by=actor
    )
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        audit.record("guardianship.council_recorded", actor=actor, target=meeting)
    return meeting


def delete_council_meeting(*, actor: User, meeting: CouncilMeeting) -> None:
    """A meeting recorded by mistake taken back (the audit trail keeps that it was recorded)."""
    require_role_permission(actor, "guardianship.delete_councilmeeting", action="delete_council_meeting")
    if meeting.area not in council_areas(actor):
        deny(actor, action="delete_council_meeting")
    with transaction.atomic():
        audit.record("guardianship.council_deleted", actor=actor, target=meeting)
        meeting.delete()
