"""The evacuation-support list (docs/disaster.md): who it takes, who an issue gives to an
association in normal times and during a declared disaster, recall and return, the watermark."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.exceptions import CaseRuleError, Conflict
from cases.models import Person
from cases.services import agreements as registry
from cases.vocabulary import AgreementKind
from disaster import services
from disaster.criteria import Circumstances, meets
from disaster.models import (
    ConsentStatus,
    CriterionKind,
    ListingCriterion,
    ListIssue,
    ProvisionBasis,
    Registration,
)
from notifications.models import Kind, Notification
from tests.disaster.conftest import plan_for
from tests.twofactor import VerifiedClient


def given_in(issue: ListIssue) -> set:
    return set(issue.entries.values_list("registration_id", flat=True))


def ward_client(world) -> VerifiedClient:
    client = VerifiedClient()
    client.force_login(world.ward_worker)
    return client


# --- who the list takes --------------------------------------------------------------------------


def test_the_criteria_are_the_municipalitys_data():
    care = ListingCriterion(kind=CriterionKind.CARE_LEVEL, threshold=3)
    grade = ListingCriterion(kind=CriterionKind.DISABILITY_GRADE, threshold=2)
    assert meets(care, Circumstances(care_level="3")) and not meets(care, Circumstances(care_level="2"))
    assert meets(grade, Circumstances(disability_grade="1")) and not meets(
        grade, Circumstances(disability_grade="3")
    )
    assert not meets(care, Circumstances())
    assert meets(ListingCriterion(kind=CriterionKind.LIVES_ALONE), Circumstances(lives_alone=True))
    care.threshold = 2  # a city that lists from 要介護2
    assert meets(care, Circumstances(care_level="2"))


def test_a_person_who_meets_no_criterion_is_refused_and_nothing_is_written(world, enlist):
    people = Person.objects.count()
    with pytest.raises(CaseRuleError) as refused:
        enlist(care_level="2")  # the seeded criterion is 要介護3 or above
    assert "掲載基準" in str(refused.value)
    assert Person.objects.count() == people and not Registration.objects.exists()
    # Once the city adds 一人暮らし as a criterion, the same person is listed, with it named.
    ListingCriterion.objects.create(code="alone", label="一人暮らしの方", kind=CriterionKind.LIVES_ALONE)
    registration = enlist(care_level="2", lives_alone=True)
    assert [c.code for c in registration.criteria.all()] == ["alone"]


def test_consent_given_needs_its_day_and_way_and_the_identity_is_encrypted(world, enlist):
    with pytest.raises(CaseRuleError) as refused:
        enlist(consent_method="", consent_on=None)
    assert set(refused.value.message_dict) == {"consent_method", "consent_on"}
    registration = enlist(care_level="4")
    stored = Registration.objects.filter(pk=registration.pk).values_list("care_level", flat=True).get()
    assert isinstance(stored, bytes | memoryview) and len(bytes(stored)) > 16  # ciphertext, not "4"
    assert Registration.objects.get(pk=registration.pk).care_level == "4"


def test_a_stale_form_gets_a_conflict_not_a_lost_update(world, enlist):
    registration = enlist()
    services.change_registration(
        actor=world.ward_worker, registration=registration, expected_version=1, lives_alone=True
    )
    with pytest.raises(Conflict):
        services.change_registration(
            actor=world.ward_worker, registration=registration, expected_version=1, care_level="5"
        )
    assert Registration.objects.get(pk=registration.pk).care_level == "3"


# --- issues --------------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    people=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),  # which area (the second lies in the first)
            st.sampled_from(ConsentStatus.values),
            st.booleans(),  # removed from the list since
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_normal_time_issue_holds_exactly_the_consenting_persons_of_the_associations_area(
    world, enlist, list_agreement, people
):
    first = world.demo.districts[0]
    areas = [first, first.children.get(), *world.demo.districts[1:3]]
    for where, consent, removed in people:
        registration = enlist(consent=consent, area=areas[where])
        if removed:
            services.remove_from_list(
                actor=world.ward_worker,
                registration=registration,
                expected_version=1,
                removed_on=timezone.localdate(),
                reason=Registration.Removal.MOVED,
            )
    agreement = list_agreement(area=first)
    # The oracle walks every registration in Python: the area's tree, the answer, still listed.
    expected = {
        r.pk
        for r in Registration.objects.select_related("area__parent")
        if first.pk in {a.pk for a in r.area.ancestors(include_self=True)}
        and r.consent == ConsentStatus.GIVEN
        and r.removed_on is None
    }
    if not expected:
        with pytest.raises(CaseRuleError):
            services.issue_list(actor=world.ward_worker, agreement=agreement, received_by="会長 山本")
        return
    issue = services.issue_list(actor=world.ward_worker, agreement=agreement, received_by="会長 山本")
    assert given_in(issue) == expected
    assert issue.basis == ProvisionBasis.CONSENT and issue.declaration is None
    assert all(issue.entries.values_list("with_consent", flat=True))


def test_during_a_declared_disaster_the_issue_holds_everyone_of_the_area_under_49_11_3(
    world, enlist, list_agreement
):
    consenting = enlist()
    refusing = enlist(consent=ConsentStatus.REFUSED, name="拒否 太郎")
    unasked = enlist(consent=ConsentStatus.NOT_ASKED, name="未確認 次郎")
    elsewhere = enlist(consent=ConsentStatus.REFUSED, area=world.demo.districts[1])
    agreement = list_agreement()
    normal = services.issue_list(actor=world.ward_worker, agreement=agreement, received_by="会長 山本")
    assert given_in(normal) == {consenting.pk}

    drill = services.declare_disaster(
        actor=world.ward_worker, kind="earthquake", title="訓練", area=world.district, is_drill=True
    )
    practised = services.issue_list(actor=world.ward_worker, agreement=agreement, received_by="会長 山本")
    assert given_in(practised) == {consenting.pk} and practised.basis == ProvisionBasis.CONSENT  # a drill
    services.end_disaster(actor=world.ward_worker, declaration=drill)
    declaration = services.declare_disaster(
        actor=world.ward_worker, kind="earthquake", title="地震（テスト）", area=world.district
    )
    during = services.issue_list(actor=world.ward_worker, agreement=agreement, received_by="会長 山本")
    assert given_in(during) == {consenting.pk, refusing.pk, unasked.pk}
    assert elsewhere.pk not in given_in(during)
    assert (during.basis, during.declaration, during.version) == (ProvisionBasis.DISASTER, declaration, 3)
    assert during.get_basis_display().startswith("災害対策基本法 第49条の11第3項")
    # Each person given is in the trail under the ground that gave them; names never are.
    provided = AuditEvent.objects.filter(event="evacuation.person_provided", target_id=str(during.pk))
    basis_of = {event.person_id: json.loads(event.params)["list_basis"] for event in provided}
    assert basis_of == {
        str(consenting.person_id): ProvisionBasis.CONSENT,
        str(refusing.person_id): ProvisionBasis.DISASTER,
        str(unasked.person_id): ProvisionBasis.DISASTER,
    }
    assert "拒否" not in "".join(AuditEvent.objects.values_list("params", flat=True))
    # The older version is recalled; ending the disaster recalls what was given without consent.
    normal.refresh_from_db()
    assert normal.recall_reason == ListIssue.Recall.SUPERSEDED and normal.is_outstanding
    services.end_disaster(actor=world.ward_worker, declaration=declaration)
    during.refresh_from_db()
    assert during.recall_reason == ListIssue.Recall.DISASTER_ENDED and during.is_outstanding
    after = services.issue_list(actor=world.ward_worker, agreement=agreement, received_by="会長 山本")
    assert given_in(after) == {consenting.pk} and after.basis == ProvisionBasis.CONSENT


def test_declaring_a_disaster_tells_the_staff_of_the_area_and_not_the_city_wide_centre(world):
    declaration = services.declare_disaster(
        actor=world.ward_worker, kind="storm_flood", title="大雨（テスト）", area=world.district
    )
    told = set(
        Notification.objects.filter(kind=Kind.DISASTER_DECLARED).values_list("recipient__username", flat=True)
    )
    assert {"demo_plaza", "demo_commissioner"} <= told
    assert "demo_ward" not in told and "demo_coordinator" not in told  # the actor; the city-wide centre
    (notice,) = Notification.objects.filter(recipient=world.staff, kind=Kind.DISASTER_DECLARED)
    assert notice.link == reverse("disaster:declaration", args=[declaration.pk])
    plaza = VerifiedClient()
    plaza.force_login(world.staff)
    page = plaza.get(notice.link).content.decode()
    assert "大雨（テスト）" in page and "災害の終了を記録する" not in page
    other = VerifiedClient()
    other.force_login(world.other_staff)  # a plaza elsewhere in the ward: not concerned
    assert other.get(notice.link).status_code == 403


def test_a_recalled_issue_stays_outstanding_until_its_return_or_destruction_is_confirmed(
    world, enlist, list_agreement
):
    enlist()
    agreement = list_agreement()
    first = services.issue_list(actor=world.ward_worker, agreement=agreement, received_by="会長 山本")
    with pytest.raises(CaseRuleError):  # still in use: nothing to confirm yet
        services.confirm_return(
            actor=world.ward_worker, issue=first, method="returned", confirmed_on=timezone.localdate()
        )
    registry.terminate_agreement(
        actor=world.ward_worker,
        agreement=agreement,
        expected_version=agreement.version,
        terminated_on=timezone.localdate(),
        reason="町内会の解散",
    )
    first.refresh_from_db()
    assert first.recall_reason == ListIssue.Recall.AGREEMENT_ENDED
    assert first.is_outstanding and first.status() == "回収待ち"
    ward = ward_client(world)
    assert "回収待ちの名簿" in ward.get(reverse("disaster:index")).content.decode()
    # It is not printed again once recalled.
    assert ward.get(reverse("disaster:issue_pdf", args=[first.pk])).status_code == 403
    answer = ward.post(
        reverse("disaster:issue", args=[first.pk]),
        {"method": "destroyed", "confirmed_on": timezone.localdate().isoformat()},
    )
    assert answer.status_code == 302
    first.refresh_from_db()
    assert not first.is_outstanding and first.return_method == "destroyed"
    assert "回収待ちの名簿" not in ward.get(reverse("disaster:index")).content.decode()


def test_a_lapsed_agreements_list_is_recalled_by_the_daily_run_and_the_ward_told(
    world, enlist, list_agreement
):
    enlist()
    agreement = list_agreement()
    issue = services.issue_list(actor=world.ward_worker, agreement=agreement, received_by="会長 山本")
    type(agreement).objects.filter(pk=agreement.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    call_command("send_reminders", stdout=io.StringIO())
    issue.refresh_from_db()
    assert issue.recall_reason == ListIssue.Recall.AGREEMENT_ENDED and issue.is_outstanding
    (notice,) = Notification.objects.filter(kind=Kind.LIST_RECALL_DUE)
    assert notice.recipient == world.ward_worker and notice.link == reverse("disaster:issue", args=[issue.pk])
    call_command("send_reminders", stdout=io.StringIO())  # the same day again: nothing more
    assert Notification.objects.filter(kind=Kind.LIST_RECALL_DUE).count() == 1


def test_no_list_under_a_lapsed_agreement_or_one_of_another_kind(world, enlist, list_agreement):
    enlist()
    lapsed = list_agreement(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(CaseRuleError) as refused:
        services.issue_list(actor=world.ward_worker, agreement=lapsed, received_by="会長 山本")
    assert refused.value.error_dict["agreement"][0].code == "agreement_not_in_force"
    watching = list_agreement(kind=AgreementKind.WATCHING)
    with pytest.raises(CaseRuleError):
        services.issue_list(actor=world.ward_worker, agreement=watching, received_by="会長 山本")
    assert not ListIssue.objects.exists()


# --- the printed list ----------------------------------------------------------------------------


def test_the_watermark_names_the_recipient_on_every_page(world, enlist, list_agreement):
    for n in range(8):
        plan_for(
            world, enlist(name=f"避難 {n}号"), medical_needs="人工呼吸器。停電時は予備電源を持ち出す。" * 4
        )
    issue = services.issue_list(actor=world.ward_worker, agreement=list_agreement(), received_by="会長 山本")
    response = ward_client(world).get(reverse("disaster:issue_pdf", args=[issue.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) >= 2
    for page in pages:
        assert "提供先: テスト第一町内会 会長 山本" in page.extract_text()
    assert "避難 7号" in "".join(page.extract_text() for page in pages)
    printed = AuditEvent.objects.get(event="evacuation.list_printed")
    assert json.loads(printed.params)["number"] == issue.number and "name" in printed.fields

    book = load_workbook(
        io.BytesIO(ward_client(world).get(reverse("disaster:issue_xlsx", args=[issue.pk])).content)
    )
    for sheet in book.worksheets:
        assert "テスト第一町内会 会長 山本" in sheet.oddHeader.center.text
    names = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(f"避難 {n}号" for n in range(8))


def test_only_the_ward_offices_list_keepers_see_the_list(world, enlist, list_agreement):
    registration = enlist()
    issue = services.issue_list(actor=world.ward_worker, agreement=list_agreement(), received_by="会長 山本")
    urls = [
        reverse("disaster:index"),
        reverse("disaster:register"),
        reverse("disaster:registration", args=[registration.pk]),
        reverse("disaster:issue", args=[issue.pk]),
        reverse("disaster:issue_pdf", args=[issue.pk]),
    ]
    for user in (world.staff, world.commissioner, world.privacy, world.admin, world.coordinator):
        client = VerifiedClient()
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.username, url)
    ward = ward_client(world)
    assert all(ward.get(url).status_code == 200 for url in urls)
    page = ward.get(reverse("disaster:registration", args=[registration.pk])).content.decode()
    assert "避難 花子" in page
    shown = AuditEvent.objects.filter(event="person.viewed", person_id=str(registration.person_id)).latest(
        "sequence"
    )
    assert "registration.care_level" in shown.fields and shown.purpose == "evacuation_support"


def test_the_retention_job_keeps_whoever_is_listed_and_an_erased_person_leaves_the_list(
    world, enlist, list_agreement
):
    from cases.models import Person
    from cases.services.people import erase_person, people_due_for_erasure

    listed, removed, erased = (enlist(name=f"{n} さん") for n in ("掲載中", "掲載終了", "消去"))
    services.remove_from_list(
        actor=world.ward_worker,
        registration=removed,
        expected_version=1,
        removed_on=timezone.localdate(),
        reason=Registration.Removal.MOVED,
    )
    long_ago = timezone.now() - datetime.timedelta(days=6 * 366)
    Person.objects.filter(pk__in=[listed.person_id, removed.person_id]).update(created_at=long_ago)
    due = set(people_due_for_erasure(now=timezone.now(), years=5).values_list("pk", flat=True))
    assert not due & {listed.person_id, removed.person_id}  # on the list; and left it only today
    Registration.objects.filter(pk=removed.pk).update(removed_on=long_ago.date())
    due = set(people_due_for_erasure(now=timezone.now(), years=5).values_list("pk", flat=True))
    assert removed.person_id in due and listed.person_id not in due

    issue = services.issue_list(actor=world.ward_worker, agreement=list_agreement(), received_by="会長 山本")
    erase_person(actor=None, person=erased.person)
    ward = ward_client(world)
    assert "消去 さん" not in ward.get(reverse("disaster:index")).content.decode()
    assert ward.get(reverse("disaster:registration", args=[erased.pk])).status_code == 403
    printed = ward.get(reverse("disaster:issue_pdf", args=[issue.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.content)).pages)
    assert "掲載中 さん" in text and "消去 さん" not in text
