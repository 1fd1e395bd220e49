"""Permission-filtered reads of the rights-advocacy track."""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Area, User
from accounts.selectors import organisation_ids_of, user_count
from audit import services as audit
from cases.access import deny, field_groups_for, require_role_permission, revoke_expired_grants
from cases.exceptions import CaseRuleError
from cases.selectors import SharedContent, shared_content, who_for
from cases.selectors.figures import day_bounds, in_districts
from cases.selectors.lists import EXPORT_MOST
from configuration.selectors import values_of
from guardianship import matching
from guardianship.access import may_manage, permitted_matter_ids, require_report_permission
from guardianship.configuration import MAYOR_LABEL
from guardianship.matching import explain, explain_exclusion
from guardianship.models import (
    Appointment,
    Complaint,
    CouncilMeeting,
    GuardianCandidate,
    GuardianshipMatter,
    MatchingMeeting,
    MatchProposal,
    MonitoringReport,
    Petition,
    TeamMember,
)
from guardianship.services import council_areas, current_petition, is_outside_attendee, meeting_attendees
from guardianship.vocabulary import CandidateKind, GuardianshipType, MatterState, PetitionerKind, Specialism


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
    team: list = field(default_factory=list)  # TeamMember, in the order they joined
    replacements: list = field(default_factory=list)

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
        if self.team:
            read.append("team_name")
        if any(r.note for r in self.replacements):
            read.append("replacement_note")
        if matter.end_note:
            read.append("end_note")
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
    overview.petition = (
        matter.petitions.order_by("-created_at").select_related("court").prefetch_related("documents").first()
    )
    overview.appointments = list(matter.appointments.select_related("candidate", "candidate__data_key"))
    if overview.appointments:  # reports and complaints are about a guardian
        overview.reports = list(
            MonitoringReport.objects.filter(appointment__matter=matter).select_related("appointment")
        )
        overview.complaints = list(matter.complaints.select_related("appointment"))
    overview.team = list(matter.team.select_related("organisation"))
    if any(a.end_reason == Appointment.EndReason.REPLACED for a in overview.appointments):
        overview.replacements = list(matter.replacements.all())
    for row in (*overview.team, *overview.replacements):
        row.matter = matter  # their key is the person's, already read with the matter
    by_appointment = {r.appointment_id: r for r in overview.replacements}
    for appointment in overview.appointments:
        appointment.replacement_shown = by_appointment.get(appointment.pk)
    overview.agenda_items = list(
        matter.agenda_items.select_related("meeting")
        .prefetch_related(Prefetch("proposals", MatchProposal.objects.select_related("candidate")))
        .order_by("-meeting__scheduled_for")
    )
    return overview


def _candidates_shown(actor: User, count: int, *, organisation_id: int | None = None):
    """The event for a page that showed candidates' names (their personal data), or None."""
    if not count:
        return None
    return audit.new_event(
        "guardianship.candidates_viewed",
        actor=actor,
        organisation_id=organisation_id,
        target_type="guardianship.guardiancandidate",
        fields=["name"],
        params={"count": count},
    )


def matter_page(actor: User, matter_id: object) -> MatterOverview:
    """The matter page: ``matter_for``, each agenda item's proposals with their explanations, and
    the read recorded — the case's fields the centre decrypted and the guardians' names shown —
    in one append to the trail."""
    overview = matter_for(actor, matter_id)
    matter = overview.matter
    for item in overview.agenda_items:
        item.explained = [(p, [explain(r) for r in p.reasons]) for p in item.proposals.all()]
    events = []
    if overview.fields_read:
        events.append(
            audit.new_event(
                "guardianship.viewed",
                actor=actor,
                organisation_id=matter.centre_id,
                target=matter,
                case_id=matter.case_id,
                person_id=matter.case.person_id,
                fields=overview.fields_read,
                purpose="case_work",
            )
        )
    events.append(_candidates_shown(actor, len(overview.appointments), organisation_id=matter.centre_id))
    audit.append([event for event in events if event is not None])
    return overview


