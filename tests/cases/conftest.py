import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.services import add_membership
from cases.models import LegalBasis
from cases.services.intake import report_concern
from cases.vocabulary import ConcernCategory, ObservedSignal, ReporterKind


@pytest.fixture
def world(demo):
    """The demo municipality with the people a case meets: one per role, plus a second plaza's
    staff member and a second agency worker, who must see nothing unless something is shared."""

    def user(username: str, organisation: Organisation, role: str) -> User:
        person = User.objects.create(username=username, last_name="職員", first_name=username)
        add_membership(user=person, organisation=organisation, role=role)
        return User.objects.get(pk=person.pk)

    orgs = demo.organisations
    w = SimpleNamespace(
        demo=demo,
        district=demo.districts[0],
        plaza=demo.plazas[0],
        other_plaza=demo.plazas[1],
        ward=orgs["高齢・障害支援課"],
        child_ward=orgs["こども家庭支援課"],
        agency=orgs["disability_consultation"],
        anshin=orgs["anshin_centre"],
        centre=orgs["guardianship_centre"],
        commissioner=User.objects.get(username="demo_commissioner"),
        staff=User.objects.get(username="demo_plaza"),
        ward_worker=User.objects.get(username="demo_ward"),
        coordinator=User.objects.get(username="demo_coordinator"),
        agency_worker=User.objects.get(username="demo_agency"),
        privacy=User.objects.get(username="demo_privacy"),
        admin=User.objects.get(username="demo_admin"),
    )
    w.other_staff = user("other_plaza", w.other_plaza, Role.PLAZA_STAFF)
    w.anshin_worker = user("anshin_worker", w.anshin, Role.AGENCY_WORKER)
    w.basis = {b.code: b for b in LegalBasis.objects.all()}
    return w


@pytest.fixture
def concern(world):
    """A commissioner's concern about an elderly neighbour: mail piling up, an 8050 household."""

    def make(**overrides):
        values = {
            "actor": world.commissioner,
            "area": world.district,
            "reporter_kind": ReporterKind.COMMISSIONER,
            "signals": [ObservedSignal.MAIL_PILING_UP, ObservedSignal.SHUTTERS_CLOSED],
            "categories": [ConcernCategory.EIGHTY_FIFTY, ConcernCategory.SOCIAL_ISOLATION],
            "details": "息子さんと二人暮らし。最近姿を見かけない。",
            "identity": {"name": "佐々木 トメ", "kana": "ささき とめ", "address": "つなぐ市はまかぜ区1-2-3"},
        }
        values.update(overrides)
        return report_concern(**values)

    return make


@pytest.fixture
def soon():
    return timezone.now() + datetime.timedelta(days=2)
