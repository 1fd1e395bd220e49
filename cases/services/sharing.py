"""Consent, disclosure and emergency access: every act of sharing on a recorded ground."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from audit import services as audit
from cases.access import grant_access, require_case_permission, require_role_permission, revoke_grants
from cases.exceptions import CaseRuleError
from cases.models import (
    OPEN_STATES,
    AccessLevel,
    BreakGlassAccess,
    Case,
    CaseAccessGrant,
    CaseState,
    Consent,
    Disclosure,
    LegalBasis,
)
from cases.vocabulary import FieldGroup

BREAK_GLASS_HOURS = 4


def check_legal_basis(legal_basis: LegalBasis, organisation: Organisation, reference: str) -> None:
    """May this organisation share on this ground, and is the reference it asks for there?"""
    if not legal_basis.may_be_invoked_by(organisation):
        raise CaseRuleError(
            _("「%(basis)s」は、%(kind)sが用いることのできる根拠ではありません。")
            % {"basis": legal_basis.name, "kind": organisation.get_kind_display()},
            code="basis_not_for_organisation",
        )
    if legal_basis.requires_reference and not reference.strip():
        raise CaseRuleError(
            _("「%(basis)s」による共有には、参照（照会文書の番号や緊急性の説明など）の記入が必要です。")
            % {"basis": legal_basis.name},
            code="reference_required",
        )


def check_sharing_ground(
    *,
    case: Case,
    recipient: Organisation,
    field_groups: list[str],
    legal_basis: LegalBasis,
    consent: Consent | None,
    reference: str,
) -> Consent | None:
    """Refuse, saying what is missing, unless the lead organisation may share these field groups
    with the recipient: a consent that covers it, or a legal basis it may invoke. Returns the
    consent the sharing rests on (None under a legal basis)."""
    if not field_groups or not set(field_groups) <= set(FieldGroup.values):
        raise CaseRuleError(_("共有する項目を選んでください。"), code="no_field_groups")
    if recipient.pk == case.lead_organisation_id:
        raise CaseRuleError(_("主担当の組織には共有の必要がありません。"), code="self_disclosure")
    if legal_basis.is_consent:
        if consent is None:
            raise CaseRuleError(
                _(
                    "本人の同意による共有には、同意の記録を選んでください。同意がない場合は法令上の根拠を選んでください。"
                ),
                code="consent_missing",
            )
        if consent.person_id != case.person_id or not consent.is_active or not consent.covers(recipient):
            raise CaseRuleError(
                _("選んだ同意は、この共有先への提供を含んでいないか、撤回されています。"),
                code="consent_does_not_cover",
            )
    else:
        consent = None
    check_legal_basis(legal_basis, case.lead_organisation, reference)
    return consent


def record_consent(
    *,
    actor: User,
    case: Case,
    purpose: str,
    recipients: list[Organisation],
    method: str,
    representative: str = "",
    obtained_on: datetime.date | None = None,
) -> Consent:
    require_case_permission(actor, case, "change_case", action="record_consent")
    if not recipients:
        raise CaseRuleError(_("同意の共有先を一つ以上選んでください。"), code="no_recipients")
    with transaction.atomic():
        consent = Consent(
            person=case.person,
            case=case,
            purpose=purpose,
            method=method,
            representative=representative,
            obtained_by=actor,
            **({"obtained_on": obtained_on} if obtained_on else {}),
        )
        consent.full_clean(exclude=["person", "case", "obtained_by"])
        consent.save(force_insert=True)
        consent.recipients.set(recipients)
        audit.record(
            "case.consent_recorded",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=["representative"] if representative else [],
            params={"consent": str(consent.pk), "purpose": purpose, "recipients": [o.pk for o in recipients]},
        )
    return consent


def withdraw_consent(*, actor: User, consent: Consent) -> Consent:
    """From now on nothing can be shared under it, and the access that rested on it ends."""
    case = consent.case
    require_case_permission(actor, case, "change_case", action="withdraw_consent")
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at, consent.withdrawn_by = timezone.now(), actor
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        revoke_grants(CaseAccessGrant.objects.filter(consent=consent), actor=actor, why="consent_withdrawn")
        audit.record(
            "case.consent_withdrawn",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            params={"consent": str(consent.pk)},
        )
    return consent


def disclose(
    *,
    actor: User,
    case: Case,
    recipient: Organisation,
    field_groups: list[str],
    legal_basis: LegalBasis,
    consent: Consent | None = None,
    reference: str = "",
) -> Disclosure:
    """Share with another organisation: on a consent that covers it, or a legal basis the lead
    organisation may invoke. The recipient then sees exactly these field groups."""
    require_case_permission(actor, case, "lead_case", action="disclose")
    case = Case.objects.select_related("lead_organisation").get(pk=case.pk)
    if case.state == CaseState.NOTICED or case.state not in OPEN_STATES:
        raise CaseRuleError(_("受付の後、終結までの間だけ情報を共有できます。"), code="not_sharing")
    groups = sorted(set(field_groups))
    consent = check_sharing_ground(
        case=case,
        recipient=recipient,
        field_groups=groups,
        legal_basis=legal_basis,
        consent=consent,
        reference=reference,
    )

    with transaction.atomic():
        disclosure = record_disclosure(
            actor=actor,
            case=case,
            on_behalf_of=case.lead_organisation,
            recipient=recipient,
            field_groups=groups,
            legal_basis=legal_basis,
            consent=consent,
            reference=reference,
        )
        grant_access(
            case=case,
            organisation=recipient,
            level=AccessLevel.VIEW,
            reason=CaseAccessGrant.Reason.DISCLOSURE,
            field_groups=groups,
            granted_by=actor,
            disclosure=disclosure,
            consent=consent,
        )
    return disclosure


def record_disclosure(
    *,
    actor: User,
    case: Case,
    on_behalf_of: Organisation,
    recipient: Organisation,
    field_groups: list[str],
    legal_basis: LegalBasis,
    consent: Consent | None = None,
    reference: str = "",
) -> Disclosure:
    """Write down an act of sharing and its audit event (the caller has checked its ground)."""
    disclosure = Disclosure(
        case=case,
        recipient=recipient,
        field_groups=sorted(set(field_groups)),
        legal_basis=legal_basis,
        consent=consent,
        reference=reference,
        disclosed_by=actor,
    )
    disclosure.save(force_insert=True)
    audit.record(
        "case.disclosed",
        actor=actor,
        organisation_id=on_behalf_of.pk,
        target=case,
        case_id=case.pk,
        person_id=case.person_id,
        fields=disclosure.field_groups,
        params={"recipient": recipient.pk, "basis": legal_basis.code, "disclosure": str(disclosure.pk)},
    )
    return disclosure


def open_break_glass(*, actor: User, case: Case, reason: str) -> BreakGlassAccess:
    """Emergency access without a grant: a reason, a few hours, and a privacy officer's review."""
    require_role_permission(actor, "cases.break_glass", action="break_glass", case=case)
    if len(reason.strip()) < 10:
        raise CaseRuleError(
            _("緊急アクセスの理由を具体的に（10文字以上）書いてください。"), code="reason_required"
        )
    with transaction.atomic():
        grant = grant_access(
            case=case,
            user=actor,
            level=AccessLevel.VIEW,
            reason=CaseAccessGrant.Reason.BREAK_GLASS,
            field_groups=list(FieldGroup.values),
            granted_by=actor,
            expires_at=timezone.now() + datetime.timedelta(hours=BREAK_GLASS_HOURS),
        )
        access = BreakGlassAccess(case=case, user=actor, reason=reason, grant=grant)
        access.save(force_insert=True)
        audit.record(
            "case.break_glass",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            purpose="emergency",
            params={"break_glass": str(access.pk), "hours": BREAK_GLASS_HOURS},
        )
    return access


def review_break_glass(*, actor: User, access: BreakGlassAccess) -> BreakGlassAccess:
    require_role_permission(actor, "cases.review_break_glass", action="review_break_glass", case=access.case)
    with transaction.atomic():
        access = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
        if access.reviewed_at is None:
            access.reviewed_by, access.reviewed_at = actor, timezone.now()
            access.save(update_fields=["reviewed_by", "reviewed_at"])
            audit.record(
                "case.break_glass_reviewed",
                actor=actor,
                target=access.case,
                case_id=access.case_id,
                params={"break_glass": str(access.pk)},
            )
    return access


def end_access(*, actor: User, grant: CaseAccessGrant) -> int:
    """The lead organisation ends an organisation's or a person's access to the case."""
    require_case_permission(actor, grant.case, "lead_case", action="end_access")
    with transaction.atomic():
        return revoke_grants(CaseAccessGrant.objects.filter(pk=grant.pk), actor=actor, why="ended_by_lead")
