"""The bell and the notifications page: each user's own, newest first, 50 a page, naming the case
as the case lists do (the name only where the user's grant includes identity, now); marked read
one by one or all at once, by POST; another user's refused like one that does not exist."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import group_ids_of
from audit.models import AuditEvent
from notifications.models import Kind, Notification, Preference
from notifications.selectors import KINDS_BY_ROLE, Bell
from notifications.services import mark_read, notify
from tests.screens import browser, page
from tests.statements import assert_reads_once
from tests.workflow import take

LIST = reverse("notifications:list")


def bell_of(html: str) -> str:
    start = html.index('class="bell')
    return html[start : html.index("</a>", start)]


def test_the_bell_counts_what_is_unread_on_every_page(world, concern):
    staff = browser(world.staff)
    assert "bell-count" not in bell_of(page(staff.get(reverse("home"))))
    concern(), concern(identity={"name": "別人 一郎"})
    bell = bell_of(page(staff.get(reverse("cases:inbox"))))
    assert 'class="bell-count">2<' in bell and "件の未読" in bell
    Notification.objects.filter(recipient=world.staff).update(read_at=timezone.now())
    assert "bell-count" not in bell_of(page(staff.get(reverse("home"))))
    # Another user's notifications are not counted in mine.
    assert "bell-count" not in bell_of(page(browser(world.other_staff).get(reverse("home"))))


def test_the_bell_says_99_plus_beyond_a_hundred(world):
    notify(kind=Kind.CONCERN_NEW, recipients=[world.staff], link="/cases/inbox/")
    Notification.objects.bulk_create(
        Notification(recipient=world.staff, kind=Kind.CONCERN_NEW, link="/cases/inbox/") for _ in range(120)
    )
    assert 'class="bell-count">99+<' in bell_of(page(browser(world.staff).get(reverse("home"))))


def test_the_bell_is_read_with_the_users_ids_in_one_statement(world):
    """The count rides in accounts' read of the user's group and organisation ids: a page that
    asks whose permissions apply pays no statement for the bell; a mark read in the same request
    is seen by the bell after it."""
    notify(kind=Kind.CONCERN_NEW, recipients=[world.staff], link="/cases/inbox/")
    user = User.objects.get(pk=world.staff.pk)
    with CaptureQueriesContext(connection) as reads:
        group_ids_of(user)
        assert Bell(user).unread == 1
    assert len(reads) == 1
    mark_read(actor=user, notification=Notification.objects.get(recipient=user))
    assert Bell(user).unread == 0


def test_the_list_is_mine_newest_first_fifty_a_page(world):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=world.staff,
            kind=Kind.ACTION_ITEM_OVERDUE if n == 50 else Kind.CONCERN_NEW,
            link="/cases/tasks/",
            created_at=now - datetime.timedelta(minutes=n),
        )
        for n in range(51)
    )
    notify(kind=Kind.REFERRAL_ACCEPTED, recipients=[world.other_staff], link="/referrals/")
    staff = browser(world.staff)
    first = page(staff.get(LIST))
    assert first.count('class="notification unread') == 50
    assert "期限を過ぎた役割分担があります" not in first and "つなぎ先が引き受けました" not in first
    second = page(staff.get(LIST, {"page": 2}))
    assert second.count('class="notification unread') == 1 and "期限を過ぎた役割分担があります" in second


def test_the_case_is_named_only_where_the_grant_includes_identity_now(world, concern):
    case = take(world, concern())
    before = AuditEvent.objects.latest("sequence").sequence
    staff, reporter = page(browser(world.staff).get(LIST)), page(browser(world.commissioner).get(LIST))
    assert case.reference in staff and "佐々木 トメ" in staff  # the plaza leads it
    assert case.reference in reporter and "佐々木 トメ" not in reporter  # the reporter: its state only
    # Showing the name was recorded, as every list records it (the field names, not the values).
    (shown,) = AuditEvent.objects.filter(sequence__gt=before, person_id=str(case.person_id))
    assert shown.actor == world.staff and '"name"' in shown.fields and "佐々木" not in shown.fields
    # Once the plaza no longer holds the case, its notification says the number only.
    from cases.models import CaseAccessGrant

    CaseAccessGrant.objects.filter(case=case).update(revoked_at=timezone.now())
    again = page(browser(world.staff).get(LIST))
    assert case.reference in again and "佐々木 トメ" not in again


def test_opening_one_marks_it_read_and_goes_where_the_work_is(world, concern):
    case = concern()
    told = Notification.objects.get(recipient=world.staff)
    staff = browser(world.staff)
    assert staff.get(reverse("notifications:read", args=[told.pk])).status_code == 405  # POST only
    response = staff.post(reverse("notifications:read", args=[told.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    told.refresh_from_db()
    assert told.read_at is not None


def test_marking_one_read_stays_on_the_list_page_and_all_read_reads_the_rest(world, concern):
    for n in range(3):
        concern(identity={"name": f"別人 {n}"})
    one = Notification.objects.filter(recipient=world.staff).order_by("pk").first()
    staff = browser(world.staff)
    response = staff.post(reverse("notifications:read", args=[one.pk]), {"page": "2"})
    assert response["Location"] == f"{LIST}?page=2"
    mine = Notification.objects.filter(recipient=world.staff).order_by("pk")
    assert [n.read_at is not None for n in mine] == [True, False, False]
    html = page(staff.post(reverse("notifications:read_all"), follow=True))
    assert "2件を既読にしました。" in html
    assert not Notification.objects.filter(recipient=world.staff, read_at__isnull=True).exists()
    assert "すべて既読にする" not in html


@pytest.mark.parametrize("whose", ["another", "missing"])
def test_nobody_reads_or_marks_another_users_notification(world, concern, whose):
    concern()
    theirs = Notification.objects.get(recipient=world.staff)
    target = theirs.pk if whose == "another" else theirs.pk + 1000
    outsider = browser(world.other_staff)
    denied_before = AuditEvent.objects.filter(actor=world.other_staff).count()
    response = outsider.post(reverse("notifications:read", args=[target]), {"open": "1"})
    assert response.status_code == 403
    assert str(theirs.link) not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert AuditEvent.objects.filter(actor=world.other_staff).count() == denied_before + 1  # the refusal
    # …and "all read" reads only one's own.
    outsider.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_asks_a_bounded_number_of_questions(world, concern):
    for n in range(5):
        take(world, concern(identity={"name": f"別人 {n}"}))
    html = assert_reads_once(browser(world.staff), LIST)
    assert html.count('class="notification unread') == 5


def test_the_settings_are_saved_and_a_bad_choice_changes_nothing(world):
    client = browser(world.staff)
    url = reverse("notifications:settings")
    html = page(client.get(url))
    assert "メールアドレスが登録されていないため" in html
    assert html.count('name="email_kinds"') == len(KINDS_BY_ROLE[Role.PLAZA_STAFF])
    response = client.post(
        url, {"email_kinds": [Kind.CONCERN_NEW, Kind.REFERRAL_DECLINED], "digest": "1", "language": "en"}
    )
    assert response.status_code == 302
    saved = Preference.objects.get(user=world.staff)
    assert (saved.email_kinds, saved.digest, saved.language) == (
        [Kind.CONCERN_NEW, Kind.REFERRAL_DECLINED],
        True,
        "en",
    )
    typed = {"email_kinds": [Kind.CONCERN_NEW, "everything"], "digest": "0", "language": "ja"}
    html = page(client.post(url, typed))
    assert 'role="alert"' in html and "は候補にありません" in html
    assert 'value="concern_new"' in html and "checked" in html  # what was typed is kept
    saved.refresh_from_db()
    assert saved.digest is True and saved.language == "en"


def test_the_pages_read_in_english(world, concern):
    concern()
    client = browser(world.staff)
    client.cookies["django_language"] = "en"
    html = page(client.get(LIST))
    assert "A new concern has arrived" in html and "Mark all as read" in html


def test_the_settings_ask_about_the_kinds_of_my_roles_and_keep_the_others(world):
    """A commissioner is asked about what reaches a commissioner, not about sign-in lockouts; a
    kind they were sent all the same is asked about too."""
    commissioner = browser(world.commissioner)
    html = page(commissioner.get(reverse("notifications:settings")))
    assert "報告した気付きの受付" in html and "サインインのロック" not in html and "新しい気付き" not in html
    notify(kind=Kind.CONCERN_NEW, recipients=[world.commissioner], link="/cases/inbox/")
    assert "新しい気付き" in page(commissioner.get(reverse("notifications:settings")))
    commissioner.post(
        reverse("notifications:settings"),
        {"email_kinds": [Kind.WATCH_VISIT_DUE], "digest": "0", "language": "ja"},
    )
    saved = Preference.objects.get(user=world.commissioner).email_kinds
    assert saved == [Kind.WATCH_VISIT_DUE]
    # A kind the page does not offer cannot be posted.
    response = commissioner.post(
        reverse("notifications:settings"),
        {"email_kinds": [Kind.BREAK_GLASS_REVIEW], "digest": "0", "language": "ja"},
    )
    assert (
        response.status_code == 200
        and Kind.WATCH_VISIT_DUE in Preference.objects.get(user=world.commissioner).email_kinds
    )
