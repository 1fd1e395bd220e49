"""The onboarding import: a municipality's area tree, organisations, staff, guardian candidates and
legal-basis catalogue entries from one workbook (onboarding/workbook.py), checked row by row, then
written all at once or not at all.

``stage_workbook`` checks the file: every problem with its sheet, row and column, nothing written
(but the check itself recorded); a file without problems is kept, encrypted, until its
administrator confirms. ``import_staged`` checks it again — the directory may have changed since —
and writes everything in one transaction as that administrator: areas, organisations, users and
legal bases (each an audited administrative change), memberships through ``request_membership``
(a role that reads cases waits for a second administrator, as on the admin pages), candidates
through ``enrol_candidate``. Then the kept file and its key are destroyed.
"""

import base64
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.acting import acting_as
from accounts.models import Area, AreaLevel, Membership, Organisation, OrganisationKind, User
from accounts.services import is_administrator, request_membership
from audit import services as audit
from cases.access import deny
from cases.models import LegalBasis
from guardianship.models import GuardianCandidate
from guardianship.services import candidate_problem, enrol_candidate
from onboarding import workbook
from onboarding.forms import ROW_FORMS, row_checker
from onboarding.models import STAGED_FOR, StagedImport
from privacy.models import DataKey

CANDIDATE_FIELDS = (
    "kind",
    "name",
    "contact",
    "max_caseload",
    "caseload",
    "languages",
    "specialisms",
    "training_completed_on",
    "registered_on",
)


@dataclass(frozen=True)
class Problem:
    sheet: str  # as the workbook names it
    row: int  # the spreadsheet's row (0: the file as a whole)
    column: str  # its header ("" : the row as a whole)
    message: str


@dataclass
class Checked:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)  # sheet key → cleaned rows

    @property
    def counts(self) -> dict[str, int]:
        return {sheet.key: len(self.rows.get(sheet.key, [])) for sheet in workbook.SHEETS}


class ImportRefused(Exception):
    def __init__(self, checked: Checked):
        super().__init__(_("取り込めない行があります。何も登録していません。"))
        self.checked = checked


def require_administrator(actor: User, action: str) -> None:
    if not (actor.is_authenticated and actor.is_active and is_administrator(actor)):
        deny(actor, action=action)


# An area the file names: one in the directory, or a row of the file's 地域 sheet (made when written).
Place = Area | dict


def _municipality(checked: Checked) -> Place | None:
    found: list[Place] = list(Area.objects.filter(level=Area.Level.MUNICIPALITY)[:2])
    found += [row for row in checked.rows.get("areas", []) if row["level"] == AreaLevel.MUNICIPALITY]
    return found[0] if len(found) == 1 else None


def _level(place: Place) -> str:
    return place.level if isinstance(place, Area) else place["level"]


def check_workbook(content: bytes) -> Checked:
    """Every row of every sheet checked, against the directory and against the file's other rows."""
    checked = Checked()
    try:
        sheets = workbook.read(content)
    except workbook.UnreadableWorkbook as error:
        checked.problems.append(Problem("", 0, "", str(error)))
        return checked
    for sheet in workbook.SHEETS:
        check = row_checker(ROW_FORMS[sheet.key])
        for row in sheets.get(sheet.key, []):
            cleaned, found = check(row.values)
            if not found:
                checked.rows.setdefault(sheet.key, []).append({"row": row.number, **cleaned})
            else:
                for name, errors in found.items():
                    column = sheet.header_of(name) if name != "__all__" else ""
                    checked.problems.extend(Problem(sheet.title, row.number, column, e) for e in errors)
    _check_areas(checked)
    _check_organisations(checked)
    _check_users(checked)
    _check_candidates(checked)
    _check_legal_bases(checked)
    checked.problems.sort(
        key=lambda p: ([s.title for s in workbook.SHEETS].index(p.sheet) if p.sheet else -1, p.row)
    )
    return checked


def _places(names: list[str], checked: Checked) -> dict[str, list[Place]]:
    """Each name: the areas of the directory and the rows of the file's 地域 sheet that have it."""
    found: dict[str, list[Place]] = {name: [] for name in names}
    for area in Area.objects.filter(name__in=names):
        found[area.name].append(area)
    for row in checked.rows.get("areas", []):
        if row["name"] in found:
            found[row["name"]].append(row)
    return found


def _place(name: str, places: dict[str, list[Place]]) -> tuple[Place | None, str]:
    """The one area with this name, or None and what is wrong."""
    matches = places.get(name, [])
    if len(matches) == 1:
        return matches[0], ""
    message = (
        _("地域「%(name)s」がありません。") if not matches else _("「%(name)s」という地域が複数あります。")
    )
    return None, message % {"name": name}


