"""The API's first door: tokens a sysadmin issues (stored hashed, audited, refused once revoked or
expired) and the concern a system logs through them, as the concern form does (docs/api.md)."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from api.models import ApiToken, Scope
from api.services import TokenError, issue_token, revoke_token
from audit.models import AuditEvent
from cases.models import Case, CaseState
from cases.vocabulary import ConcernCategory, ObservedSignal
from tests.screens import browser
from tests.workflow import take as take_case

URL = "/api/v1/concerns/"


def issue(world, user, organisation=None, *, actor=None, scopes=(Scope.CONCERNS_CREATE,), days=1, **given):
    """A token as ``actor`` (the sysadmin) issues it for ``user`` of ``organisation`` (their only
    one): (token, key)."""
    return issue_token(
        actor=actor or world.admin,
        user=user,
        organisation=organisation or user.memberships.get().organisation,
        name=given.pop("name", "x"),
        scopes=list(scopes),
        expires_at=given.pop("expires_at", timezone.now() + datetime.timedelta(days=days)),
    )


@pytest.fixture
def issued(world):
    """A token for the demo commissioner's council, as a sysadmin issues it: (token, key)."""
    return issue(world, world.commissioner, name="区の相談記録システム", days=30)


def concern_body(world, **overrides) -> dict:
    return {
        "area": world.district.pk,
        "signals": [ObservedSignal.MAIL_PILING_UP],
        "categories": [ConcernCategory.EIGHTY_FIFTY],
        "details": "郵便物がたまっている。",
        "name": "架空 花子",
        **overrides,
    }


def post(key: str | None, body: dict, language: str = "ja"):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return Client().post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_system_logs_a_concern_with_its_token(world, issued):
    token, key = issued
    answer = post(key, concern_body(world))
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(pk=answer.json()["id"])
    assert case.state == CaseState.NOTICED and answer.json()["reference"] == case.reference
    # The token's use and the concern are in the trail, as the token's user, without the key.
    used = AuditEvent.objects.get(event="api_token.used")
    assert used.actor_id == world.commissioner.pk and used.target_id == str(token.pk)
    assert AuditEvent.objects.filter(
        event="case.reported", case_id=case.pk, actor=world.commissioner
    ).exists()
    secret = key.split("_", 2)[2]
    assert not AuditEvent.objects.filter(params__contains=secret).exists()


def test_the_key_is_stored_only_as_its_hash(world, issued):
    token, key = issued
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert key.split("_", 2)[2] not in stored and key not in stored
    assert token.prefix in key and len(token.key_hash) == 64
    issued_event = AuditEvent.objects.get(event="api_token.issued")
    assert issued_event.actor_id == world.admin.pk and key not in issued_event.params


@pytest.mark.parametrize("why", ["revoked", "expired", "wrong secret", "no token"])
def test_a_token_that_may_not_be_used_is_refused_and_nothing_is_logged(world, issued, why):
    token, key = issued
    if why == "revoked":
        revoke_token(actor=world.admin, token=token)
        assert AuditEvent.objects.filter(event="api_token.revoked", target_id=str(token.pk)).exists()
    elif why == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif why == "wrong secret":
        key = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    answer = post(None if why == "no token" else key, concern_body(world))
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    problem = answer.json()
    assert problem["status"] == 401 and problem["title"] and problem["detail"]
    assert not Case.objects.exists()
    if why != "no token":
        refused = AuditEvent.objects.get(event="api_token.refused")
        expected = {"revoked": "revoked", "expired": "expired", "wrong secret": "unknown"}[why]
        assert json.loads(refused.params)["why"] == expected


def test_only_a_sysadmin_issues_or_revokes(world, issued):
    token, _key = issued
    council = world.commissioner.memberships.get().organisation
    with pytest.raises(TokenError) as refused:
        issue(world, world.commissioner, actor=world.staff)
    assert refused.value.code == "not_sysadmin"
    with pytest.raises(TokenError):
        revoke_token(actor=world.staff, token=token)
    for expires_at, code in [
        (timezone.now() - datetime.timedelta(days=1), "bad_expiry"),
        (timezone.now() + datetime.timedelta(days=400), "bad_expiry"),
    ]:
        with pytest.raises(TokenError) as refused:
            issue(world, world.commissioner, expires_at=expires_at)
        assert refused.value.code == code
    with pytest.raises(TokenError) as refused:  # the user must belong to the organisation
        issue(world, world.staff, council)
    assert refused.value.code == "not_member"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_bad_input_is_a_problem_naming_the_fields_and_changes_nothing(world, issued, language):
    _token, key = issued
    answer = post(
        key, concern_body(world, area=world.other_plaza.pk * 1000, signals=["no_such_signal"]), language
    )
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["code"] == "invalid" and set(problem["errors"]) == {"area", "signals"}
    assert problem["title"] == ("入力に誤りがあります" if language == "ja" else "Invalid input")
    assert "no_such_signal" not in json.dumps(problem["detail"])
    assert not Case.objects.exists()


def test_a_rule_of_the_workflow_is_a_422_with_its_code(world, issued):
    _token, key = issued
    answer = post(key, concern_body(world, signals=[], categories=[], details=""))
    assert answer.status_code == 422
    assert answer.json()["code"] == "empty_concern"
    assert not Case.objects.exists()


def test_a_token_acts_only_as_far_as_its_user_may(world):
    # A token for the privacy officer, who logs no concerns on the pages: refused as the page is.
    _token, key = issue(world, world.privacy)
    answer = post(key, concern_body(world))
    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/problem+json"
    assert not Case.objects.exists()


