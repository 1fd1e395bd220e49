"""Every page carries the response headers of docs/security.md "Response headers".

The pages are not listed by hand: every URL pattern of the project (the admin's included) is
walked from the URLconf, its ids filled from the demo data, and requested with GET by a user of
each role, by the demo guardian and by an anonymous visitor. Whatever the answer (200, 302, 403,
404, 405), it carries the Content-Security-Policy, ``no-store``, Permissions-Policy and
Referrer-Policy. A new page is covered the day it is added to a urls.py.
"""

import re
import uuid
from collections import Counter

from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import URLPattern, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from cases.models import (
    ActionItem,
    Case,
)
from tests.security.conftest import model_of, url_patterns
from tests.twofactor import VerifiedClient

# A converter's placeholder in a route (<uuid:case_id>) or a named group in a regex ((?P<url>.*)).
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def demo_object(model: type[models.Model], case: Case) -> models.Model | None:
    """The demo's object of ``model``, of the richest case where the model belongs to a case."""
    if any(field.name == "case" for field in model._meta.fields):
        found = model.objects.filter(case=case).first()
        if found:
            return found
    if model is ActionItem:
        return ActionItem.objects.filter(meeting__case=case).first() or ActionItem.objects.first()
    return model.objects.first()


def pk(found: models.Model | None, converter: str | None) -> str:
    """The object's pk; with none of that kind in the demo, an id that does not exist (answered 404)."""
    if found is not None:
        return str(found.pk)
    return str(uuid.uuid4()) if converter == "uuid" else "2147483647"


def fill(namespace: str, route: str, pattern: URLPattern, case: Case) -> str:
    """The route with every placeholder replaced by an id of the demo data."""

    def value(match: re.Match) -> str:
        name = match["name"] or match["group"]
        if name == "person_id":
            return str(case.person_id)
        model = model_of(namespace, name)
        if model is not None:
            return pk(demo_object(model, case), match["converter"])
        if name in ("object_id", "id"):  # the admin's: an object of that ModelAdmin's model
            model_admin = getattr(pattern.callback, "model_admin", None)
            model = model_admin.model if model_admin else User  # "view on site" (below): a user
            return pk(model._default_manager.first(), match["converter"])
        if name == "content_type_id":  # the admin's "view on site"
            return str(ContentType.objects.get_for_model(User).pk)
        if name == "uidb64":  # a password reset link, the demo administrator's
            return urlsafe_base64_encode(force_bytes(User.objects.get(username="demo_admin").pk))
        if name == "token":
            return default_token_generator.make_token(User.objects.get(username="demo_admin"))
        if name == "app_label":
            return "accounts"
        if name == "url":  # the admin's catch-all
            return "no-such-page/"
        raise AssertionError(f"{route}: say in ID_MODELS which demo object fills <{name}>")

    path = PLACEHOLDER.sub(value, route).replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


def refusals(response) -> list[str]:
    """What is missing from a response's headers, or allows what the policy must not."""
    problems = []
    policy = {}
    for directive in response.headers.get("Content-Security-Policy", "").split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    for directive in ("script-src", "style-src"):
        if directive not in policy or {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(policy[directive]):
            problems.append(f"{directive} {policy.get(directive)}")
    for directive, sources in (
        ("default-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", ["'none'"]),
    ):
        if policy.get(directive) != sources:
            problems.append(f"{directive} {policy.get(directive)}")
    if "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control {response.headers.get('Cache-Control')!r}")
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        if f"{feature}=()" not in permissions:
            problems.append(f"Permissions-Policy lets {feature}")
    if response.headers.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')!r}")
    return problems


def test_every_page_for_every_role_carries_the_security_headers(demo_data):
    case = ActionItem.objects.select_related("meeting__case").first().meeting.case  # the richest
    urls = []
    for namespace, route, pattern in url_patterns(get_resolver()):
        url = fill(namespace, route, pattern, case)
        assert resolve(url).func == pattern.callback, f"{route} filled as {url} reaches another view"
        urls.append(url)
    assert len(urls) > 80  # the project's pages and the admin's

    users = [*demo_data.demo.users.values(), User.objects.get(username="demo_guardian"), None]
    problems, statuses = [], Counter()
    for user in users:
        client = VerifiedClient()  # past the second factor, to the pages themselves
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            statuses[response.status_code] += 1
            problems += [f"{user} GET {url} ({response.status_code}): {p}" for p in refusals(response)]
    assert not problems, "\n".join(problems[:40])
    # The walk reached pages, not only the login page: shown, redirected, refused and not found.
    assert {200, 302, 403, 404, 405} <= set(statuses), statuses
    assert statuses[200] > 50, statuses


def test_static_files_keep_their_caching(client, db):
    """WhiteNoise answers static files above the no-store middleware: they hold no personal data."""
    response = client.get("/static/css/tsunagu.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]


def test_a_staff_user_without_the_second_factor_reaches_no_page_but_its_setup(demo_data):
    """Every URL of the project and the admin, as a plaza worker and as the administrator who have
    signed in with the password only: each answer is the way to the second-factor setup, an open
    screen (the setup itself, signing out, the language switch), or a refusal of the method —
    never a page. Computed from the URLconf, so a new page is covered."""
    from accounts.middleware import OPEN_VIEWS

    case = ActionItem.objects.select_related("meeting__case").first().meeting.case
    reached = []
    for username in ("demo_plaza", "demo_admin"):
        client = Client()  # the password step only: no second factor given
        client.force_login(User.objects.get(username=username))
        for namespace, route, pattern in url_patterns(get_resolver()):
            url = fill(namespace, route, pattern, case)
            response = client.get(url)
            view = resolve(url).view_name
            if view in OPEN_VIEWS or response.status_code == 405:
                continue
            to_setup = response.status_code == 302 and response.url.startswith(
                reverse("accounts:two_factor_setup")
            )
            # The API tells a program the same in its own words (docs/api.md).
            told = response.status_code == 403 and response.get("Content-Type") == "application/problem+json"
            if not (to_setup or (told and response.json()["code"] == "second_factor_required")):
                reached.append(f"{username} {url} {response.status_code}")
    assert not reached, "\n".join(reached[:40])
