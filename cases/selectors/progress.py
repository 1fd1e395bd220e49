"""The reads of the progress record (支援経過): for the case page's timeline, and for the page that
corrects an entry. Who reads: a user whose live grant on the case includes the notes field group
(支援の記録); the reporter of a concern (民生委員) holds none and sees nothing of it, not a count.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from cases.access import deny, field_groups_for, send_progress_entries_of_case
from cases.models import Case, ProgressEntry
from cases.selectors.labels import display, minute
from cases.vocabulary import FieldGroup
from privacy.exceptions import ERASED_DISPLAY, DataErased

# What a version of an entry decrypts: named on the case page's ``case.viewed`` event.
READ_FIELDS = ["progress.text"]


def send_progress_record(page) -> Callable[[], list[ProgressEntry]]:
    """The case's entries as their latest versions, oldest first, each with ``versions``: the
    earlier ones, newest first, each with ``corrected_by`` (the version that corrected it). When
    the function returned is called, adds them to the page's timeline and what they decrypt to
    ``page.fields_read`` — one statement, sent now (``accounts.sql.sent_together``), and none at
    all for a reader without the notes field group."""
    if FieldGroup.NOTES not in page.field_groups:
        return list
    case = page.case
    # A 民生委員 never reads the record, even if a lead shared the notes with their council:
    # decided in the same statement.
    sent = send_progress_entries_of_case(case, unless_commissioner=None if page.can_lead else page.actor)

    def record() -> list[ProgressEntry]:
        entries = sent()
        latest = _chains(case, entries)
        if entries and not case.person.is_erased:
            page.fields_read = [*page.fields_read, *READ_FIELDS]
        page.timeline += [{"at": entry.occurred_at, "progress": entry} for entry in latest]
        page.timeline.sort(key=lambda item: item["at"])
        return latest

    return record


def _chains(case: Case, entries: list[ProgressEntry]) -> list[ProgressEntry]:
    """Link each version to its correction; the latest versions, by when the contact happened."""
    corrections = {entry.corrects_id: entry for entry in entries if entry.corrects_id}
    latest = []
    for entry in entries:
        entry.case = case  # its person's key, already read with the case
        entry.corrected_by = corrections.get(entry.pk)
        if entry.corrected_by is None:
            versions, earlier = [], entry
            while earlier.corrects_id:
                earlier = next(e for e in entries if e.pk == earlier.corrects_id)
                versions.append(earlier)
            entry.versions = versions
            latest.append(entry)
    latest.sort(key=lambda entry: (entry.occurred_at, entry.recorded_at))
    for entry in entries:
        describe_entry(entry)
    return latest


def describe_entry(entry: ProgressEntry) -> None:
    """What the page writes of a version beside its text (``heading``, ``recorded_line``; a
    corrected one's ``corrected_line``), once here rather than by the template per row."""
    try:
        note = f"（{entry.counterpart_note}）" if entry.counterpart_note else ""
    except DataErased:
        note = f"（{ERASED_DISPLAY}）"
    entry.heading = (
        f"{minute(entry.occurred_at)} · {display(entry, 'kind')} · {display(entry, 'counterpart')}{note}"
    )
    entry.recorded_line = _("記録: %(who)s（%(organisation)s）%(at)s") % {
        "who": entry.written_by,
        "organisation": entry.organisation.name,
        "at": minute(entry.recorded_at),
    }
    if entry.corrected_by is not None:
        entry.corrected_line = _("訂正前の記録（%(at)s に %(who)s が訂正）") % {
            "who": entry.corrected_by.written_by,
            "at": minute(entry.corrected_by.recorded_at),
        }


def link_labels(page) -> dict[str, list[tuple[str, str]]]:
    """What an entry on this page may be linked to, by kind: the meetings the page shows and the
    records the sections offer (a section's ``progress_links``); each entry's ``link_label``
    is set from them. Read nothing: all of it is on the page already."""
    links = {
        "meeting": [(str(m.pk), _meeting_label(m)) for m in page.meetings],
        "referral": [pair for section in page.sections for pair in section.get("progress_links", ())],
    }
    names = {pk: label for pairs in links.values() for pk, label in pairs}
    for entry in page.progress:
        for version in [entry, *entry.versions]:
            linked = version.meeting_id or version.referral_id
            version.link_label = names.get(str(linked), "") if linked else ""
    return links


def case_for_progress(actor: User, case_id: object) -> Case:
    """The case of a new entry: refused (recorded) before any input is read unless the actor may
    write on it."""
    from cases.selectors import case_for

    return case_for(actor, case_id, "change_case")


@dataclass
class CorrectionPage:
    case: Case
    entry: ProgressEntry  # with ``corrected_by``: the version that corrected it, if one did
    links: dict  # what the form offers to link to (``link_choices``)


def entry_to_correct(actor: User, case_id: object, entry_id: object) -> CorrectionPage:
    """The latest version of an entry, to correct: the actor must write on the case and read its
    record; a missing entry, or one of another case, is refused like a forbidden one. Reading the
    entry is recorded."""
    from cases.selectors import case_for

    case = case_for(actor, case_id, "change_case")
    entry = (
        ProgressEntry.objects.filter(case=case, pk=entry_id)
        .select_related("written_by", "organisation")
        .first()
    )
    if entry is None or FieldGroup.NOTES not in field_groups_for(actor, case):
        deny(actor, action="correct_progress", case=case)
    entry.case = case
    entry.corrected_by = ProgressEntry.objects.filter(corrects=entry).select_related("written_by").first()
    describe_entry(entry)
    audit.record(
        "case.viewed",
        actor=actor,
        target=case,
        case_id=case.pk,
        person_id=case.person_id,
        fields=READ_FIELDS,
        purpose="case_work",
    )
    return CorrectionPage(case=case, entry=entry, links=link_choices(actor, case))


def link_choices(actor: User, case: Case) -> dict[str, list[tuple[str, str]]]:
    """What a new or corrected entry of the case may link to, for a form posted outside the case
    page: the case's meetings if the actor reads them, and the records the apps built on cases
    offer their lead (``cases.signals.progress_links``)."""
    from cases.access import has_case_permission
    from cases.models import SupportMeeting
    from cases.services.progress import links_of

    groups = field_groups_for(actor, case)
    meetings = SupportMeeting.objects.filter(case=case) if FieldGroup.MEETINGS in groups else []
    leads = has_case_permission(actor, case, "lead_case")
    return {
        "meeting": [(str(m.pk), _meeting_label(m)) for m in meetings],
        "referral": links_of(case).get("referral", []) if leads else [],
    }


def _meeting_label(meeting) -> str:
    return _("会議 %(date)s") % {"date": f"{meeting.scheduled_for:%Y-%m-%d}"}
