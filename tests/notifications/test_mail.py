"""E-mails say what kind of thing happened and give the link — never the person's name, kana,
address, phone or anything written about them — in the recipient's language, as each recipient
chose (which kinds, at once or in one daily digest)."""

import datetime
import io
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from cases.exceptions import CaseRuleError
from cases.models import CaseState, Person
from cases.services import sharing
from cases.vocabulary import Urgency
from notifications.models import Kind, Notification
from notifications.services import notify, save_preferences, send_digests
from referrals import services as referrals
from tests.notifications.conftest import PERSON
from tests.workflow import decided, take

DETAILS = "息子さんと二人暮らし。最近姿を見かけない。"


@pytest.fixture
def addresses(world):
    """Everyone of the world has an e-mail address."""
    for user in User.objects.all():
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])
    for name in vars(world):
        if isinstance(getattr(world, name), User):
            getattr(world, name).refresh_from_db()
    return world


def sent_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def test_no_email_names_the_person_or_says_anything_about_them(
    addresses, person_concern, sent, soon, django_capture_on_commit_callbacks
):
    world = addresses
    with django_capture_on_commit_callbacks(execute=True):
        case = take(world, person_concern(urgency=Urgency.URGENT))
        sharing.open_break_glass(actor=world.ward_worker, case=case, reason="夜間に救急搬送。連絡先が必要")
        referral = sent()
        referrals.accept_referral(
            actor=world.agency_worker,
            referral=referral,
            expected_version=referral.version,
            worker=world.agency_worker,
        )
    kinds = set(Notification.objects.filter(mailed_at__isnull=False).values_list("kind", flat=True))
    assert {Kind.CONCERN_NEW, Kind.CONCERN_ACCEPTED, Kind.BREAK_GLASS_USED, Kind.REFERRAL_ACCEPTED} <= kinds
    assert len(mail.outbox) >= 6
    people = [p for p in Person.objects.select_related("data_key")]
    forbidden = [*PERSON.values(), DETAILS, case.reference, *(p.name for p in people if p.name)]
    for message in mail.outbox:
        for text in (message.subject, message.body):
            assert not [value for value in forbidden if value in text], (message.subject, message.body)
            assert "佐々木" not in text and "ささき" not in text

    (urgent,) = sent_to(world.staff)[:1]
    assert urgent.subject == "[つなぐ] 至急の気付きが届きました"
    assert f"https://tsunagu.example.jp/cases/{case.pk}/" in urgent.body
    assert "https://tsunagu.example.jp/notifications/settings/" in urgent.body


def test_each_user_chooses_which_kinds_come_by_email(addresses, concern, django_capture_on_commit_callbacks):
    world = addresses
    save_preferences(actor=world.staff, email_kinds=[Kind.REFERRAL_ACCEPTED], digest=False, language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        case = concern()
        take(world, case)
    assert not sent_to(world.staff)  # not a kind they chose…
    # …but on screen
    assert Notification.objects.filter(recipient=world.staff, kind=Kind.CONCERN_NEW).exists()
    (accepted,) = sent_to(world.commissioner)  # the default: every kind, at once
    assert accepted.subject == "[つなぐ] 報告した気付きが受け付けられました"


def test_an_email_is_in_the_recipients_language(addresses, concern, django_capture_on_commit_callbacks):
    world = addresses
    save_preferences(actor=world.staff, email_kinds=list(Kind.values), digest=False, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        concern()
    (message,) = sent_to(world.staff)
    assert message.subject == "[Tsunagu] A new concern has arrived"
    assert "This e-mail carries no personal information." in message.body


def test_nothing_is_written_or_sent_when_the_action_is_refused(
    addresses, concern, django_capture_on_commit_callbacks
):
    world = addresses
    case = take(world, concern())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CaseRuleError):
        sharing.open_break_glass(actor=world.ward_worker, case=case, reason="短い")
    assert not Notification.objects.filter(kind=Kind.BREAK_GLASS_USED).exists() and not mail.outbox


class BrokenBackend:
    def __init__(self, **kwargs):
        pass

    def __enter__(self):
        raise ConnectionRefusedError("smtp.example.jp refused staff@example.jp")

    def __exit__(self, *args):
        return False


def test_a_mail_server_that_fails_leaves_the_action_done_and_logs_no_address(
    addresses, concern, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.test_mail.BrokenBackend"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        case = concern()
    told = Notification.objects.get(recipient=addresses.staff, case_id=case.pk)
    assert told.mailed_at is None
    assert "ConnectionRefusedError" in caplog.text and "@" not in caplog.text


def test_the_daily_digest_is_one_email_per_user_with_their_own_notifications(
    addresses, concern, soon, django_capture_on_commit_callbacks
):
    world = addresses
    for user in (world.staff, world.commissioner):
        save_preferences(actor=user, email_kinds=list(Kind.values), digest=True, language="ja")
    save_preferences(  # a digest of one kind only
        actor=world.coordinator, email_kinds=[Kind.MATTER_OPENED], digest=True, language="ja"
    )
    with django_capture_on_commit_callbacks(execute=True):
        first, second = concern(), concern(identity={"name": "別人 一郎"})
        take(world, first)
        decided(world, take(world, second), CaseState.GUARDIANSHIP, soon)
        notify(  # of a kind the coordinator does not want by e-mail
            kind=Kind.BREAK_GLASS_REVIEW, recipients=[world.coordinator], link="/cases/break-glass/reviews/"
        )
    assert not mail.outbox  # nothing at once for those who chose the digest

    assert send_digests() == 3
    staff, reporter, centre = sent_to(world.staff), sent_to(world.commissioner), sent_to(world.coordinator)
    assert len(staff) == len(reporter) == len(centre) == 1
    assert staff[0].subject == "[つなぐ] 通知が2件あります"
    assert "■ 新しい気付きが届きました（2件）" in staff[0].body
    for case in (first, second):
        assert f"https://tsunagu.example.jp/cases/{case.pk}/" in staff[0].body
    assert "■ 報告した気付きが受け付けられました（2件）" in reporter[0].body
    assert f"/cases/{first.pk}/" not in reporter[0].body  # theirs only: the links to their list
    assert "新しい気付き" not in reporter[0].body
    assert "■ 権利擁護・成年後見の新しい案件が届きました（1件）" in centre[0].body
    assert "緊急アクセス" not in centre[0].body
    for message in mail.outbox:
        assert "佐々木" not in message.body and "別人" not in message.body

    # A second run the same day sends nothing; a new notification goes in the next digest.
    mail.outbox.clear()
    assert send_digests() == 0 and not mail.outbox
    notify(kind=Kind.CONCERN_NEW, recipients=[world.staff], link="/cases/inbox/")
    call_command("send_digest", stdout=io.StringIO())
    (next_one,) = mail.outbox
    assert next_one.to == [world.staff.email] and "通知が1件あります" in next_one.subject


def test_the_digest_leaves_out_what_is_newer_than_its_run(addresses):
    world = addresses
    save_preferences(actor=world.staff, email_kinds=list(Kind.values), digest=True, language="ja")
    notify(kind=Kind.CONCERN_NEW, recipients=[world.staff], link="/cases/inbox/")
    assert send_digests(now=timezone.now() - datetime.timedelta(hours=1)) == 0
    assert send_digests() == 1
