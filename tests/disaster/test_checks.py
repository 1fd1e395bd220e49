"""Disaster mode's safety checks (docs/disaster.md "Safety checks"): who checks on whom, checks
written once however often they are sent, the ward's coverage, escalation of the unchecked."""

import datetime
import io
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import add_membership
from audit.models import AuditEvent
from cases.exceptions import CaseRuleError, Conflict
from disaster import services
from disaster.models import ConsentStatus, SafetyCheck, SafetyStatus
from disaster.selectors import checks_page, coverage_of
from notifications.models import Kind, Notification
from tests.twofactor import VerifiedClient


@pytest.fixture
def supporter(world):
    return User.objects.get(username="demo_supporter")


@pytest.fixture
def disaster(world):
    def declare(**overrides):
        values = {
            "actor": world.ward_worker,
            "kind": "earthquake",
            "title": "地震（テスト）",
            "area": world.district,
        }
        values.update(overrides)
        return services.declare_disaster(**values)

    return declare


def assigned(world, registration, user):
    services.assign_checker(actor=world.ward_worker, registration=registration, user=user)
    return registration


def check(actor, declaration, registration, status=SafetyStatus.SAFE, **more):
    return services.record_check(
        actor=actor, declaration=declaration, registration_id=registration.pk, status=status, **more
    )


def test_checkers_are_the_areas_commissioners_and_supporters(world, enlist, supporter):
    registration = enlist()
    assert set(services.checkers_for(registration)) == {supporter, world.commissioner}
    for outsider in (world.staff, world.ward_worker):
        with pytest.raises(CaseRuleError):
            services.assign_checker(actor=world.ward_worker, registration=registration, user=outsider)
    elsewhere = enlist(area=world.demo.districts[1])  # another district's council and no association
    with pytest.raises(CaseRuleError):
        services.assign_checker(actor=world.ward_worker, registration=elsewhere, user=supporter)
    assigned(world, registration, supporter)
    with pytest.raises(Conflict):
        assigned(world, registration, supporter)
    with pytest.raises(PermissionDenied):  # only the ward office's list keepers assign
        services.assign_checker(actor=world.staff, registration=registration, user=world.commissioner)


def test_an_assigned_supporter_records_a_check_audited_and_nobody_else_can(
    world, enlist, supporter, disaster
):
    registration = assigned(world, enlist(consent=ConsentStatus.REFUSED), supporter)
    other = enlist(name="担当外 さん")
    declaration = disaster()
    made, created = check(supporter, declaration, registration, SafetyStatus.NEEDS_HELP, note="足をけが")
    assert created and made.note == "足をけが" and made.checked_by == supporter
    event = AuditEvent.objects.get(event="safety.checked")
    assert (
        event.person_id == str(registration.person_id)
        and json.loads(event.params)["safety_status"] == "needs_help"
    )
    assert "足" not in event.params
    with pytest.raises(PermissionDenied):  # not theirs to check
        check(supporter, declaration, other)
    with pytest.raises(PermissionDenied):  # no checker's role
        check(world.staff, declaration, registration)
    # The ward office's list keepers may record any check in scope (a call to the office).
    assert check(world.ward_worker, declaration, other)[1]
    services.end_disaster(actor=world.ward_worker, declaration=declaration)
    declaration.refresh_from_db()
    with pytest.raises(CaseRuleError):
        check(supporter, declaration, registration)
    assert SafetyCheck.objects.count() == 2


def test_a_check_sent_again_with_its_key_is_written_once(world, enlist, supporter, disaster):
    registration = assigned(world, enlist(), supporter)
    declaration = disaster()
    key = uuid.uuid4().hex
    first, created = check(supporter, declaration, registration, key=key)
    again, created_again = check(supporter, declaration, registration, SafetyStatus.ABSENT, key=key)
    assert created and not created_again and again.pk == first.pk and again.status == SafetyStatus.SAFE
    assert SafetyCheck.objects.count() == 1 and AuditEvent.objects.filter(event="safety.checked").count() == 1
    with pytest.raises(PermissionDenied):  # someone else's key is no way to read their check
        check(world.ward_worker, declaration, registration, key=key)

    client = VerifiedClient()
    client.force_login(supporter)
    body = {
        "declaration": declaration.pk,
        "registration": str(registration.pk),
        "status": "evacuated",
        "key": uuid.uuid4().hex,
        "written_at": (timezone.now() - datetime.timedelta(minutes=30)).isoformat(),
    }
    url = reverse("api:safety_checks")
    sent = client.post(url, body, content_type="application/json")
    resent = client.post(url, body, content_type="application/json")
    assert (sent.status_code, resent.status_code) == (201, 200)
    assert sent.json()["id"] == resent.json()["id"] and resent.json()["created"] is False
    stored = SafetyCheck.objects.get(pk=sent.json()["id"])
    # The phone's time is kept as written; the server's orders.
    assert stored.written_at < stored.checked_at and stored.status == "evacuated"
    future = {
        **body,
        "key": uuid.uuid4().hex,
        "written_at": (timezone.now() + datetime.timedelta(hours=2)).isoformat(),
    }
    refused = client.post(url, future, content_type="application/json")
    assert refused.status_code == 422 and "written_at" in refused.json()["errors"]
    # A queue sent again after the disaster ended still gets its first answer, not a refusal.
    services.end_disaster(actor=world.ward_worker, declaration=declaration)
    late = client.post(url, body, content_type="application/json")
    assert late.status_code == 200 and late.json()["id"] == sent.json()["id"]