def matter_to_act_on(actor: User, matter_id: object) -> GuardianshipMatter:
    """The matter an action of its page changes, for its centre only: anyone else is refused,
    recorded, before their input is read, whether the matter exists or not."""
    matter = GuardianshipMatter.objects.select_related("case", "centre").filter(pk=matter_id).first()
    if matter is None or not may_manage(actor, matter):
        deny(actor, action="open_matter", case=matter.case if matter else None)
    return matter


def team_member_to_remove(actor: User, member_id: object) -> TeamMember:
    """A member of a matter's team, for the matter's centre only (refused, recorded, whether the
    member exists or not)."""
    member = TeamMember.objects.select_related("matter__case").filter(pk=member_id).first()
    if member is None or not may_manage(actor, member.matter):
        deny(actor, action="remove_team_member", case=member.matter.case if member else None)
    return member


def active_appointment_of(matter: GuardianshipMatter) -> Appointment:
    """The guardian appointed now, for an action of the matter's page (the matter already checked)."""
    appointment = matter.appointments.filter(ended_on__isnull=True).first()
    if appointment is None:
        raise CaseRuleError(
            _("後見人等が選任されていないため、報告の予定は立てられません。"), code="no_appointment"
        )
    return appointment


def current_petition_of(matter: GuardianshipMatter) -> Petition:
    """The petition being prepared, for an action of the matter's page (the matter already checked)."""
    petition = current_petition(matter)
    if petition is None:
        raise CaseRuleError(
            _("申立ての準備がまだ記録されていません。先に申立ての準備を記録してください。"),
            code="no_petition",
        )
    return petition


def petition_documents(matter: GuardianshipMatter) -> list:
    """The current petition's documents checklist, for its form (the matter already checked)."""
    petition = current_petition(matter)
    return list(petition.documents.all()) if petition else []


# --- documents to print (docs/documents.md) ------------------------------------------------------

# Each draft, its title and the matter's fields it is drafted from (the case's fields come from
# what was disclosed to the centre: ``MatterOverview.content``).
PETITION_DRAFTS = {
    "person_information_sheet": (
        gettext_lazy("本人情報シート（下書き）"),
        ("capacity_concerns", "wishes", "wishes_supported_by", "wishes_how"),
    ),
    "petition_circumstances": (
        gettext_lazy("申立事情説明書（下書き）"),
        ("capacity_concerns", "wishes", "wishes_supported_by", "wishes_how", "alternative_reason"),
    ),
}


@dataclass
class PetitionDraft:
    document: str
    title: str
    overview: MatterOverview
    fields_read: list[str]
    specialisms: list[str] = field(default_factory=list)  # labels
    care_providers: list = field(default_factory=list)  # organisations


def petition_draft(actor: User, matter_id: object, document: str) -> PetitionDraft:
    """A petition document drafted from what the matter records, to print (本人情報シート,
    申立事情説明書): read through the matter page — which refuses whoever is not the matter's
    centre, recorded, and records its read — then ``guardianship.printed`` naming the document
    and the fields it holds (those recorded; never their values)."""
    title, matter_fields = PETITION_DRAFTS[document]
    overview = matter_page(actor, matter_id)
    matter = overview.matter
    fields = list(overview.content.fields_read)
    if not matter.case.person.is_erased:
        fields += [name for name in matter_fields if getattr(matter, name)]
    audit.record(
        "guardianship.printed",
        actor=actor,
        organisation_id=matter.centre_id,
        target=matter,
        case_id=matter.case_id,
        person_id=matter.case.person_id,
        fields=fields,
        purpose="case_work",
        params={"document": document},
    )
    return PetitionDraft(
        document=document,
        title=title,
        overview=overview,
        fields_read=fields,
        specialisms=[str(Specialism(code).label) for code in matter.needed_specialisms if code in Specialism],
        care_providers=list(matter.care_providers.order_by("name")),
    )


def complaint_to_close(actor: User, complaint_id: object) -> Complaint:
    """A complaint, for its matter's centre only (refused, recorded, whether it exists or not)."""
    complaint = Complaint.objects.select_related("matter__case").filter(pk=complaint_id).first()
    if complaint is None or not may_manage(actor, complaint.matter):
        deny(actor, action="close_complaint", case=complaint.matter.case if complaint else None)
    return complaint


