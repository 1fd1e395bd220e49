"""The petition's drafts printed from what the matter records (本人情報シート, 申立事情説明書), and
the petition's documents checklist saved in one submit (docs/documents.md)."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from guardianship import services
from guardianship.models import PetitionDocument
from tests.documents import fields_of, last_printed, params_of, pdf_text
from tests.guardianship.conftest import advance, form_team_of
from tests.screens import browser, follow_post

NAME = "佐々木 トメ"
ADDRESS = "つなぐ市はまかぜ区1-2-3"  # contact: never disclosed to the centre here
WISHES = "住み慣れた家で暮らしたい"
CAPACITY = "通帳の管理ができなくなってきた"
HOW = "ゆっくり二回聞いた"
DRAFTS = ("person_information_sheet", "petition_circumstances")


@pytest.fixture
def prepared(world, matter):
    """The matter assessed (wishes, capacity, real estate) and its petition in preparation."""
    matter = advance(world, matter, "start_assessment")
    matter = services.record_assessment(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        wishes=WISHES,
        capacity_concerns=CAPACITY,
        wishes_how=HOW,
        has_real_estate=True,
        care_providers=[world.anshin],
    )
    matter = advance(world, matter, "form_team")
    form_team_of(world, matter)
    matter.refresh_from_db()
    return services.prepare_petition(
        actor=world.coordinator,
        matter=matter,
        expected_version=matter.version,
        type="curatorship",
        petitioner_kind="mayor",
        court=world.demo.organisations["family_court"],
        subsidy_petition_costs=True,
    )


def url(matter, document) -> str:
    return reverse(f"guardianship:draft_{document}", args=[matter.pk])


@pytest.mark.parametrize("document", DRAFTS)
def test_each_draft_is_drafted_from_the_matter_and_marked_draft(world, prepared, document):
    response = browser(world.coordinator).get(url(prepared, document))
    text = pdf_text(response).replace("\n", "")
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) >= 2 and all("下書き" in page.extract_text() for page in pages)  # every page
    title = {"person_information_sheet": "本人情報シート", "petition_circumstances": "申立事情説明書"}
    for shown in (title[document], "下書き", NAME, WISHES, CAPACITY, HOW, world.anshin.name):
        assert shown in text, shown
    assert f"印刷者: {world.coordinator}（{world.centre.name}）" in text
    assert ADDRESS not in text  # the contact group was never disclosed to the centre
    if document == "petition_circumstances":
        assert "保佐" in text and "市町村長（市長申立て）" in text and "家庭裁判所" in text


def test_a_draft_is_an_audited_read_naming_field_names_only(world, prepared):
    browser(world.coordinator).get(url(prepared, "person_information_sheet"))
    printed = last_printed("guardianship.printed")
    assert printed.actor == world.coordinator and printed.organisation_id == world.centre.pk
    assert params_of(printed) == {"document": "person_information_sheet"}
    assert fields_of(printed) == sorted(
        ["name", "kana", "birth_date", "capacity_concerns", "wishes", "wishes_how"]
    )
    viewed = AuditEvent.objects.filter(event="guardianship.viewed").latest("sequence")
    assert viewed.sequence < printed.sequence  # the matter page's own read, first
    for event in (printed, viewed):
        for value in (NAME, "佐々木", WISHES, CAPACITY, HOW):
            assert value not in event.fields + event.params


@pytest.mark.parametrize("who", ["staff", "agency_worker", "commissioner", "privacy", "ward_worker"])
def test_who_is_not_the_centre_is_refused_recorded(world, prepared, who):
    denied = AuditEvent.objects.filter(event="case.denied").count()
    assert browser(getattr(world, who)).get(url(prepared, "petition_circumstances")).status_code == 403
    assert AuditEvent.objects.filter(event="case.denied").count() == denied + 1
    assert not AuditEvent.objects.filter(event="guardianship.printed").exists()


def test_a_document_that_does_not_exist_is_not_found(world, prepared):
    missing = f"/guardianship/matters/{prepared.pk}/drafts/asset-inventory.pdf"
    assert browser(world.coordinator).get(missing).status_code == 404


# --- the documents checklist ---------------------------------------------------------------------


def checklist(petition, **changes) -> dict:
    """The checklist form as the page showed it (each document's status then), with ``changes``."""
    shown = {d.kind: d.status for d in petition.documents.all()}
    return {**shown, **changes, **{f"initial-{kind}": status for kind, status in shown.items()}}


def test_the_checklist_saves_in_one_submit_with_one_event_naming_the_changes(world, prepared):
    petition = services.current_petition(prepared)
    centre = browser(world.coordinator)
    page = centre.get(reverse("guardianship:matter", args=[prepared.pk])).content.decode()
    assert page.count("<select") >= 9 and page.count("書類の状況を保存する") == 1
    for name in ("申立書", "診断書", "本人情報シート", "登記されていないことの証明書"):
        assert f">{name}</label>" in page
    updates = AuditEvent.objects.filter(event="guardianship.updated").count()
    data = checklist(
        petition,
        medical_certificate="received",
        family_register="requested",
        residence_certificate="not_applicable",
    )
    html = follow_post(centre, reverse("guardianship:matter_documents", args=[prepared.pk]), data)
    assert "書類の状況を保存しました" in html
    statuses = dict(petition.documents.values_list("kind", "status"))
    assert statuses["medical_certificate"] == "received"
    assert statuses["family_register"] == "requested"
    assert statuses["residence_certificate"] == "not_applicable"
    assert list(statuses.values()).count("needed") == 6
    events = AuditEvent.objects.filter(event="guardianship.updated").order_by("sequence")
    assert events.count() == updates + 1
    assert params_of(events.last()) == {
        "what": "documents",
        "documents": ["medical_certificate", "family_register", "residence_certificate"],
        "statuses": ["received", "requested", "not_applicable"],
    }


def test_the_checklist_leaves_what_someone_else_changed_meanwhile(world, prepared):
    petition = services.current_petition(prepared)
    stale = checklist(petition, medical_certificate="received")  # the page as it was opened
    services.update_document(
        actor=world.coordinator, petition=petition, kind="petition_form", status="received"
    )
    follow_post(
        browser(world.coordinator), reverse("guardianship:matter_documents", args=[prepared.pk]), stale
    )
    statuses = dict(petition.documents.values_list("kind", "status"))
    assert statuses["petition_form"] == "received"  # not put back to the stale page's 未着手
    assert statuses["medical_certificate"] == "received"


def test_an_unknown_status_changes_nothing(world, prepared):
    petition = services.current_petition(prepared)
    updates = AuditEvent.objects.filter(event="guardianship.updated").count()
    data = checklist(petition, medical_certificate="received", family_register="lost")
    html = follow_post(
        browser(world.coordinator), reverse("guardianship:matter_documents", args=[prepared.pk]), data
    )
    assert "正しく選択してください" in html or "選択してください" in html
    assert 'value="received" selected' in html  # what was typed is kept
    assert set(PetitionDocument.objects.filter(petition=petition).values_list("status", flat=True)) == {
        "needed"
    }
    assert AuditEvent.objects.filter(event="guardianship.updated").count() == updates


def test_the_checklist_is_the_centres_only(world, prepared):
    petition = services.current_petition(prepared)
    response = browser(world.staff).post(
        reverse("guardianship:matter_documents", args=[prepared.pk]),
        checklist(petition, petition_form="received"),
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):  # the service asks again, whoever calls it
        services.update_documents(
            actor=world.staff, petition=petition, statuses={"petition_form": "received"}
        )
    assert not PetitionDocument.objects.filter(petition=petition, status="received").exists()
