"""Consent, disclosure and emergency access: every act of sharing on a recorded ground."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from audit import services as audit
from cases.access import (
    grant_access,
    live_grants,
    require_case_permission,
    require_role_permission,
    revoke_grants,
)
from cases.configuration import LEGAL_BASES, values_where
from cases.exceptions import CaseRuleError
from cases.models import (
    AccessLevel,
    Agreement,
    BreakGlassAccess,
    BreakGlassFinding,
    Case,
    CaseAccessGrant,
    Consent,
    Disclosure,
    LegalBasis,
)
from cases.vocabulary import AgreementKind, FieldGroup
from notifications.models import Kind
from notifications.selectors import holders_of, staff_of
from notifications.services import notify

BREAK_GLASS_HOURS = 4


def check_legal_basis(
    legal_basis: LegalBasis, organisation: Organisation, reference: str, *, under_agreement: bool = False
) -> None:
    """May this organisation share on this ground, and is the reference it asks for there? A ground
    that asks for an agreement serves only a disclosure that names one (``under_agreement``: its
    caller checks it, ``check_agreement``) — not a meeting, an escalation or an import."""
    if legal_basis.required_agreement and not under_agreement:
        raise CaseRuleError(
            _("「%(basis)s」は協定による共有のための根拠です。ここでは選べません。")
            % {"basis": legal_basis.name},
            code="basis_needs_agreement",
        )
    if not legal_basis.may_be_invoked_by(organisation):
        raise CaseRuleError(
            _("「%(basis)s」は、%(kind)sが用いることのできる根拠ではありません。")
            % {"basis": legal_basis.name, "kind": organisation.get_kind_display()},
            code="basis_not_for_organisation",
        )
    if legal_basis.code not in values_where(organisation)[LEGAL_BASES]:
        raise CaseRuleError(
            _("「%(basis)s」は、この自治体で共有の根拠として選べるものではありません（自治体ごとの設定）。")
            % {"basis": legal_basis.name},
            code="basis_not_offered",
        )
    if legal_basis.requires_reference and not reference.strip():
        raise CaseRuleError(
            _("「%(basis)s」による共有には、参照（照会文書の番号や緊急性の説明など）の記入が必要です。")
            % {"basis": legal_basis.name},
            code="reference_required",
        )


def agreement_ends_at(agreement: Agreement | None) -> datetime.datetime | None:
    """When access given under this agreement must end: the end of its last day in force."""
    return _end_of(agreement.last_day if agreement is not None else None)


def check_agreement(
    agreement: Agreement | None,
    *,
    legal_basis: LegalBasis,
    case: Case,
    recipient: Organisation,
    field_groups: list[str],
    on: datetime.date,
) -> None:
    """The one rule for sharing under an agreement: one is named where the ground asks for it, of
    the kind it asks for, with the recipient as its other party, in force on the day ``on``, over
    the case's area, allowing every field group shared. Refuses with the first reason that applies."""
    kinds = dict(AgreementKind.choices)
    if agreement is None:
        if legal_basis.required_agreement:
            raise CaseRuleError(
                _("「%(basis)s」による共有には、共有先との%(kind)sを選んでください。")
                % {"basis": legal_basis.name, "kind": kinds[legal_basis.required_agreement]},
                code="agreement_missing",
            )
        return
    if legal_basis.required_agreement and agreement.kind != legal_basis.required_agreement:
        raise CaseRuleError(
            _("「%(basis)s」による共有には%(kind)sが必要です。選んだ協定は%(chosen)sです。")
            % {
                "basis": legal_basis.name,
                "kind": kinds[legal_basis.required_agreement],
                "chosen": kinds[agreement.kind],
            },
            code="agreement_wrong_kind",
        )
    if agreement.party_id != recipient.pk:
        raise CaseRuleError(
            _("協定「%(title)s」の相手方は、選んだ共有先ではありません。") % {"title": agreement.title},
            code="agreement_other_party",
        )
    if not agreement.in_force_on(on):
        raise CaseRuleError(
            _("協定「%(title)s」は効力がありません（%(status)s）。有効な協定がなければ共有できません。")
            % {"title": agreement.title, "status": agreement.status},
            code="agreement_not_in_force",
        )
    if not agreement.covers(case.area):
        raise CaseRuleError(
            _("このケースの地域は、協定「%(title)s」の対象の地域に含まれません。")
            % {"title": agreement.title},
            code="agreement_outside_area",
        )
    outside = [
        label
        for code, label in FieldGroup.choices
        if code in field_groups and code not in agreement.field_groups
    ]
    if outside:
        raise CaseRuleError(
            _("協定「%(title)s」では共有できない情報が含まれています: %(groups)s")
            % {"title": agreement.title, "groups": "、".join(str(label) for label in outside)},
            code="agreement_field_groups",
        )


