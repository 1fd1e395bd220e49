"""The progress record (支援経過): writing an entry and correcting one (記録の訂正).

Entries are only ever added: a correction is a new version linked to the one it corrects, which
stays as it was (``ProgressEntry.save`` refuses an update, ``corrects`` is unique so that a version
is corrected once). Writing asks ``change_case`` on the case; correcting also asks to read the
record (the notes field group), since the writer corrects what they read.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import organisation_ids_of
from audit import services as audit
from cases.access import deny, field_groups_for, live_grants, require_case_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import Case, ProgressEntry, SupportMeeting
from cases.signals import progress_links
from cases.vocabulary import FieldGroup

# Clocks differ a little between a phone and the server: "now" typed on one is not the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)
# The fields an entry's audit events name (never their values).
ENTRY_FIELDS = ("kind", "occurred_at", "counterpart", "counterpart_note", "text", "meeting", "referral")


def record_progress(
    *,
    actor: User,
    case: Case,
    kind: str,
    occurred_at: datetime.datetime,
    counterpart: str,
    text: str,
    counterpart_note: str = "",
    meeting_id: object = None,
    referral_id: object = None,
) -> ProgressEntry:
    """Write one entry of the case's progress record, as the actor's organisation."""
    require_case_permission(actor, case, "change_case", action="record_progress")
    entry = _entry(
        actor,
        case,
        kind=kind,
        occurred_at=occurred_at,
        counterpart=counterpart,
        counterpart_note=counterpart_note,
        text=text,
        meeting_id=meeting_id,
        referral_id=referral_id,
    )
    with transaction.atomic():
        entry.save(force_insert=True)
        audit.record(
            "case.progress_recorded",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=_fields_written(entry),
            params={"entry": str(entry.pk), "progress_kind": entry.kind},
        )
    return entry


def correct_progress(
    *,
    actor: User,
    entry: ProgressEntry,
    kind: str,
    occurred_at: datetime.datetime,
    counterpart: str,
    text: str,
    reason: str,
    counterpart_note: str = "",
    meeting_id: object = None,
    referral_id: object = None,
) -> ProgressEntry:
    """Correct an entry: a new version that names the one it corrects (which stays, unchanged).

    Only the latest version can be corrected; a version someone else corrected first is a
    ``Conflict`` (reload, and correct the latest)."""
    case = entry.case
    require_case_permission(actor, case, "change_case", action="correct_progress")
    if FieldGroup.NOTES not in field_groups_for(actor, case):
        deny(actor, action="correct_progress", case=case)
    if not reason.strip():
        raise CaseRuleError({"reason": _("訂正の理由を入力してください。")}, code="reason_required")
    correction = _entry(
        actor,
        case,
        kind=kind,
        occurred_at=occurred_at,
        counterpart=counterpart,
        counterpart_note=counterpart_note,
        text=text,
        meeting_id=meeting_id,
        referral_id=referral_id,
    )
    correction.corrects = entry
    correction.correction_reason = reason.strip()
    try:
        with transaction.atomic():
            if ProgressEntry.objects.filter(corrects=entry).exists():
                raise Conflict(_corrected_first())
            correction.save(force_insert=True)
            audit.record(
                "case.progress_corrected",
                actor=actor,
                target=case,
                case_id=case.pk,
                person_id=case.person_id,
                fields=[*_changed_fields(entry, correction), "correction_reason"],
                params={
                    "entry": str(correction.pk),
                    "corrects": str(entry.pk),
                    "progress_kind": correction.kind,
                },
            )
    except IntegrityError as error:  # two corrections of one version at once: the second loses
        raise Conflict(_corrected_first()) from error
    return correction


def _corrected_first() -> str:
    return _("この記録は先に訂正されています。画面を開き直して、最新の記録を訂正してください。")


def _entry(actor: User, case: Case, **values) -> ProgressEntry:
    """An unsaved entry, its input checked (CaseRuleError, keyed by field, changes nothing)."""
    errors: dict[str, str] = {}
    if values["kind"] not in ProgressEntry.Kind.values:
        errors["kind"] = _("種別を選んでください。")
    if values["counterpart"] not in ProgressEntry.Counterpart.values:
        errors["counterpart"] = _("相手を選んでください。")
    occurred_at = values["occurred_at"]
    if occurred_at is None:
        errors["occurred_at"] = _("日時を入力してください。")
    elif occurred_at > timezone.now() + CLOCK_SKEW:
        errors["occurred_at"] = _("先の日時は入力できません。支援経過には、あったことを記録します。")
    if not values["text"].strip():
        errors["text"] = _("内容を入力してください。")
    meeting, meeting_id = None, values.pop("meeting_id")
    if meeting_id:
        meeting = SupportMeeting.objects.filter(case=case, pk=meeting_id).first()
        if meeting is None:
            errors["meeting"] = _("選んだ会議は、このケースのものではありません。")
    referral_id = values["referral_id"]
    if referral_id and str(referral_id) not in {str(pk) for pk, _label in links_of(case).get("referral", [])}:
        errors["referral_id"] = _("選んだつなぎは、このケースのものではありません。")
    if errors:
        raise CaseRuleError(errors, code="progress_invalid")
    entry = ProgressEntry(
        case=case,
        written_by=actor,
        organisation=_writing_organisation(actor, case),
        meeting=meeting,
        **{**values, "text": values["text"].strip(), "referral_id": referral_id or None},
    )
    entry.full_clean(exclude=["case", "written_by", "organisation", "meeting", "corrects"])
    return entry


def links_of(case: Case) -> dict[str, list[tuple[str, str]]]:
    """The records of the apps built on cases that an entry of this case may link to, by kind."""
    return {kind: pairs for _receiver, (kind, pairs) in progress_links.send(sender=Case, case=case)}


def _writing_organisation(actor: User, case: Case) -> Organisation:
    """Whom the actor writes for: the lead organisation if they belong to it, else the one of
    theirs that holds a live grant on the case."""
    mine = organisation_ids_of(actor)
    if case.lead_organisation_id in mine:
        return case.lead_organisation
    grant = live_grants().filter(case=case, organisation__in=mine).select_related("organisation").first()
    if grant is None:  # a grant of the actor's own: they write for their first organisation
        return Organisation.objects.filter(pk__in=mine).order_by("pk").first()
    return grant.organisation


def _fields_written(entry: ProgressEntry) -> list[str]:
    return [
        name
        for name in ENTRY_FIELDS
        if name in ("kind", "occurred_at", "counterpart", "text")
        or (name == "counterpart_note" and entry.counterpart_note)
        or (name == "meeting" and entry.meeting_id)
        or (name == "referral" and entry.referral_id)
    ]


def _changed_fields(before: ProgressEntry, after: ProgressEntry) -> list[str]:
    """The names of the fields the correction changed (their values go nowhere)."""
    columns = {"meeting": "meeting_id", "referral": "referral_id"}
    return [
        name
        for name in ENTRY_FIELDS
        if getattr(before, columns.get(name, name)) != getattr(after, columns.get(name, name))
    ]
