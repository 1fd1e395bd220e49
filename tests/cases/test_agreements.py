"""Agreements (協定): the registry, and sharing only under one in force (docs/cases.md "Agreements")."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from audit.models import AuditEvent
from cases.access import grant_access
from cases.exceptions import CaseRuleError, Conflict
from cases.forms import DisclosureForm
from cases.models import AccessLevel, Agreement, CaseAccessGrant, Concern, Disclosure, ReportingCredential
from cases.services import agreements as registry
from cases.services.sharing import disclose
from cases.vocabulary import AgreementKind, FieldGroup
from tests.twofactor import VerifiedClient

CLAUSES = {
    "storage_clause": "施錠できる保管庫に保管する。",
    "handlers_clause": "指名した責任者と従業員に限る。",
    "return_clause": "終了時に返却し、写しを廃棄する。",
    "breach_clause": "直ちに区に報告する。",
}
TODAY = timezone.localdate


@pytest.fixture
def newspaper(demo) -> Organisation:
    return Organisation.objects.create(
        name="テスト新聞販売店", kind=OrganisationKind.BUSINESS, municipality=demo.municipality
    )


@pytest.fixture
def sign(world, newspaper):
    """An agreement of the ward office's, in force from a year ago unless told otherwise."""

    def make(**overrides) -> Agreement:
        values = {
            "actor": world.ward_worker,
            "municipal_side": world.ward,
            "kind": AgreementKind.WATCHING,
            "title": "見守り協定（テスト新聞販売店）",
            "party": newspaper,
            "area": world.demo.ward,
            "field_groups": [FieldGroup.IDENTITY, FieldGroup.CONTACT],
            "valid_from": TODAY() - datetime.timedelta(days=365),
            "valid_until": TODAY() + datetime.timedelta(days=30),
            **CLAUSES,
        }
        values.update(overrides)
        return registry.register_agreement(**values)

    return make


@pytest.fixture
def ward_case(world, make_person, make_case):
    """A case the ward office leads: the watching agreement's ground is the ward's to invoke."""
    return led_by_ward(world, make_case(make_person(name="見守 花子"), lead_organisation=world.ward))


def led_by_ward(world, case):
    grant_access(
        case=case,
        organisation=world.ward,
        level=AccessLevel.LEAD,
        reason=CaseAccessGrant.Reason.OWNER,
        field_groups=list(FieldGroup.values),
        granted_by=None,
    )
    return case


def share(world, case, agreement, **overrides):
    values = {
        "actor": world.ward_worker,
        "case": case,
        "recipient": agreement.party if agreement else overrides.pop("recipient"),
        "field_groups": [FieldGroup.IDENTITY],
        "legal_basis": world.basis["watching-agreement"],
        "agreement": agreement,
    }
    values.update(overrides)
    return disclose(**values)


def test_sharing_under_an_agreement_in_force_names_it_and_ends_with_it(world, sign, ward_case):
    agreement = sign()
    disclosure = share(world, ward_case, agreement)
    assert disclosure.agreement == agreement
    event = AuditEvent.objects.filter(event="case.disclosed").latest("sequence")
    assert json.loads(event.params)["agreement"] == agreement.pk
    grant = CaseAccessGrant.objects.get(disclosure=disclosure)
    # Access lasts to the end of the agreement's last day, not beyond.
    assert timezone.localtime(grant.expires_at).date() == agreement.valid_until + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "terms, code",
    [
        ({"valid_until": TODAY() - datetime.timedelta(days=1)}, "agreement_not_in_force"),
        ({"valid_from": TODAY() + datetime.timedelta(days=1), "valid_until": None}, "agreement_not_in_force"),
        ({"field_groups": [FieldGroup.CONTACT]}, "agreement_field_groups"),
        ({"kind": AgreementKind.OTHER_SHARING}, "agreement_wrong_kind"),
    ],
)
def test_sharing_outside_the_agreement_is_refused_and_writes_nothing(world, sign, ward_case, terms, code):
    agreement = sign(**terms)
    with pytest.raises(CaseRuleError) as refused:
        share(world, ward_case, agreement)
    assert refused.value.code == code
    assert not Disclosure.objects.filter(case=ward_case).exists()
    assert not CaseAccessGrant.objects.filter(case=ward_case, organisation=agreement.party).exists()


