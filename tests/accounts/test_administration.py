"""Administration is audited and limited (issue 16), tested through the admin's own forms.

Every change of a membership, role, group, password, active flag, legal basis or deadline leaves
an event naming actor, target and the changed fields; a role that reads cases given to an
administrator waits for a second administrator; nobody sets another user's password.
"""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, MembershipRequest, User
from accounts.roles import Role
from accounts.services import add_membership
from audit.models import AuditEvent
from cases.models import LegalBasis
from referrals.models import AcceptanceDeadline


def last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def events_since(start: int, code: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(sequence__gt=start).order_by("sequence")
    return list(events.filter(event=code) if code else events)


def only(events: list[AuditEvent]) -> AuditEvent:
    assert len(events) == 1, [(e.event, e.fields, e.params) for e in events]
    return events[0]


def user_form(user: User, *, add: list[dict] = (), delete: list[Membership] = (), **changes) -> dict:
    """The admin's user change form as the browser posts it, with the membership inline."""
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "email": user.email,
        **({"is_active": "on"} if user.is_active else {}),
    }
    data.update(changes)
    existing = list(Membership.objects.filter(user=user).order_by("pk"))
    rows = [{"id": m.pk, "user": user.pk, **({"DELETE": "on"} if m in delete else {})} for m in existing]
    rows += [{"id": "", "user": user.pk, **row} for row in add]
    data.update(
        {
            "memberships-TOTAL_FORMS": len(rows),
            "memberships-INITIAL_FORMS": len(existing),
            "memberships-MIN_NUM_FORMS": 0,
            "memberships-MAX_NUM_FORMS": 1000,
        }
    )
    for index, row in enumerate(rows):
        data.update({f"memberships-{index}-{name}": value for name, value in row.items()})
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def second_admin(world) -> User:
    colleague = User.objects.create(username="second_admin", last_name="管理", first_name="二人目")
    add_membership(
        user=colleague, organisation=world.admin.memberships.get().organisation, role=Role.SYSADMIN
    )
    return User.objects.get(pk=colleague.pk)


@pytest.fixture
def newcomer(db) -> User:
    return User.objects.create(
        username="newcomer", last_name="新人", first_name="太郎", email="new@example.jp"
    )


def post(client, url: str, data: dict):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def decide(client, membership_request: MembershipRequest, action: str):
    return client.post(
        reverse("admin:accounts_membershiprequest_changelist"),
        {"action": action, "_selected_action": [membership_request.pk]},
        follow=True,
    )


# --- Four-eyes -------------------------------------------------------------------------------------


def test_an_administrator_granting_themself_plaza_staff_waits_for_a_second_administrator(
    client, world, concern, second_admin
):
    case = concern()
    admin = world.admin
    client.force_login(admin)
    start = last_sequence()
    post(
        client,
        reverse("admin:accounts_membership_add"),
        {"user": admin.pk, "organisation": world.plaza.pk, "role": Role.PLAZA_STAFF},
    )

    assert not Membership.objects.filter(user=admin, role=Role.PLAZA_STAFF).exists()
    pending = MembershipRequest.objects.get(user=admin)
    assert (pending.requested_by, pending.role, pending.decided_at) == (admin, Role.PLAZA_STAFF, None)
    requested = only(events_since(start, "membership.requested"))
    assert (requested.actor, requested.target_type, requested.target_id) == (
        admin,
        "accounts.user",
        str(admin.pk),
    )
    assert json.loads(requested.params)["role"] == Role.PLAZA_STAFF
    assert not events_since(start, "membership.added")
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 403

    # The requester cannot approve it…
    response = decide(client, pending, "approve")
    assert "別の管理者が承認または却下します" in response.content.decode()
    pending.refresh_from_db()
    assert pending.is_pending and not Membership.objects.filter(user=admin, role=Role.PLAZA_STAFF).exists()

    # …a second administrator can.
    client.force_login(second_admin)
    start = last_sequence()
    assert decide(client, pending, "approve").status_code == 200
    pending.refresh_from_db()
    assert (pending.approved, pending.decided_by) == (True, second_admin)
    assert Membership.objects.filter(user=admin, organisation=world.plaza, role=Role.PLAZA_STAFF).exists()
    decided = only(events_since(start, "membership.request_decided"))
    added = only(events_since(start, "membership.added"))
    assert json.loads(decided.params)["decision"] == "approved"
    assert {decided.actor, added.actor} == {second_admin}
    assert added.target_id == decided.target_id == str(admin.pk)


