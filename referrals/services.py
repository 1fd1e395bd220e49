"""Every write on referrals: one function per use case (see docs/architecture.md).

The referring side acts through its lead permission on the case; the receiving agency through
its object permissions on the referral. Every transition goes through the engine
(``cases.transitions``) with the machine below: the referral row is locked, the actor's
permission decided on it, the version compared (``cases.exceptions.Conflict``), then the input
and rules checked, the transition saved and audited in one transaction; a refusal is audited in
a transaction of its own.
"""

import datetime
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from audit import services as audit
from cases.access import grant_access, has_case_permission, require_case_permission, revoke_grants
from cases.exceptions import CaseRuleError, Conflict
from cases.models import AccessLevel, Case, CaseAccessGrant, Consent, LegalBasis
from cases.services.lifecycle import record_connection
from cases.services.sharing import check_sharing_ground, consent_ends_at, record_disclosure
from cases.transitions import RowMachine, transition
from notifications.models import Kind as Notice
from notifications.selectors import staff_of
from notifications.services import notify
from referrals.access import RESPOND, may_respond, open_to_recipient
from referrals.models import OPEN, AcceptanceDeadline, Referral, ReferralMessage, ReferralState
from referrals.sql import any_open_referral
from referrals.working_days import add_working_days

Kind = ReferralMessage.Kind
# Who acts: the referring side, through its lead permission on the case, or the receiving agency.
REFERRER = "lead_case"
RECIPIENT = RESPOND


class ReferralMachine(RowMachine[Referral]):
    model = Referral
    related = ("case__person", "case__lead_organisation", "recipient", "legal_basis", "consent")
    organisation = "referring_organisation_id"
    transitioned_event = "referral.transitioned"
    conflict_message = gettext_lazy(
        "他の人が先にこのつなぎを更新しました。画面を開き直して、最新の状態を確かめてください。"
    )
    not_allowed_message = gettext_lazy("このつなぎは今の状態（%(state)s）ではこの操作ができません。")

    def permitted(self, actor: User | None, locked: Referral, permission: str) -> bool:
        if permission == RECIPIENT:
            return may_respond(actor, locked)
        return has_case_permission(actor, locked.case, permission)


REFERRALS = ReferralMachine()


def _check_case_open(case: Case) -> None:
    if not case.is_in_work:
        raise CaseRuleError(_("受付の後、終結までの間だけ関係機関につなげます。"), code="case_not_open")


def _check_ground(referral: Referral) -> Consent | None:
    """A referral shares for the purpose REFERRAL, today (at the draft, and again when it is sent)."""
    return check_sharing_ground(
        case=referral.case,
        recipient=referral.recipient,
        field_groups=referral.field_groups,
        legal_basis=referral.legal_basis,
        consent=referral.consent,
        reference=referral.reference,
        purpose=Consent.Purpose.REFERRAL,
    )


def _required(text: str, message: str) -> str:
    if not text.strip():
        raise CaseRuleError(message, code="text_required")
    return text.strip()


def draft_referral(
    *,
    actor: User,
    case: Case,
    recipient: Organisation,
    field_groups: list[str],
    purpose: str,
    legal_basis: LegalBasis,
    consent: Consent | None = None,
    reference: str = "",
) -> Referral:
    """The lead organisation prepares a referral: which agency, which fields (minimum necessary),
    for what, on which ground. Nothing is shared until it is sent."""
    require_case_permission(actor, case, "lead_case", action="referral.draft")
    case = Case.objects.select_related("lead_organisation", "person").get(pk=case.pk)
    _check_case_open(case)
    referral = Referral(
        case=case,
        referring_organisation=case.lead_organisation,
        recipient=recipient,
        created_by=actor,
        field_groups=sorted(set(field_groups)),
        purpose=_required(purpose, _("つなぐ目的・依頼したいことを書いてください。")),
        legal_basis=legal_basis,
        consent=consent,
        reference=reference,
    )
    referral.consent = _check_ground(referral)
    if Referral.objects.filter(case=case, recipient=recipient, state__in=OPEN).exists():
        raise CaseRuleError(
            _("この組織へのつなぎは、既に進行中のものがあります。"), code="referral_already_open"
        )
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
            audit.record(
                "referral.drafted",
                actor=actor,
                organisation_id=case.lead_organisation_id,
                target=referral,
                case_id=case.pk,
                person_id=case.person_id,
                fields=["purpose", "reference"] if reference else ["purpose"],
                params={"recipient": recipient.pk},
            )
    except IntegrityError:  # another draft to the same agency won the race
        raise CaseRuleError(
            _("この組織へのつなぎは、既に進行中のものがあります。"), code="referral_already_open"
        ) from None
    return referral


