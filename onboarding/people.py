"""The second onboarding import: the persons and open cases a municipality kept before Tsunagu
(the 本人とケース sheet, onboarding/workbook.py), up to a city's whole caseload.

``stage_people`` checks every row — as a form, then against the directory (areas, organisations,
the legal-basis catalogue), against the file's other rows and against the persons already
registered (the same name and birth date, through their blind indexes) — and reports each problem
by row and column, writing nothing. A file without problems is kept as batches of checked rows,
encrypted under a key of the import's own. ``write_batch`` then writes one batch in one transaction
through ``cases.services.importing`` and deletes it in that same transaction: the page asks for the
batches one after another and shows how far it is; an interruption (a closed tab, a restarted
server) loses at most the batch that was being written, whose transaction rolls back, and the page
carries on from there. Two requests for the same batch write it once (the import's row is locked
and says which batch is next). When the last batch is written the import's key is destroyed.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Area, Organisation, User
from audit import services as audit
from cases.exceptions import CaseRuleError
from cases.models import LegalBasis, Person
from cases.services.importing import (
    IDENTITY_FIELDS,
    OpenCaseRecord,
    RuleMemo,
    import_open_cases,
    record_problems,
)
from onboarding import workbook
from onboarding.forms import PersonCaseRow, row_checker
from onboarding.models import StagedBatch, StagedImport
from onboarding.services import Problem, destroy_staged, drop_stale, require_administrator
from privacy.models import DataKey

BATCH_ROWS = 1000  # a batch is written in about a second; the page moves on after each
SHEET = workbook.PEOPLE


@dataclass
class CheckedPeople:
    problems: list[Problem] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # as the batches keep them (JSON-ready)


class Conflict(Exception):
    """The batch asked for is not the next one (another request wrote it): nothing was written."""


def _problem(row: int, name: str, message: str) -> Problem:
    return Problem(SHEET.title, row, SHEET.header_of(name) if name else "", message)


def check_people(content: bytes) -> CheckedPeople:
    """Every row checked; ``rows`` holds them resolved to ids only when there is no problem."""
    checked = CheckedPeople()
    try:
        sheets = workbook.read(content, workbook.PEOPLE_SHEETS)
    except workbook.UnreadableWorkbook as error:
        checked.problems.append(Problem("", 0, "", str(error)))
        return checked
    cleaned = []
    check = row_checker(PersonCaseRow)
    for row in sheets.get(SHEET.key, []):
        values, found = check(row.values)
        if not found:
            cleaned.append({"row": row.number, **values})
        else:
            for name, errors in found.items():
                checked.problems.extend(
                    _problem(row.number, name if name != "__all__" else "", e) for e in errors
                )
    if not cleaned and not checked.problems:
        checked.problems.append(Problem(SHEET.title, 0, "", _("取り込む行がありません。")))
    areas = _by_name(Area.objects.filter(name__in={r["area"] for r in cleaned}))
    leads = _by_name(Organisation.objects.filter(name__in={r["lead"] for r in cleaned}))
    bases = _legal_bases()
    memo = RuleMemo()
    for row in cleaned:
        found_area = _one(
            areas,
            row["area"],
            _("地域「%(name)s」がありません。"),
            _("「%(name)s」という地域が複数あります。"),
        )
        found_lead = _one(
            leads,
            row["lead"],
            _("組織「%(name)s」がありません。"),
            _("「%(name)s」という組織が複数あります。"),
        )
        found_basis = _one(
            bases,
            row["legal_basis"],
            _("「%(name)s」という有効な根拠がありません（コードか名称）。"),
            _("「%(name)s」という根拠が複数あります。コードで書いてください。"),
        )
        for name, (_found, message) in (
            ("area", found_area),
            ("lead", found_lead),
            ("legal_basis", found_basis),
        ):
            if message:
                checked.problems.append(_problem(row["row"], name, message))
        if found_area[0] is None or found_lead[0] is None or found_basis[0] is None:
            continue
        record = OpenCaseRecord(
            identity={name: row[name] for name in IDENTITY_FIELDS},
            area=found_area[0],
            lead=found_lead[0],
            state=row["state"],
            opened_on=row["opened_on"],
            legal_basis=found_basis[0],
            reference=row["reference"],
        )
        checked.problems.extend(
            _problem(row["row"], name, message) for name, message in record_problems(record, memo)
        )
        row.update(area=record.area.pk, lead=record.lead.pk, legal_basis=record.legal_basis.pk)
    _check_same_people(cleaned, checked)
    checked.problems.sort(key=lambda p: p.row)
    if not checked.problems:
        checked.rows = [_kept(row) for row in cleaned]
    return checked


def _by_name(query) -> dict[str, list]:
    found: dict[str, list] = {}
    for item in query:
        found.setdefault(item.name, []).append(item)
    return found


def _legal_bases() -> dict[str, list[LegalBasis]]:
    """The active catalogue by code and by name (a code is unique; a name may not be)."""
    found: dict[str, list[LegalBasis]] = {}
    for basis in LegalBasis.objects.filter(is_active=True):
        found.setdefault(basis.code, []).append(basis)
        if basis.name != basis.code:
            found.setdefault(basis.name, []).append(basis)
    return found


def _one(found: dict[str, list], name: str, missing: str, several: str) -> tuple[object | None, str]:
    matches = found.get(name, [])
    if len(matches) == 1:
        return matches[0], ""
    return None, (missing if not matches else several) % {"name": name}


def _check_same_people(rows: list[dict], checked: CheckedPeople) -> None:
    """A person twice in the file, or already registered, by the same name and birth date (their
    blind indexes: nothing is decrypted): registering them again would split their record."""
    name_index = Person._meta.get_field("name_index")
    birth_index = Person._meta.get_field("birth_date_index")
    keyed = {}
    for row in rows:
        if row["birth_date"]:
            keyed[row["row"]] = (name_index.compute(row["name"]), birth_index.compute(row["birth_date"]))
    first: dict[tuple, int] = {}
    for number, key in keyed.items():
        if key in first:
            checked.problems.append(
                _problem(number, "name", _("%(row)d行目と同じ氏名・生年月日の人です。") % {"row": first[key]})
            )
        first.setdefault(key, number)
    registered = set()
    names = sorted({key[0] for key in keyed.values()})
    for start in range(0, len(names), 500):
        registered.update(
            Person.objects.filter(
                name_index__in=names[start : start + 500], erased_at__isnull=True
            ).values_list("name_index", "birth_date_index")
        )
    for number, key in keyed.items():
        if (key[0], key[1]) in registered:
            checked.problems.append(
                _problem(
                    number,
                    "name",
                    _(
                        "同じ氏名・生年月日の人が既に登録されています。その人のケースは画面から登録してください。"
                    ),
                )
            )


def _kept(row: dict) -> dict:
    """A checked row as a batch keeps it: ids, and dates as ISO text."""
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in row.items()
    }


def stage_people(*, actor: User, content: bytes) -> tuple[CheckedPeople, StagedImport | None]:
    """The file checked (recorded: the number of rows and of problems); kept as batches for the
    import when it has none."""
    require_administrator(actor, "onboarding.check")
    checked = check_people(content)
    with transaction.atomic():
        drop_stale(actor, StagedImport.Kind.PEOPLE)
        audit.record(
            "onboarding.people_checked",
            actor=actor,
            params={
                "people": len(checked.rows) if not checked.problems else 0,
                "errors": len(checked.problems),
            },
        )
        if checked.problems:
            return checked, None
        batches = [
            checked.rows[start : start + BATCH_ROWS] for start in range(0, len(checked.rows), BATCH_ROWS)
        ]
        staged = StagedImport.objects.create(
            kind=StagedImport.Kind.PEOPLE,
            data_key=DataKey.objects.generate(),
            uploaded_by=actor,
            content="",
            digest=hashlib.sha256(content).hexdigest(),
            rows={SHEET.key: len(checked.rows)},
            batches=len(batches),
        )
        StagedBatch.objects.bulk_create(
            StagedBatch(staged=staged, number=number, rows=json.dumps(rows, ensure_ascii=False))
            for number, rows in enumerate(batches)
        )
    return checked, staged


def write_batch(*, actor: User, staged: StagedImport, number: int) -> StagedImport:
    """Write batch ``number`` — the next one, or Conflict — and delete it; after the last one, the
    import is recorded and its key destroyed. A rule broken now (the directory changed since the
    check) is a CaseRuleError and writes nothing of the batch."""
    require_administrator(actor, "onboarding.import")
    with transaction.atomic():
        locked = StagedImport.objects.select_for_update().select_related("data_key").get(pk=staged.pk)
        if locked.written != number or number >= locked.batches:
            raise Conflict()
        batch = StagedBatch.objects.select_related("staged__data_key").get(staged=locked, number=number)
        rows = json.loads(batch.rows)
        import_open_cases(actor=actor, records=_records(rows))
        batch.delete()
        locked.written += 1
        locked.save(update_fields=["written"])
        if locked.written == locked.batches:
            audit.record(
                "onboarding.people_imported",
                actor=actor,
                params={"people": locked.rows.get(SHEET.key, 0), "batches": locked.batches},
            )
            destroy_staged(locked)
    return locked


def _records(rows: list[dict]) -> list[OpenCaseRecord]:
    areas = Area.objects.in_bulk({row["area"] for row in rows})
    leads = Organisation.objects.in_bulk({row["lead"] for row in rows})
    bases = LegalBasis.objects.in_bulk({row["legal_basis"] for row in rows})
    try:
        return [
            OpenCaseRecord(
                identity={
                    name: _date(row[name]) if name == "birth_date" else row[name] for name in IDENTITY_FIELDS
                },
                area=areas[row["area"]],
                lead=leads[row["lead"]],
                state=row["state"],
                opened_on=_date(row["opened_on"]),
                legal_basis=bases[row["legal_basis"]],
                reference=row["reference"],
            )
            for row in rows
        ]
    except KeyError as missing:
        raise CaseRuleError(
            _("確かめた後に、地域・組織・根拠のどれかが削除されました。ファイルを確かめ直してください。"),
            code="directory_changed",
        ) from missing


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def progress(staged: StagedImport, *, running: bool, problem: str = "") -> dict:
    """What the import page shows: rows written of the total, and whether the page should ask for
    the next batch by itself (``running``: it has been asked to import and nothing went wrong)."""
    total = staged.rows.get(SHEET.key, 0)
    written = min(staged.written * BATCH_ROWS, total)
    return {
        "staged": staged,
        "total": total,
        "written_rows": written,
        "percent": written * 100 // total if total else 100,
        "finished": staged.written >= staged.batches,
        "running": running,
        "problem": problem,
        "batch_rows": f"{BATCH_ROWS:,}",
    }


def template_workbook() -> bytes:
    """The empty 本人とケース workbook, with the states and the catalogue's active legal bases."""
    from onboarding.forms import IMPORTED_CASE_STATES, accepted

    bases = [f"{basis.code}（{basis.name}）" for basis in LegalBasis.objects.filter(is_active=True)]
    return workbook.template(
        {(SHEET.key, "state"): accepted(IMPORTED_CASE_STATES), (SHEET.key, "legal_basis"): bases},
        workbook.PEOPLE_SHEETS,
    )
