import datetime

import pytest

from tests.referrals.conftest import draft, referred, sent  # noqa: F401 — a declined referral's case


@pytest.fixture
def tome(world, concern):
    """A case taken by the demo plaza about 佐々木 トメ, with her phone and date of birth known."""
    from tests.workflow import take

    return take(
        world,
        concern(
            identity={
                "name": "佐々木 トメ",
                "kana": "ささき とめ",
                "address": "つなぐ市はまかぜ区中小来川町3丁目12番5号 さくら荘201",
                "phone": "045-123-4567",
                "birth_date": datetime.date(1940, 3, 15),
            }
        ),
    )