def _transition(
    *,
    actor: User | None,
    referral: Referral,
    expected_version: int,
    name: str,
    side: str | None,
    on_behalf_of: int,
    then: Callable[[Referral], None] | None = None,
    message: tuple[str, str, str] | None = None,
) -> Referral:
    """Transition ``name`` through the engine, for ``side`` (REFERRER, RECIPIENT; None: the system,
    or a case transition that checked the actor in this transaction) on behalf of the organisation
    ``on_behalf_of``. ``message`` (kind, text, what to say when the text is empty) is required,
    once the actor is known to be permitted, and kept with the referral; ``then(locked)`` checks
    the rules and writes more (a CaseRuleError refuses)."""

    def check(locked: Referral) -> None:
        if message is not None:
            _required(message[1], message[2])
        if then is not None:
            then(locked)

    def keep(locked: Referral) -> None:
        kind, text, _missing = message
        ReferralMessage(
            referral=locked, kind=kind, text=text.strip(), author=actor, organisation_id=on_behalf_of
        ).save(force_insert=True)

    return transition(
        REFERRALS,
        actor=actor,
        record=referral,
        expected_version=expected_version,
        name=name,
        permission=side,
        action=f"referral.{name}",
        before=check,
        after=keep if message is not None else None,
        event_fields=["text"] if message is not None else [],
        organisation_id=on_behalf_of,
    )


def _end_shared_access(referral: Referral, actor: User | None) -> None:
    """The agency no longer sees the shared fields once the referral is settled."""
    if referral.disclosure_id:
        revoke_grants(
            CaseAccessGrant.objects.filter(disclosure_id=referral.disclosure_id),
            actor=actor,
            why="referral_settled",
        )


def _settle(actor: User, *, notify_referrer: bool) -> Callable[[Referral], None]:
    """What every ending of a referral does: the agency's sight of the fields ends, and the
    referrer's inbox shows it unless the referrer ended it themself."""

    def settle(locked: Referral) -> None:
        locked.referrer_attention = notify_referrer
        _end_shared_access(locked, actor)

    return settle


def send_referral(*, actor: User, referral: Referral, expected_version: int) -> Referral:
    """Share the chosen fields with the agency (a Disclosure and its grant) and start the clock:
    the agency answers within its kind's number of working days."""

    def share(locked: Referral) -> None:
        _check_case_open(locked.case)
        locked.consent = _check_ground(locked)  # the consent may have been withdrawn since the draft
        disclosure = record_disclosure(
            actor=actor,
            case=locked.case,
            on_behalf_of=locked.case.lead_organisation,
            recipient=locked.recipient,
            field_groups=locked.field_groups,
            legal_basis=locked.legal_basis,
            consent=locked.consent,
            reference=locked.reference,
            purpose=Consent.Purpose.REFERRAL,
        )
        grant_access(
            case=locked.case,
            organisation=locked.recipient,
            level=AccessLevel.STATUS,
            reason=CaseAccessGrant.Reason.REFERRAL,
            field_groups=locked.field_groups,
            granted_by=actor,
            disclosure=disclosure,
            consent=locked.consent,
            expires_at=consent_ends_at(locked.consent),
        )
        locked.disclosure = disclosure
        _start_the_clock(locked)
        open_to_recipient(locked)
        _tell(locked, Notice.REFERRAL_RECEIVED, locked.recipient_id, actor)

    return _by_referrer(actor, referral, expected_version, "send", then=share)


def ask_question(*, actor: User, referral: Referral, expected_version: int, question: str) -> Referral:
    """The agency sends the referral back with a question instead of declining."""
    return _by_recipient(
        actor,
        referral,
        expected_version,
        "ask",
        then=_notify_referrer,
        message=(Kind.QUESTION, question, _("質問の内容を書いてください。")),
    )


def answer_question(*, actor: User, referral: Referral, expected_version: int, answer: str) -> Referral:
    """The referrer answers; the agency's clock starts again from today."""

    def restart(locked: Referral) -> None:
        locked.referrer_attention = False
        _start_the_clock(locked)

    return _by_referrer(
        actor,
        referral,
        expected_version,
        "answer",
        then=restart,
        message=(Kind.ANSWER, answer, _("回答の内容を書いてください。")),
    )


def accept_referral(*, actor: User, referral: Referral, expected_version: int, worker: User) -> Referral:
    """The agency takes the person on and names who will work with them."""

    def connect(locked: Referral) -> None:
        if not locked.recipient.memberships.filter(user=worker, user__is_active=True).exists():
            raise CaseRuleError(
                _("担当者はつなぎ先の組織の職員から選んでください。"), code="worker_not_member"
            )
        locked.assigned_worker = worker
        locked.referrer_attention = True
        record_connection(case=locked.case)
        _tell(locked, Notice.REFERRAL_ACCEPTED, locked.referring_organisation_id, actor)

    return _by_recipient(actor, referral, expected_version, "accept", then=connect)


