"""Every write on referrals: one function per use case (see docs/architecture.md).

The referring side acts through its lead permission on the case; the receiving agency through
its object permissions on the referral. Each service checks before its transaction (a refusal is
audited in a transaction of its own), then locks the referral row, compares the version the
actor saw (a stale one is a ReferralConflict), transitions, writes, and records the audit event in
the same transaction.
"""

import datetime
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from accounts.models import Organisation, User
from audit import services as audit
from cases.access import grant_access, require_case_permission, revoke_grants
from cases.exceptions import CaseRuleError
from cases.models import OPEN_STATES, AccessLevel, Case, CaseAccessGrant, CaseState, Consent, LegalBasis
from cases.services.lifecycle import record_connection
from cases.services.sharing import check_sharing_ground, consent_ends_at, record_disclosure
from referrals.access import open_to_recipient, require_response_permission
from referrals.exceptions import ReferralConflict
from referrals.models import OPEN, AcceptanceDeadline, Referral, ReferralMessage, ReferralState
from referrals.working_days import add_working_days

Kind = ReferralMessage.Kind


def _check_case_open(case: Case) -> None:
    if case.state == CaseState.NOTICED or case.state not in OPEN_STATES:
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
    on_behalf_of: Organisation,
    then: Callable[[Referral], None] | None = None,
    message: tuple[str, str] | None = None,
) -> Referral:
    """Lock, compare versions, transition, run ``then(locked)`` (more writes, or a CaseRuleError
    to refuse), save, keep the message, audit — all in one transaction."""
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("case__person", "case__lead_organisation", "recipient", "legal_basis", "consent")
            .get(pk=referral.pk)
        )
        if locked.version != expected_version:
            raise ReferralConflict()
        previous = locked.state
        try:
            getattr(locked, name)()
        except TransitionNotAllowed:
            raise CaseRuleError(
                _("このつなぎは今の状態（%(state)s）ではこの操作ができません。")
                % {"state": ReferralState(previous).label},
                code="transition_not_allowed",
            ) from None
        if then is not None:
            then(locked)
        locked.version += 1
        locked.save()
        if message is not None:
            kind, text = message
            ReferralMessage(
                referral=locked, kind=kind, text=text, author=actor, organisation=on_behalf_of
            ).save(force_insert=True)
        audit.record(
            "referral.transitioned",
            actor=actor,
            organisation_id=on_behalf_of.pk,
            target=locked,
            case_id=locked.case_id,
            person_id=locked.case.person_id,
            fields=["text"] if message else [],
            params={"transition": name, "from": previous, "to": locked.state},
        )
    return locked


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
    require_case_permission(actor, referral.case, "lead_case", action="referral.send")

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
        locked.accept_by = add_working_days(
            timezone.localdate(), AcceptanceDeadline.for_kind(locked.recipient.kind)
        )
        open_to_recipient(locked)

    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name="send",
        on_behalf_of=referral.case.lead_organisation,
        then=share,
    )


def ask_question(*, actor: User, referral: Referral, expected_version: int, question: str) -> Referral:
    """The agency sends the referral back with a question instead of declining."""
    require_response_permission(actor, referral, action="referral.ask")
    question = _required(question, _("質問の内容を書いてください。"))

    def notify(locked: Referral) -> None:
        locked.referrer_attention = True

    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name="ask",
        on_behalf_of=referral.recipient,
        then=notify,
        message=(Kind.QUESTION, question),
    )


def answer_question(*, actor: User, referral: Referral, expected_version: int, answer: str) -> Referral:
    """The referrer answers; the agency's clock starts again from today."""
    require_case_permission(actor, referral.case, "lead_case", action="referral.answer")
    answer = _required(answer, _("回答の内容を書いてください。"))

    def restart(locked: Referral) -> None:
        locked.referrer_attention = False
        locked.accept_by = add_working_days(
            timezone.localdate(), AcceptanceDeadline.for_kind(locked.recipient.kind)
        )

    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name="answer",
        on_behalf_of=referral.case.lead_organisation,
        then=restart,
        message=(Kind.ANSWER, answer),
    )


