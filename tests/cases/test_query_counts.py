"""The case page asks the database a bounded number of questions, however many staff there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.services import add_membership
from tests.twofactor import VerifiedClient


def page_queries(world, case) -> int:
    client = VerifiedClient()
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


def test_a_transition_is_checked_and_locked_in_one_statement(world, concern):
    """The permission check rides in the statement that locks the case (docs/performance.md)."""
    from cases.services import intake, lifecycle

    case = intake.accept_intake(actor=world.staff, case=concern(), expected_version=1)
    with CaptureQueriesContext(connection) as ctx:
        lifecycle.withdraw(
            actor=world.staff, case=case, expected_version=case.version, reason="誤登録", kind="in_error"
        )
    sql = [q["sql"] for q in ctx.captured_queries]
    locks = [s for s in sql if s.startswith('SELECT "cases_case"')]
    assert len(locks) == 1 and "cases_casegroupobjectpermission" in locks[0]
    assert not [s for s in sql if s.startswith("SELECT permission_id")]  # no separate check


def test_postgresql_sorts_permitted_cases_from_a_covering_index(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_id_created_covering'")
            (definition,) = cursor.fetchone()
            assert "(id) INCLUDE (created_at)" in definition
        else:  # SQLite has no INCLUDE columns; the migration leaves it alone
            assert "case_id_created_covering" not in connection.introspection.get_constraints(
                cursor, "cases_case"
            )


def _indexed_columns(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        return {
            name: info["columns"]
            for name, info in connection.introspection.get_constraints(cursor, table).items()
            if info["index"] or info["unique"]
        }


def test_every_write_of_a_transition_updates_only_indexes_that_some_read_uses(db):
    """The case row and the audit trail are written by every transition: no index that another
    one already serves (a single-column index beside one that begins with the same column), and
    on PostgreSQL no LIKE-prefix (varchar_pattern_ops) twin of a text index."""
    for table, served in (
        ("cases_case", {"area_id": "case_area_state", "lead_organisation_id": "case_lead_state"}),
        ("audit_auditevent", {"actor_id": "audit_actor_time", "case_id": "audit_case_event_time"}),
    ):
        indexes = _indexed_columns(table)
        for column, wider in served.items():
            assert indexes[wider][0] == column
            assert [column] not in indexes.values(), f"{table}.{column} has an index of its own"
        assert not [name for name in indexes if name.endswith("_like")]
    audit = _indexed_columns("audit_auditevent")
    for column in ("occurred_at", "action", "person_id", "hash", "organisation_id"):
        assert [column] in audit.values(), f"audit_auditevent.{column} lost its index"


def test_accepting_intake_changes_access_and_chains_its_events_in_few_statements(world, concern):
    """The lead's grant, the intake grants ended and guardian's rows brought in step are a few
    written statements, and the transition's events join the chain in one append."""
    from cases.services import intake

    intake.accept_intake(actor=world.staff, case=concern(), expected_version=1)  # caches warm
    case = concern()
    with CaptureQueriesContext(connection) as ctx:
        intake.accept_intake(actor=world.staff, case=case, expected_version=1)
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert sum("ORDER BY sequence DESC" in s for s in sql) == 1
    reads = (
        'SELECT "cases_casegroupobjectpermission"',
        'SELECT "cases_caseuserobjectpermission"',
        'SELECT "auth_group"',
    )
    assert not [s for s in sql if s.startswith(reads)]  # guardian's rows follow the grants in SQL
    # The lead is read from the statement ending the intake grants, and its group came with its
    # intake grant; PostgreSQL syncs the rows in one statement.
    assert not [s for s in sql if s.startswith("INSERT INTO auth_group")]
    # +2 since the reporter is told it was taken up (who reported it; the notification's insert).
    # PostgreSQL's chain lock and head are two statements sent in one round trip
    # (audit.sql.lock_chain_head); SQLite's transaction holds the lock and reads the head in one.
    assert len(sql) <= 10