def test_the_ground_asks_for_an_agreement_with_the_recipient(world, sign, ward_case, make_case, make_person):
    elsewhere = make_case(
        make_person(name="遠方 次郎"), lead_organisation=world.ward, area=world.demo.districts[1]
    )
    led_by_ward(world, elsewhere)  # before the first check: a user's grants are read once per request
    with pytest.raises(CaseRuleError) as refused:
        share(world, ward_case, None, recipient=sign().party)
    assert refused.value.code == "agreement_missing"
    other = Organisation.objects.create(
        name="別の販売店", kind=OrganisationKind.BUSINESS, municipality=world.demo.municipality
    )
    with pytest.raises(CaseRuleError) as refused:
        share(world, ward_case, sign(), recipient=other)
    assert refused.value.code == "agreement_other_party"
    # An agreement over one district does not reach a case in another.
    with pytest.raises(CaseRuleError) as refused:
        share(world, elsewhere, sign(area=world.demo.districts[0]))
    assert refused.value.code == "agreement_outside_area"


def test_terminating_ends_the_access_given_under_it_and_any_more_sharing(world, sign, ward_case):
    agreement = sign(valid_until=None)
    disclosure = share(world, ward_case, agreement)
    ended = registry.terminate_agreement(
        actor=world.ward_worker,
        agreement=agreement,
        expected_version=agreement.version,
        terminated_on=TODAY(),
        reason="事業所の閉鎖",
    )
    assert ended.status == "終了" and not ended.in_force
    assert CaseAccessGrant.objects.get(disclosure=disclosure).revoked_at is not None
    assert (
        json.loads(AuditEvent.objects.filter(event="agreement.terminated").latest("sequence").params)[
            "grants_ended"
        ]
        == 1
    )
    with pytest.raises(CaseRuleError) as refused:
        share(world, ward_case, ended)
    assert refused.value.code == "agreement_not_in_force"
    # Recorded once: a stale form's second termination is a conflict, not a second record.
    with pytest.raises(Conflict):
        registry.terminate_agreement(
            actor=world.ward_worker,
            agreement=agreement,
            expected_version=1,
            terminated_on=TODAY(),
            reason="再",
        )


def test_a_termination_in_the_future_is_refused(world, sign):
    agreement = sign()
    with pytest.raises(CaseRuleError) as refused:
        registry.terminate_agreement(
            actor=world.ward_worker,
            agreement=agreement,
            expected_version=agreement.version,
            terminated_on=TODAY() + datetime.timedelta(days=1),
            reason="予定",
        )
    assert "terminated_on" in refused.value.message_dict
    agreement.refresh_from_db()
    assert agreement.terminated_on is None


def test_renewal_is_a_new_agreement_for_the_next_period(world, sign):
    earlier = sign(valid_until=None)
    starts = TODAY() + datetime.timedelta(days=10)
    renewal = registry.renew_agreement(
        actor=world.ward_worker, agreement=earlier, expected_version=earlier.version, valid_from=starts
    )
    earlier.refresh_from_db()
    assert renewal.renews == earlier and renewal.valid_from == starts
    assert earlier.valid_until == starts - datetime.timedelta(days=1)  # open-ended: ended the day before
    assert [renewal.party, renewal.area, renewal.field_groups] == [
        earlier.party,
        earlier.area,
        earlier.field_groups,
    ]
    with pytest.raises(Conflict):  # renewed once only
        registry.renew_agreement(
            actor=world.ward_worker, agreement=earlier, expected_version=earlier.version, valid_from=starts
        )
    overlapping = sign()
    with pytest.raises(CaseRuleError) as refused:
        registry.renew_agreement(
            actor=world.ward_worker,
            agreement=overlapping,
            expected_version=overlapping.version,
            valid_from=overlapping.valid_until,
        )
    assert "valid_from" in refused.value.message_dict


def test_only_the_ward_office_that_administers_it_manages_it(world, sign):
    with pytest.raises(PermissionDenied):
        sign(actor=world.staff)  # plaza staff hold no such permission
    with pytest.raises(PermissionDenied):
        sign(municipal_side=world.child_ward)  # another section's agreement
    denied = AuditEvent.objects.filter(event="case.denied").order_by("-sequence")[:2]
    assert [json.loads(event.params)["action"] for event in denied] == ["register_agreement"] * 2
    with pytest.raises(CaseRuleError) as refused:
        sign(party=world.ward)
    assert "party" in refused.value.message_dict


