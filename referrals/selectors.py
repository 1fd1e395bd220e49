"""Permission-filtered reads of referrals, for both sides."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, OrganisationKind, User
from audit import services as audit
from cases.access import deny, has_case_permission, live_grants, permitted_case_ids, revoke_expired_grants
from cases.selectors import PAGE_SIZE, Counted, SharedContent, known_page, shared_content, who_for
from cases.selectors import lists as case_lists
from cases.selectors.figures import by_district, counted, day_bounds, in_districts
from cases.selectors.lists import names_exported, refuse_long_export
from referrals.access import may_open_inbox, may_respond, permitted_referral_ids
from referrals.models import Referral, ReferralState
from referrals.services import mark_overdue_referrals

S = ReferralState


def _refresh() -> None:
    """Deadlines and time-boxed access are applied before anyone reads (cheap when nothing is due)."""
    mark_overdue_referrals()
    revoke_expired_grants()


def _urgency_order():
    return models.Case(
        When(state=S.OVERDUE, then=Value(0)),
        When(state=S.RETURNED, then=Value(1)),
        When(state=S.SENT, then=Value(2)),
        When(state=S.ACCEPTED, then=Value(3)),
        When(state=S.DRAFT, then=Value(4)),
        default=Value(5),
        output_field=models.IntegerField(),
    )


def referrals_received_by(actor: User) -> QuerySet[Referral]:
    """Referrals to the actor's organisations: overdue first, then awaiting an answer by deadline,
    then those in hand; settled ones last. Drafts are never visible to the agency."""
    if not actor.is_authenticated or not actor.is_active:
        return Referral.objects.none()
    _refresh()
    return (
        Referral.objects.filter(pk__in=permitted_referral_ids(actor))
        .exclude(state=S.DRAFT)
        .select_related("recipient", "referring_organisation", "assigned_worker")
        .order_by(_urgency_order(), "accept_by", "-updated_at")
    )


def referrals_sent_by(actor: User) -> QuerySet[Referral]:
    """Referrals of the cases the actor's organisations lead: what the agencies did and the
    referrer has not opened yet comes first (declines with their reason, questions, overdue)."""
    if not actor.is_authenticated or not actor.is_active:
        return Referral.objects.none()
    _refresh()
    return (
        Referral.objects.filter(case_id__in=permitted_case_ids(actor, "lead_case"))
        .select_related("recipient", "referring_organisation", "assigned_worker")
        .order_by("-referrer_attention", _urgency_order(), "-updated_at")
    )


class ReferralTab:
    """The tabs of the agency's inbox: what it has not answered yet (a question it asked included),
    what it has taken on, what ended (completed, declined, withdrawn)."""

    WAITING = "waiting"
    IN_PROGRESS = "in_progress"
    ENDED = "ended"
    CHOICES = [(WAITING, _("未対応")), (IN_PROGRESS, _("対応中")), (ENDED, _("終了"))]
    STATES = {
        WAITING: [S.SENT, S.RETURNED, S.OVERDUE],
        IN_PROGRESS: [S.ACCEPTED],
        ENDED: [S.COMPLETED, S.DECLINED, S.WITHDRAWN],
    }


class ReferralSort:
    NEWEST = "newest"
    DUE = "due"
    OLDEST = "oldest"
    CHOICES = [
        (NEWEST, _("届いた新しい順")),
        (DUE, _("返事の期限の近い順")),
        (OLDEST, _("届いた古い順")),
    ]
    # Each ends with the key, so that a page boundary never splits rows that sort alike.
    ORDER = {
        NEWEST: ("-sent_at", "-pk"),
        DUE: ("accept_by", "sent_at", "pk"),
        OLDEST: ("sent_at", "pk"),
    }


@dataclass
class ReferralQuery:
    """What the inbox is asked for, as the URL carries it: codes and page numbers only."""

    tab: str = ReferralTab.WAITING
    state: str = ""
    urgency: str = ""  # the case's urgent flag: "urgent" or "routine"
    sort: str = ReferralSort.NEWEST
    page: object = 1  # the received list's (``?page=``), as given: ``known_page`` reads it
    sent_page: object = 1  # the sent list's (``?sent=``)


@dataclass
class ReferralInbox:
    """The agency's list (received: under one tab, filtered, sorted) and the referrer's (sent: what
    needs their attention first), 50 a page each; every referral carries ``who``, its case's number
    and — where the actor's grant includes identity — the person's name."""

    query: ReferralQuery
    received: Page
    sent: Page
    tab_counts: dict  # tab code → received referrals under it (with the filters applied)
    received_any: bool  # anything ever received (else the page shows only what was sent)
    states: list[tuple[str, str]]  # the states the current tab holds, for its filter


def referral_inbox(
    actor: User, query: ReferralQuery | None = None, *, per_page: int = PAGE_SIZE
) -> ReferralInbox:
    """The inbox of the roles whose work referrals are (``referrals.access.INBOX_ROLES``); anyone
    else is refused, recorded. The received list's tab counts and total in one aggregate statement
    and its page in one more (none for an empty tab); the sent list's count and page; the names of
    both pages through ``who_for`` (recorded)."""
    if not may_open_inbox(actor):
        deny(actor, action="open_referral_inbox")
    query = query or ReferralQuery()
    _refresh()
    to_mine, filters, shown_states = _received(actor, query)
    counts = to_mine.aggregate(
        **{
            tab: Count("pk", filter=filters & Q(state__in=states))
            for tab, states in ReferralTab.STATES.items()
        },
        shown=Count("pk", filter=filters & Q(state__in=shown_states)),
        received_any=Count("pk"),  # whatever the filters
    )
    sent = Referral.objects.filter(case_id__in=permitted_case_ids(actor, "lead_case"))
    received_rows = _received_rows(to_mine, filters, shown_states, query)
    sent_rows = sent.select_related(
        "case", "referring_organisation", "recipient", "assigned_worker"
    ).order_by("-referrer_attention", _urgency_order(), "-updated_at", "pk")
    received_page = known_page(Paginator(Counted(received_rows, counts["shown"]), per_page), query.page)
    sent_page = known_page(Paginator(sent_rows, per_page), query.sent_page)  # its count, then its page
    referrals = [*received_page.object_list, *sent_page.object_list]
    who = who_for(actor, [referral.case for referral in referrals])  # records the names shown
    for referral in referrals:
        referral.who = who[referral.case_id]
    return ReferralInbox(
        query=query,
        received=received_page,
        sent=sent_page,
        tab_counts={tab: counts[tab] for tab in ReferralTab.STATES},
        received_any=bool(counts["received_any"]),
        states=[(state.value, state.label) for state in ReferralTab.STATES[query.tab]],
    )


def _received(actor: User, query: ReferralQuery) -> tuple[QuerySet[Referral], Q, list[str]]:
    """The referrals to the actor's organisations (drafts are the referrer's alone), the query's
    filters, and the states its tab and state filter show."""
    to_mine = Referral.objects.filter(pk__in=permitted_referral_ids(actor)).exclude(state=S.DRAFT)
    filters = Q(case__urgent=query.urgency == "urgent") if query.urgency else Q()
    tab_states = ReferralTab.STATES[query.tab]
    return to_mine, filters, [query.state] if query.state in tab_states else tab_states


def _received_rows(to_mine: QuerySet[Referral], filters: Q, states: list[str], query: ReferralQuery):
    return (
        to_mine.filter(filters, state__in=states)
        .select_related("case", "referring_organisation", "recipient", "assigned_worker")
        .order_by(*ReferralSort.ORDER[query.sort])
    )


@dataclass
class ReferralListExport:
    rows: list[Referral]  # each with ``who``, as the inbox lists it
    tab_label: str


def referral_inbox_export(actor: User, query: ReferralQuery, file_format: str) -> ReferralListExport:
    """Every referral the inbox lists under one tab with its filters, in its order, to take away
    as a file: each case's name as ``who_for`` allows it (recorded as shown), and the export
    recorded — how many rows, which fields, which format. More than ``EXPORT_MOST`` rows (the
    lists' limit, cases.selectors.lists) are refused, nothing recorded: the filters narrow it."""
    if not may_open_inbox(actor):
        deny(actor, action="export_referral_inbox")
    _refresh()
    listed = list(_received_rows(*_received(actor, query), query)[: case_lists.EXPORT_MOST + 1])
    refuse_long_export(listed, _("状態や緊急度"))
    who = names_exported(actor, [referral.case for referral in listed], "referral.list_exported", file_format)
    for referral in listed:
        referral.who = who[referral.case_id]
    return ReferralListExport(rows=listed, tab_label=str(dict(ReferralTab.CHOICES)[query.tab]))


@dataclass
class ReferralView:
    """One referral as one actor may see it."""

    referral: Referral
    is_referrer: bool
    is_recipient: bool
    shared_live: bool = False  # the agency's access to the shared fields has not ended
    content: SharedContent = field(default_factory=SharedContent)  # the shared fields, decrypted
    messages: list = field(default_factory=list)

    @property
    def shows_referral_text(self) -> bool:
        """The purpose and the messages: for the referrer, and for the agency while its access lasts."""
        return self.is_referrer or self.shared_live

    @property
    def fields_read_by_agency(self) -> list[str]:
        """What the agency's page decrypted, for the audit event (nothing for the referrer's own view)."""
        if self.is_referrer or not self.shared_live:
            return []
        return [*self.content.fields_read, "purpose", *(["text"] if self.messages else [])]


def referral_to_act_on(actor: User, referral_id: object) -> ReferralView:
    """Who the actor is to the referral (no content read): the referrer leads its case, the
    recipient answers for the receiving agency (never for a draft). Anyone else is refused,
    recorded, whether the referral exists or not (no 404 tells an outsider it exists)."""
    _refresh()
    referral = (
        Referral.objects.select_related(
            "case__person__data_key", "case__lead_organisation", "recipient", "legal_basis", "assigned_worker"
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        deny(actor, action="open_referral")
    is_referrer = has_case_permission(actor, referral.case, "lead_case")
    is_recipient = referral.state != S.DRAFT and may_respond(actor, referral)
    if not (is_referrer or is_recipient):
        deny(actor, action="open_referral", case=referral.case)
    return ReferralView(referral=referral, is_referrer=is_referrer, is_recipient=is_recipient)


def referral_for(actor: User, referral_id: object) -> ReferralView:
    """The referral as the actor may read it, or a recorded refusal. The agency sees the fields
    shared with it while its access lasts, and nothing else of the case."""
    view = referral_to_act_on(actor, referral_id)
    referral = view.referral
    view.shared_live = view.is_recipient and shared_access_is_live(referral)
    if view.shows_referral_text:
        view.messages = list(referral.messages.select_related("author", "organisation"))
    if view.shared_live and not view.is_referrer:
        view.content = shared_content(referral.case, set(referral.field_groups))
    return view


def referral_page(actor: User, referral_id: object) -> ReferralView:
    """The referral page: ``referral_for``, with what the agency's page decrypted recorded."""
    view = referral_for(actor, referral_id)
    referral = view.referral
    if view.fields_read_by_agency:
        audit.record(
            "referral.viewed",
            actor=actor,
            organisation_id=referral.recipient_id,
            target=referral,
            case_id=referral.case_id,
            person_id=referral.case.person_id,
            fields=view.fields_read_by_agency,
            purpose="case_work",
        )
    return view


def referral_summary(actor: User, referral_id: object) -> ReferralView:
    """The case summary to print for a referral (docs/documents.md): the field groups the referral
    shares, and nothing else of the case, for whoever the referral page shows them to — the agency
    while its access lasts, and the referrer, who prints what it sends. Read through the referral
    page (which refuses, recorded, and records the agency's read), then ``referral.printed``
    naming the fields the document holds; anyone else, or an agency whose access ended, is
    refused, recorded."""
    view = referral_page(actor, referral_id)
    referral = view.referral
    if not view.shows_referral_text:
        deny(actor, action="print_referral_summary", case=referral.case)
    if view.is_referrer:  # the referrer's page decrypts nothing: the document reads the shared groups
        view.content = shared_content(referral.case, set(referral.field_groups))
    audit.record(
        "referral.printed",
        actor=actor,
        organisation_id=referral.referring_organisation_id if view.is_referrer else referral.recipient_id,
        target=referral,
        case_id=referral.case_id,
        person_id=referral.case.person_id,
        fields=[*view.content.fields_read, "purpose"],
        purpose="case_work",
        params={"document": "case_summary"},
    )
    return view


def shared_access_is_live(referral: Referral) -> bool:
    return (
        referral.disclosure_id is not None
        and live_grants()
        .filter(disclosure_id=referral.disclosure_id, organisation_id=referral.recipient_id)
        .exists()
    )


def referral_standing(referral: Referral) -> tuple[str, int]:
    """The referral's state and version as stored now (after an action its actor took on it)."""
    return Referral.objects.values_list("state", "version").get(pk=referral.pk)


def self_reliance_person_counts(
    districts: Iterable[Area], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Indicator ④(a)'s part Tsunagu sees: the persons whose referral a 自立相談支援機関
    (生活困窮者自立支援法) accepted between two days, each once a district, by the case's district.
    Counts only (the indicators app): nothing personal read, nothing to record."""
    since, until = day_bounds(start, end)
    rows = Referral.objects.filter(
        in_districts("case__area", districts),
        counted("case"),
        recipient__kind=OrganisationKind.SELF_RELIANCE_SUPPORT,
        accepted_at__gte=since,
        accepted_at__lt=until,
    )
    return by_district(rows, "case__area", Count("case__person", distinct=True))
