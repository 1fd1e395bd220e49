"""Permission-filtered reads of persons and cases; the pages' reads are in ``cases.selectors.pages``
(re-exported here): each takes the actor first, refuses (recorded) or returns what the page shows,
and records the read itself."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.access import (
    case_held_with_person,
    deny,
    permitted_case_ids,
    revoke_expired_grants,
    send_concerns_of_case,
    send_meetings_of_case,
)
from cases.models import (
    Case,
    CaseState,
    Concern,
    Person,
)
from cases.selectors.labels import choice_label, display
from cases.selectors.search import blind_index_of as blind_index_of
from cases.selectors.search import matching_person_ids, visible_matches
from privacy.exceptions import ERASED_DISPLAY


def find_people(actor: User, query: str) -> QuerySet[Person]:
    """The people the actor may see whose name (or surname, or given name), kana, phone or birth
    date equals the query, and whose identity the actor may read (cases.selectors.search)."""
    return Person.objects.filter(pk__in=visible_matches(actor, query))


def find_people_for_access_report(actor: User, query: str) -> QuerySet[Person]:
    """For a disclosure request: who matches, across all organisations, without their content.

    The privacy officer learns only that a record exists (id, registering organisation, date); the
    caller records the search in the audit trail.
    """
    if not actor.has_perm("audit.view_access_report"):
        return Person.objects.none()
    return (
        Person.objects.filter(pk__in=matching_person_ids(query))
        .select_related("registered_by")
        .order_by("created_at")
    )


# --- cases -------------------------------------------------------------------------------------


class CommissionerStatus:
    """What the person who reported a concern is told: never more than where it stands."""

    LABELS = {
        CaseState.NOTICED: _("受付済み"),
        CaseState.SHARING: _("対応中"),
        CaseState.TEAM_MEETING: _("対応中"),
        CaseState.REFERRED: _("対応中"),  # until an agency takes the person on: connected below
        CaseState.GUARDIANSHIP: _("つながりました"),
        CaseState.WATCHING: _("つながりました"),
        CaseState.CLOSED: _("終結"),
        CaseState.WITHDRAWN: _("取り下げ"),
    }

    @classmethod
    def of(cls, case: Case) -> str:
        if case.state == CaseState.REFERRED and case.connected_at is not None:
            return str(_("つながりました"))
        return str(cls.LABELS[CaseState(case.state)])


def cases_visible_to(actor: User, codename: str = "view_case") -> QuerySet[Case]:
    """The cases on which the actor holds ``codename``, through their own grants or their
    organisations' — an indexed join on guardian's direct-FK tables, never a scan of all cases."""
    if not actor.is_authenticated or not actor.is_active:
        return Case.objects.none()
    revoke_expired_grants()
    return Case.objects.filter(pk__in=permitted_case_ids(actor, codename))


def case_for(actor: User, case_id: object, codename: str = "view_case") -> Case:
    """One case the actor may see, or a refusal recorded in the audit trail (never a 404 that
    would tell an outsider whether the case exists)."""
    case, held = case_held_with_person(actor, case_id)
    if codename not in held:
        deny(actor, action=f"open_case:{codename}", case=case)
    return case


def concerns_reported_by(actor: User) -> QuerySet[Concern]:
    """The commissioner's own concerns, with the state of the case they became."""
    return (
        Concern.objects.filter(reported_by=actor)
        .select_related("case__area")
        .prefetch_related("signals", "categories")
        .order_by("-created_at")
    )


@dataclass
class SharedContent:
    """What of a case a set of field groups lets someone read, decrypted."""

    person_fields: list[tuple[str, object]] = field(default_factory=list)  # (label, decrypted value)
    person: dict[str, object] = field(default_factory=dict)  # the same by field name (None if erased)
    concerns: list[Concern] = field(default_factory=list)
    meetings: list = field(default_factory=list)
    fields_read: list[str] = field(default_factory=list)  # what was decrypted: for the audit event