def test_the_disclosure_form_offers_only_agreements_in_force_over_the_case(world, sign, ward_case):
    in_force = sign()
    sign(title="期限切れ", valid_until=TODAY() - datetime.timedelta(days=1))
    sign(title="他の地区", area=world.demo.districts[1])
    form = DisclosureForm(case=ward_case)
    assert list(form.fields["agreement"].queryset) == [in_force]


def test_the_registry_pages(world, sign, newspaper):
    ward = VerifiedClient()
    ward.force_login(world.ward_worker)
    page = ward.get(reverse("cases:agreements"))
    assert page.status_code == 200 and "協定を登録する" in page.content.decode()
    # A refusal keeps what was typed.
    typed = {
        "kind": AgreementKind.WATCHING,
        "title": "牛乳店との見守り協定",
        "party": newspaper.pk,
        "area": world.demo.ward.pk,
        "field_groups": [FieldGroup.IDENTITY],
        "valid_from": "令和8年4月1日",
        "valid_until": "2026-03-31",
        **CLAUSES,
    }
    answer = ward.post(reverse("cases:agreements"), typed)
    body = answer.content.decode()
    assert answer.status_code == 200 and "有効期間の終わりは、始まりより後の日付にしてください。" in body
    assert "牛乳店との見守り協定" in body and CLAUSES["storage_clause"] in body
    assert not Agreement.objects.filter(title="牛乳店との見守り協定").exists()
    typed["valid_until"] = ""
    answer = ward.post(reverse("cases:agreements"), typed)
    created = Agreement.objects.get(title="牛乳店との見守り協定")
    assert answer.status_code == 302 and answer["Location"] == reverse("cases:agreement", args=[created.pk])
    assert created.valid_from == datetime.date(2026, 4, 1) and created.valid_until is None
    answer = ward.post(
        reverse("cases:agreement", args=[created.pk]),
        {
            "action": "terminate",
            "version": created.version,
            "terminated_on": TODAY().isoformat(),
            "reason": "解約",
        },
    )
    assert answer.status_code == 302
    created.refresh_from_db()
    assert created.terminated_on == TODAY()

    plaza = VerifiedClient()
    plaza.force_login(world.staff)
    assert plaza.get(reverse("cases:agreements")).status_code == 403
    assert plaza.get(reverse("cases:agreement", args=[created.pk])).status_code == 403


# --- reporting under an agreement ----------------------------------------------------------------


@pytest.fixture
def code(world, sign):
    """A code issued under an agreement in force over the ward."""
    _credential, issued = registry.issue_credential(
        actor=world.ward_worker, agreement=sign(), label="配達員用"
    )
    return issued


def signed_in_phone(code: str) -> Client:
    phone = Client()
    answer = phone.post(reverse("cases:report_code"), {"code": code.lower().replace("-", " ")})
    assert answer.status_code == 302 and answer["Location"] == reverse("cases:report")
    return phone


def test_a_party_reports_what_it_noticed_and_learns_nothing_of_the_case(world, code):
    phone = signed_in_phone(code)
    form = phone.get(reverse("cases:report"))
    assert form.status_code == 200 and "テスト新聞販売店" in form.content.decode()
    answer = phone.post(
        reverse("cases:report"),
        {
            "signals": ["mail_piling_up"],
            "area": world.district.pk,
            "place": "中小来川2丁目 みどり荘 203",
            "details": "新聞が三日分たまっている。",
            "urgency": "routine",
        },
        follow=True,
    )
    body = answer.content.decode()
    assert "受け付けました" in body
    concern = Concern.objects.get(credential__prefix=code[:4])
    assert concern.reporter_kind == "business" and concern.reported_by is None
    assert concern.case.person.address == "中小来川2丁目 みどり荘 203"
    # The acknowledgement tells nothing of the case; the party holds no access to it.
    assert concern.case.reference not in body and "みどり荘" not in body
    party = concern.credential.agreement.party
    assert not CaseAccessGrant.objects.filter(case=concern.case, organisation=party).exists()
    # The area's care plaza receives it as any other, and sees the agreement it came under.
    assert CaseAccessGrant.objects.filter(
        case=concern.case, organisation=world.plaza, revoked_at=None
    ).exists()
    plaza = VerifiedClient()
    plaza.force_login(world.staff)
    page = plaza.get(reverse("cases:case_detail", args=[concern.case.pk])).content.decode()
    assert "協定による報告：見守り協定（テスト新聞販売店）（テスト新聞販売店）" in page
    event = AuditEvent.objects.filter(event="case.reported").latest("sequence")
    assert event.actor_id is None and json.loads(event.params)["credential"] == code[:4]


