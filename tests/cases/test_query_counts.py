"""The case page asks the database a bounded number of questions, however many staff there are."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.services import add_membership


def page_queries(world, case) -> int:
    client = Client()
    client.force_login(world.staff)
    client.get(reverse("cases:case_detail", args=[case.pk]))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    return len(ctx.captured_queries)


def test_the_case_page_does_not_query_per_staff_member(world, concern):
    from cases.services import intake

    case = intake.accept_intake(actor=world.staff, case=concern(), expected_version=1)
    before = page_queries(world, case)
    for i in range(10):  # ten more people who could attend a meeting
        add_membership(
            user=User.objects.create(username=f"extra{i}"), organisation=world.agency, role=Role.AGENCY_WORKER
        )
    assert page_queries(world, case) == before