def test_neither_the_requester_nor_the_administrator_a_request_is_for_can_decide_it(
    client, world, second_admin
):
    # The first administrator asks to give the second plaza_staff: the second may not approve it.
    client.force_login(world.admin)
    post(
        client,
        reverse("admin:accounts_user_change", args=[second_admin.pk]),
        user_form(second_admin, add=[{"organisation": world.plaza.pk, "role": Role.PLAZA_STAFF}]),
    )
    pending = MembershipRequest.objects.get(user=second_admin)
    assert not Membership.objects.filter(user=second_admin, role=Role.PLAZA_STAFF).exists()
    # Neither the requester…
    assert "自分が申請した所属" in decide(client, pending, "approve").content.decode()
    assert not Membership.objects.filter(user=second_admin, role=Role.PLAZA_STAFF).exists()

    # …nor the administrator it is for.
    client.force_login(second_admin)
    response = decide(client, pending, "approve")
    assert "自分あての所属" in response.content.decode()
    assert not Membership.objects.filter(user=second_admin, role=Role.PLAZA_STAFF).exists()


def test_a_second_administrator_may_reject(client, world, second_admin):
    client.force_login(world.admin)
    post(
        client,
        reverse("admin:accounts_user_change", args=[world.admin.pk]),
        user_form(world.admin, add=[{"organisation": world.plaza.pk, "role": Role.WARD_CASEWORKER}]),
    )
    pending = MembershipRequest.objects.get(user=world.admin)
    client.force_login(second_admin)
    start = last_sequence()
    decide(client, pending, "reject")
    pending.refresh_from_db()
    assert pending.approved is False
    assert not Membership.objects.filter(user=world.admin, role=Role.WARD_CASEWORKER).exists()
    assert (
        json.loads(only(events_since(start, "membership.request_decided")).params)["decision"] == "rejected"
    )
    # Decided once.
    client.force_login(User.objects.create(username="third", is_superuser=True, is_staff=True))
    assert "既に判断" in decide(client, pending, "approve").content.decode()


def test_the_sysadmin_role_waits_for_a_second_administrator(client, world, newcomer):
    # For someone who reads cases; and for a new account, which could otherwise approve its
    # creator's own requests.
    client.force_login(world.admin)
    for user in (world.staff, newcomer):
        post(
            client,
            reverse("admin:accounts_membership_add"),
            {"user": user.pk, "organisation": world.plaza.pk, "role": Role.SYSADMIN},
        )
        assert MembershipRequest.objects.filter(user=user, role=Role.SYSADMIN).exists()
        assert not Membership.objects.filter(user=user, role=Role.SYSADMIN).exists()


def test_a_new_colleague_created_with_plaza_staff_waits_for_a_second_administrator(
    client, world, second_admin
):
    """An administrator alone cannot make a stand-in account that reads cases: the account's
    password link goes to an address they may control."""
    client.force_login(world.admin)
    start = last_sequence()
    post(  # the account and its membership in one form, as the admin's add page offers them
        client,
        reverse("admin:accounts_user_add"),
        {
            "username": "standin",
            "last_name": "代理",
            "first_name": "花子",
            "email": "admin-own@example.jp",
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-MIN_NUM_FORMS": 0,
            "memberships-MAX_NUM_FORMS": 1000,
            "memberships-0-id": "",
            "memberships-0-user": "",
            "memberships-0-organisation": world.plaza.pk,
            "memberships-0-role": Role.PLAZA_STAFF,
        },
    )
    standin = User.objects.get(username="standin")
    assert not Membership.objects.filter(user=standin).exists()
    pending = MembershipRequest.objects.get(user=standin)
    assert not events_since(start, "membership.added")

    client.force_login(second_admin)
    start = last_sequence()
    assert decide(client, pending, "approve").status_code == 200
    membership = Membership.objects.get(user=standin)
    added = only(events_since(start, "membership.added"))
    assert (added.actor, added.target_id) == (second_admin, str(standin.pk))
    assert json.loads(added.params) == {
        "membership": membership.pk,
        "organisation": world.plaza.pk,
        "role": Role.PLAZA_STAFF,
    }
    assert set(json.loads(added.fields)) == {"user", "organisation", "role"}
    groups = events_since(start, "user.groups_changed")
    assert groups and all(e.actor == second_admin and e.target_id == str(standin.pk) for e in groups)
    assert Role.PLAZA_STAFF in json.loads(groups[0].params)["roles"]


