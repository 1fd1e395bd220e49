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