def test_a_signed_in_commissioner_uses_the_api_with_the_session(world):
    answer = browser(world.commissioner).post(
        URL, json.dumps(concern_body(world)), content_type="application/json"
    )
    assert answer.status_code == 201
    assert Case.objects.filter(pk=answer.json()["id"]).exists()


def test_the_schema_describes_every_endpoint_without_a_warning(tmp_path):
    # drf-spectacular's own check: an endpoint it cannot describe fails here, not in an integrator's hands.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    answer = Client().get(reverse("api:schema") + "?format=json")
    assert answer.status_code == 200
    schema = json.loads(answer.content)
    operation = schema["paths"][URL]["post"]
    assert {"201", "400", "401", "403", "422"} <= set(operation["responses"])
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_schema_speaks_the_readers_language():
    """The actions' bodies are described from the pages' forms: their labels, summaries and
    descriptions translated when the schema is asked for, not fixed when the module was imported."""
    described = {}
    for language in ("ja", "en"):
        schema = Client().get(reverse("api:schema"), {"format": "json"}, HTTP_ACCEPT_LANGUAGE=language).json()
        operation = schema["paths"]["/api/v1/cases/{case_id}/actions/withdraw/"]["post"]
        reason = schema["components"]["schemas"]["CasesWithdrawActionIn"]["properties"]["reason"]
        described[language] = (
            operation["summary"],
            operation["description"].split("。")[0],
            reason["description"],
        )
    assert described["ja"] == (
        "ケースを取り下げる",
        "「ケースを取り下げる」を画面と同じフォーム・同じサービスで行います",
        "取り下げの理由",
    )
    assert described["en"][0] == "Withdraw the case" and described["en"][2] == "Reason for withdrawal"
    assert described["en"][1].startswith("Takes “Withdraw the case” with the page's own form")


def test_a_token_reaches_only_the_endpoints_of_its_scopes(world, issued, concern):
    case = concern()
    _token, key = issued  # concerns:create only
    answer = Client().get(reverse("api:case", args=[case.pk]), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/problem+json"
    assert not AuditEvent.objects.filter(event="case.viewed").exists()


def test_a_token_with_the_read_scope_reads_the_case_as_its_user_would(world, concern):
    case = take_case(world, concern())
    _token, key = issue(world, world.staff, world.plaza, scopes=[Scope.CASES_READ])
    answer = Client().get(reverse("api:case", args=[case.pk]), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200
    shown = answer.json()
    assert shown["person"]["name"] == "佐々木 トメ" and "withdraw" in shown["actions"]  # the lead
    # The read is recorded as the token's user, with the field names.
    viewed = AuditEvent.objects.filter(event="case.viewed", case_id=case.pk).latest("sequence")
    assert viewed.actor_id == world.staff.pk and "name" in viewed.fields
    listed = Client().get(reverse("api:cases"), HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [row["id"] for row in listed["results"]] == [str(case.pk)]
    bad = Client().get(reverse("api:cases"), {"tab": "nope"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bad.status_code == 400 and "tab" in bad.json()["errors"]
    empty = Client().get(reverse("api:cases"), {"sort": "", "page": "0"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert empty.status_code == 400 and set(empty.json()["errors"]) == {"sort", "page"}


def test_a_session_without_its_second_factor_gets_a_problem_not_a_redirect(world):
    client = Client()
    client.force_login(world.staff)  # signed in with the password, the second factor not given yet
    answer = client.get(reverse("api:cases"))
    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == "second_factor_required"
    page = client.get(reverse("cases:inbox"))  # the pages still lead to the second factor
    assert page.status_code == 302 and "two-factor" in page["Location"]


def test_a_person_is_found_only_by_those_who_may_see_them(world, concern):
    case = take_case(world, concern())
    found_by = {}
    for user, organisation in ((world.staff, world.plaza), (world.other_staff, world.other_plaza)):
        _token, key = issue(world, user, organisation, scopes=[Scope.PERSONS_SEARCH])
        answer = Client().post(
            reverse("api:person_search"),
            json.dumps({"q": "ささき とめ"}),  # the kana: found however the name was written
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert answer.status_code == 200
        found_by[user.username] = answer.json()
    mine = found_by[world.staff.username]
    assert mine["count"] == 1 and mine["results"][0]["name"] == "佐々木 トメ"
    assert [c["id"] for c in mine["results"][0]["cases"]] == [str(case.pk)]
    assert found_by[world.other_staff.username] == {"count": 0, "more": False, "results": []}
    # The names shown are recorded, the query never is.
    shown = AuditEvent.objects.filter(actor=world.staff, person_id=case.person_id).latest("sequence")
    assert "ささき" not in shown.params and "name" in shown.fields


def test_a_token_carries_one_organisations_grants_only(world, issued):
    from accounts.services import add_membership

    token, key = issued
    # The user gains a second organisation: the token would carry its grants too, and is refused.
    add_membership(user=world.commissioner, organisation=world.plaza, role=Role.PLAZA_STAFF)
    answer = post(key, concern_body(world))
    assert answer.status_code == 401 and answer.json()["code"] == "organisations_changed"
    assert not Case.objects.exists()
    # And a user of two organisations is given no token.
    with pytest.raises(TokenError) as refused:
        issue(world, world.commissioner, token.organisation)
    assert refused.value.code == "several_organisations"


def test_a_malformed_authorization_is_refused_and_recorded(world, issued):
    _token, key = issued
    answer = Client().post(
        URL,
        json.dumps(concern_body(world)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key} x",
    )
    assert answer.status_code == 401 and answer.json()["code"] == "unknown"
    assert json.loads(AuditEvent.objects.get(event="api_token.refused").params)["why"] == "unknown"
