"""A referral through the API, both sides (issue 21): the referrer drafts it from the case and
sends it, the agency reads what is shared with it and accepts — the page's forms and services;
a stale version a 409, the wrong side a 403 (recorded), bad input a 400 that changes nothing."""

import json

from django.test import Client
from django.urls import reverse

from api.models import Scope
from audit.models import AuditEvent
from referrals.models import Referral, ReferralState
from tests.api.test_tokens_and_concerns import issue

S = ReferralState
BOTH = [Scope.REFERRALS_READ, Scope.REFERRALS_ACT]


def call(key: str, url: str, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if body is None:
        return Client().get(url, **headers)
    return Client().post(url, json.dumps(body), content_type="application/json", **headers)


def act(key: str, referral, action: str, body: dict):
    return call(key, reverse(f"api:referral_{action}", args=[referral.pk]), body)


def test_the_loop_through_the_api_from_both_sides(world, referred):
    plaza = issue(world, world.staff, world.plaza, scopes=BOTH)[1]
    agency = issue(world, world.agency_worker, world.agency, scopes=BOTH)[1]
    drafted = call(
        plaza,
        reverse("api:referral_draft", args=[referred.pk]),
        {
            "recipient": world.agency.pk,
            "purpose": "障害福祉サービスの利用について相談したい。",
            "field_groups": ["identity", "concern"],
            "legal_basis": world.basis["consent"].pk,
            "consent": str(referred.consent.pk),
        },
    )
    assert drafted.status_code == 201, drafted.content
    referral = Referral.objects.get(pk=drafted.json()["id"])
    assert referral.state == S.DRAFT and drafted.json()["version"] == referral.version
    # The agency cannot see a draft; the referrer sees it with "send" offered.
    assert call(agency, reverse("api:referral", args=[referral.pk])).status_code == 403
    mine = call(plaza, reverse("api:referral", args=[referral.pk])).json()
    assert (
        mine["is_referrer"]
        and mine["actions"] == ["send", "withdraw"]
        and mine["case_id"] == str(referred.pk)
    )
    assert act(plaza, referral, "send", {"version": referral.version + 1}).status_code == 409
    sent = act(plaza, referral, "send", {"version": referral.version})
    assert sent.status_code == 200 and sent.json()["referral"]["state"] == S.SENT
    # The agency reads the purpose and the shared fields, and only those; the read is recorded.
    theirs = call(agency, reverse("api:referral", args=[referral.pk])).json()
    assert theirs["is_recipient"] and theirs["case_id"] is None
    assert theirs["purpose"].startswith("障害福祉サービス") and theirs["person"]["name"] == "佐々木 トメ"
    assert "phone" not in theirs["person"] and "address" not in theirs["person"]  # contact was not shared
    assert set(theirs["actions"]) == {"accept", "ask", "decline"}
    # The concern group was shared: its details too (recorded below); the meetings group was not.
    assert theirs["concerns"][0]["details"] == "息子さんと二人暮らし。最近姿を見かけない。"
    assert theirs["meetings"] == []
    viewed = AuditEvent.objects.filter(event="referral.viewed", actor_id=world.agency_worker.pk).latest(
        "sequence"
    )
    assert "name" in viewed.fields and "concern.details" in viewed.fields and "トメ" not in viewed.fields
    # The wrong side is refused (recorded) before the body is read; the right side accepts.
    accept = {"version": theirs["version"], "worker": world.agency_worker.pk}
    assert act(plaza, referral, "accept", accept).status_code == 403
    assert AuditEvent.objects.filter(event="case.denied", actor_id=world.staff.pk).exists()
    accepted = act(agency, referral, "accept", accept)
    assert accepted.status_code == 200, accepted.content
    referral.refresh_from_db()
    assert referral.state == S.ACCEPTED and accepted.json()["referral"]["version"] == referral.version


def test_bad_input_and_a_missing_scope_change_nothing(world, sent):
    referral = sent()
    agency = issue(world, world.agency_worker, world.agency, scopes=BOTH)[1]
    for body, field in [
        ({"version": referral.version, "text": 5}, "text"),
        ({"version": referral.version, "text": "x", "reason": "y"}, "reason"),
        ({"version": referral.version}, "text"),  # the page's own check: 内容 is required
    ]:
        answer = act(agency, referral, "ask", body)
        assert answer.status_code == 400 and field in answer.json()["errors"], (body, answer.content)
    reader = issue(world, world.anshin_worker, world.anshin, scopes=[Scope.REFERRALS_READ])[1]
    assert act(reader, referral, "decline", {"version": referral.version, "text": "x"}).status_code == 403
    referral.refresh_from_db()
    assert referral.state == S.SENT and not referral.messages.exists()


def test_only_the_lead_drafts_and_is_refused_before_the_body_is_read(world, referred):
    """The commissioner who reported the concern sees its status, but may not refer it: an empty
    body gets the same recorded 403 as a full one, never the form's field list."""
    key = issue(world, world.commissioner, scopes=BOTH)[1]
    answer = call(key, reverse("api:referral_draft", args=[referred.pk]), {})
    assert answer.status_code == 403 and "errors" not in answer.json()
    assert AuditEvent.objects.filter(event="case.denied", actor_id=world.commissioner.pk).exists()


def test_the_inbox_lists_both_sides_and_names_what_it_cannot_use(world, sent):
    referral = sent()
    agency = issue(world, world.agency_worker, world.agency, scopes=BOTH)[1]
    plaza = issue(world, world.staff, world.plaza, scopes=BOTH)[1]
    received = call(agency, reverse("api:referrals")).json()
    assert [row["id"] for row in received["received"]["results"]] == [str(referral.pk)]
    assert received["tab_counts"]["waiting"] == 1 and received["sent"]["count"] == 0
    row = received["received"]["results"][0]
    assert (row["state"], row["recipient"], row["case_reference"]) == (
        S.SENT,
        world.agency.name,
        referral.case.reference,
    )
    sent_by_plaza = call(plaza, reverse("api:referrals")).json()
    assert [row["id"] for row in sent_by_plaza["sent"]["results"]] == [str(referral.pk)]
    assert sent_by_plaza["received"]["results"] == []
    # What the page would quietly drop or clamp, a program is told, by name.
    for query, named in [
        ("tab=nonsense", "tab"),
        ("sent=0", "sent"),
        ("state=", "state"),
        ("page=1&page=2", "page"),
    ]:
        answer = call(agency, f"{reverse('api:referrals')}?{query}")
        assert answer.status_code == 400 and named in answer.json()["errors"], query
    # The centre's matters are its own list; a referral agency has none to list.
    assert (
        call(
            issue(world, world.agency_worker, world.agency, scopes=[Scope.MATTERS_READ])[1],
            reverse("api:matters"),
        ).status_code
        == 403
    )


def test_the_agency_is_told_whom_it_may_assign_and_only_where_it_may_accept(world, sent):
    referral = sent()
    agency = issue(world, world.agency_worker, world.agency, scopes=BOTH)[1]
    plaza = issue(world, world.staff, world.plaza, scopes=BOTH)[1]
    described = call(agency, reverse("api:referral_accept", args=[referral.pk]))
    assert described.status_code == 200
    fields = {f["name"]: f for f in described.json()["fields"]}
    assert world.agency_worker.pk in {c["value"] for c in fields["worker"]["choices"]}
    assert world.staff.pk not in {c["value"] for c in fields["worker"]["choices"]}
    assert fields["version"]["initial"] == referral.version
    # Accepting is the agency's; the referrer is refused the form (recorded), as the page offers it none.
    denied = AuditEvent.objects.filter(event="case.denied", actor=world.staff).count()
    assert call(plaza, reverse("api:referral_accept", args=[referral.pk])).status_code == 403
    assert AuditEvent.objects.filter(event="case.denied", actor=world.staff).count() == denied + 1
    assert call(plaza, reverse("api:referral_withdraw", args=[referral.pk])).status_code == 200