def proposal_to_decide(actor: User, proposal_id: object) -> MatchProposal:
    """A matching meeting's proposal, for the centre of its matter only (refused, recorded,
    whether it exists or not)."""
    proposal = (
        MatchProposal.objects.select_related("item__matter__case", "item__meeting")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not may_manage(actor, proposal.item.matter):
        deny(actor, action="proposal", case=proposal.item.matter.case if proposal else None)
    return proposal


def report_to_submit(actor: User, report_id: object) -> MonitoringReport:
    """A monitoring report, for its appointed guardian or the matter's centre (refused, recorded,
    whether it exists or not)."""
    action = "guardianship.submit_report"
    report = (
        MonitoringReport.objects.select_related("appointment__candidate", "appointment__matter__case")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        deny(actor, action=action)
    require_report_permission(actor, report, action=action)
    return report


APPOINTED = "guardianship.appointed"


def appointed_count_sql() -> str:
    """The actor's running appointments as a scalar subquery on the user's id, read with the user's
    ids (``accounts.selectors.read_with_user_ids``, registered in apps.py, as the bell's count is):
    its own statement was one more on the home page (bench/pages.py). Tables and columns from the
    models."""
    appointment, candidate = Appointment._meta, GuardianCandidate._meta
    a, c = appointment.db_table, candidate.db_table
    return (
        f"SELECT COUNT(*) FROM {a} INNER JOIN {c} "  # noqa: S608
        f"ON {a}.{appointment.get_field('candidate').column} = {c}.{candidate.pk.column} "
        f"WHERE {c}.{candidate.get_field('user').column} = %s "
        f"AND {a}.{appointment.get_field('ended_on').column} IS NULL"
    )


def is_appointed_guardian(actor: User) -> bool:
    """Whether a court's appointment, still running, makes the actor a guardian (not a role of the
    organisation chart: the home page offers them their reports)."""
    return actor.is_authenticated and user_count(actor, APPOINTED) > 0


def candidate_pool(actor: User, *, most: int = 500) -> list[GuardianCandidate]:
    """The candidate pool page: the pool's first ``most`` candidates with their areas, for who
    manages it (others are refused, recorded); the names shown are recorded."""
    if not actor.has_perm("guardianship.manage_candidates"):
        deny(actor, action="open_candidates")
    pool = list(candidates_for(actor).prefetch_related("areas")[:most])
    audit.append([e for e in [_candidates_shown(actor, len(pool))] if e is not None])
    return pool


def relative_matters(actor: User) -> QuerySet[GuardianshipMatter]:
    """The open matters of the actor's centre: whose relative a new candidate may be."""
    return matters_for(actor).exclude(state=MatterState.ENDED).select_related("case")


def candidates_for(actor: User) -> QuerySet[GuardianCandidate]:
    if not actor.is_authenticated or not actor.has_perm("guardianship.manage_candidates"):
        return GuardianCandidate.objects.none()
    return GuardianCandidate.objects.select_related("data_key", "organisation").order_by("kind", "created_at")


@dataclass
class MatchingMeetingPage:
    meeting: MatchingMeeting
    items: list  # {"item", "rows": [(proposal, explanation lines)], "chosen"}
    attendees: list = field(default_factory=list)  # users, each with ``organisation_name``
    # An attendee from a professional association or the ward office: reads, never decides.
    outside: bool = False
    # ... who has not yet acknowledged confidentiality: the page shows only the undertaking.
    needs_acknowledgement: bool = False


def matching_meeting_page(actor: User, meeting_id: object) -> MatchingMeetingPage:
    """A matching meeting for the centre of every matter on its agenda (anyone else is refused,
    recorded): its items, their proposals explained, the candidates' names shown recorded."""
    meeting = MatchingMeeting.objects.filter(pk=meeting_id).select_related("centre").first()
    items = (
        list(
            meeting.items.select_related("matter__case", "matter__area").prefetch_related(
                "proposals__candidate__data_key", "proposals__backup__data_key"
            )
        )
        if meeting
        else []
    )
    managed = {
        row["content_object_id"]
        for row in permitted_matter_ids(actor).filter(content_object_id__in=[i.matter_id for i in items])
    }
    outside = False
    if meeting is None or not items:
        deny(actor, action="open_matching_meeting")
    if any(item.matter_id not in managed for item in items):
        # An attendee of a professional association or the ward office, while the meeting's
        # access lasts, after acknowledging confidentiality; anyone else is refused, recorded.
        if not is_outside_attendee(actor, meeting) or timezone.now() > meeting.access_until:
            deny(actor, action="open_matching_meeting", case=items[0].matter.case)
        outside = True
        if not meeting.acknowledgements.filter(user=actor).exists():
            return MatchingMeetingPage(meeting=meeting, items=[], outside=True, needs_acknowledgement=True)
        revoke_expired_grants()
    with audit.chained_together():  # the names and the candidates shown: one append
        who = who_for(actor, [item.matter.case for item in items])  # the name only with identity
        rows = []
        for item in items:
            explained = [(p, [explain(r) for r in p.reasons]) for p in item.proposals.all()]
            rows.append(
                {
                    "item": item,
                    "who": who[item.matter.case_id],
                    "rows": explained,
                    "chosen": any(p.status in ("selected", "accepted") for p, _lines in explained),
                }
            )
        shown = sum(len(row["rows"]) for row in rows)
        audit.append([e for e in [_candidates_shown(actor, shown)] if e is not None])
    attendees = list(
        meeting.attendees.annotate(organisation_name=Min("memberships__organisation__name")).order_by(
            "organisation_name", "last_name", "first_name", "pk"
        )
    )
    return MatchingMeetingPage(meeting=meeting, items=rows, attendees=attendees, outside=outside)


def meeting_to_acknowledge(actor: User, meeting_id: object) -> MatchingMeeting:
    """The meeting whose confidentiality an outside attendee confirms (anyone else: refused, recorded)."""
    meeting = MatchingMeeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not is_outside_attendee(actor, meeting):
        deny(actor, action="guardianship.acknowledge_matching")
    return meeting


def reports_due_to(actor: User) -> QuerySet[MonitoringReport]:
    """An appointed guardian's own reports still to file."""
    return MonitoringReport.objects.filter(
        appointment__candidate__user=actor, appointment__ended_on__isnull=True, submitted_on__isnull=True
    ).select_related("appointment__matter")


# The ranges of days a duration is counted in (from, to — both included; None: no end).
DAY_RANGES = [(0, 30), (31, 60), (61, 90), (91, 180), (181, 365), (366, None)]


@dataclass
class Durations:
    """Days between two steps of the matters: the median, and how many fell in each range."""

    median: float | None
    by_range: list[tuple[str, int]]  # (label, count), DAY_RANGES' order

    @property
    def count(self) -> int:
        return sum(n for _label, n in self.by_range)


def durations(days: list[int]) -> Durations:
    """Numbers of days counted in DAY_RANGES, with their median."""
    by_range = []
    for low, high in DAY_RANGES:
        label = (
            _("%(low)d〜%(high)d日") % {"low": low, "high": high}
            if high
            else _("%(low)d日以上") % {"low": low}
        )
        by_range.append((label, sum(low <= d and (high is None or d <= high) for d in days)))
    return Durations(median=statistics.median(days) if days else None, by_range=by_range)


@dataclass
class CentreReport:
    matters_by_state: list  # (label, count)
    petitions_by_type: list
    petitions_by_petitioner: list
    mayor_petitions: int
    candidates_by_kind: list  # (label, count, caseload, capacity)
    days_to_filing: Durations  # from the matter's opening to the petition's filing
    days_to_ruling: Durations  # from the filing to the ruling


def centre_report(actor: User) -> CentreReport:
    """The centre's figures: plaintext columns only, nothing decrypted (the mayor's petitions
    named as the centre's municipality says)."""
    values = values_of(actor)
    # Grouped without the lists' ordering: a column left in ORDER BY joins the GROUP BY, and every
    # matter became a group of one.
    matters = matters_for(actor).order_by()
    by_state = dict(matters.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    petitions = Petition.objects.filter(matter__in=matters.values("pk"), filed_on__isnull=False).order_by()
    by_type = dict(petitions.values_list("type").annotate(n=Count("pk")).values_list("type", "n"))
    by_petitioner = dict(
        petitions.values_list("petitioner_kind").annotate(n=Count("pk")).values_list("petitioner_kind", "n")
    )
    candidates = {
        row["kind"]: row
        for row in GuardianCandidate.objects.order_by()
        .values("kind")
        .annotate(n=Count("pk"), load=Sum("caseload"), capacity=Sum("max_caseload"))
    }
    filing = petitions.values_list("matter__opened_at", "filed_on")
    return CentreReport(
        matters_by_state=[(label, by_state.get(code, 0)) for code, label in MatterState.choices],
        petitions_by_type=[(label, by_type.get(code, 0)) for code, label in GuardianshipType.choices],
        petitions_by_petitioner=[
            (values[MAYOR_LABEL] if code == PetitionerKind.MAYOR else label, by_petitioner.get(code, 0))
            for code, label in PetitionerKind.choices
        ],
        mayor_petitions=by_petitioner.get(PetitionerKind.MAYOR, 0),
        candidates_by_kind=[
            (label, candidates[code]["n"], candidates[code]["load"], candidates[code]["capacity"])
            for code, label in CandidateKind.choices
            if code in candidates
        ],
        days_to_filing=durations(
            [(filed - timezone.localtime(opened).date()).days for opened, filed in filing]
        ),
        days_to_ruling=durations(
            [
                (ruled - filed).days
                for filed, ruled in petitions.filter(ruled_on__isnull=False).values_list(
                    "filed_on", "ruled_on"
                )
            ]
        ),
    )


@dataclass
class MeetingChoices:
    """What a new matching meeting may be made of: the matters in candidate matching, and whom
    the meeting admits (each with ``organisation_name``)."""

    matters: QuerySet[GuardianshipMatter]
    attendees: QuerySet[User]


def meeting_choices(actor: User) -> MeetingChoices:
    """For scheduling a matching meeting: refused (recorded) for who is not of a centre."""
    matters = matters_for(actor)
    if not matters.exists() and not actor.has_perm("guardianship.manage_candidates"):
        deny(actor, action="open_guardianship_centre")
    return _meeting_choices(actor, matters)


def _meeting_choices(actor: User, matters: QuerySet[GuardianshipMatter]) -> MeetingChoices:
    """The matters in matching, and whom a meeting of their centres admits: the centres' staff, the
    professional associations and the ward office (``services.meeting_attendees``)."""
    matching_now = matters.filter(state=MatterState.CANDIDATE_MATCHING)
    return MeetingChoices(
        matters=matching_now.select_related("case"),
        attendees=meeting_attendees(matching_now.values("centre_id")),
    )


@dataclass
class CentreHome:
    matters: list[GuardianshipMatter]
    meeting_choices: MeetingChoices | None  # None when no matter is in candidate matching
    report: CentreReport


def centre_matters(actor: User) -> list[GuardianshipMatter]:
    """The matters of the actor's centre, as its home lists them (state, area, when opened: nothing
    personal). Refused, recorded, for who is not of a centre."""
    matters = list(matters_for(actor))
    if not matters and not actor.has_perm("guardianship.manage_candidates"):
        deny(actor, action="open_guardianship_centre")
    return matters


def centre_home(actor: User) -> CentreHome:
    """The centre's home: its matters, what a matching meeting could be made of, and its figures
    (plaintext columns only, nothing decrypted, so nothing to record). Refused, recorded, for who
    is not of a centre."""
    matters = centre_matters(actor)
    matching = any(m.state == MatterState.CANDIDATE_MATCHING for m in matters)
    return CentreHome(
        matters=matters,
        meeting_choices=_meeting_choices(actor, matters_for(actor)) if matching else None,
        report=centre_report(actor),
    )


EXCLUDED_PER_PAGE = 50


@dataclass
class MatchingReview:
    """Why the candidates who were not proposed for a matter were left out: each excluded
    candidate with the reasons of matching's own rules, a page at a time."""

    matter: GuardianshipMatter
    who: object  # cases.selectors.lists.Who of the matter's case
    eligible: int  # how many candidates the rules allow
    page: Page  # of (candidate, [reason lines])


def matching_review(actor: User, matter_id: object, page_number: object = 1) -> MatchingReview:
    """The matching screen's "why not", for the matter's centre (anyone else is refused, recorded):
    the candidates the hard constraints rule out, each with its reasons in words. The database
    says who is out, ``matching.exclusion_reasons`` says why (the same rules; a disagreement
    shows nothing). The names shown and the case's name are recorded in one append."""
    matter = matter_to_act_on(actor, matter_id)
    facts = matching.facts_of(matter)
    excluded = (
        matching.excluded_candidates(facts)
        .select_related("data_key", "organisation")
        .prefetch_related("areas")
    )
    page = Paginator(excluded, EXCLUDED_PER_PAGE).get_page(page_number)
    with audit.chained_together():
        who = who_for(actor, [matter.case])[matter.case_id]
        page.object_list = [
            (candidate, [explain_exclusion(r) for r in reasons])
            for candidate, reasons in matching.why_excluded(facts, page.object_list)
        ]
        audit.append(
            [
                e
                for e in [_candidates_shown(actor, len(page.object_list), organisation_id=matter.centre_id)]
                if e is not None
            ]
        )
    return MatchingReview(matter=matter, who=who, eligible=matching.eligible_count(facts), page=page)


def home_reports_due(actor: User, *, most: int = 5) -> tuple[int, list[MonitoringReport]]:
    """The appointed guardian's section of the home page: how many reports are still to file and
    the first few, soonest due first (the matter's number only: no name is read)."""
    due = reports_due_to(actor)
    return due.count(), list(due.order_by("due_on", "pk")[:most])


def matching_meetings_between(actor: User, start, end, *, most: int | None = None) -> list[MatchingMeeting]:
    """The candidate matching meetings scheduled in [start, end) of the actor's centres, or that the
    actor attends, by time; each with ``item_count``, the matters on its agenda. Nothing personal
    is read (the time, the centre, a count), so nothing to record; its page shows the rest."""
    ids = (
        MatchingMeeting.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end)
        .filter(Q(centre_id__in=organisation_ids_of(actor)) | Q(attendees=actor))
        .values("pk")
    )
    meetings = (
        MatchingMeeting.objects.filter(pk__in=ids)
        .select_related("centre")
        .annotate(item_count=Count("items"))
        .order_by("scheduled_for", "pk")
    )
    return list(meetings[:most] if most else meetings)


# The matters a centre still works on: those the centre has not handed on or closed.
WORKED_ON = [
    MatterState.INTAKE,
    MatterState.ASSESSMENT,
    MatterState.TEAM_FORMATION,
    MatterState.PETITION_PREPARATION,
    MatterState.CANDIDATE_MATCHING,
    MatterState.FILED,
]


def home_matters(actor: User, *, most: int = 5) -> tuple[int, list[GuardianshipMatter]]:
    """The coordinator's section of the home page: how many of the centre's matters are being
    worked on, and the longest waiting few, each with ``who`` (``who_for``: read and recorded)."""
    worked_on = matters_for(actor).filter(state__in=WORKED_ON)
    matters = list(worked_on.select_related("case")[:most])
    who = who_for(actor, [matter.case for matter in matters])
    for matter in matters:
        matter.who = who[matter.case_id]
    return worked_on.count(), matters


def matter_standing(matter: GuardianshipMatter) -> tuple[str, int]:
    """The matter's state and version as stored now (after an action its centre took on it)."""
    return GuardianshipMatter.objects.values_list("state", "version").get(pk=matter.pk)


@dataclass
class PipelineCounts:
    """The rights-advocacy track of some districts over some days, for the plan's indicators
    (``indicators``): counts of plaintext columns only, nothing personal read, nothing to record."""

    matters_by_state: dict[str, int]  # matters opened in the days, by their state now
    petitions_by_petitioner: dict[str, int]  # petitions filed in the days
    days_to_filing: list[int]  # of each of those petitions: from the matter's intake to filing
    days_to_ruling: list[int]  # of each petition ruled on in the days: from filing to ruling


def pipeline_counts(districts: Iterable[Area], start: datetime.date, end: datetime.date) -> PipelineCounts:
    """The matters of these districts (the case's) between two days, both included."""
    since, until = day_bounds(start, end)
    theirs = GuardianshipMatter.objects.filter(in_districts("area", districts)).order_by()
    opened = theirs.filter(opened_at__gte=since, opened_at__lt=until)
    petitions = Petition.objects.filter(matter__in=theirs.values("pk")).order_by()
    filed = petitions.filter(filed_on__gte=start, filed_on__lte=end)
    ruled = petitions.filter(ruled_on__gte=start, ruled_on__lte=end)
    return PipelineCounts(
        matters_by_state=dict(opened.values_list("state").annotate(n=Count("pk"))),
        petitions_by_petitioner=dict(filed.values_list("petitioner_kind").annotate(n=Count("pk"))),
        days_to_filing=[
            (filed_on - timezone.localtime(opened_at).date()).days
            for opened_at, filed_on in filed.values_list("matter__opened_at", "filed_on")
        ],
        days_to_ruling=[(r - f).days for f, r in ruled.values_list("filed_on", "ruled_on")],
    )


@dataclass
class CouncilPage:
    areas: list[Area]  # the wards (or wardless city) whose council meetings the actor records
    meetings: list[CouncilMeeting]  # theirs, the latest first


COUNCIL_MEETINGS_SHOWN = 100


def council_page(actor: User) -> CouncilPage:
    """The council meetings of the actor's wards; refused, recorded, for anyone who may not record
    them or whose organisations take part in no council. Nothing personal: nothing to record."""
    require_role_permission(actor, "guardianship.add_councilmeeting", action="open_council_meetings")
    areas = council_areas(actor)
    if not areas:
        deny(actor, action="open_council_meetings")
    meetings = CouncilMeeting.objects.filter(area__in=areas).select_related("area")
    return CouncilPage(areas=areas, meetings=list(meetings[:COUNCIL_MEETINGS_SHOWN]))


def council_meeting_to_delete(actor: User, meeting_id: object) -> CouncilMeeting:
    """A council meeting of the actor's wards; refused, recorded, otherwise (one that does not exist
    as well)."""
    require_role_permission(actor, "guardianship.delete_councilmeeting", action="delete_council_meeting")
    meeting = CouncilMeeting.objects.filter(pk=meeting_id, area__in=council_areas(actor)).first()
    if meeting is None:
        deny(actor, action="delete_council_meeting")
    return meeting


def council_participant_counts(
    areas: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[int, tuple[int, int]]:
    """Indicator 1-(3): the councils' meetings between two days (both included) and their
    participants, by area: {area id: (meetings, participants)}."""
    rows = (
        CouncilMeeting.objects.filter(area__in=list(areas), held_on__gte=start, held_on__lte=end)
        .order_by()
        .values_list("area")
        .annotate(n=Count("pk"), people=Sum("participants"))
    )
    return {area: (n, people) for area, n, people in rows}


def candidate_pool_export(actor: User, file_format: str) -> list[GuardianCandidate]:
    """The whole candidate pool to take away as a file, for who manages it (others are refused,
    recorded): the export recorded — how many rows, the field ``name`` (their personal data shown),
    which format. More than EXPORT_MOST rows are refused, nothing recorded."""
    if not actor.has_perm("guardianship.manage_candidates"):
        deny(actor, action="export_candidates")
    pool = list(candidates_for(actor).prefetch_related("areas")[: EXPORT_MOST + 1])
    if len(pool) > EXPORT_MOST:
        raise CaseRuleError(
            _("書き出せるのは%(most)s件までです。") % {"most": f"{EXPORT_MOST:,}"}, code="too_many_rows"
        )
    audit.record(
        "guardianship.candidates_exported",
        actor=actor,
        target_type="guardianship.guardiancandidate",
        fields=["name"] if pool else [],
        params={"rows": len(pool), "format": file_format},
    )
    return pool