def test_a_code_stops_when_revoked_or_when_its_agreement_ends(world, sign):
    agreement = sign()
    first, first_code = registry.issue_credential(actor=world.ward_worker, agreement=agreement, label="店舗")
    second, second_code = registry.issue_credential(
        actor=world.ward_worker, agreement=agreement, label="配達"
    )
    phone = signed_in_phone(first_code)
    registry.revoke_credential(actor=world.ward_worker, credential=first)
    answer = phone.get(reverse("cases:report"))
    assert answer.status_code == 302 and answer["Location"] == reverse("cases:report_code")
    assert registry.credential_for(first_code) is None
    assert registry.credential_for(second_code) == second
    registry.terminate_agreement(
        actor=world.ward_worker,
        agreement=agreement,
        expected_version=agreement.version,
        terminated_on=TODAY(),
        reason="解約",
    )
    assert registry.credential_for(second_code) is None
    with pytest.raises(CaseRuleError) as refused:
        registry.report_under_agreement(
            credential=second,
            area=world.district,
            signals=["not_seen"],
            place="",
            details="",
            urgency="routine",
        )
    assert refused.value.code == "credential_unusable"
    assert not Concern.objects.filter(credential=second).exists()
    with pytest.raises(CaseRuleError):  # nor is a new one issued under it
        registry.issue_credential(actor=world.ward_worker, agreement=agreement, label="新")


def test_its_holder_revokes_a_lost_code_from_the_phone(world, code):
    phone = signed_in_phone(code)
    answer = phone.post(reverse("cases:report_revoke"))
    assert answer.status_code == 302
    credential = ReportingCredential.objects.get(prefix=code[:4])
    assert credential.revoked_at is not None and credential.revoked_by is None
    assert AuditEvent.objects.filter(event="agreement.credential_revoked", actor=None).exists()
    assert phone.get(reverse("cases:report")).status_code == 302


def test_wrong_codes_lock_the_address_like_failed_sign_ins(world, code, settings):
    phone = Client()
    for attempt in range(settings.TSUNAGU_SIGNIN_ADDRESS_FAILURE_LIMIT):
        answer = phone.post(reverse("cases:report_code"), {"code": f"ZZZZ-ZZZZ-ZZZZ-ZZZ{attempt + 2}"})
        assert "コードが正しくないか" in answer.content.decode() or answer.status_code == 429
    # Locked: even the right code is refused from this address until the lock ends.
    assert phone.post(reverse("cases:report_code"), {"code": code}).status_code == 429


def test_a_code_reports_at_most_so_many_an_hour(world, code, monkeypatch):
    monkeypatch.setattr(registry, "REPORTS_PER_HOUR", 2)
    credential = registry.credential_for(code)
    report = {
        "area": world.district,
        "signals": ["not_seen"],
        "place": "",
        "details": "",
        "urgency": "routine",
    }
    registry.report_under_agreement(credential=credential, **report)
    registry.report_under_agreement(credential=credential, **report)
    with pytest.raises(CaseRuleError) as refused:
        registry.report_under_agreement(credential=credential, **report)
    assert refused.value.code == "too_many_reports"
    assert Concern.objects.filter(credential=credential).count() == 2


def test_the_ward_office_issues_a_code_shown_once(world, sign):
    agreement = sign()
    ward = VerifiedClient()
    ward.force_login(world.ward_worker)
    answer = ward.post(
        reverse("cases:agreement", args=[agreement.pk]), {"action": "issue", "label": "配達員用"}
    )
    credential = ReportingCredential.objects.get(agreement=agreement)
    body = answer.content.decode()
    shown = body.split('<p class="code"><strong>')[1].split("<")[0]
    assert registry.credential_for(shown) == credential
    again = ward.get(reverse("cases:agreement", args=[agreement.pk])).content.decode()
    assert shown not in again and credential.prefix in again