def accept_referral(*, actor: User, referral: Referral, expected_version: int, worker: User) -> Referral:
    """The agency takes the person on and names who will work with them."""
    require_response_permission(actor, referral, action="referral.accept")
    if not referral.recipient.memberships.filter(user=worker, user__is_active=True).exists():
        raise CaseRuleError(_("担当者はつなぎ先の組織の職員から選んでください。"), code="worker_not_member")

    def connect(locked: Referral) -> None:
        locked.assigned_worker = worker
        locked.referrer_attention = True
        record_connection(case=locked.case)

    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name="accept",
        on_behalf_of=referral.recipient,
        then=connect,
    )


def decline_referral(*, actor: User, referral: Referral, expected_version: int, reason: str) -> Referral:
    """The agency cannot take it: the referral returns to the referrer's inbox with the reason."""
    require_response_permission(actor, referral, action="referral.decline")
    reason = _required(reason, _("お断りの理由を書いてください。"))

    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name="decline",
        on_behalf_of=referral.recipient,
        then=_settle(actor, notify_referrer=True),
        message=(Kind.DECLINE_REASON, reason),
    )


def complete_referral(*, actor: User, referral: Referral, expected_version: int, outcome: str) -> Referral:
    """The agency's part is done: the outcome goes back to the referrer."""
    require_response_permission(actor, referral, action="referral.complete")
    outcome = _required(outcome, _("支援の結果を書いてください。"))

    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name="complete",
        on_behalf_of=referral.recipient,
        then=_settle(actor, notify_referrer=True),
        message=(Kind.OUTCOME, outcome),
    )


def withdraw_referral(*, actor: User, referral: Referral, expected_version: int, reason: str) -> Referral:
    """The referrer takes the referral back (a draft is discarded the same way)."""
    require_case_permission(actor, referral.case, "lead_case", action="referral.withdraw")
    reason = _required(reason, _("取り下げの理由を書いてください。"))

    return _transition(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        name="withdraw",
        on_behalf_of=referral.case.lead_organisation,
        then=_settle(actor, notify_referrer=False),
        message=(Kind.WITHDRAW_REASON, reason),
    )


def withdraw_with_the_case(*, actor: User, case: Case) -> int:
    """The case was closed or withdrawn: referrals still open are withdrawn with it (the agency's
    sight of the shared fields ends), inside the case's transaction."""
    if not _any_open(case):  # most cases end with none: one written probe, not the models
        return 0
    withdrawn = 0
    for referral in Referral.objects.filter(case=case, state__in=OPEN):
        _transition(
            actor=actor,
            referral=referral,
            expected_version=referral.version,
            name="withdraw",
            on_behalf_of=case.lead_organisation or referral.referring_organisation,
            then=_settle(actor, notify_referrer=False),
            message=(Kind.WITHDRAW_REASON, _("ケースの終結・取り下げに伴い取り下げました。")),
        )
        withdrawn += 1
    return withdrawn


_ANY_OPEN = "SELECT 1 FROM {} WHERE case_id = %s AND state IN ({}) LIMIT 1".format(  # noqa: S608
    connection.ops.quote_name(Referral._meta.db_table), ", ".join(["%s"] * len(OPEN))
)


def _any_open(case: Case) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_ANY_OPEN, [Case._meta.pk.get_db_prep_value(case.pk, connection), *OPEN])
        return cursor.fetchone() is not None


def mark_overdue_referrals(today: datetime.date | None = None) -> int:
    """Referrals not answered by their deadline become overdue, visible on both sides (not
    silence). Cheap when there is nothing to do (one indexed query): screens call it before
    listing, and ``send_reminders`` daily."""
    today = today or timezone.localdate()
    due = list(
        Referral.objects.filter(state=ReferralState.SENT, accept_by__lt=today).values_list("pk", "version")
    )
    marked = 0
    for pk, version in due:
        referral = Referral.objects.select_related("recipient").get(pk=pk)

        def notify(locked: Referral) -> None:
            locked.referrer_attention = True

        try:
            _transition(
                actor=None,
                referral=referral,
                expected_version=version,
                name="mark_overdue",
                on_behalf_of=referral.recipient,
                then=notify,
            )
        except (ReferralConflict, CaseRuleError):
            continue  # answered in the meantime
        marked += 1
    return marked


def mark_seen_by_referrer(*, actor: User, referral: Referral) -> None:
    """The referrer has opened what the agency did: it leaves the top of their inbox."""
    if referral.referrer_attention:
        Referral.objects.filter(pk=referral.pk).update(referrer_attention=False)
