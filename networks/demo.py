"""Fictional networks of the demo plaza (see ``manage.py seed_demo``), made through the service:
two running, one whose secretariat ended, so that ⑦ has figures in this fiscal year and the last.
Idempotent: a plaza that already has networks is left alone."""

import datetime

from django.utils import timezone

from accounts.demo import DemoStructure
from networks.models import Network
from networks.services import change_network, register_network


def seed(structure: DemoStructure) -> None:
    staff = structure.users["demo_plaza"]
    plaza = structure.plazas[0]
    if Network.objects.filter(secretariat=plaza).exists():
        return
    today = timezone.localdate()
    districts = list(plaza.areas.filter(level="district").order_by("name")) or [structure.districts[0]]
    for name, purpose, members, years_ago in [
        (
            "見守りネットワーク連絡会",
            "町内会・民生委員・商店会・介護事業所で、気になる高齢者の見守りを話し合う",
            14,
            6,
        ),
        ("子育て支援者ネットワーク", "子育てサロン・保育園・児童委員が子育て家庭の支え方を話し合う", 9, 3),
        ("認知症カフェ運営会議", "認知症カフェを運営する団体の連絡と研修", 5, 4),
    ]:
        network = register_network(
            actor=staff,
            secretariat=plaza,
            name=name,
            district=districts[len(name) % len(districts)],
            purpose=purpose,
            member_count=members,
            started_on=today.replace(month=4, day=1) - datetime.timedelta(days=365 * years_ago),
        )
    # The last one's secretariat passed to the district's council six months ago.
    change_network(
        actor=staff,
        network=network,
        expected_version=network.version,
        ended_on=today - datetime.timedelta(days=183),
    )