def shared_content(case: Case, groups: set[str], *, compact: bool = False) -> SharedContent:
    """The case's content within ``groups`` — the one place that maps field groups to data, for
    the case page and for a referral's receiving agency alike. The caller records the read.

    Each concern's signals and categories come as labels (``concern.tag_labels``, its categories
    alone ``concern.category_labels``), both read in one statement. ``compact`` is the case page's:
    each meeting with its decision (``meeting.outcome_label``, read with the meetings) — the page
    links each meeting to its own page for the rest."""
    return send_shared_content(case, groups, compact=compact)()


def send_shared_content(
    case: Case, groups: set[str], *, compact: bool = False
) -> Callable[[], SharedContent]:
    """``shared_content`` in two halves: its statements are sent now (``accounts.sql.sent_together``),
    the content is made when the function returned is called."""
    from cases.models import SupportMeeting
    from cases.vocabulary import PERSON_FIELDS_BY_GROUP, FieldGroup

    content = SharedContent()
    person = case.person
    for group, names in PERSON_FIELDS_BY_GROUP.items():
        if group in groups:
            for name in names:
                label = Person._meta.get_field(name).verbose_name
                if person.is_erased:  # the row is a tombstone: say so where the data was, read nothing
                    content.person_fields.append((label, ERASED_DISPLAY))
                    content.person[name] = None
                    continue
                content.person_fields.append((label, getattr(person, name)))
                content.person[name] = content.person_fields[-1][1]
                content.fields_read.append(name)
    concerns = send_concerns_of_case(case) if FieldGroup.CONCERN in groups else None
    meetings = send_meetings_of_case(case) if FieldGroup.MEETINGS in groups and compact else None

    def made() -> SharedContent:
        if concerns is not None:
            content.concerns = concerns()
            _label_tags(content.concerns)
            if not person.is_erased:
                content.fields_read.append("concern.details")
        if FieldGroup.MEETINGS in groups:
            if meetings is not None:
                content.meetings = meetings()
                for meeting in content.meetings:
                    meeting.kind_label = display(meeting, "kind")
                    meeting.outcome_label = (
                        choice_label(CaseState(meeting.outcome)) if meeting.outcome else ""
                    )
            else:
                content.meetings = list(
                    SupportMeeting.objects.filter(case=case)
                    .select_related("legal_basis", "convened_by")
                    .prefetch_related(
                        "attendances__user", "attendances__organisation", "decisions", "action_items__owner"
                    )
                )
            if not person.is_erased:
                content.fields_read.append("meeting.minutes")
        return content

    return made


def _label_tags(concerns: list[Concern]) -> None:
    """Each concern's signals, then its categories, as labels (their codes read with the concerns),
    and who reported it and how urgent, as labels too."""
    from cases.vocabulary import ConcernCategory, ObservedSignal

    for concern in concerns:
        concern.reporter_kind_label = display(concern, "reporter_kind")
        concern.urgency_label = display(concern, "urgency")
        concern.category_labels = [choice_label(ConcernCategory(code)) for code in concern.category_codes]
        concern.tag_labels = [
            choice_label(ObservedSignal(code)) for code in concern.signal_codes
        ] + concern.category_labels


def reminders_due(today) -> dict:
    """Per user: their action items past due and their watch visits due today or earlier."""
    from cases.models import ActionItem, WatchVisit

    due: dict = {}
    for item in ActionItem.objects.filter(done_at__isnull=True, due_on__lt=today).select_related(
        "owner", "meeting"
    ):
        due.setdefault(item.owner, {"actions": [], "visits": []})["actions"].append(item)
    for visit in WatchVisit.objects.filter(visited_on__isnull=True, due_on__lte=today).select_related(
        "assigned_to"
    ):
        due.setdefault(visit.assigned_to, {"actions": [], "visits": []})["visits"].append(visit)
    return dict(sorted(due.items(), key=lambda pair: pair[0].username))


from cases.selectors.lists import *  # noqa: E402, F403 (the lists' reads, likewise)
from cases.selectors.pages import *  # noqa: E402, F403 (the pages' reads, under this one name)
