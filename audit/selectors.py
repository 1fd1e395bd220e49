"""Reads of the audit trail, for privacy officers. Events only: never case content."""

import datetime
import json
import string

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, User
from audit.events import field_label, parameter_labels
from audit.models import AuditCheckpoint, AuditEvent
from audit.services import record


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def search_events(
    actor: User,
    *,
    person: object = None,
    actor_username: str = "",
    organisation: Organisation | None = None,
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    _require(actor, "audit.view_auditevent")
    events = AuditEvent.objects.select_related("actor", "organisation").order_by("-sequence")
    if person:
        events = events.filter(_about_person(str(person)))
    if actor_username:
        events = events.filter(actor__username=actor_username)
    if organisation:
        events = events.filter(organisation=organisation)
    if action:
        events = events.filter(action=action)
    if since:
        events = events.filter(occurred_at__gte=_day_start(since))
    if until:
        events = events.filter(occurred_at__lt=_day_start(until + datetime.timedelta(days=1)))
    return events


def _about_person(person_id: str) -> Q:
    # A list view names its people in params (ids, which are unique strings), a single view in person_id.
    return Q(person_id=person_id) | Q(params__contains=person_id)


def access_report(actor: User, person_id: str) -> list[AuditEvent]:
    """Who saw or changed this person's data, when, and why: oldest first, for a disclosure request.
    Reading the report is itself recorded (``audit.access_report``)."""
    _require(actor, "audit.view_access_report")
    events = list(
        AuditEvent.objects.filter(_about_person(person_id))
        .select_related("actor", "organisation")
        .order_by("sequence")
    )
    record("audit.access_report", actor=actor, person_id=person_id, purpose="disclosure_request")
    return events


def access_report_document(actor: User, person_id: str) -> list[AuditEvent]:
    """The access report to print (docs/documents.md): ``access_report`` — the officer's
    permission, and the report's own ``audit.access_report`` — then ``audit.access_report_printed``
    with the number of events it lists. The report names field names, never a value, so the
    event names no field of the person's."""
    events = access_report(actor, person_id)
    record(
        "audit.access_report_printed",
        actor=actor,
        person_id=person_id,
        purpose="disclosure_request",
        params={"count": len(events)},
    )
    return events


class _Missing(dict):
    """A parameter the event does not carry — recorded before its kind's words named it (an
    onboarding check before areas were imported) — reads as a dash, not as its placeholder."""

    def __missing__(self, key: str) -> str:
        return "—"


def describe(event: AuditEvent) -> str:
    """The event in the reader's language, from its registered template and its parameters."""
    kind = event.kind
    if kind is None:
        return event.event
    params = json.loads(event.params)
    for key, value in params.items():
        labels = parameter_labels(kind, key)  # the words of the app that owns the kind
        if isinstance(value, list):
            params[key] = ", ".join(str(labels.get(v, v)) for v in value)
        else:
            params[key] = str(labels.get(value, value)) if isinstance(value, str) else value
    return string.Formatter().vformat(str(kind.template), (), _Missing(params))


def field_labels(event: AuditEvent) -> list[str]:
    """The event's field names as people read them: a field of the event's target as its model
    labels it, any other name (a related record's field, a group of fields) with the words of the
    app that owns the event's kind, else audit's, else the bare name."""
    names = json.loads(event.fields)
    try:
        model = apps.get_model(event.target_type) if event.target_type else None
    except (LookupError, ValueError):
        model = None
    kind = event.kind
    labels = []
    for name in names:
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:  # not the target's, or a field since removed
            field = None
        # A reverse relation has no verbose_name of its own.
        label = getattr(field, "verbose_name", None) or field_label(kind, name) or name
        labels.append(str(label))
    return labels


def chain_status(actor: User) -> dict:
    _require(actor, "audit.view_auditevent")
    head = AuditEvent.objects.order_by("-sequence").only("sequence", "occurred_at", "hash").first()
    return {
        "head": head,
        "count": head.sequence if head else 0,
        "latest_checkpoint": AuditCheckpoint.objects.order_by("-sequence").first(),
        "checkpoints": AuditCheckpoint.objects.count(),
    }
