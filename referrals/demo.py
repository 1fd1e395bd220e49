"""Fictional referrals in every state (see ``manage.py seed_demo``), made through the services.

They hang on the demo's referred and watching cases, from the demo plaza to the ward's agencies;
the 基幹相談支援センター's referral is accepted by demo_agency, who can follow it on the screens.
Idempotent: a case that already has referrals is left alone.
"""

import datetime

from django.utils import timezone

from accounts.demo import DemoStructure
from accounts.models import User
from accounts.roles import Role
from accounts.services import add_membership
from cases.models import Case, CaseState, Consent, LegalBasis
from cases.services.sharing import record_consent
from referrals import services
from referrals.models import Referral


def seed(structure: DemoStructure) -> None:
    staff = structure.users["demo_plaza"]
    orgs = structure.organisations
    agencies = [
        orgs["disability_consultation"],
        orgs["self_reliance_support"],
        orgs["child_family_support"],
        orgs["anshin_centre"],
        orgs["生活支援課"],
    ]
    consent_basis = LegalBasis.objects.get(code="consent")
    cases = {
        state: Case.objects.filter(state=state, lead_organisation=structure.plazas[0])
        .order_by("created_at")
        .first()
        for state in (CaseState.REFERRED, CaseState.WATCHING)
    }
    if not all(cases.values()) or Referral.objects.filter(case__in=cases.values()).exists():
        return
    for case in cases.values():
        consent = record_consent(
            actor=staff,
            case=case,
            purpose=Consent.Purpose.REFERRAL,
            recipients=agencies,
            method=Consent.Method.WRITTEN,
        )

        def refer(
            recipient,
            purpose,
            field_groups=("identity", "contact", "concern"),
            send=True,
            case=case,
            consent=consent,
        ):
            referral = services.draft_referral(
                actor=staff,
                case=case,
                recipient=recipient,
                field_groups=list(field_groups),
                purpose=purpose,
                legal_basis=consent_basis,
                consent=consent,
            )
            if send:
                referral = services.send_referral(
                    actor=staff, referral=referral, expected_version=referral.version
                )
            return referral

        if case.state == CaseState.REFERRED:
            accepted = refer(agencies[0], "長くひきこもっている息子さんの相談支援をお願いしたい。")
            _as_agency(accepted, "accept")
            refer(agencies[1], "世帯の家計と就労についての相談。")  # sent, awaiting an answer
            returned = refer(agencies[4], "生活保護の相談につなぎたい。")
            _as_agency(returned, "ask", question="収入の状況を教えてください。")
            refer(agencies[3], "金銭管理の支援を検討したい。", send=False)  # a draft
            overdue = refer(agencies[2], "同居の孫（中学生）の様子について相談したい。")
            # As if sent two weeks ago: the deadline has passed.
            Referral.objects.filter(pk=overdue.pk).update(
                sent_at=timezone.now() - datetime.timedelta(days=14),
                accept_by=timezone.localdate() - datetime.timedelta(days=7),
            )
            services.mark_overdue_referrals()
        else:
            completed = refer(agencies[0], "障害福祉サービスの利用について。")
            _as_agency(completed, "accept")
            completed.refresh_from_db()
            _as_agency(completed, "complete", outcome="サービスの利用が始まった。")
            declined = refer(agencies[1], "就労の相談。")
            _as_agency(declined, "decline", reason="既に別の窓口で支援中のため。")
            withdrawn = refer(agencies[2], "家族の相談。")
            services.withdraw_referral(
                actor=staff,
                referral=withdrawn,
                expected_version=withdrawn.version,
                reason="本人の希望で取り下げ。",
            )


def _as_agency(referral: Referral, step: str, **kwargs) -> None:
    """A step of the receiving agency, by the first of its staff (demo_agency for the 基幹相談支援
    センター; for the other agencies a staff member without a password is made here)."""
    actor = User.objects.filter(memberships__organisation=referral.recipient).order_by("pk").first()
    if actor is None:
        actor = User.objects.create(
            username=f"demo_agency_{referral.recipient.pk}",
            last_name="職員",
            first_name=str(referral.recipient.pk),
        )
        add_membership(user=actor, organisation=referral.recipient, role=Role.AGENCY_WORKER)
        actor = User.objects.get(pk=actor.pk)
    action = {
        "ask": services.ask_question,
        "accept": services.accept_referral,
        "decline": services.decline_referral,
        "complete": services.complete_referral,
    }[step]
    if step == "accept":
        kwargs["worker"] = actor
    action(actor=actor, referral=referral, expected_version=referral.version, **kwargs)
