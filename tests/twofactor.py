"""Signing in with the second factor in tests: real devices, real codes, no switch in the code.

``VerifiedClient.force_login`` leaves a session as the sign-in screens leave it after a correct
code: a user whose role requires a second factor gets a confirmed authenticator (if they have
none) and the session names it, exactly as ``django_otp.login`` does. Tests that need a session
without the second factor use ``django.test.Client``.
"""

import time
from base64 import b32decode

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator; one is created, as enrolment leaves it, if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=twofactor.TOTP_DEVICE_NAME, confirmed=True)


def code_from_key(key: bytes, *, step: int = 30, t: int | None = None) -> str:
    """What an authenticator app shows for this key at time step ``t`` (now, by default)."""
    if t is None:
        t = int(time.time()) // step
    return str(hotp(key, t)).zfill(6)


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows now for a secret typed in from the setup page."""
    compact = secret.replace(" ", "").upper()
    return code_from_key(b32decode(compact + "=" * (-len(compact) % 8)))


def current_code(device: TOTPDevice) -> str:
    """The device's code now — or the next step's when this step's was used already (a code is
    accepted once; the device takes one step ahead). Waits if even that one was used."""
    device.refresh_from_db()
    while True:
        now = (int(time.time()) - device.t0) // device.step + device.drift
        t = max(now, device.last_t + 1)
        if t <= now + device.tolerance:
            return str(hotp(device.bin_key, t, digits=device.digits)).zfill(device.digits)
        time.sleep(1)


def verify_session(client: Client, user) -> None:
    """Mark the client's session as verified by the user's authenticator (django_otp.login's key)."""
    if not (twofactor.second_factor_required(user) or twofactor.has_second_factor(user)):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


class VerifiedClient(Client):
    """A test client whose forced logins have given the second factor too."""

    def force_login(self, user, backend=None) -> None:
        super().force_login(user, backend)
        verify_session(self, user)
