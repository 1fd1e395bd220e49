"""Permission-filtered reads of referrals, for both sides."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet, Value, When

from accounts.models import User
from audit import services as audit
from cases.access import deny, has_case_permission, live_grants, permitted_case_ids, revoke_expired_grants
from cases.selectors import PAGE_SIZE, SharedContent, shared_content, who_for
from referrals.access import may_respond, permitted_referral_ids
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


@dataclass
class ReferralInbox:
    """The agency's and the referrer's lists, 50 a page each; every referral carries ``who``, its
    case's number and — where the actor's grant includes identity — the person's name."""

    received: Page
    sent: Page


def referral_inbox(actor: User, *, received_page: object = 1, sent_page: object = 1) -> ReferralInbox:
    received = Paginator(referrals_received_by(actor).select_related("case"), PAGE_SIZE).get_page(
        received_page
    )
    sent = Paginator(referrals_sent_by(actor).select_related("case"), PAGE_SIZE).get_page(sent_page)
    referrals = [*received.object_list, *sent.object_list]
    who = who_for(actor, [referral.case for referral in referrals])  # records the names shown
    for referral in referrals:
        referral.who = who[referral.case_id]
    return ReferralInbox(received=received, sent=sent)


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