def test_removing_a_membership_in_either_form_is_audited(client, world, newcomer):
    first = add_membership(user=newcomer, organisation=world.plaza, role=Role.PLAZA_STAFF)
    second = add_membership(user=newcomer, organisation=world.other_plaza, role=Role.PLAZA_STAFF)
    client.force_login(world.admin)
    start = last_sequence()
    post(
        client, reverse("admin:accounts_user_change", args=[newcomer.pk]), user_form(newcomer, delete=[first])
    )
    post(client, reverse("admin:accounts_membership_delete", args=[second.pk]), {"post": "yes"})
    assert not Membership.objects.filter(user=newcomer).exists()
    removed = events_since(start, "membership.removed")
    assert [(e.actor, e.target_id) for e in removed] == [(world.admin, str(newcomer.pk))] * 2


def test_a_membership_is_not_edited_in_place(client, world, newcomer):
    # Changing the role of an existing row would skip the four-eyes rule: remove and add instead.
    membership = add_membership(user=newcomer, organisation=world.plaza, role=Role.COMMISSIONER)
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": world.admin.pk, "organisation": world.plaza.pk, "role": Role.PLAZA_STAFF},
    )
    assert response.status_code == 403
    assert list(Membership.objects.filter(user__in=[newcomer, world.admin], organisation=world.plaza)) == [
        membership
    ]
    membership.refresh_from_db()
    assert (membership.user, membership.role) == (newcomer, Role.COMMISSIONER)


def test_a_service_or_command_records_its_actor_or_none(world, newcomer):
    start = last_sequence()
    add_membership(user=newcomer, organisation=world.plaza, role=Role.PLAZA_STAFF)
    add_membership(user=newcomer, organisation=world.other_plaza, role=Role.PLAZA_STAFF, actor=world.admin)
    added = events_since(start, "membership.added")
    assert [e.actor for e in added] == [None, world.admin]


# --- Users: details, active flag, passwords ----------------------------------------------------------


def test_the_admin_cannot_point_a_caseworkers_password_link_at_another_address(client, world):
    """Changing a role holder's address, sending the link and resetting the second factor would
    let one administrator take over the account: the address is fixed in the admin, and changed
    at the server, audited."""
    from django.core.management import call_command

    staff, other_admin = world.staff, User.objects.get(username="demo_admin")
    staff.email = "plaza@example.jp"
    staff.save()
    client.force_login(other_admin)
    for user in (staff, other_admin):
        page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
        assert 'name="email"' not in page
        data = user_form(user, email="admin-own@example.jp")
        post(client, reverse("admin:accounts_user_change", args=[user.pk]), data)
        user.refresh_from_db()
        assert user.email != "admin-own@example.jp"
    start = last_sequence()
    call_command("set_email", staff.username, "plaza-new@example.jp")
    staff.refresh_from_db()
    assert staff.email == "plaza-new@example.jp"
    changed = only(events_since(start, "user.changed"))
    assert (changed.actor, json.loads(changed.fields)) == (None, ["email"])


