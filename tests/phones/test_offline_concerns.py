"""A concern written on a phone offline and sent later (docs/offline.md): its one-time key makes a
retry answer the first concern, never a second; the phone's time is kept as written, the server's
orders; a clock far ahead is refused."""

import datetime
import json

from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, Concern
from cases.services import intake
from cases.vocabulary import ObservedSignal, ReporterKind
from tests.api.test_tokens_and_concerns import URL, concern_body, issue, post
from tests.screens import browser
from tests.workflow import race


def sent(client, body: dict):
    return client.post(URL, json.dumps(body), content_type="application/json", HTTP_ACCEPT="application/json")


def test_the_same_key_twice_is_one_concern_and_the_first_answer_again(world):
    phone = browser(world.commissioner)
    written = timezone.now() - datetime.timedelta(hours=3)
    body = concern_body(world, key="a" * 32, written_at=written.isoformat())
    first = sent(phone, body)
    again = sent(phone, body)
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["id"] == first.json()["id"] and Case.objects.count() == 1
    concern = Concern.objects.get()
    assert concern.written_at == written and concern.created_at > written  # both kept
    event = AuditEvent.objects.get(event="case.reported")
    assert json.loads(event.params)["offline"] is True and "a" * 32 not in event.params


def test_without_a_key_each_sending_is_a_concern(world):
    phone = browser(world.commissioner)
    assert sent(phone, concern_body(world)).status_code == 201
    assert sent(phone, concern_body(world)).status_code == 201
    assert Case.objects.count() == 2


def test_another_reporters_key_is_refused_and_recorded(world):
    body = concern_body(world, key="b" * 32)
    assert sent(browser(world.commissioner), body).status_code == 201
    _token, key = issue(world, world.commissioner, name="もう一つの窓口")
    staff = browser(world.staff)
    refused = sent(staff, body)
    assert refused.status_code == 403 and Case.objects.count() == 1
    assert AuditEvent.objects.filter(event="case.denied", params__contains="report_concern").exists()
    assert post(key, body).status_code == 200  # the same user's token: the first answer


def test_a_phone_clock_far_ahead_is_refused_and_nothing_is_written(world):
    body = concern_body(
        world, key="c" * 32, written_at=(timezone.now() + datetime.timedelta(hours=2)).isoformat()
    )
    refused = sent(browser(world.commissioner), body)
    assert refused.status_code == 422 and "端末の時計が進んでいます" in json.dumps(
        refused.json(), ensure_ascii=False
    )
    assert not Case.objects.exists()


def test_the_same_key_sent_twice_at_once_is_one_concern(committed_db, world):
    """Two sendings of one record in flight together (the worker and a page): both answer the
    one case, and only the one that opened it says so."""
    fields = {
        "actor": world.commissioner,
        "area": world.district,
        "reporter_kind": ReporterKind.COMMISSIONER,
        "signals": [ObservedSignal.MAIL_PILING_UP],
        "categories": [],
        "key": "d" * 32,
        "written_at": timezone.now(),
    }
    outcomes = race(
        first=lambda: intake.report_concern_once(**fields),
        second=lambda: intake.report_concern_once(**fields),
    )
    (first, first_new), (second, second_new) = outcomes["first"], outcomes["second"]
    assert first.pk == second.pk and sorted([first_new, second_new]) == [False, True], outcomes
    assert Case.objects.count() == 1 and Concern.objects.count() == 1
