"""The API shows what the pages show, user by user (issue 21): computed over the demo data, not
listed by hand — every demo user, every case, the case page and the API side by side."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from cases.actions import CASE_ACTIONS, MEETING_ACTIONS
from cases.models import Case, Person, SupportMeeting
from cases.selectors.lists import ListTab
from guardianship.actions import MATTER_ACTIONS
from guardianship.models import GuardianshipMatter
from referrals.actions import ACTIONS as REFERRAL_ACTIONS
from referrals.models import Referral
from referrals.selectors import ReferralTab
from tests.screens import browser


def person_labels_on_page(html: str) -> set[str]:
    """The labels of the person's fields the case page shows (its 本人 card)."""
    card = re.search(r"<h2>本人</h2>\s*<dl class=\"facts\">(.*?)</dl>", html, re.S)
    return set(re.findall(r"<dt>(.*?)</dt>", card.group(1))) if card else set()


@pytest.mark.django_db
@override_settings(DEBUG=True)  # seed_demo's guard
def test_every_demo_user_reaches_the_same_cases_and_fields_through_the_api():
    call_command("seed_demo")
    cases = list(Case.objects.order_by("created_at"))
    seen_somewhere = forms_offered = identities_compared = buttons = 0
    for user in User.objects.filter(username__startswith="demo").order_by("username"):
        client = browser(user)
        for case in cases:
            page = client.get(reverse("cases:case_detail", args=[case.pk]))
            answer = client.get(reverse("api:case", args=[case.pk]))
            assert (user.username, case.reference, answer.status_code) == (
                user.username,
                case.reference,
                page.status_code,
            )
            # The person's page to change them, and the API's: the same answer, the same fields.
            identity_page = client.get(reverse("cases:person_identity", args=[case.pk]))
            identity_api = client.get(reverse("api:person", args=[case.pk]))
            assert identity_api.status_code == identity_page.status_code, (user.username, case.reference)
            if identity_page.status_code == 200:
                on_page = set(
                    re.findall(r'name="(name|kana|birth_date|address|phone)"', identity_page.content.decode())
                )
                assert set(identity_api.json()["fields"]) == on_page, (user.username, case.reference)
                identities_compared += 1
            # Each action's form: offered through the API exactly where the page offers it.
            for action in CASE_ACTIONS:
                form_page = client.get(reverse(f"cases:case_{action}", args=[case.pk]))
                form_api = client.get(reverse(f"api:case_{action}", args=[case.pk]))
                assert form_api.status_code == form_page.status_code, (user.username, case.reference, action)
            if page.status_code != 200:
                continue
            seen_somewhere += 1
            shown = answer.json()
            html = page.content.decode()
            offered = {
                a for a in CASE_ACTIONS if f'href="{reverse(f"cases:case_{a}", args=[case.pk])}"' in html
            }
            assert set(shown["actions"]) & set(CASE_ACTIONS) == offered, (user.username, case.reference)
            forms_offered += len(offered)
            labels = {str(Person._meta.get_field(name).verbose_name) for name in shown["person"]}
            assert labels == person_labels_on_page(page.content.decode()), (user.username, case.reference)
            assert shown["reference"] == case.reference
            # The lists' buttons: each grant the lead may end, each consent still to withdraw.
            endable = {str(g["id"]) for g in shown["grants"] if g["endable"]}
            assert endable == set(re.findall(r'name="grant" value="(\d+)"', html)), (
                user.username,
                case.reference,
            )
            live = {c["id"] for c in shown["consents"] if not c["withdrawn"]}
            assert live == set(re.findall(r'name="consent" value="([0-9a-f-]{36})"', html))
            buttons += len(endable) + len(live)
    assert seen_somewhere >= len(cases)  # the lead of every case at least
    assert forms_offered > 0 and identities_compared > 0 and buttons > 0  # the comparisons bit


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_inbox_lists_the_same_cases_through_the_api():
    call_command("seed_demo")
    for username in ("demo_plaza", "demo_ward"):
        client = browser(User.objects.get(username=username))
        for tab, _label in ListTab.CHOICES:
            html = client.get(reverse("cases:inbox"), {"tab": tab}).content.decode()
            on_page = set(re.findall(r'href="/cases/([0-9a-f-]{36})/"', html))
            answer = client.get(reverse("api:cases"), {"tab": tab}).json()
            through_api = {row["id"] for row in answer["results"]}
            assert through_api == on_page, (username, tab)
            assert answer["count"] == len(on_page)


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_person_search_finds_the_same_people_and_cases_through_the_api():
    call_command("seed_demo")
    names = sorted({person.name for person in Person.objects.all() if not person.is_erased and person.name})
    compared = 0
    for user in User.objects.filter(username__startswith="demo").order_by("username"):
        client = browser(user)
        for name in names:
            page = client.post(reverse("cases:person_search"), {"q": name})
            answer = client.post(reverse("api:person_search"), {"q": name}, content_type="application/json")
            assert answer.status_code == page.status_code, (user.username, answer.status_code)
            if page.status_code != 200:
                continue
            html, found = page.content.decode(), answer.json()
            cases_on_page = set(
                re.findall(r'href="/cases/([0-9a-f-]{36})/"', html.split("search-results")[-1])
            )
            assert {case["id"] for person in found["results"] for case in person["cases"]} == cases_on_page
            assert html.count('class="card person-found"') == len(found["results"])
            compared += bool(found["results"])
    assert compared > 0  # someone found someone: the comparison bit


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_every_demo_user_reaches_the_same_referrals_and_actions_through_the_api():
    call_command("seed_demo")
    compared = offered = shared = 0
    for user in User.objects.filter(username__startswith="demo").order_by("username"):
        client = browser(user)
        for referral in Referral.objects.order_by("created_at"):
            page = client.get(reverse("referrals:detail", args=[referral.pk]))
            answer = client.get(reverse("api:referral", args=[referral.pk]))
            assert answer.status_code == page.status_code, (user.username, referral.pk)
            if page.status_code != 200:
                continue
            html = page.content.decode()
            on_page = {a for a in REFERRAL_ACTIONS if reverse(f"referrals:{a}", args=[referral.pk]) in html}
            shown = answer.json()
            assert set(shown["actions"]) == on_page, (user.username, referral.pk)
            for action in REFERRAL_ACTIONS:  # each form described exactly where the page offers it
                form = client.get(reverse(f"api:referral_{action}", args=[referral.pk]))
                assert form.status_code == (200 if action in on_page else 403), (referral.pk, action)
            # What the agency reads of the person: the labels the page shows, no more.
            labels = {str(Person._meta.get_field(name).verbose_name) for name in shown["person"]}
            assert all(f"<dt>{label}</dt>" in html for label in labels), (user.username, referral.pk)
            compared, offered, shared = compared + 1, offered + len(on_page), shared + len(labels)
    assert compared and offered and shared  # the comparisons bit


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_every_demo_user_reaches_the_same_guardianship_matters_through_the_api():
    call_command("seed_demo")
    compared = shared = offered = 0
    for user in User.objects.filter(username__startswith="demo").order_by("username"):
        client = browser(user)
        for matter in GuardianshipMatter.objects.order_by("opened_at"):
            page = client.get(reverse("guardianship:matter", args=[matter.pk]))
            answer = client.get(reverse("api:matter", args=[matter.pk]))
            assert answer.status_code == page.status_code, (user.username, matter.pk)
            if page.status_code != 200:
                continue
            labels = {str(Person._meta.get_field(name).verbose_name) for name in answer.json()["person"]}
            html = page.content.decode()
            assert all(f"<dt>{label}</dt>" in html for label in labels), (user.username, matter.pk)
            # The steps and forms the page offers, and each form described exactly where it does.
            on_page = {
                a for a in MATTER_ACTIONS if reverse(f"guardianship:matter_{a}", args=[matter.pk]) in html
            }
            assert set(answer.json()["actions"]) == on_page, (user.username, matter.pk)
            for action in MATTER_ACTIONS:
                form = client.get(reverse(f"api:matter_{action}", args=[matter.pk]))
                assert form.status_code == (200 if action in on_page else 403), (matter.pk, action)
            compared, shared, offered = compared + 1, shared + len(labels), offered + len(on_page)
    assert compared and shared and offered  # the comparisons bit


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_every_demo_user_reaches_the_same_meetings_and_forms_through_the_api():
    call_command("seed_demo")
    compared = with_content = offered = 0
    for user in User.objects.filter(username__startswith="demo").order_by("username"):
        client = browser(user)
        for meeting in SupportMeeting.objects.order_by("created_at"):
            page = client.get(reverse("cases:meeting_detail", args=[meeting.pk]))
            answer = client.get(reverse("api:meeting", args=[meeting.pk]))
            assert answer.status_code == page.status_code, (user.username, meeting.pk)
            for action in MEETING_ACTIONS:  # a form described exactly where the page offers it
                form = client.get(reverse(f"api:meeting_{action}", args=[meeting.pk]))
                assert form.status_code == (
                    200 if page.status_code == 200 and action in answer.json()["actions"] else 403
                )
            if page.status_code != 200:
                continue
            html, shown = page.content.decode(), answer.json()
            assert (shown["content"] is not None) == ('id="attendees"' in html), (user.username, meeting.pk)
            # Each button of the page by its name; a guest's paper undertaking only while one awaits it.
            on_page = {a for a in MEETING_ACTIONS if f'name="{a}"' in html}
            assert on_page - {"guest_acknowledged"} == set(shown["actions"]) - {"guest_acknowledged"}
            assert on_page <= set(shown["actions"]), (user.username, meeting.pk)
            compared, with_content = compared + 1, with_content + (shown["content"] is not None)
            offered += len(on_page)
    assert compared and with_content and offered  # the comparisons bit


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_referral_inbox_and_the_centres_matters_list_the_same_through_the_api():
    call_command("seed_demo")
    listed = matters_listed = 0
    for user in User.objects.filter(username__startswith="demo").order_by("username"):
        client = browser(user)
        for tab, _label in ReferralTab.CHOICES:
            page = client.get(reverse("referrals:inbox"), {"tab": tab})
            answer = client.get(reverse("api:referrals"), {"tab": tab})
            assert answer.status_code == page.status_code, (user.username, tab)
            if page.status_code != 200:
                continue
            on_page = set(re.findall(r'href="/referrals/([0-9a-f-]{36})/"', page.content.decode()))
            shown = answer.json()
            through_api = {row["id"] for part in ("received", "sent") for row in shown[part]["results"]}
            assert through_api == on_page, (user.username, tab)
            listed += len(on_page)
        home = client.get(reverse("guardianship:home"))
        matters = client.get(reverse("api:matters"))
        assert matters.status_code == home.status_code, user.username
        if home.status_code == 200:
            on_page = set(re.findall(r'href="/guardianship/matters/([0-9a-f-]{36})/"', home.content.decode()))
            assert {row["id"] for row in matters.json()} == on_page
            matters_listed += len(on_page)
    assert listed and matters_listed  # the comparisons bit