def test_a_drill_checks_only_those_who_consented(world, enlist, supporter, disaster):
    consenting = assigned(world, enlist(), supporter)
    refusing = assigned(world, enlist(consent=ConsentStatus.REFUSED, name="拒否 さん"), supporter)
    drill = disaster(is_drill=True, title="訓練")
    (round_,) = checks_page(supporter)
    assert [p.pk for p in round_.people] == [consenting.pk]
    with pytest.raises(PermissionDenied):
        check(supporter, drill, refusing)
    assert check(supporter, drill, consenting)[1]


def test_the_coverage_counts_by_district_and_names_who_needs_help(world, enlist, supporter, disaster):
    first = world.district
    plaza_area = first.children.get()
    a = assigned(world, enlist(area=first), supporter)
    b = assigned(world, enlist(area=plaza_area, name="要支援 さん"), supporter)
    enlist(area=first, name="未確認 さん")
    enlist(area=world.demo.districts[1])  # outside the declared area
    declaration = disaster()
    check(supporter, declaration, a, SafetyStatus.ABSENT)
    check(supporter, declaration, a, SafetyStatus.SAFE)  # the latest counts
    check(supporter, declaration, b, SafetyStatus.UNREACHABLE, note="呼び鈴に応答なし")
    coverage = coverage_of(declaration, world.ward_worker)
    (cell,) = coverage.areas  # the plaza area counts in its district
    assert (cell.area, cell.listed, cell.checked, cell.unchecked, cell.attention) == (first, 3, 2, 1, 1)
    assert cell.by_status == {"safe": 1, "unreachable": 1}
    assert [made.registration_id for made in coverage.attention] == [b.pk]

    ward = VerifiedClient()
    ward.force_login(world.ward_worker)
    page = ward.get(reverse("disaster:declaration", args=[declaration.pk])).content.decode()
    assert "要支援 さん" in page and "確認済み 2 人" in page and "呼び鈴に応答なし" in page
    live = ward.get(reverse("disaster:declaration", args=[declaration.pk]), headers={"HX-Request": "true"})
    assert "確認済み 2 人" in live.content.decode() and "要支援 さん" not in live.content.decode()
    plaza = VerifiedClient()
    plaza.force_login(world.staff)  # concerned, told of the disaster: no names, no coverage
    assert (
        "要支援 さん"
        not in plaza.get(reverse("disaster:declaration", args=[declaration.pk])).content.decode()
    )


def test_the_unchecked_are_escalated_after_the_set_time_once_an_hour(world, enlist, supporter, disaster):
    checked, waiting = (assigned(world, enlist(name=f"{n} さん"), supporter) for n in ("確認済", "未確認"))
    declaration = disaster(started_at=timezone.now() - datetime.timedelta(minutes=90))
    check(supporter, declaration, checked)
    assert services.escalate_unchecked() == (0, 0)  # 90 minutes: before the default 120
    later = timezone.now() + datetime.timedelta(minutes=40)
    escalated, written = services.escalate_unchecked(later)
    assert escalated == 1 and written >= 3
    told = Notification.objects.filter(kind=Kind.SAFETY_CHECKS_OVERDUE)
    assert told.get(recipient=supporter).link == reverse("disaster:checks")
    assert told.get(recipient=world.ward_worker).link == reverse(
        "disaster:declaration", args=[declaration.pk]
    )
    assert told.filter(recipient=world.staff).exists()  # the area's plaza
    assert not told.filter(recipient=world.other_staff).exists()
    declaration.refresh_from_db()
    assert declaration.escalated_at is not None
    assert services.escalate_unchecked(later + datetime.timedelta(minutes=10)) == (0, 0)  # the same hour
    check(supporter, declaration, waiting)
    assert services.escalate_unchecked(later + datetime.timedelta(hours=2)) == (0, 0)  # nobody left
    out = io.StringIO()
    call_command("escalate_safety_checks", stdout=out)
    assert out.getvalue().startswith("escalate_safety_checks: 0 declarations")


def test_the_checks_page_and_api_list_the_persons_assigned(world, enlist, supporter, disaster):
    mine = assigned(world, enlist(name="担当 さん"), supporter)
    enlist(name="担当外 さん")
    client = VerifiedClient()
    client.force_login(supporter)
    assert "いま、安否確認をする方はいません" in client.get(reverse("disaster:checks")).content.decode()
    assert "1 人の方の担当です" in client.get(reverse("home")).content.decode()
    declaration = disaster()
    assert "担当 1 人のうち、まだ記録のない方 1 人" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("disaster:checks")).content.decode()
    assert "担当 さん" in page and "担当外 さん" not in page
    rounds = client.get(reverse("api:safety_rounds")).json()
    assert [p["registration"] for p in rounds[0]["people"]] == [str(mine.pk)] and rounds[0][
        "declaration"
    ] == declaration.pk
    # Without script the page's own form records the check.
    answer = client.post(
        reverse("disaster:checks"),
        {"declaration": declaration.pk, "registration": mine.pk, "status": "safe", "key": uuid.uuid4().hex},
    )
    assert answer.status_code == 302 and SafetyCheck.objects.get().status == "safe"
    # The home page counts, naming no one: before the check one to do, after it none.
    home = client.get(reverse("home")).content.decode()
    assert "担当 1 人のうち、まだ記録のない方 0 人" in home and "担当 さん" not in home
    for user in (world.staff, world.privacy, world.admin):
        outsider = VerifiedClient()
        outsider.force_login(user)
        assert outsider.get(reverse("disaster:checks")).status_code == 403


def test_a_new_supporter_gets_the_role_through_a_membership(world, association):
    newcomer = User.objects.create(username="new_supporter")
    add_membership(user=newcomer, organisation=association, role=Role.SUPPORTER)
    assert User.objects.get(pk=newcomer.pk).has_perm("disaster.add_safetycheck")