def _areas(names: list[str], sheet: workbook.Sheet, row: dict, checked: Checked) -> list[Place]:
    found, places = [], _places(names, checked)
    for name in names:
        place, message = _place(name, places)
        if place is None:
            checked.problems.append(Problem(sheet.title, row["row"], sheet.header_of("areas"), message))
        else:
            found.append(place)
    return found


def _check_areas(checked: Checked) -> None:
    """The model's rules (a code for a municipality or ward, a parent of a coarser level, a name
    once under its parent, a code once), against the directory and the file's other rows."""
    sheet, rows = workbook.AREAS, checked.rows.get("areas", [])
    column = sheet.header_of
    places = _places(sorted({r["parent"] for r in rows if r["parent"]}), checked)
    codes_taken = set(
        Area.objects.filter(code__in=[r["code"] for r in rows if r["code"]]).values_list("code", flat=True)
    )
    codes: dict[str, int] = {}
    under: dict[tuple, int] = {}
    # The names already under the directory's areas the sheet names as parents: one read, not one a row.
    named = [place for found in places.values() for place in found if isinstance(place, Area)]
    taken_under = set(Area.objects.filter(parent__in=named).values_list("parent_id", "name"))
    for row in rows:

        def problem(name: str, message: str, row=row) -> None:
            checked.problems.append(Problem(sheet.title, row["row"], column(name), message))

        level, code = row["level"], row["code"]
        if level in (AreaLevel.MUNICIPALITY, AreaLevel.WARD) and not code:
            problem("code", _("市区町村と区には地方公共団体コードが必要です。"))
        if code in codes_taken:
            problem("code", _("このコードの地域が既にあります。"))
        elif code in codes:
            problem("code", _("%(row)d行目と同じコードです。") % {"row": codes[code]})
        if code:
            codes.setdefault(code, row["row"])
        parent = None
        if level == AreaLevel.MUNICIPALITY:
            if row["parent"]:
                problem("parent", _("市区町村の行は、上位の地域を空欄にしてください。"))
        elif not row["parent"]:
            problem("parent", _("上位の地域を書いてください（既にある地域か、このシートの別の行）。"))
        else:
            parent, message = _place(row["parent"], places)
            if parent is None:
                problem("parent", message)
            elif Area.LEVEL_DEPTH[_level(parent)] >= Area.LEVEL_DEPTH[level]:
                problem("parent", _("上位の地域は、この地域より大きな階層でなければなりません。"))
                parent = None
        row["parent"] = parent
        if parent is None:
            continue
        place = ("area", parent.pk) if isinstance(parent, Area) else ("row", parent["row"])
        if isinstance(parent, Area) and (parent.pk, row["name"]) in taken_under:
            problem("name", _("同じ上位の地域の下に、同じ名称の地域が既にあります。"))
        elif (place, row["name"]) in under:
            problem(
                "name",
                _("%(row)d行目と同じ上位の地域の下で、同じ名称です。") % {"row": under[place, row["name"]]},
            )
        under.setdefault((place, row["name"]), row["row"])


