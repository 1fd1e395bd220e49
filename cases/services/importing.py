"""Open cases brought in from the records a municipality kept before Tsunagu (paper, spreadsheets):
each a person, encrypted under a data key of their own, and a case already in work with its lead
organisation — and the ground on which that organisation holds the person's data
(``ImportedCase``). Written a batch at a time by the onboarding import (onboarding/people.py),
which checks every row first and reports problems by row and column; the rules are checked here
again, so that no other caller can write what the import would refuse.

A batch is a few statements whatever its size: the keys, persons, cases, imported-case records,
lead grants and guardian's rows each one ``executemany`` (accounts.sql.insert_instances), the case
numbers one counter update per numbering unit, and the audit events — one a row, ``case.imported``,
naming the person's fields written, the ground and the lead's grant — one chained insert.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Area, Organisation, User
from accounts.services import is_administrator
from accounts.sql import insert_instances
from audit import services as audit
from cases.access import deny, grant_leads_of_new_cases
from cases.exceptions import CaseRuleError
from cases.models import AccessLevel, Case, CaseState, ImportedCase, LegalBasis, Person
from cases.services.intake import ALL_FIELD_GROUPS, serves
from cases.services.references import allocate_case_references, numbering_unit
from cases.services.sharing import check_legal_basis
from privacy.models import DataKey
from privacy.normalise import fiscal_year_of

# A case from paper comes in where work on it stands without records Tsunagu would need for any
# later state (a meeting's decision, a referral, a guardianship matter).
IMPORTABLE_STATES = (CaseState.SHARING, CaseState.WATCHING)
IDENTITY_FIELDS = ("name", "kana", "birth_date", "address", "phone", "notes")


@dataclass(frozen=True)
class OpenCaseRecord:
    identity: dict  # IDENTITY_FIELDS → value
    area: Area
    lead: Organisation
    state: str
    opened_on: datetime.date
    legal_basis: LegalBasis
    reference: str = ""


@dataclass
class RuleMemo:
    """What the rules found for one organisation, area or ground, kept across the rows of an import
    (a city's caseload names a few of each, a thousand times over)."""

    serves: dict[tuple[int, int], bool] = field(default_factory=dict)  # (organisation, area) → served
    grounds: dict[tuple, tuple[str, str]] = field(default_factory=dict)  # (basis, lead, referenced) → problem


def record_problems(record: OpenCaseRecord, memo: RuleMemo) -> list[tuple[str, str]]:
    """What is wrong with one record, as (field, message): the rules the import holds it to."""
    problems = []
    if record.state not in IMPORTABLE_STATES:
        problems.append(("state", _("取り込めるのは「情報共有・アセスメント」か「見守り」のケースです。")))
    if record.opened_on > timezone.localdate():
        problems.append(("opened_on", _("受付日が未来の日付です。")))
    birth_date = record.identity.get("birth_date")
    if birth_date and birth_date > record.opened_on:
        problems.append(("opened_on", _("受付日が生年月日より前です。")))
    pair = (record.lead.pk, record.area.pk)
    if pair not in memo.serves:
        memo.serves[pair] = serves(record.lead, record.area)
    if not memo.serves[pair]:
        problems.append(("lead", _("主担当の組織は、この地域を担当していません。")))
    ground = (record.legal_basis.pk, record.lead.pk, bool(record.reference.strip()))
    if ground not in memo.grounds:
        try:
            check_legal_basis(record.legal_basis, record.lead, record.reference)
            memo.grounds[ground] = ("", "")
        except CaseRuleError as refusal:
            field_name = "reference" if refusal.code == "reference_required" else "legal_basis"
            memo.grounds[ground] = (field_name, refusal.messages[0])
    if memo.grounds[ground][1]:
        problems.append(memo.grounds[ground])
    return problems


def import_open_cases(*, actor: User, records: Sequence[OpenCaseRecord]) -> list[Case]:
    """Write these records — all of them or, when one breaks a rule, none (CaseRuleError). Only a
    system administrator imports."""
    if not (actor.is_authenticated and is_administrator(actor)):
        deny(actor, action="import_open_cases")
    memo = RuleMemo()
    for record in records:
        problems = record_problems(record, memo)
        if problems:
            raise CaseRuleError(problems[0][1], code="import_refused")
    if not records:
        return []
    with transaction.atomic():
        keys = DataKey.objects.build(len(records))
        people = [
            Person(data_key=key, registered_by=record.lead, **record.identity)
            for key, record in zip(keys, records, strict=True)
        ]
        cases = [
            Case(
                person=person,
                area=record.area,
                lead_organisation=record.lead,
                state=record.state,
                reference=number,
            )
            for person, record, number in zip(people, records, _references(records), strict=True)
        ]
        imported = [
            ImportedCase(
                case=case,
                legal_basis=record.legal_basis,
                reference=record.reference,
                opened_on=record.opened_on,
                imported_by=actor,
            )
            for case, record in zip(cases, records, strict=True)
        ]
        for made in (keys, people, cases, imported):
            insert_instances(made)
        grant_leads_of_new_cases(cases, actor=actor, field_groups=ALL_FIELD_GROUPS)
        # One event a row: the person's fields written, the case, its ground and its lead's grant.
        audit.append(
            [
                audit.new_event(
                    "case.imported",
                    actor=actor,
                    organisation_id=record.lead.pk,
                    target=case,
                    case_id=case.pk,
                    person_id=case.person_id,
                    fields=[
                        *(name for name in IDENTITY_FIELDS if record.identity.get(name) not in (None, "")),
                        *(["reference"] if record.reference else []),
                    ],
                    params={
                        "state": record.state,
                        "legal_basis": record.legal_basis.code,
                        "lead": record.lead.pk,
                        "level": int(AccessLevel.LEAD),
                    },
                )
                for case, record in zip(cases, records, strict=True)
            ]
        )
    return cases


def _references(records: Sequence[OpenCaseRecord]) -> list[str]:
    """Each record's case number, of the fiscal year it was opened in (2019-はまかぜ-0042 for a
    case opened on paper in 2019): one counter update per numbering unit and year."""
    units: dict[int, Area] = {}
    wanted: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        if record.area.pk not in units:
            units[record.area.pk] = numbering_unit(record.area)
        wanted[units[record.area.pk].pk, fiscal_year_of(record.opened_on)].append(index)
    found = [""] * len(records)
    for indexes in wanted.values():
        first = records[indexes[0]]
        numbers = allocate_case_references(units[first.area.pk], first.opened_on, len(indexes))
        for index, reference in zip(indexes, numbers, strict=True):
            found[index] = reference
    return found
