import datetime
import os
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.services import add_membership
from cases.models import LegalBasis
from cases.services.intake import report_concern
from cases.vocabulary import ConcernCategory, ObservedSignal, ReporterKind


@pytest.fixture
def client():
    """pytest-django's client, whose force_login also gives the second factor (tests/twofactor.py)."""
    from tests.twofactor import VerifiedClient

    return VerifiedClient()


@pytest.fixture
def demo(db) -> accounts_demo.DemoStructure:
    """The demo organisation structure and one user per role."""
    return accounts_demo.seed()


def pytest_report_header(config) -> str:
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture
def plaza(demo):
    return demo.plazas[0]


@pytest.fixture
def make_person(plaza):
    """Register a person through the service, as the demo plaza."""
    from cases.services.people import register_person

    def make(**identity):
        identity.setdefault("name", "山田 花子")
        return register_person(actor=None, registered_by=identity.pop("registered_by", plaza), **identity)

    return make


@pytest.fixture
def file_keyring(tmp_path, settings):
    """Move the test run's keyring into a file (as production has it), for commands that rewrite it."""
    from privacy.keyring import get_keyring, parse_keyring, reload_keyring, write_keyring_file

    path = tmp_path / "keyring.json"
    write_keyring_file(path, parse_keyring(get_keyring().to_json(), str(path)))
    settings.TSUNAGU_KEYRING = str(path)
    settings.TSUNAGU_KEYRING_JSON = ""
    reload_keyring()
    yield path
    settings.TSUNAGU_KEYRING_JSON = os.environ["TSUNAGU_KEYRING_JSON"]
    reload_keyring()


@pytest.fixture
def committed_db(transactional_db, django_db_blocker):
    """A database whose transactions really commit (for tests with several connections, and for
    the browser suite's live server).

    Emptying it afterwards needs DELETE/TRUNCATE on the append-only audit tables: the triggers are
    lifted for that flush and put back by the post_migrate signal the flush sends when it is done
    (whatever order the fixtures are torn down in).
    """
    from django.db import connection
    from django.db.models.signals import post_migrate

    from audit import triggers

    yield
    triggers.remove(connection)
    post_migrate.connect(_put_triggers_back, weak=False, dispatch_uid="tests.audit_triggers")


def _put_triggers_back(sender, using="default", **kwargs) -> None:
    from django.db import connections
    from django.db.models.signals import post_migrate

    from audit import triggers

    post_migrate.disconnect(dispatch_uid="tests.audit_triggers")
    triggers.install(connections[using])


@pytest.fixture
def make_case(demo):
    """A case created directly in a given state (for tests of what happens to it, not of how it got there)."""
    import datetime

    from django.utils import timezone

    from cases.models import Case

    def make(person, state="sharing", years_ago: float | None = None, **fields):
        ended = state in Case.ENDED_STATES
        fields.setdefault("area", demo.districts[0])
        if state not in ("noticed", "withdrawn"):
            fields.setdefault("lead_organisation", demo.plazas[0])
        if ended:
            fields.setdefault("ended_at", timezone.now() - datetime.timedelta(days=365.25 * (years_ago or 0)))
        if "reference" not in fields:  # numbered as the intake service numbers them
            from cases.services.references import allocate_case_reference

            fields["reference"] = allocate_case_reference(fields["area"])
        return Case.objects.create(person=person, state=state, **fields)

    return make


@pytest.fixture(autouse=True)
def _japanese_first():
    """Each test starts in the default language; a request in English must not leak into the next."""
    from django.utils import translation

    with translation.override("ja"):
        yield


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
