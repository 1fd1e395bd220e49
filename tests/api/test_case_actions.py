"""The case page's actions through the API (issue 21): the same form, the same service, the same
permission — the form described for the reader, a stale version a 409, bad input a 400 that
changes nothing, a rule's refusal a 422 with its code, and a token without ``cases:act`` refused."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.models import Scope
from audit.models import AuditEvent
from cases.actions import CASE_ACTIONS
from cases.models import Case, CaseAccessGrant, CaseState, Consent, Disclosure
from cases.vocabulary import FieldGroup
from tests.api.test_tokens_and_concerns import issue
from tests.workflow import shared_on_consent
from tests.workflow import take as take_case


def act(key: str, case, action: str, body, language: str = "ja"):
    return Client().post(
        reverse(f"api:case_{action}", args=[case.pk]),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def form_of(key: str, case, action: str):
    return Client().get(reverse(f"api:case_{action}", args=[case.pk]), HTTP_AUTHORIZATION=f"Bearer {key}")


def staff_key(world, scopes=(Scope.CASES_ACT, Scope.CASES_READ)) -> str:
    return issue(world, world.staff, world.plaza, scopes=scopes)[1]


def test_a_plaza_accepts_a_concern_through_the_api(world, concern):
    case = concern()
    key = staff_key(world)
    answer = act(key, case, "accept", {"version": case.version})
    assert answer.status_code == 200, answer.content
    done = answer.json()
    case.refresh_from_db()
    assert case.state == CaseState.SHARING and case.lead_organisation_id == world.plaza.pk
    assert done == {
        "action": "accept",
        "case": {"id": str(case.pk), "state": CaseState.SHARING, "version": case.version},
        "record": None,
    }
    accepted = AuditEvent.objects.filter(case_id=case.pk, event="case.transitioned").latest("sequence")
    assert accepted.actor_id == world.staff.pk  # as the token's user, as the page records it
    # No version at all is a mistake of the caller's (400), not someone else's change (409).
    missing = act(key, case, "close", {})
    assert missing.status_code == 400 and "version" in missing.json()["errors"]
    # Again with the version it was read at: someone (here, itself) changed it since.
    stale = act(key, case, "accept", {"version": case.version - 1})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"


def test_the_form_is_described_for_this_reader_and_this_case(world, concern):
    case = take_case(world, concern())
    key = staff_key(world)
    described = form_of(key, case, "disclose")
    assert described.status_code == 200
    fields = {f["name"]: f for f in described.json()["fields"]}
    assert set(fields) >= {"purpose", "recipient", "field_groups", "legal_basis", "consent", "reference"}
    assert fields["field_groups"]["many"] and fields["field_groups"]["type"] == "choice"
    assert {c["value"] for c in fields["field_groups"]["choices"]} == set(FieldGroup.values)
    assert world.agency.pk in {c["value"] for c in fields["recipient"]["choices"]}
    assert fields["consent"]["choices"] == []  # none in force yet
    closing = form_of(key, case, "schedule_meeting").json()["fields"]
    assert {f["name"]: f["initial"] for f in closing}["version"] == case.version
    # Where the page offers no form (a commissioner on a plaza's case), neither does the API.
    commissioner = issue(world, world.commissioner, scopes=[Scope.CASES_ACT])[1]
    assert form_of(commissioner, case, "disclose").status_code == 403
    missing = Client().get(
        f"/api/v1/cases/{case.pk}/actions/no_such_action/", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert missing.status_code == 404


def test_consent_and_disclosure_through_the_api_as_on_the_page(world, concern):
    case = take_case(world, concern())
    key = staff_key(world)
    consent = act(
        key,
        case,
        "consent",
        {
            "purpose": Consent.Purpose.SHARING,
            "recipients": [world.agency.pk],
            "method": Consent.Method.ORAL,
            "obtained_on": "令和8年12月1日",
        },
    )
    assert consent.status_code == 200, consent.content
    made = consent.json()["record"]
    assert made["type"] == "consent" and Consent.objects.filter(pk=made["id"], case=case).exists()
    shared = act(
        key,
        case,
        "disclose",
        {
            "purpose": Consent.Purpose.SHARING,
            "recipient": world.agency.pk,
            "field_groups": [FieldGroup.IDENTITY],
            "legal_basis": world.basis["consent"].pk,
            "consent": made["id"],
        },
    )
    assert shared.status_code == 200, shared.content
    disclosure = Disclosure.objects.get(pk=shared.json()["record"]["id"])
    assert disclosure.recipient_id == world.agency.pk and disclosure.field_groups == [FieldGroup.IDENTITY]


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(world, concern):
    case = take_case(world, concern())
    key = staff_key(world)

    def recorded():  # the token's use is recorded on every call; nothing else may be
        return AuditEvent.objects.exclude(event="api_token.used").count()

    before = (case.version, Consent.objects.count(), recorded())
    cases = [
        ([1, 2], "non_field_errors"),  # not an object
        ({"version": case.version, "colour": "red"}, "colour"),  # no such field
        ({"purpose": ["sharing"]}, "purpose"),  # a list for one value
        ({"recipients": world.agency.pk}, "recipients"),  # one value for a list
        ({"purpose": {"a": 1}}, "purpose"),  # an object for a code
        ({"representative": 5}, "representative"),  # a number for text
        ({"recipients": [2**70]}, "recipients"),  # larger than any id (or any database integer)
        ({"version": 2**40}, "version"),  # larger than an integer column
        ({"purpose": "nope", "method": "oral", "obtained_on": "2026-12-01"}, "purpose"),  # the form's own
        ({"purpose": "sharing", "method": "oral", "obtained_on": "2999-01-01"}, "obtained_on"),  # future
    ]
    for body, field in cases:
        answer = act(key, case, "consent", body)
        assert answer.status_code == 400, (body, answer.content)
        problem = answer.json()
        assert answer["Content-Type"] == "application/problem+json"
        assert field in problem["errors"], (body, problem)
    english = act(key, case, "consent", {"colour": "red"}, language="en").json()
    assert english["title"] == "Invalid input"
    assert english["errors"]["colour"] == ["This action has no such field."]
    case.refresh_from_db()
    assert (case.version, Consent.objects.count(), recorded()) == before


def test_a_rule_of_the_workflow_refuses_with_its_code(world, concern):
    case = take_case(world, concern())  # sharing: no meeting has decided anything
    key = staff_key(world)
    answer = act(key, case, "decide", {"version": case.version, "outcome": CaseState.REFERRED})
    assert answer.status_code == 422, answer.content
    assert answer.json()["code"] not in ("", "invalid")
    case.refresh_from_db()
    assert case.state == CaseState.SHARING


def test_only_a_token_with_the_act_scope_acts_and_only_as_far_as_its_user_may(world, concern):
    case = concern()
    reader = staff_key(world, scopes=[Scope.CASES_READ])
    assert act(reader, case, "accept", {"version": case.version}).status_code == 403
    other = issue(world, world.other_staff, world.other_plaza, scopes=[Scope.CASES_ACT])[1]
    taken = take_case(world, case)
    refused = act(other, taken, "withdraw", {"version": taken.version, "reason": "x", "kind": "in_error"})
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(event="case.denied", actor_id=world.other_staff.pk).exists()
    assert Case.objects.get(pk=case.pk).state == CaseState.SHARING


values = st.recursive(
    # Integers past the database's columns too (2**31: PostgreSQL's integer; 2**63: SQLite's).
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**31, -(2**63) - 1, 2**70])
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=2),
    max_leaves=4,
)


@pytest.mark.parametrize("action", sorted(CASE_ACTIONS))
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_value_in_any_field_is_answered_never_a_server_error(world, concern, action, data):
    """Each action's own fields (the schema says only "an object"), given values of every JSON
    type: an answer the API documents, never a 500."""
    case = take_case(world, concern())
    key = staff_key(world)
    names = [field["name"] for field in form_of(key, case, action).json().get("fields", [])] or ["version"]
    body = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=len(names)))
    answer = act(key, case, action, body)
    assert answer.status_code in (200, 400, 403, 409, 422), (action, body, answer.content)


def test_the_lead_ends_access_and_a_contributor_records_a_withdrawn_consent(world, concern):
    case = take_case(world, concern())
    key = staff_key(world)
    consent = shared_on_consent(world, case, world.agency, [FieldGroup.IDENTITY]).consent
    shown = read_case(key, case)
    (agency,) = [g for g in shown["grants"] if g["holder"] == world.agency.name]
    (own,) = [g for g in shown["grants"] if g["reason"] == "owner"]
    assert (agency["endable"], own["endable"], agency["field_groups"]) == (True, False, [FieldGroup.IDENTITY])
    assert [d["recipient"] for d in shown["disclosures"]] == [world.agency.name]
    assert [(c["id"], c["withdrawn"]) for c in shown["consents"]] == [(str(consent.pk), False)]
    # What the agency may read of the case has none of these: they are the lead's.
    agency_key = issue(world, world.agency_worker, scopes=[Scope.CASES_READ, Scope.CASES_ACT])[1]
    seen = read_case(agency_key, case)
    assert (seen["grants"], seen["disclosures"], seen["consents"]) == ([], [], [])

    def end(who: str, grant_id) -> object:
        return Client().post(
            f"/api/v1/cases/{case.pk}/grants/{grant_id}/end/", HTTP_AUTHORIZATION=f"Bearer {who}"
        )

    # Not the agency's to end; not the lead's own; not a grant of another case.
    other = CaseAccessGrant.objects.filter(case=take_case(world, concern())).first()
    for who, grant_id in [(agency_key, agency["id"]), (key, own["id"]), (key, other.pk), (key, "x")]:
        assert end(who, grant_id).status_code == 403, (who, grant_id)
    assert (
        CaseAccessGrant.objects.filter(pk__in=[agency["id"], own["id"], other.pk], revoked_at=None).count()
        == 3
    )
    ended = end(key, agency["id"])
    assert ended.status_code == 200 and ended.json()["action"] == "end_access"
    assert read_case(agency_key, case) is None  # the agency sees the case no more

    withdrawn = Client().post(
        f"/api/v1/cases/{case.pk}/consents/{consent.pk}/withdraw/", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["record"] == {"type": "consent", "id": str(consent.pk)}
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert [c["withdrawn"] for c in read_case(key, case)["consents"]] == [True]


def read_case(key: str, case) -> dict | None:
    answer = Client().get(reverse("api:case", args=[case.pk]), HTTP_AUTHORIZATION=f"Bearer {key}")
    return answer.json() if answer.status_code == 200 else None