# Which purpose of consent each kind of disclosure needs. A consent is given for one purpose, and
# grounds only disclosures made for it: consent to discuss the person at a meeting does not let
# the plaza refer them to an agency.
#   sharing.disclose             SHARING, or GUARDIANSHIP when the lead shares with the
#                                guardianship centre for a rights-advocacy matter (DISCLOSURE_PURPOSES)
#   meetings.schedule_meeting    MEETING
#   referrals: draft and send    REFERRAL
DISCLOSURE_PURPOSES = (Consent.Purpose.SHARING, Consent.Purpose.GUARDIANSHIP)


def check_consent(
    consent: Consent,
    *,
    case: Case,
    purpose: str,
    recipients: list[Organisation],
    on: datetime.date,
) -> None:
    """The one rule for a consent as the ground of a disclosure: it is this person's, not
    withdrawn, given for this ``purpose``, names every recipient, and was in force on the day ``on``
    (obtained by then, not expired). Refuses with the first reason that applies (CaseRuleError)."""
    if consent.person_id != case.person_id:
        raise CaseRuleError(
            _("選んだ同意は、このケースの本人のものではありません。"), code="consent_other_person"
        )
    if consent.withdrawn_at is not None:
        raise CaseRuleError(
            _("選んだ同意は撤回されています。撤回された同意による共有はできません。"),
            code="consent_withdrawn",
        )
    if consent.purpose != purpose:
        raise CaseRuleError(
            _("選んだ同意の目的は「%(given)s」です。「%(needed)s」のための共有の根拠にはなりません。")
            % {"given": consent.get_purpose_display(), "needed": Consent.Purpose(purpose).label},
            code="consent_wrong_purpose",
        )
    if on < consent.obtained_on:
        raise CaseRuleError(
            _("選んだ同意は%(obtained)sに得たものです。それより前（%(on)s）の共有の根拠にはなりません。")
            % {"obtained": f"{consent.obtained_on:%Y-%m-%d}", "on": f"{on:%Y-%m-%d}"},
            code="consent_not_yet_obtained",
        )
    if consent.valid_until is not None and on > consent.valid_until:
        raise CaseRuleError(
            _("選んだ同意の有効期限（%(until)s）を過ぎています（共有の日: %(on)s）。")
            % {"until": f"{consent.valid_until:%Y-%m-%d}", "on": f"{on:%Y-%m-%d}"},
            code="consent_expired",
        )
    named = set(consent.recipients.values_list("pk", flat=True))
    uncovered = [organisation for organisation in recipients if organisation.pk not in named]
    if uncovered:
        raise CaseRuleError(
            _("選んだ同意の共有先に含まれていない組織があります: %(names)s")
            % {"names": "、".join(organisation.name for organisation in uncovered)},
            code="consent_recipient_not_named",
        )


def consent_ends_at(consent: Consent | None) -> datetime.datetime | None:
    """When access granted on this consent must end: the end of its last valid day (None: no end)."""
    return _end_of(consent.valid_until if consent is not None else None)


