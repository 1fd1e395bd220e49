"""Scheduled jobs take a named lock: two runs at once (two hosts, two timers) do the work once."""

import threading
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.joblock import advisory_key, job_lock

# Each scheduled command and the function that does its work (replaced by a counting stand-in).
JOBS = {
    "send_reminders": "cases.management.commands.send_reminders.remind",
    "send_digest": "notifications.management.commands.send_digest.send_digests",
    "audit_checkpoint": "audit.management.commands.audit_checkpoint.sign_checkpoint",
    "apply_retention": "cases.management.commands.apply_retention.people_due_for_erasure",
    "audit_verify": "audit.management.commands.audit_verify.verify_chain",
}


def _result(name):
    if name == "send_reminders":
        return []
    if name == "send_digest":
        return 0
    if name == "audit_checkpoint":
        return None
    if name == "apply_retention":
        return mock.MagicMock(only=lambda *a: [])
    return mock.MagicMock(ok=True, events=0, head=0, checkpoints=0)


@pytest.mark.parametrize("name", sorted(JOBS))
def test_two_runs_at_once_do_the_work_once(name, committed_db):
    started, finish, calls = threading.Event(), threading.Event(), []

    def work(*args, **kwargs):
        calls.append(threading.current_thread().name)
        started.set()
        assert finish.wait(10)
        return _result(name)

    first_out = StringIO()

    def first_run():
        try:
            call_command(name, stdout=first_out, stderr=first_out)
        finally:
            connection.close()

    with mock.patch(JOBS[name], side_effect=work):
        first = threading.Thread(target=first_run, name="first")
        first.start()
        assert started.wait(10)
        second_out = StringIO()
        call_command(name, stdout=second_out, stderr=second_out)  # while the first still runs
        finish.set()
        first.join(10)
        assert calls == ["first"]
        assert second_out.getvalue().strip() == f"{name}: already running elsewhere; nothing done."
        assert first_out.getvalue().strip().splitlines()[-1].startswith(f"{name}: ")
        # The first run released the lock: the next run does the work again.
        finish.set()
        call_command(name, stdout=StringIO(), stderr=StringIO())
        assert len(calls) == 2


@pytest.mark.django_db
def test_a_failing_job_exits_non_zero_with_one_line_and_releases_the_lock():
    with mock.patch(JOBS["send_digest"], side_effect=RuntimeError("山田 花子")):
        with pytest.raises(CommandError) as raised:
            call_command("send_digest", stdout=StringIO())
    assert str(raised.value) == "send_digest: failed (RuntimeError)."
    assert "山田" not in str(raised.value)
    with job_lock("send_digest") as acquired:
        assert acquired


def test_locks_are_per_job_and_not_reentrant_across_runs(committed_db):
    with job_lock("send_digest") as first:
        assert first
        with job_lock("send_reminders") as other:
            assert other
        holder = {}

        def elsewhere():
            try:
                with job_lock("send_digest") as acquired:
                    holder["acquired"] = acquired
            finally:
                connection.close()

        if connection.vendor == "postgresql":  # a second session: advisory locks are per session
            thread = threading.Thread(target=elsewhere)
            thread.start()
            thread.join(10)
        else:
            with job_lock("send_digest") as again:
                holder["acquired"] = again
        assert holder == {"acquired": False}


def test_advisory_keys_are_stable_and_distinct():
    assert advisory_key("send_digest") == advisory_key("send_digest")
    assert len({advisory_key(name) for name in JOBS}) == len(JOBS)
    assert -(2**63) <= advisory_key("audit_verify") < 2**63