def _check_legal_bases(checked: Checked) -> None:
    sheet, rows = workbook.LEGAL_BASES, checked.rows.get("legal_bases", [])
    taken = set(LegalBasis.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    seen: dict[str, int] = {}
    for row in rows:
        if row["code"] in taken:
            message = _("このコードの根拠が既にあります（変更は管理画面で）。")
        elif row["code"] in seen:
            message = _("%(row)d行目と同じコードです。") % {"row": seen[row["code"]]}
        else:
            message = ""
        if message:
            checked.problems.append(Problem(sheet.title, row["row"], sheet.header_of("code"), message))
        seen.setdefault(row["code"], row["row"])


def _check_organisations(checked: Checked) -> None:
    sheet, rows = workbook.ORGANISATIONS, checked.rows.get("organisations", [])
    municipality = _municipality(checked)
    if rows and municipality is None:
        checked.problems.append(
            Problem(
                sheet.title,
                0,
                "",
                _("市区町村がひとつに決まらないため、組織を取り込めません（地域を確かめてください）。"),
            )
        )
    seen: dict[str, int] = {}
    existing = set(
        Organisation.objects.filter(name__in=[r["name"] for r in rows]).values_list("name", flat=True)
    )
    for row in rows:
        row["municipality"] = municipality
        row["areas"] = _areas(row["areas"], sheet, row, checked)
        if row["name"] in existing:
            checked.problems.append(
                Problem(sheet.title, row["row"], sheet.header_of("name"), _("同じ名称の組織が既にあります。"))
            )
        elif row["name"] in seen:
            checked.problems.append(
                Problem(
                    sheet.title,
                    row["row"],
                    sheet.header_of("name"),
                    _("%(row)d行目と同じ名称です。") % {"row": seen[row["name"]]},
                )
            )
        seen.setdefault(row["name"], row["row"])


def _organisation_names(checked: Checked, names: set[str]) -> dict[str, Organisation | str]:
    """Each name: the organisation in the directory, or the name itself when the file's 組織 sheet
    makes it (resolved when written)."""
    found: dict[str, Organisation | str] = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    for row in checked.rows.get("organisations", []):
        found.setdefault(row["name"], row["name"])
    return found


def _check_users(checked: Checked) -> None:
    sheet, rows = workbook.USERS, checked.rows.get("users", [])
    organisations = _organisation_names(checked, {r["organisation"] for r in rows})
    taken = set(
        User.objects.filter(username__in=[r["username"] for r in rows]).values_list("username", flat=True)
    )
    first: dict[str, dict] = {}
    memberships: dict[tuple, int] = {}
    for row in rows:
        column = sheet.header_of
        if row["username"] in taken:
            checked.problems.append(
                Problem(
                    sheet.title, row["row"], column("username"), _("このログインIDは既に使われています。")
                )
            )
        same = first.setdefault(row["username"], row)
        for name in ("last_name", "first_name", "email"):
            if row[name] != same[name]:
                checked.problems.append(
                    Problem(
                        sheet.title,
                        row["row"],
                        column(name),
                        _("同じログインIDの%(row)d行目と違います。") % {"row": same["row"]},
                    )
                )
        organisation = organisations.get(row["organisation"])
        if organisation is None:
            checked.problems.append(
                Problem(
                    sheet.title,
                    row["row"],
                    column("organisation"),
                    _("この名称の組織がありません（「組織」シートにもありません）。"),
                )
            )
        key = (row["username"], row["organisation"], row["role"])
        if key in memberships:
            checked.problems.append(
                Problem(
                    sheet.title,
                    row["row"],
                    column("role"),
                    _("%(row)d行目と同じ所属です。") % {"row": memberships[key]},
                )
            )
        memberships.setdefault(key, row["row"])
        row["organisation"] = organisation


def _check_candidates(checked: Checked) -> None:
    sheet, rows = workbook.CANDIDATES, checked.rows.get("candidates", [])
    organisations = _organisation_names(checked, {r["organisation"] for r in rows if r["organisation"]})
    for row in rows:
        named = row["organisation"]
        row["organisation"] = organisations.get(named) if named else None
        if named and row["organisation"] is None:
            checked.problems.append(
                Problem(
                    sheet.title,
                    row["row"],
                    sheet.header_of("organisation"),
                    _("この名称の組織がありません（「組織」シートにもありません）。"),
                )
            )
        row["areas"] = _areas(row["areas"], sheet, row, checked)
        row["caseload"] = row["caseload"] or 0
        row["languages"] = row["languages"] or ["ja"]
        # The columns that are the candidate's own fields, as the model and enrol_candidate take them.
        row["fields"] = {name: row[name] for name in CANDIDATE_FIELDS}
        # Its rules ask only whether there is an organisation (one the file makes has no id yet).
        draft = GuardianCandidate(
            **row["fields"], organisation_id=0 if row["organisation"] is not None else None
        )
        checked.problems.extend(
            Problem(sheet.title, row["row"], "", message)
            for message in candidate_problem(draft, unchecked=["organisation"])
        )


def stage_workbook(*, actor: User, content: bytes) -> tuple[Checked, StagedImport | None]:
    """The file checked (recorded: counts and the number of problems); kept for confirmation only
    when it has none. The administrator's older kept files, and anyone's past STAGED_FOR, go."""
    require_administrator(actor, "onboarding.check")
    checked = check_workbook(content)
    with transaction.atomic():
        drop_stale(actor)
        audit.record(
            "onboarding.checked",
            actor=actor,
            params={**checked.counts, "errors": len(checked.problems)},
        )
        if checked.problems:
            return checked, None
        staged = StagedImport.objects.create(
            data_key=DataKey.objects.generate(),
            uploaded_by=actor,
            content=base64.b64encode(content).decode(),
            digest=hashlib.sha256(content).hexdigest(),
            rows=checked.counts,
        )
    return checked, staged


def drop_stale(actor: User, kind: str = StagedImport.Kind.DIRECTORY) -> None:
    """The administrator's kept files of this kind, and anyone's past STAGED_FOR — but not a people
    import partly written (onboarding/people.py), kept until it is finished or dropped on its page."""
    stale = StagedImport.objects.filter(uploaded_by=actor, kind=kind) | StagedImport.objects.filter(
        created_at__lt=timezone.now() - STAGED_FOR
    )
    for staged in stale.filter(written=0).select_related("data_key"):
        destroy_staged(staged)


def destroy_staged(staged: StagedImport) -> None:
    key = staged.data_key
    staged.delete()
    key.destroy()
    key.save(update_fields=["wrapped", "destroyed_at"])


def import_staged(*, actor: User, staged: StagedImport) -> dict[str, int]:
    """Everything the kept file lists, written at once as ``actor`` — or, when a check finds a
    problem now (ImportRefused), nothing. Returns what was made."""
    require_administrator(actor, "onboarding.import")
    content = base64.b64decode(staged.content)
    checked = check_workbook(content)
    if checked.problems:
        raise ImportRefused(checked)
    made = dict.fromkeys(
        ("areas", "organisations", "users", "memberships", "requests", "candidates", "legal_bases"), 0
    )
    with transaction.atomic(), acting_as(actor):
        areas: dict[int, Area] = {}  # the file's row number → the area made from it

        def area(place: Place) -> Area:
            return place if isinstance(place, Area) else areas[place["row"]]

        # Coarser levels first: a parent on the sheet is always made before its children.
        for row in sorted(checked.rows.get("areas", []), key=lambda r: Area.LEVEL_DEPTH[r["level"]]):
            parent = row["parent"] and area(row["parent"])
            areas[row["row"]] = Area.objects.create(
                name=row["name"], level=row["level"], parent=parent, code=row["code"]
            )
            made["areas"] += 1
        organisations: dict[str, Organisation] = {}
        for row in checked.rows.get("organisations", []):
            organisation = Organisation.objects.create(
                name=row["name"], kind=row["kind"], municipality=area(row["municipality"]), phone=row["phone"]
            )
            organisation.areas.set([area(place) for place in row["areas"]])
            organisations[organisation.name] = organisation
            made["organisations"] += 1
        users: dict[str, User] = {}
        for row in checked.rows.get("users", []):
            user = users.get(row["username"])
            if user is None:
                user = User.objects.create_user(
                    username=row["username"],
                    email=row["email"],
                    last_name=row["last_name"],
                    first_name=row["first_name"],
                )  # no password: they set their own through the sign-in page's e-mailed link
                users[user.username] = user
                made["users"] += 1
            organisation = row["organisation"]
            organisation = organisations[organisation] if isinstance(organisation, str) else organisation
            given = request_membership(actor=actor, user=user, organisation=organisation, role=row["role"])
            made["memberships" if isinstance(given, Membership) else "requests"] += 1
        for row in checked.rows.get("candidates", []):
            organisation = row["organisation"]
            enrol_candidate(
                actor=actor,
                **row["fields"],
                organisation=organisations[organisation] if isinstance(organisation, str) else organisation,
                areas=[area(place) for place in row["areas"]],
            )
            made["candidates"] += 1
        for row in checked.rows.get("legal_bases", []):
            LegalBasis.objects.create(**{name: value for name, value in row.items() if name != "row"})
            made["legal_bases"] += 1
        audit.record("onboarding.imported", actor=actor, params=made)
        destroy_staged(staged)
    return made


def discard_staged(*, actor: User, staged: StagedImport) -> None:
    with transaction.atomic():
        destroy_staged(staged)
        audit.record("onboarding.discarded", actor=actor)


def template_workbook() -> bytes:
    """The empty workbook with what each column accepts."""
    from accounts.roles import Role
    from guardianship.vocabulary import Language, Specialism
    from onboarding.forms import IMPORTED_CANDIDATE_KINDS, LegalBasisRow, YesNoField, accepted

    yes_no = [_("はい"), _("いいえ")]
    return workbook.template(
        {
            ("areas", "level"): accepted(AreaLevel.choices),
            ("legal_bases", "organisation_kinds"): accepted(OrganisationKind.choices),
            **{
                ("legal_bases", name): yes_no
                for name, f in LegalBasisRow.base_fields.items()
                if isinstance(f, YesNoField)
            },
            ("organisations", "kind"): accepted(OrganisationKind.choices),
            ("users", "role"): accepted(Role.choices),
            ("candidates", "kind"): accepted(IMPORTED_CANDIDATE_KINDS),
            ("candidates", "languages"): accepted(Language.choices),
            ("candidates", "specialisms"): accepted(Specialism.choices),
        }
    )
