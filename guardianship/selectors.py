"""Permission-filtered reads of the rights-advocacy track."""

import statistics
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from cases.access import deny, field_groups_for, revoke_expired_grants
from cases.selectors import SharedContent, shared_content
from guardianship.access import may_manage, permitted_matter_ids
from guardianship.models import (
    GuardianCandidate,
    GuardianshipMatter,
    MatchingMeeting,
    MonitoringReport,
    Petition,
)
from guardianship.vocabulary import CandidateKind, GuardianshipType, MatterState, PetitionerKind


def matters_for(actor: User) -> QuerySet[GuardianshipMatter]:
    """The matters of the actor's centre, in intake order."""
    if not actor.is_authenticated or not actor.is_active:
        return GuardianshipMatter.objects.none()
    return (
        GuardianshipMatter.objects.filter(pk__in=permitted_matter_ids(actor))
        .select_related("area", "centre")
        .order_by("opened_at")
    )


@dataclass
class MatterOverview:
    matter: GuardianshipMatter
    content: SharedContent = field(default_factory=SharedContent)  # the case, as far as disclosed
    petition: Petition | None = None
    appointments: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    complaints: list = field(default_factory=list)
    agenda_items: list = field(default_factory=list)

    @property
    def fields_read(self) -> list[str]:
        read = list(self.content.fields_read)
        matter = self.matter
        if matter.case.person.is_erased:  # nothing of theirs can be decrypted any more
            return read
        read += [
            n
            for n in ("capacity_concerns", "wishes", "wishes_supported_by", "wishes_how")
            if getattr(matter, n)
        ]
        if self.complaints:
            read.append("details")
        return read


def matter_for(actor: User, matter_id: object) -> MatterOverview:
    """One matter for its centre, or a refusal recorded in the audit trail. The case's content is
    what the case's disclosures to the centre allow, nothing more."""
    revoke_expired_grants()
    matter = (
        GuardianshipMatter.objects.select_related("case__person__data_key", "centre", "area")
        .filter(pk=matter_id)
        .first()
    )
    if matter is None or not may_manage(actor, matter):
        deny(actor, action="open_matter", case=matter.case if matter else None)
    overview = MatterOverview(matter=matter)
    overview.content = shared_content(matter.case, field_groups_for(actor, matter.case))
    overview.petition = matter.petitions.order_by("-created_at").prefetch_related("documents").first()
    overview.appointments = list(matter.appointments.select_related("candidate", "candidate__data_key"))
    overview.reports = list(
        MonitoringReport.objects.filter(appointment__matter=matter).select_related("appointment")
    )
    overview.complaints = list(matter.complaints.select_related("appointment"))
    overview.agenda_items = list(
        matter.agenda_items.select_related("meeting")
        .prefetch_related("proposals__candidate")
        .order_by("-meeting__scheduled_for")
    )
    return overview


def candidates_for(actor: User) -> QuerySet[GuardianCandidate]:
    if not actor.is_authenticated or not actor.has_perm("guardianship.manage_candidates"):
        return GuardianCandidate.objects.none()
    return GuardianCandidate.objects.select_related("data_key", "organisation").order_by("kind", "created_at")


def meeting_for(actor: User, meeting_id: object) -> MatchingMeeting:
    meeting = MatchingMeeting.objects.filter(pk=meeting_id).select_related("centre").first()
    items = list(meeting.items.select_related("matter__case").all()) if meeting else []
    if meeting is None or not items or not all(may_manage(actor, item.matter) for item in items):
        deny(actor, action="open_matching_meeting", case=items[0].matter.case if items else None)
    return meeting


def reports_due_to(actor: User) -> QuerySet[MonitoringReport]:
    """An appointed guardian's own reports still to file."""
    return MonitoringReport.objects.filter(
        appointment__candidate__user=actor, appointment__ended_on__isnull=True, submitted_on__isnull=True
    ).select_related("appointment__matter")


def _median_days(pairs) -> float | None:
    days = [(end - start).days for start, end in pairs if start and end]
    return statistics.median(days) if days else None


@dataclass
class CentreReport:
    matters_by_state: list  # (label, count)
    petitions_by_type: list
    petitions_by_petitioner: list
    mayor_petitions: int
    candidates_by_kind: list  # (label, count, caseload, capacity)
    median_days_to_filing: float | None
    median_days_to_ruling: float | None


def centre_report(actor: User) -> CentreReport:
    """The centre's figures: plaintext columns only, nothing decrypted."""
    matters = matters_for(actor)
    by_state = dict(matters.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    petitions = Petition.objects.filter(matter__in=matters.values("pk"), filed_on__isnull=False)
    by_type = dict(petitions.values_list("type").annotate(n=Count("pk")).values_list("type", "n"))
    by_petitioner = dict(
        petitions.values_list("petitioner_kind").annotate(n=Count("pk")).values_list("petitioner_kind", "n")
    )
    candidates = {
        row["kind"]: row
        for row in GuardianCandidate.objects.values("kind").annotate(
            n=Count("pk"), load=Sum("caseload"), capacity=Sum("max_caseload")
        )
    }
    filing = petitions.values_list("matter__opened_at", "filed_on")
    return CentreReport(
        matters_by_state=[(label, by_state.get(code, 0)) for code, label in MatterState.choices],
        petitions_by_type=[(label, by_type.get(code, 0)) for code, label in GuardianshipType.choices],
        petitions_by_petitioner=[
            (label, by_petitioner.get(code, 0)) for code, label in PetitionerKind.choices
        ],
        mayor_petitions=by_petitioner.get(PetitionerKind.MAYOR, 0),
        candidates_by_kind=[
            (label, candidates[code]["n"], candidates[code]["load"], candidates[code]["capacity"])
            for code, label in CandidateKind.choices
            if code in candidates
        ],
        median_days_to_filing=_median_days(
            (timezone.localtime(opened).date(), filed) for opened, filed in filing
        ),
        median_days_to_ruling=_median_days(
            petitions.filter(ruled_on__isnull=False).values_list("filed_on", "ruled_on")
        ),
    )