def decline_referral(*, actor: User, referral: Referral, expected_version: int, reason: str) -> Referral:
    """The agency cannot take it: the referral returns to the referrer's inbox with the reason."""
    settle = _settle(actor, notify_referrer=True)

    def settle_and_tell(locked: Referral) -> None:
        settle(locked)
        _tell(locked, Notice.REFERRAL_DECLINED, locked.referring_organisation_id, actor)

    return _by_recipient(
        actor,
        referral,
        expected_version,
        "decline",
        then=settle_and_tell,
        message=(Kind.DECLINE_REASON, reason, _("お断りの理由を書いてください。")),
    )


def complete_referral(*, actor: User, referral: Referral, expected_version: int, outcome: str) -> Referral:
    """The agency's part is done: the outcome goes back to the referrer."""
    return _by_recipient(
        actor,
        referral,
        expected_version,
        "complete",
        then=_settle(actor, notify_referrer=True),
        message=(Kind.OUTCOME, outcome, _("支援の結果を書いてください。")),
    )


def withdraw_referral(*, actor: User, referral: Referral, expected_version: int, reason: str) -> Referral:
    """The referrer takes the referral back (a draft is discarded the same way)."""
    return _by_referrer(
        actor,
        referral,
        expected_version,
        "withdraw",
        then=_settle(actor, notify_referrer=False),
        message=(Kind.WITHDRAW_REASON, reason, _("取り下げの理由を書いてください。")),
    )


def _by_referrer(actor: User, referral: Referral, expected_version: int, name: str, **hooks) -> Referral:
    """A transition by the referring side, for the case's lead organisation."""
    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name=name,
        side=REFERRER,
        on_behalf_of=referral.case.lead_organisation_id,
        **hooks,
    )


def _by_recipient(actor: User, referral: Referral, expected_version: int, name: str, **hooks) -> Referral:
    """A transition by the receiving agency."""
    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name=name,
        side=RECIPIENT,
        on_behalf_of=referral.recipient_id,
        **hooks,
    )


def _tell(referral: Referral, kind: str, organisation_id: int, actor: User) -> None:
    """The staff of one side hear what the other did (notifications: the kind and the link only)."""
    notify(
        kind=kind,
        recipients=staff_of([organisation_id]),
        link=reverse("referrals:detail", args=[referral.pk]),
        case_id=referral.case_id,
        actor=actor,
    )


def _notify_referrer(locked: Referral) -> None:
    locked.referrer_attention = True


def _start_the_clock(locked: Referral) -> None:
    """The agency answers within its kind's number of working days, from today."""
    locked.accept_by = add_working_days(
        timezone.localdate(), AcceptanceDeadline.for_kind(locked.recipient.kind)
    )


def withdraw_with_the_case(*, actor: User, case: Case) -> int:
    """The case was closed or withdrawn: referrals still open are withdrawn with it (the agency's
    sight of the shared fields ends), inside the case's transaction, which checked the actor."""
    if not any_open_referral(case):  # most cases end with none: one written probe, not the models
        return 0
    withdrawn = 0
    for referral in Referral.objects.filter(case=case, state__in=OPEN):
        _transition(
            actor=actor,
            referral=referral,
            expected_version=referral.version,
            name="withdraw",
            side=None,
            on_behalf_of=case.lead_organisation_id or referral.referring_organisation_id,
            then=_settle(actor, notify_referrer=False),
            message=(Kind.WITHDRAW_REASON, _("ケースの終結・取り下げに伴い取り下げました。"), ""),
        )
        withdrawn += 1
    return withdrawn


def mark_overdue_referrals(today: datetime.date | None = None) -> int:
    """Referrals not answered by their deadline become overdue, visible on both sides (not
    silence). Cheap when there is nothing to do (one indexed query): screens call it before
    listing, and ``send_reminders`` daily."""
    today = today or timezone.localdate()
    marked = 0
    for referral in Referral.objects.filter(state=ReferralState.SENT, accept_by__lt=today):
        try:
            _transition(
                actor=None,
                referral=referral,
                expected_version=referral.version,
                name="mark_overdue",
                side=None,
                on_behalf_of=referral.recipient_id,
                then=_notify_referrer,
            )
        except (Conflict, CaseRuleError):
            continue  # answered in the meantime
        marked += 1
    return marked


def mark_seen_by_referrer(*, actor: User, referral: Referral) -> None:
    """The referrer has opened what the agency did: it leaves the top of their inbox."""
    if referral.referrer_attention:
        Referral.objects.filter(pk=referral.pk).update(referrer_attention=False)
