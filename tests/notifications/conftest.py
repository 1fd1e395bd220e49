import pytest

from notifications.models import Notification
from tests.guardianship.conftest import candidate, matter  # noqa: F401 (the centre's matter)
from tests.referrals.conftest import draft, referred, sent  # noqa: F401 (a referral sent to the agency)

PERSON = {
    "name": "佐々木 トメ",
    "kana": "ささき とめ",
    "address": "つなぐ市はまかぜ区1-2-3",
    "phone": "045-123-4567",
}


@pytest.fixture
def told():
    """What one user has been told, as (kind, link) pairs; and of which cases."""

    def of(user, kind=None):
        found = Notification.objects.filter(recipient=user)
        return list(found.filter(kind=kind) if kind else found)

    return of


@pytest.fixture
def person_concern(concern):
    """The conftest's concern, with the person's full identity (name, kana, address, phone)."""

    def make(**overrides):
        return concern(identity=dict(PERSON), **overrides)

    return make
