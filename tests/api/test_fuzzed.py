"""Schemathesis against the schema the API publishes, as each role's token (issue 21): no server
error, every answer of a status, type and shape the schema declares. Bounded: a few dozen
examples an operation, in-process (the WSGI application, the test database)."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.models import Scope
from api.services import issue_token
from config.wsgi import application
from tests.workflow import support_meeting
from tests.workflow import take as take_case


def published_schema() -> dict:
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(published_schema())
schema.app = application


@pytest.fixture
def in_process():
    """The WSGI application in the test's transaction: as Django's test client does, requests do
    not close the database connection when they end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def taken(world, concern):
    """A case the demo plaza leads, to read and act on (its id replaces the examples' random ones)."""
    return take_case(world, concern())


@pytest.fixture
def meeting(world, taken, soon):
    """A meeting on that case, not yet held (the fuzzer's bodies may hold it)."""
    return support_meeting(world, taken, soon, attendees=[(world.agency_worker, world.agency)])


@pytest.fixture
def keys(world, taken, in_process) -> list[str]:
    """A token for each role's demo user, with every scope: what the user may not do is refused."""
    found = []
    for user in (world.commissioner, world.staff, world.ward_worker, world.agency_worker, world.privacy):
        _token, key = issue_token(
            actor=world.admin,
            user=user,
            organisation=user.memberships.first().organisation,
            name="fuzz",
            scopes=list(Scope.values),
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        found.append(key)
    return found


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same examples in every run: CI stays repeatable
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_as_every_role(case, keys, world, taken, meeting):
    if isinstance(case.body, dict) and isinstance(case.body.get("area"), int):
        # A district the reporters serve, so that the rest of the body reaches the service.
        case.body["area"] = world.district.pk
    if "case_id" in (case.path_parameters or {}):
        case.path_parameters["case_id"] = str(taken.pk)  # a random id reaches only the refusal
    if "meeting_id" in (case.path_parameters or {}):
        case.path_parameters["meeting_id"] = str(meeting.pk)
    for key in keys:
        headers = {"Authorization": f"Bearer {key}"}
        response = case.call(headers=headers)
        # An id the schema allows (any integer) may name no area the user serves: 400 then, which
        # the schema documents. Every other check runs, server errors and conformance first.
        case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])
