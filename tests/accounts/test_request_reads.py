"""What every signed-in request reads before any view runs — its session, its user, its
second-factor device — read with written SQL (accounts/sql.py): each answers as Django's own
would, refusals included."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sql
from accounts.backends import RoleBackend
from accounts.models import User
from tests.twofactor import VerifiedClient, authenticator

HOME = reverse("home")


def signed_in(user) -> VerifiedClient:
    client = VerifiedClient()
    client.force_login(user)
    return client


def test_a_live_session_signs_the_user_in_and_an_expired_one_does_not(world):
    client = signed_in(world.staff)
    assert client.get(HOME).status_code == 200
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert sql.live_session(key) is None
    response = client.get(HOME)
    assert response.status_code == 302 and "/login/" in response.url
    assert sql.live_session("no-such-key") is None


def test_the_session_read_is_the_stored_session(world):
    client = signed_in(world.staff)
    stored = Session.objects.get(pk=client.session.session_key)
    read = sql.live_session(stored.pk)
    assert (read.session_key, read.session_data, read.expire_date) == (
        stored.session_key,
        stored.session_data,
        stored.expire_date,
    )


def test_the_user_read_is_the_stored_user_and_an_inactive_one_is_nobody(world):
    stored = User.objects.get(pk=world.staff.pk)
    read = RoleBackend().get_user(world.staff.pk)
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert RoleBackend().get_user(10**9) is None
    client = signed_in(world.staff)
    User.objects.filter(pk=world.staff.pk).update(is_active=False)
    assert RoleBackend().get_user(world.staff.pk) is None
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize(
    "device_id",
    [
        "otp_totp.totpdevice/999999",  # no such device
        "otp_totp.totpdevice/abc",  # not a number
        "nosuch.model/1",  # no such model
        "accounts.user/1",  # a model that is no device
        "nonsense",
    ],
)
def test_a_stale_or_forged_device_id_verifies_nothing(world, device_id):
    client = signed_in(world.staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_id
    session.save()
    response = client.get(HOME)
    assert response.status_code == 302 and "two-factor" in response.url


def test_another_users_or_an_unconfirmed_device_verifies_nothing(world):
    client = signed_in(world.staff)
    assert client.get(HOME).status_code == 200
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(world.ward_worker).persistent_id
    session.save()
    assert client.get(HOME).status_code == 302
    own = authenticator(world.staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = own.persistent_id
    session.save()
    assert client.get(HOME).status_code == 200
    TOTPDevice.objects.filter(pk=own.pk).update(confirmed=False)
    assert client.get(HOME).status_code == 302


def test_the_device_read_is_the_stored_device(world):
    stored = authenticator(world.staff)
    read = sql.send_device_by_id(TOTPDevice, stored.pk)()
    fields = [f.attname for f in TOTPDevice._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(stored, f) for f in fields]


def test_a_password_only_session_still_reaches_no_page(world):
    client = Client()
    client.force_login(world.staff)
    assert client.get(HOME).status_code == 302


def test_the_written_reads_still_override_the_libraries_own():
    """DeviceMiddleware and our SessionStore replace private methods of django-otp and Django, and
    use django-otp's own checks: an upgrade that renames one would leave ours unused (correct, but
    slow again) or break it — fail here."""
    from django_otp.middleware import OTPMiddleware

    from accounts.middleware import DeviceMiddleware

    for name in ("_verify_user_sync", "_init_user_fields", "_finalize_device", "_normalize_persistent_id"):
        assert callable(getattr(OTPMiddleware, name, None)), name
    assert DeviceMiddleware._verify_user_sync is not OTPMiddleware._verify_user_sync
    # Likewise the session store's read (Django's, also private).
    from django.contrib.sessions.backends import db

    assert callable(getattr(db.SessionStore, "_get_session_from_db", None))


def test_permissions_ride_with_the_ids_and_are_what_django_reads(world, django_assert_num_queries):
    """A user's model permissions are read in the statement of their ids: the names Django's own
    ModelBackend would find (their own and their groups'), no statement for has_perm after it."""
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from accounts.selectors import forget_user_ids, organisation_ids_of

    user = User.objects.get(pk=world.staff.pk)
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    django_read = User.objects.get(pk=user.pk)
    expected = ModelBackend().get_all_permissions(django_read)
    assert "audit.view_auditevent" in expected and "cases.add_concern" in expected

    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        organisation_ids_of(user)
        assert user.get_all_permissions() == expected
        assert user.has_perm("audit.view_auditevent") and not user.has_perm("cases.break_glass")

    user.user_permissions.clear()
    forget_user_ids(user)
    assert not user.has_perm("audit.view_auditevent") and user.has_perm("cases.add_concern")


def test_a_request_reads_the_ids_and_permissions_once_through_both_wrappers(world):
    """request.user is django-otp's lazy wrapper around Django's: the ids read for the menu and
    the permissions has_perm asks are one read — the user's own (accounts.sql.user_with_ids) —,
    kept on the user inside both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world.privacy)  # its home asks has_perm (break-glass reviews) and the roles
    with CaptureQueriesContext(connection) as read:
        assert client.get(HOME).status_code == 200
    ids = [q["sql"] for q in read.captured_queries if "SELECT 0 AS k, group_id" in q["sql"]]
    permissions = [q["sql"] for q in read.captured_queries if "auth_permission" in q["sql"]]
    assert len(ids) == 1 and permissions == ids
    assert 'FROM "accounts_user" u WHERE u.id' in ids[0]  # the request's user, read with them


def test_the_user_and_the_device_are_read_in_one_round_trip(world, rf):
    """After the session, which names both, the user and the second-factor device are sent
    together: on PostgreSQL the middleware waits twice (the session, then the two). The device is
    still the user's own, confirmed one; on SQLite the same reads run one after the other."""
    from django.contrib.auth.middleware import get_user
    from django.db import connection
    from django.utils.functional import SimpleLazyObject

    from accounts.middleware import DeviceMiddleware
    from accounts.sessions import SessionStore
    from tests.statements import round_trips

    client = signed_in(world.staff)
    device = TOTPDevice.objects.get(user=world.staff, confirmed=True)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    def verified():
        request = rf.get(HOME)
        request.session = SessionStore(client.session.session_key)
        request.user = SimpleLazyObject(lambda: get_user(request))  # as AuthenticationMiddleware
        return DeviceMiddleware(lambda r: None)._verify_user_sync(request, request.user)

    if connection.vendor == "postgresql":
        found = []
        assert round_trips(lambda: found.append(verified())) == 2
        user = found[0]
    else:
        user = verified()
    assert user.pk == world.staff.pk and user.is_verified()
    assert user.otp_device.pk == device.pk


def test_a_signed_out_page_does_not_wait_for_the_database(world, django_assert_num_queries):
    """Without a session there is no user or device to read: the sign-in page asks PostgreSQL
    nothing, not even an empty round trip."""
    from django.db import connection

    from tests.statements import round_trips

    client, answers = Client(), []
    with django_assert_num_queries(0):
        if connection.vendor == "postgresql":
            assert round_trips(lambda: answers.append(client.get(reverse("login")))) == 0
        else:
            answers.append(client.get(reverse("login")))
    assert answers[0].status_code == 200