def test_user_changes_name_fields_and_flags_never_values(client, world, newcomer):
    client.force_login(world.admin)
    start = last_sequence()
    data = user_form(newcomer, last_name="改姓", email="other@example.jp")
    data.pop("is_active")
    post(client, reverse("admin:accounts_user_change", args=[newcomer.pk]), data)
    changed = only(events_since(start, "user.changed"))
    access = only(events_since(start, "user.access_changed"))
    assert (changed.actor, changed.target_type, changed.target_id) == (
        world.admin,
        "accounts.user",
        str(newcomer.pk),
    )
    assert json.loads(changed.fields) == ["email", "last_name"]
    assert (json.loads(access.fields), json.loads(access.params)) == (["is_active"], {"is_active": False})
    for event in events_since(start):
        assert "改姓" not in event.params + event.fields and "example.jp" not in event.params + event.fields


def test_the_admin_offers_no_way_to_set_another_users_password(client, world):
    client.force_login(world.admin)
    url = reverse("admin:accounts_user_change", args=[world.staff.pk])
    page = client.get(url).content.decode()
    assert "password/" not in page and 'name="password' not in page
    assert "パスワード再設定のリンクを送る" in page
    password_url = reverse("admin:auth_user_password_change", args=[world.staff.pk])
    assert client.get(password_url).status_code == 403
    before = User.objects.get(pk=world.staff.pk).password
    response = client.post(password_url, {"password1": "x" * 20 + "A1!", "password2": "x" * 20 + "A1!"})
    assert response.status_code == 403
    assert User.objects.get(pk=world.staff.pk).password == before


def test_a_reset_link_is_sent_and_the_user_sets_their_own_password(client, world):
    staff = world.staff
    staff.email = "plaza@example.jp"
    staff.save()
    client.force_login(world.admin)
    start = last_sequence()
    post(client, reverse("admin:accounts_user_send_reset_link", args=[staff.pk]), {})
    message = only_mail()
    assert message.to == ["plaza@example.jp"]
    for personal in (staff.username, staff.last_name, staff.first_name):
        assert personal not in message.body + message.subject
    sent = only(events_since(start, "auth.password_reset_sent"))
    assert (sent.actor, sent.target_id) == (world.admin, str(staff.pk))

    # The link is the user's: they set the password, and the trail names them as who did.
    client.logout()
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_url = client.get(link).headers["Location"]
    start = last_sequence()
    new_password = "つなぐ-新しい合言葉-2026"
    post(client, form_url, {"new_password1": new_password, "new_password2": new_password})
    assert signs_in(client, staff.username, new_password)
    changed = only(events_since(start, "auth.password_changed"))
    assert (changed.actor, changed.target_id, json.loads(changed.fields)) == (
        staff,
        str(staff.pk),
        ["password"],
    )


def only_mail():
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return mail.outbox[0]


def test_a_user_created_in_the_admin_has_no_password_and_gets_a_link(client, world):
    client.force_login(world.admin)
    start = last_sequence()
    post(
        client,
        reverse("admin:accounts_user_add"),
        {
            "username": "colleague",
            "last_name": "同僚",
            "first_name": "花子",
            "email": "colleague@example.jp",
            "password1": "Known-by-the-admin-2026",
            "password2": "Known-by-the-admin-2026",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
            "memberships-MIN_NUM_FORMS": 0,
            "memberships-MAX_NUM_FORMS": 1000,
        },
    )
    colleague = User.objects.get(username="colleague")
    assert not colleague.has_usable_password()
    assert only_mail().to == ["colleague@example.jp"]
    created = only(events_since(start, "user.created"))
    assert created.actor == world.admin and created.target_id == str(colleague.pk)
    assert set(json.loads(created.fields)) == {"username", "last_name", "first_name", "email", "is_active"}
    assert only(events_since(start, "auth.password_reset_sent")).target_id == str(colleague.pk)


