import pytest

from cases.models import CaseState, Consent
from cases.services import sharing
from referrals import services
from tests.workflow import decided, take


@pytest.fixture
def referred(world, concern, soon):
    """A case the support-team meeting decided to refer, with the person's oral consent to
    referrals to the 基幹相談支援センター and the あんしんセンター."""
    case = decided(world, take(world, concern()), CaseState.REFERRED, soon)
    case.consent = sharing.record_consent(
        actor=world.staff,
        case=case,
        purpose=Consent.Purpose.REFERRAL,
        recipients=[world.agency, world.anshin],
        method=Consent.Method.ORAL,
    )
    return case


@pytest.fixture
def draft(world, referred):
    def make(recipient=None, field_groups=("identity", "concern"), **overrides):
        values = {
            "actor": world.staff,
            "case": referred,
            "recipient": recipient or world.agency,
            "field_groups": list(field_groups),
            "purpose": "障害福祉サービスの利用について相談したい。",
            "legal_basis": world.basis["consent"],
            "consent": referred.consent,
        }
        values.update(overrides)
        return services.draft_referral(**values)

    return make


@pytest.fixture
def sent(world, draft):
    def make(**kwargs):
        referral = draft(**kwargs)
        return services.send_referral(actor=world.staff, referral=referral, expected_version=referral.version)

    return make


@pytest.fixture
def received_in_bulk(world, make_person, make_case):
    """Referrals made as rows, not through the services (the paging tests need more than a page):
    each on a case of its own, led by the demo plaza (which holds the lead, identity included), sent
    to ``recipient`` (the 基幹相談支援センター unless said) ``days`` ago, in ``state``, with the
    agency's permissions on it and a grant on its case that includes identity if ``identity``.
    Returns them oldest first."""
    import datetime

    from django.utils import timezone

    from cases.access import grant_access
    from cases.models import AccessLevel, CaseAccessGrant, Disclosure
    from referrals.access import open_to_recipient
    from referrals.models import SETTLED, Referral, ReferralState

    def make(count, state=ReferralState.SENT, urgent=False, identity=True, recipient=None, name="本人"):
        recipient = recipient or world.agency
        field_groups = ["identity", "concern"] if identity else ["concern"]
        now = timezone.now()
        made = []
        for i in range(count):
            case = make_case(make_person(name=f"{name} {i:03}"), state="referred", urgent=urgent)
            grant_access(
                case=case,
                granted_by=None,
                organisation=world.plaza,
                level=AccessLevel.LEAD,
                reason=CaseAccessGrant.Reason.OWNER,
                field_groups=["identity"],
            )
            disclosure = Disclosure.objects.create(
                case=case,
                recipient=recipient,
                field_groups=field_groups,
                legal_basis=world.basis["consent"],
                disclosed_by=world.staff,
            )
            grant_access(
                case=case,
                granted_by=None,
                organisation=recipient,
                level=AccessLevel.STATUS,
                reason=CaseAccessGrant.Reason.REFERRAL,
                field_groups=field_groups,
                disclosure=disclosure,
            )
            sent_at = now - datetime.timedelta(days=count - i)
            referral = Referral.objects.create(
                case=case,
                referring_organisation=world.plaza,
                recipient=recipient,
                created_by=world.staff,
                field_groups=field_groups,
                purpose="相談したい。",
                legal_basis=world.basis["consent"],
                disclosure=disclosure,
                state=state,
                sent_at=sent_at,
                # Due in reverse order of arrival: the newest is due first.
                accept_by=timezone.localdate() + datetime.timedelta(days=count - i + 7),
                assigned_worker=world.agency_worker
                if state in (ReferralState.ACCEPTED, ReferralState.COMPLETED)
                else None,
                settled_at=now if state in SETTLED else None,
            )
            open_to_recipient(referral)
            made.append(referral)
        return made

    return make