def _end_of(day: datetime.date | None) -> datetime.datetime | None:
    """The moment a last day ends (the next day's first), in the local time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def check_sharing_ground(
    *,
    case: Case,
    recipient: Organisation,
    field_groups: list[str],
    legal_basis: LegalBasis,
    consent: Consent | None,
    reference: str,
    purpose: str,
    on: datetime.date | None = None,
    agreement: Agreement | None = None,
) -> Consent | None:
    """Refuse, saying what is missing, unless the lead organisation may share these field groups
    with the recipient for ``purpose`` on the day ``on`` (today by default): a consent that covers
    it (``check_consent``), or a legal basis it may invoke — and an agreement in force where the
    ground asks for one or one is named (``check_agreement``). Returns the consent the sharing
    rests on (None under a legal basis)."""
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
        check_consent(
            consent, case=case, purpose=purpose, recipients=[recipient], on=on or timezone.localdate()
        )
    else:
        consent = None
    check_legal_basis(legal_basis, case.lead_organisation, reference, under_agreement=True)
    check_agreement(
        agreement,
        legal_basis=legal_basis,
        case=case,
        recipient=recipient,
        field_groups=field_groups,
        on=on or timezone.localdate(),
    )
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
    valid_until: datetime.date | None = None,
) -> Consent:
    """Write down a consent for one purpose, to named recipients, from the day it was obtained
    until ``valid_until`` (inclusive; None: until withdrawn)."""
    require_case_permission(actor, case, "change_case", action="record_consent")
    if not recipients:
        raise CaseRuleError(_("同意の共有先を一つ以上選んでください。"), code="no_recipients")
    if purpose not in Consent.Purpose.values:
        raise CaseRuleError(_("同意の目的を選んでください。"), code="no_purpose")
    today = timezone.localdate()
    if obtained_on is not None and obtained_on > today:
        raise CaseRuleError(_("同意を得た日に、先の日付は入力できません。"), code="obtained_in_future")
    if valid_until is not None and valid_until < (obtained_on or today):
        raise CaseRuleError(
            _("同意の有効期限は、同意を得た日以降の日付にしてください。"), code="valid_until_before_obtained"
        )
    with transaction.atomic():
        consent = Consent(
            person=case.person,
            case=case,
            purpose=purpose,
            method=method,
            representative=representative,
            obtained_by=actor,
            valid_until=valid_until,
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
    purpose: str = Consent.Purpose.SHARING,
    agreement: Agreement | None = None,
) -> Disclosure:
    """Share with another organisation for ``purpose`` (DISCLOSURE_PURPOSES): on a consent that
    covers it, or a legal basis the lead organisation may invoke; under an agreement where the
    ground asks for one. The recipient then sees exactly these field groups — until the consent's
    last valid day or the agreement's last day in force, if either has one."""
    require_case_permission(actor, case, "lead_case", action="disclose")
    case = Case.objects.select_related("lead_organisation").get(pk=case.pk)
    if not case.is_in_work:
        raise CaseRuleError(_("受付の後、終結までの間だけ情報を共有できます。"), code="not_sharing")
    if purpose not in DISCLOSURE_PURPOSES:
        raise CaseRuleError(_("共有の目的を選んでください。"), code="no_purpose")
    groups = sorted(set(field_groups))
    # What is shared, with whom, on which ground: checked, then recorded as it was checked.
    shared = {
        "recipient": recipient,
        "field_groups": groups,
        "legal_basis": legal_basis,
        "reference": reference,
        "agreement": agreement,
    }
    with transaction.atomic():
        if agreement is not None:
            # As it stands now, held until the grant is written: a termination or renewal that
            # commits meanwhile waits for this, then ends or limits the grant with the others.
            shared["agreement"] = agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        consent = check_sharing_ground(case=case, consent=consent, purpose=purpose, **shared)
        ends = [at for at in (consent_ends_at(consent), agreement_ends_at(agreement)) if at is not None]
        disclosure = record_disclosure(
            actor=actor,
            case=case,
            on_behalf_of=case.lead_organisation,
            consent=consent,
            purpose=purpose,
            **shared,
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
            expires_at=min(ends, default=None),
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
    purpose: str = Consent.Purpose.SHARING,
    agreement: Agreement | None = None,
) -> Disclosure:
    """Write down an act of sharing and its audit event (the caller has checked its ground)."""
    disclosure = Disclosure(
        case=case,
        recipient=recipient,
        field_groups=sorted(set(field_groups)),
        legal_basis=legal_basis,
        consent=consent,
        reference=reference,
        agreement=agreement,
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
        params={
            "recipient": recipient.pk,
            "basis": legal_basis.code,
            "purpose": purpose,
            "disclosure": str(disclosure.pk),
            **({"agreement": agreement.pk} if agreement is not None else {}),
        },
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
        # Who holds the case hears of it (before intake: the organisations it was sent to), and
        # the privacy officers, who review every use.
        holders = (
            [case.lead_organisation_id]
            if case.lead_organisation_id
            else list(
                live_grants()
                .filter(case=case, reason=CaseAccessGrant.Reason.INTAKE)
                .values_list("organisation_id", flat=True)
            )
        )
        link = reverse("cases:case_detail", args=[case.pk])
        notify(
            kind=Kind.BREAK_GLASS_USED, recipients=staff_of(holders), link=link, case_id=case.pk, actor=actor
        )
        notify(
            kind=Kind.BREAK_GLASS_REVIEW,
            recipients=holders_of(Role.PRIVACY_OFFICER),
            link=reverse("cases:break_glass_reviews"),
            actor=actor,
        )
    return access


def review_break_glass(
    *, actor: User, access: BreakGlassAccess, finding: str, note: str = ""
) -> BreakGlassAccess:
    """The privacy officer's finding on an emergency access: 妥当 (appropriate), or 要確認 (needs
    follow-up, with a note of what to check). Recorded once; the audit event names the fields and
    the finding's code, never the note."""
    require_role_permission(actor, "cases.review_break_glass", action="review_break_glass", case=access.case)
    note = note.strip()
    if finding not in BreakGlassFinding.values:
        raise CaseRuleError(
            {"finding": _("確認の結果（妥当・要確認）を選んでください。")}, code="finding_required"
        )
    if finding == BreakGlassFinding.NEEDS_FOLLOW_UP and not note:
        raise CaseRuleError(
            {"note": _("要確認とするときは、何を確認するのかをメモに書いてください。")}, code="note_required"
        )
    with transaction.atomic():
        access = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
        if access.reviewed_at is not None:
            raise CaseRuleError(
                _("この緊急アクセスは、すでに確認が記録されています。"), code="already_reviewed"
            )
        access.reviewed_by, access.reviewed_at = actor, timezone.now()
        access.finding, access.finding_note = finding, note
        access.save(update_fields=["reviewed_by", "reviewed_at", "finding", "finding_note"])
        audit.record(
            "case.break_glass_reviewed",
            actor=actor,
            target=access.case,
            case_id=access.case_id,
            fields=["finding", *(["finding_note"] if note else [])],
            params={"break_glass": str(access.pk), "finding": finding},
        )
    return access


def end_access(*, actor: User, grant: CaseAccessGrant) -> int:
    """The lead organisation ends an organisation's or a person's access to the case — never its
    own, which would lock it out of the case it leads."""
    require_case_permission(actor, grant.case, "lead_case", action="end_access")
    if grant.reason == CaseAccessGrant.Reason.OWNER:
        raise CaseRuleError(_("主担当のアクセスは終了できません。"), code="owner_access")
    with transaction.atomic():
        return revoke_grants(CaseAccessGrant.objects.filter(pk=grant.pk), actor=actor, why="ended_by_lead")
