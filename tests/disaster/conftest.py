"""The evacuation-support list's fixtures: an association with a list-provision agreement over a
district, and registrations made through the service."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from cases.services import agreements as registry
from cases.vocabulary import AgreementKind, FieldGroup
from disaster import services
from disaster.models import ConsentMethod, ConsentStatus

CLAUSES = {
    "storage_clause": "会長宅の施錠できる書庫に保管する。",
    "handlers_clause": "会長と防災部長に限る。",
    "return_clause": "新しい版を受け取ったとき、協定が終わったときは区に返却する。",
    "breach_clause": "直ちに区に報告する。",
}


@pytest.fixture
def association(demo) -> Organisation:
    return Organisation.objects.create(
        name="テスト第一町内会",
        kind=OrganisationKind.NEIGHBOURHOOD_ASSOCIATION,
        municipality=demo.municipality,
    )


@pytest.fixture
def list_agreement(world, association):
    """A list-provision agreement of the ward office's over an area (the first district unless told)."""

    def make(**overrides):
        values = {
            "actor": world.ward_worker,
            "municipal_side": world.ward,
            "kind": AgreementKind.LIST_PROVISION,
            "title": "災害時要援護者名簿の提供に関する協定（テスト第一町内会）",
            "party": association,
            "area": world.district,
            "field_groups": [FieldGroup.IDENTITY, FieldGroup.CONTACT],
            "valid_from": timezone.localdate() - datetime.timedelta(days=365),
            "valid_until": timezone.localdate() + datetime.timedelta(days=365),
            **CLAUSES,
        }
        values.update(overrides)
        return registry.register_agreement(**values)

    return make


@pytest.fixture
def enlist(world):
    """A person listed by the ward office: 要介護3 (meets the seeded criterion) unless told."""

    def make(consent: str = ConsentStatus.GIVEN, **overrides):
        values = {
            "actor": world.ward_worker,
            "office": world.ward,
            "area": world.district,
            "name": "避難 花子",
            "address": "つなぐ市はまかぜ区3-4-5",
            "care_level": "3",
            "consent": consent,
        }
        if consent != ConsentStatus.NOT_ASKED:
            values |= {"consent_method": ConsentMethod.WRITTEN, "consent_on": timezone.localdate()}
        values.update(overrides)
        return services.register_for_list(**values)

    return make


def plan_for(world, registration, **overrides):
    values = {
        "supporter_1": "隣の 鈴木さん",
        "supporter_2": "町内会防災部",
        "destination": "はまかぜ小学校",
        "medical_needs": "車いす",
    }
    values.update(overrides)
    return services.save_plan(
        actor=world.ward_worker, registration=registration, expected_version=0, **values
    )
