"""Where rotate_keys reads and writes the keyring: a small interface, so that a municipal KMS or
HashiCorp Vault can be added later as one more class with ``load()`` and ``save()``.

- ``FileStore``: the file named by TSUNAGU_KEYRING, rewritten atomically with mode 0600. It refuses
  to write as any user other than the file's owner (and TSUNAGU_SERVICE_USER when that is set), so
  that a rotation run as root never leaves a keyring the service cannot read.
- ``EnvironmentStore``: the keyring held in TSUNAGU_KEYRING_JSON. A process cannot change its
  servers' environment, so the new keyring is written to an output the operator names (a new file
  created with mode 0600, or ``fd:N``, an open file descriptor) to put into that variable; never to
  the logs, standard output or the command line.

Messages name files, users and key ids, never key material.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path
from typing import Protocol

from django.conf import settings

from privacy.exceptions import KeyringError
from privacy.keyring import Keyring, parse_keyring, read_keyring_file, reload_keyring, write_keyring_file


class SecretStore(Protocol):
    #: True when servers pick up a saved keyring only after the operator deploys it.
    needs_deploy: bool

    def load(self) -> Keyring: ...

    def save(self, keyring: Keyring) -> Keyring: ...


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


class FileStore:
    needs_deploy = False

    def __init__(self, path: Path, service_user: str = "") -> None:
        self.path = path
        self.service_user = service_user

    def load(self) -> Keyring:
        return read_keyring_file(self.path)

    def check_writer(self) -> None:
        me = os.geteuid()
        if self.service_user and _user_name(me) != self.service_user:
            raise KeyringError(
                f"The keyring {self.path} belongs to the service user {self.service_user!r}; this runs as "
                f"{_user_name(me)!r}. Run the command as that user: sudo -u {self.service_user} …"
            )
        try:
            owner = self.path.stat().st_uid
        except FileNotFoundError:
            return
        if owner != me:
            raise KeyringError(
                f"The keyring {self.path} is owned by {_user_name(owner)!r}; "
                f"this runs as {_user_name(me)!r}. "
                f"Run the command as the file's owner: sudo -u {_user_name(owner)} …"
            )

    def save(self, keyring: Keyring) -> Keyring:
        self.check_writer()
        write_keyring_file(self.path, keyring)
        return reload_keyring()


class EnvironmentStore:
    needs_deploy = True

    def __init__(self, output: str) -> None:
        self.output = output

    def load(self) -> Keyring:
        return parse_keyring(settings.TSUNAGU_KEYRING_JSON, "TSUNAGU_KEYRING_JSON")

    def check_output(self) -> None:
        if not self.output:
            raise KeyringError(
                "The keyring is held in TSUNAGU_KEYRING_JSON: name where to write the new keyring with "
                "--keyring-out PATH (a new file, created private) or --keyring-out fd:N."
            )
        if not self.output.startswith("fd:") and Path(self.output).exists():
            raise KeyringError(f"{self.output} exists already; name a new file for the new keyring.")

    def save(self, keyring: Keyring) -> Keyring:
        self.check_output()
        text = keyring.to_json() + "\n"
        if self.output.startswith("fd:"):
            os.write(int(self.output[3:]), text.encode())
        else:
            descriptor = os.open(self.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
        # This process goes on with the new keyring; the servers get it when the operator deploys it.
        settings.TSUNAGU_KEYRING_JSON = keyring.to_json()
        return reload_keyring()


def configured_store(*, keyring_out: str = "") -> SecretStore:
    if settings.TSUNAGU_KEYRING_JSON:
        return EnvironmentStore(keyring_out)
    if not settings.TSUNAGU_KEYRING:
        raise KeyringError("No keyring configured: set TSUNAGU_KEYRING (a file) or TSUNAGU_KEYRING_JSON.")
    return FileStore(Path(settings.TSUNAGU_KEYRING), getattr(settings, "TSUNAGU_SERVICE_USER", ""))
