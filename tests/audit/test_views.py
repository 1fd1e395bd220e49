"""The privacy officer's screens: events, not case content; and nobody else's."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditCheckpoint, AuditEvent
from tests.twofactor import VerifiedClient


@pytest.fixture
def officer(client, demo):
    client.force_login(demo.users["demo_privacy"])
    return demo.users["demo_privacy"]


@pytest.fixture
def looked_at(demo, make_person):
    """A person registered, then found by plaza staff (in a browser of their own) in a list with another."""
    hanako = make_person(name="山田 花子", kana="やまだ はなこ")
    make_person(name="山田 花子", kana="やまだ はなこ")
    staff = VerifiedClient()
    staff.force_login(demo.users["demo_plaza"])
    staff.post(reverse("cases:person_search"), {"q": "やまだはなこ"})
    return hanako


def test_access_report_lists_every_event_about_the_person_without_their_data(client, officer, looked_at):
    response = client.get(reverse("audit:access_report", args=[looked_at.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "山田" not in html and "やまだ" not in html
    assert "本人を登録しました" in html
    assert "検索結果で 2 人の本人情報を閲覧しました" in html  # the list view names this person too
    assert "氏名" in html and "ふりがな" in html  # field names, as labels
    assert str(looked_at.registered_by) in html or "地域ケアプラザ" in html
    # Producing the report is itself recorded.
    last = AuditEvent.objects.order_by("-sequence").first()
    assert (last.event, last.person_id, last.actor) == ("audit.access_report", str(looked_at.pk), officer)


def test_event_search_filters(client, officer, looked_at, demo):
    url = reverse("audit:event_search")
    everything = client.get(url)
    assert everything.status_code == 200
    by_person = client.get(url, {"person": looked_at.pk}).context["page"].paginator.count
    assert by_person == 2  # registered, listed
    by_actor = client.get(url, {"actor": "demo_plaza"}).context["page"]
    assert {row.event for row in by_actor} == {"auth.login", "person.listed"}
    by_action = client.get(url, {"action": "create"}).context["page"]
    # The demo's areas, organisations and users were created too (seed_demo, audited with no actor).
    assert {row.event for row in by_action} == {
        "person.registered",
        "area.created",
        "organisation.created",
        "user.created",
    }
    by_organisation = client.get(url, {"organisation": demo.plazas[0].pk}).context["page"]
    assert {row.event for row in by_organisation} == {"person.registered", "auth.login", "person.listed"}
    today = datetime.date.today()
    assert client.get(url, {"since": today + datetime.timedelta(days=1)}).context["page"].paginator.count == 0
    assert client.get(url, {"until": today - datetime.timedelta(days=1)}).context["page"].paginator.count == 0
    bad = client.get(url, {"since": today, "until": today - datetime.timedelta(days=2)})
    assert "期間の開始日が終了日より後になっています" in bad.content.decode()


def test_person_lookup_for_a_disclosure_request_shows_ids_only(client, officer, looked_at):
    response = client.post(reverse("cases:person_lookup_for_report"), {"q": "ヤマダ ハナコ"})
    html = response.content.decode()
    assert str(looked_at.pk) in html
    assert "山田" not in html.replace("ヤマダ ハナコ", "")
    assert AuditEvent.objects.order_by("-sequence").first().event == "person.searched_for_report"


def test_chain_status_verifies_and_signs(client, officer, looked_at):
    response = client.get(reverse("audit:chain_status"))
    assert response.status_code == 200
    response = client.post(reverse("audit:verify_now"))
    assert "改ざんは検出されませんでした" in response.content.decode()
    client.post(reverse("audit:sign_checkpoint"))
    assert AuditCheckpoint.objects.count() == 1
    assert "署名" in client.get(reverse("audit:chain_status")).content.decode()


@pytest.mark.parametrize(
    "username", ["demo_commissioner", "demo_plaza", "demo_ward", "demo_agency", "demo_admin"]
)
def test_only_privacy_officers_reach_the_trail(client, demo, username, looked_at):
    client.force_login(demo.users[username])
    for url in (
        reverse("audit:event_search"),
        reverse("audit:access_report", args=[looked_at.pk]),
        reverse("audit:chain_status"),
        reverse("cases:person_lookup_for_report"),
    ):
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 403, (username, url)
        assert AuditEvent.objects.order_by("-sequence").first().event == "access.denied"
        assert AuditEvent.objects.count() == before + 1


def test_privacy_officers_cannot_search_case_content(client, officer, looked_at):
    assert client.post(reverse("cases:person_search"), {"q": "やまだはなこ"}).status_code == 403


@pytest.mark.parametrize("language", ["ja", "en"])
def test_audit_screens_render_in_both_languages(client, officer, looked_at, language):
    for url in (
        reverse("audit:event_search"),
        reverse("audit:access_report", args=[looked_at.pk]),
        reverse("audit:chain_status"),
        reverse("cases:person_lookup_for_report"),
    ):
        response = client.get(url, headers={"accept-language": language})
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