def test_a_link_that_could_not_be_sent_is_not_recorded_as_sent(client, world, settings):
    # A mail server that refuses the connection (nothing listens on port 1).
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 5
    client.force_login(world.admin)
    start = last_sequence()
    response = client.post(reverse("admin:accounts_user_send_reset_link", args=[world.staff.pk]), follow=True)
    assert "メールアドレスが登録されていない" in response.content.decode()  # the demo staff has none
    world.staff.email = "plaza@example.jp"
    world.staff.save()
    response = client.post(reverse("admin:accounts_user_send_reset_link", args=[world.staff.pk]), follow=True)
    assert response.status_code == 200
    assert "メールを送れませんでした" in response.content.decode()
    assert not events_since(start, "auth.password_reset_sent")


def test_the_self_service_reset_page_sends_the_same_link(client, world):
    world.staff.email = "plaza@example.jp"
    world.staff.save()
    start = last_sequence()
    post(client, reverse("password_reset"), {"email": "PLAZA@example.jp"})
    assert only_mail().to == ["plaza@example.jp"]
    sent = only(events_since(start, "auth.password_reset_sent"))
    assert (sent.actor, sent.target_id) == (None, str(world.staff.pk))


def test_the_self_service_reset_page_sends_one_link_per_interval(client, world):
    """Nobody floods a colleague's mailbox, or the audit trail, from the public page."""
    from django.core import mail

    from accounts.services import PASSWORD_LINK_INTERVAL

    world.staff.email = "plaza@example.jp"
    world.staff.save()
    start = last_sequence()
    for _ in range(5):
        post(client, reverse("password_reset"), {"email": "plaza@example.jp"})
    assert len(mail.outbox) == 1
    assert len(events_since(start, "auth.password_reset_sent")) == 1
    # Once the interval has passed (the clock moved), the next request sends again.
    User.objects.filter(pk=world.staff.pk).update(
        password_link_sent_at=timezone.now() - PASSWORD_LINK_INTERVAL
    )
    post(client, reverse("password_reset"), {"email": "plaza@example.jp"})
    assert len(mail.outbox) == 2
    assert len(events_since(start, "auth.password_reset_sent")) == 2


def signs_in(client, username: str, password: str) -> bool:
    """Through the sign-in form, as a person would (a refusal shows the form again, 200)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_signing_in_records_no_change_of_the_user(client, world):
    world.staff.set_password("つなぐ-合言葉-2026")
    world.staff.save()
    start = last_sequence()
    assert signs_in(client, world.staff.username, "つなぐ-合言葉-2026")
    assert [e.event for e in events_since(start)] == ["auth.login"]


# --- Catalogues: legal bases and deadlines --------------------------------------------------------


def test_legal_basis_changes_are_audited(client, world):
    basis = LegalBasis.objects.get(code="swa-106-6")
    client.force_login(world.admin)
    start = last_sequence()
    url = reverse("admin:cases_legalbasis_change", args=[basis.pk])
    post(
        client,
        url,
        {
            "code": basis.code,
            "name": basis.name,
            "citation": basis.citation + "（改正）",
            "allows_meeting_without_consent": "on",
            "requires_reference": "on",
            "organisation_kinds": json.dumps(basis.organisation_kinds),
        },
    )
    changed = only(events_since(start, "legal_basis.changed"))
    assert changed.actor == world.admin and changed.target_id == str(basis.pk)
    assert set(json.loads(changed.fields)) == {"citation", "is_active"}
    assert json.loads(changed.params) == {"code": "swa-106-6"}


def test_deadline_settings_are_audited(client, world):
    client.force_login(world.admin)
    start = last_sequence()
    post(
        client,
        reverse("admin:referrals_acceptancedeadline_add"),
        {"organisation_kind": "family_court", "working_days": 10},
    )
    deadline = AcceptanceDeadline.objects.get(organisation_kind="family_court")
    post(
        client,
        reverse("admin:referrals_acceptancedeadline_change", args=[deadline.pk]),
        {"organisation_kind": "family_court", "working_days": 7},
    )
    created = only(events_since(start, "acceptance_deadline.created"))
    changed = only(events_since(start, "acceptance_deadline.changed"))
    assert created.actor == changed.actor == world.admin
    assert json.loads(changed.fields) == ["working_days"]
    assert json.loads(changed.params) == {"organisation_kind": "family_court", "working_days": 7}