def test_indicator_6b_counts_each_watching_party_once_in_its_ward(world, sign, newspaper):
    from indicators.selectors import watching_indicator
    from privacy.normalise import fiscal_year_of

    year = fiscal_year_of(TODAY())
    earlier = sign(
        valid_from=TODAY() - datetime.timedelta(days=800), valid_until=TODAY() - datetime.timedelta(days=1)
    )
    registry.renew_agreement(
        actor=world.ward_worker, agreement=earlier, expected_version=earlier.version, valid_from=TODAY()
    )
    shop = Organisation.objects.create(
        name="閉店した商店", kind="business", municipality=world.demo.municipality
    )
    ended = sign(party=shop, area=world.district, valid_from=TODAY() - datetime.timedelta(days=1200))
    registry.terminate_agreement(
        actor=world.ward_worker,
        agreement=ended,
        expected_version=ended.version,
        terminated_on=TODAY() - datetime.timedelta(days=800),  # before this fiscal year began
        reason="閉店",
    )
    association = Organisation.objects.create(
        name="テスト自治会", kind="neighbourhood_association", municipality=world.demo.municipality
    )
    sign(kind=AgreementKind.LIST_PROVISION, party=association)  # not a watching agreement
    table = watching_indicator(world.ward_worker, year)
    assert table.rows == [(world.demo.ward.name, 1, 0)]
    credential, _code = registry.issue_credential(
        actor=world.ward_worker, agreement=Agreement.objects.get(renews=earlier), label="配達"
    )
    registry.report_under_agreement(
        credential=credential,
        area=world.district,
        signals=["not_seen"],
        place="",
        details="",
        urgency="routine",
    )
    table = watching_indicator(world.ward_worker, year)
    assert table.rows == [(world.demo.ward.name, 1, 1)] and table.totals == ("計", 1, 1)
    assert watching_indicator(world.ward_worker, year - 3).rows == [
        (world.demo.ward.name, 1, 0)
    ]  # the closed shop


def test_renewing_an_open_ended_agreement_ends_the_access_given_under_it_with_it(world, sign, ward_case):
    earlier = sign(valid_until=None)
    grant = CaseAccessGrant.objects.get(disclosure=share(world, ward_case, earlier))
    assert grant.expires_at is None
    starts = TODAY() + datetime.timedelta(days=10)
    registry.renew_agreement(
        actor=world.ward_worker, agreement=earlier, expected_version=earlier.version, valid_from=starts
    )
    grant.refresh_from_db()
    assert timezone.localtime(grant.expires_at).date() == starts
    with pytest.raises(CaseRuleError) as refused:  # an open-ended one is not ended in the past
        other = sign(valid_until=None)
        registry.renew_agreement(
            actor=world.ward_worker,
            agreement=other,
            expected_version=other.version,
            valid_from=TODAY() - datetime.timedelta(days=1),
        )
    assert "valid_from" in refused.value.message_dict


def test_a_ground_that_asks_for_an_agreement_serves_nothing_else(world):
    from cases.forms import legal_bases_for
    from cases.services.sharing import check_legal_basis

    basis = world.basis["watching-agreement"]
    assert basis not in legal_bases_for(world.ward)  # a meeting's, an escalation's form
    assert basis in legal_bases_for(world.ward, under_agreement=True)  # the disclosure's
    with pytest.raises(CaseRuleError) as refused:  # a meeting, an escalation, an import
        check_legal_basis(basis, world.ward, "")
    assert refused.value.code == "basis_needs_agreement"


def test_only_an_outside_party_of_the_same_city_signs(world, sign):
    with pytest.raises(CaseRuleError) as refused:
        sign(party=world.plaza)
    assert "party" in refused.value.message_dict


def test_a_forged_or_stale_cookie_is_no_code(world, code):
    phone = Client()
    phone.cookies["tsunagu_report"] = code  # the code itself is not what the phone keeps
    assert phone.get(reverse("cases:report"))["Location"] == reverse("cases:report_code")
    phone = signed_in_phone(code)
    assert phone.get(reverse("cases:report")).status_code == 200
    credential = ReportingCredential.objects.get(prefix=code[:4])
    ReportingCredential.objects.filter(pk=credential.pk).update(key_hash="0" * 64)  # another code now
    assert phone.get(reverse("cases:report"))["Location"] == reverse("cases:report_code")
