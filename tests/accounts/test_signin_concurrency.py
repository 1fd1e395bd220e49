"""Parallel failed sign-ins against one account start one lockout, recorded once."""

import threading

from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent

ATTACKERS = 10
TRIES_EACH = 2


def test_parallel_failures_record_exactly_one_lockout(committed_db):
    User.objects.create_user(username="target_account", password="the-right-password-123")
    barrier = threading.Barrier(ATTACKERS)
    errors: list[BaseException] = []

    def attacker(number: int) -> None:
        try:
            client = Client()
            barrier.wait()
            for _ in range(TRIES_EACH):
                client.post(
                    reverse("login"),
                    {"username": "target_account", "password": "wrong"},
                    REMOTE_ADDR=f"198.51.100.{number + 1}",  # no address reaches the limit
                )
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(ATTACKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert AuditEvent.objects.filter(event="auth.locked_out").count() == 1
