"""Every page of the web shell renders in Japanese (the default) and in English."""

import re

import pytest
from django.http import HttpRequest
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import Area, Membership, Organisation, User

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", html)
    return re.sub(r"<[^>]+>", " ", html)


def get(client, url: str, language: str):
    return client.get(url, headers={"accept-language": language})


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ja", ["ログイン", "ユーザー名", "パスワード"]), ("en", ["Log in", "Username", "Password"])],
)
def test_login_page_in_both_languages(client, db, language, expected):
    response = get(client, reverse("login"), language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "<title>" in html
    for text in expected:
        assert text in html


def test_english_pages_leave_no_japanese_untranslated(client, db):
    # Only the language's own name (日本語) stays Japanese in the language switch.
    for url, status in [(reverse("login"), 200), ("/no-such-page/", 404)]:
        response = get(client, url, "en")
        assert response.status_code == status
        text = visible_text(response.content.decode()).replace("日本語", "")
        assert not JAPANESE.search(text), (url, JAPANESE.findall(text))


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("username", "ja_label", "en_label"),
    [
        ("demo_commissioner", "民生委員・児童委員", "Welfare commissioner"),
        ("demo_plaza", "地域ケアプラザ職員", "Care plaza staff"),
        ("demo_ward", "区役所ケースワーカー", "Ward caseworker"),
        ("demo_coordinator", "中核機関コーディネーター", "Guardianship centre coordinator"),
        ("demo_agency", "関係機関職員", "Agency worker"),
        ("demo_privacy", "個人情報保護管理者", "Privacy officer"),
        ("demo_admin", "システム管理者", "System administrator"),
    ],
)
def test_home_shows_each_role_its_purpose_and_organisation(client, demo, username, ja_label, en_label):
    user = demo.users[username]
    client.force_login(user)
    membership = Membership.objects.get(user=user)
    for language, label in (("ja", ja_label), ("en", en_label)):
        response = get(client, reverse("home"), language)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert f"<h2>{label}</h2>" in html
        assert membership.organisation.name in html
    # Only the system administrator is offered the administration screens.
    assert (reverse("admin:index") in html) == (username == "demo_admin")


def test_home_for_a_user_without_membership_says_what_to_do(client, db):
    client.force_login(User.objects.create(username="newcomer"))
    response = get(client, reverse("home"), "ja")
    assert "システム管理者に所属と役割の登録を依頼してください" in response.content.decode()


def test_language_switch_persists_the_choice(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "ja", "next": reverse("login")})
    assert '<html lang="ja">' in client.get(reverse("login")).content.decode()


ADMIN_PAGES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:accounts_user_add",
    "admin:accounts_organisation_changelist",
    "admin:accounts_organisation_add",
    "admin:accounts_area_changelist",
    "admin:accounts_area_add",
    "admin:accounts_membership_changelist",
    "admin:accounts_membership_add",
]


@pytest.mark.parametrize("url_name", ADMIN_PAGES)
def test_admin_screens_render_in_japanese_and_english(client, demo, url_name):
    client.force_login(demo.users["demo_admin"])
    ja = get(client, reverse(url_name), "ja")
    en = get(client, reverse(url_name), "en")
    assert ja.status_code == en.status_code == 200
    assert "つなぐ 管理" in ja.content.decode()
    assert "Tsunagu administration" in en.content.decode()


def test_admin_detail_pages_render(client, demo):
    client.force_login(demo.users["demo_admin"])
    for obj in (
        demo.users["demo_plaza"],
        demo.plazas[0],
        demo.districts[0],
        Membership.objects.first(),
        Area.objects.get(level=Area.Level.MUNICIPALITY),
    ):
        url = reverse(f"admin:accounts_{obj._meta.model_name}_change", args=[obj.pk])
        assert get(client, url, "ja").status_code == 200, url


def test_groups_are_not_edited_by_hand(client, demo):
    # They follow memberships and carry the cases shared with each organisation (cases.access).
    client.force_login(demo.users["demo_admin"])
    assert client.get("/admin/auth/group/").status_code == 404
    assert "/admin/auth/group/" not in get(client, reverse("admin:index"), "ja").content.decode()


def test_non_administrators_are_kept_out_of_admin(client, demo):
    client.force_login(demo.users["demo_plaza"])
    response = client.get(reverse("admin:accounts_organisation_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_not_found_page_is_ours_and_translated(client, db, language):
    response = get(client, "/no-such-page/", language)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert ("ページが見つかりません" if language == "ja" else "Page not found") in html


def test_admin_creates_an_organisation_in_japanese(client, demo):
    client.force_login(demo.users["demo_admin"])
    response = client.post(
        reverse("admin:accounts_organisation_add"),
        {
            "name": "新しい地域ケアプラザ",
            "kind": Organisation.Kind.CARE_PLAZA,
            "municipality": demo.municipality.pk,
            "areas": [demo.districts[3].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.objects.get(name="新しい地域ケアプラザ").areas.get() == demo.districts[3]


def test_demo_password_is_not_valid_outside_debug_seed(client, db):
    # No user exists until seed_demo (or an administrator) creates one.
    # django-axes counts sign-ins per request: a login outside a request brings one.
    assert not client.login(
        request=HttpRequest(), username="demo_admin", password=accounts_demo.DEMO_PASSWORD
    )


def test_every_message_has_its_english_translation():
    """makemessages adds new Japanese messages to locale/en; none may stay untranslated or fuzzy."""
    import shutil
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po"
    result = subprocess.run(
        [shutil.which("msgfmt"), "--statistics", "--check-format", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert int(result.stderr.split()[0]) > 300
