"""Writes of case examples (事例検討): the case's lead drafts one from the case with its people
taken out (learning/deidentify.py), edits it, and asks the privacy officer to review it; the
officer sees how many cases of the municipality share its combination of quasi-identifiers (k) and
approves, returns it with comments, or refuses it; a review's convener shows an approved one at a
meeting. Every step is audited."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit import services as audit
from cases.access import deny, has_case_permission, require_role_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import (
    Case,
    Concern,
    ConcernCategoryTag,
    HouseholdMember,
    ProgressEntry,
    SupportMeeting,
)
from cases.vocabulary import ConcernCategory
from configuration.registry import Setting, register
from configuration.selectors import values_of
from learning.deidentify import age_band, japanese_date, replace_people
from learning.identifiers import Identity
from learning.models import CaseExample, ExamplePurpose, ExampleStatus, ReviewMeeting
from learning.people import identifiers_found, identifying, people_of
from learning.services import is_convener

PROPOSE = "learning.add_caseexample"
REVIEW = "learning.review_caseexample"
K_ANONYMITY = "learning.k_anonymity"
CONFLICT = gettext_lazy(
    "他の人が先にこの事例を更新しました。画面を開き直して、最新の内容を確かめてください。"
)
EDITABLE = (ExampleStatus.DRAFT, ExampleStatus.RETURNED)
# Every date of an example moves by the same number of days, drawn once per example: at least a
# month, at most a year, either way.
OFFSET_DAYS = (30, 365)


def register_settings() -> None:
    register(
        Setting(
            K_ANONYMITY,
            _("事例：同じ組合せのケースの最小数（k）"),
            "number",
            default=5,
            help=_(
                "匿名化した事例の年代・地区・世帯の型・分類の組合せが、この数以上のケースに共通でなければ、"
                "承認に理由の記録が必要です。"
            ),
            least=2,
            most=100,
        )
    )


# --- the draft ------------------------------------------------------------------------------------

HOUSEHOLD_TYPES = {
    "alone": gettext_lazy("単身"),
    "couple": gettext_lazy("夫婦のみ"),
    "parent_child": gettext_lazy("親と子"),
    "other": gettext_lazy("その他の世帯"),
}


def household_type(relations: list[str]) -> str:
    """The household's type from its other current members' relations to the person."""
    if not relations:
        return "alone"
    if set(relations) == {HouseholdMember.Relation.SPOUSE}:
        return "couple"
    if set(relations) <= {
        HouseholdMember.Relation.CHILD,
        HouseholdMember.Relation.PARENT,
        HouseholdMember.Relation.SPOUSE,
    }:
        return "parent_child"
    return "other"


def _categories(case: Case) -> list[str]:
    return sorted(set(ConcernCategoryTag.objects.filter(concern__case=case).values_list("code", flat=True)))


def _quasi(case: Case, relations: list[str], today: datetime.date) -> dict:
    return {
        "age_band": age_band(case.person.birth_date, today),
        "district": case.area_id,
        "household": household_type(relations),
        "categories": _categories(case),
    }


def draft_text(
    case: Case, people: list[Identity], quasi: dict, offset: datetime.timedelta, today: datetime.date
) -> str:
    """The case as an example: its outline, its concerns, its progress and its meetings, each
    dated by ``offset`` and with ``people`` replaced by their roles."""
    ward = case.area.parent.name if case.area.parent_id else case.area.name

    def clean(text: str) -> str:
        return replace_people(text, people, ward, offset, today)

    labels = dict(ConcernCategory.choices)
    outline = [
        _("本人: %(age)s、%(household)s、%(ward)s")
        % {"age": quasi["age_band"], "household": HOUSEHOLD_TYPES[quasi["household"]], "ward": ward},
        _("分類: %(categories)s")
        % {"categories": "、".join(str(labels.get(c, c)) for c in quasi["categories"]) or "—"},
    ]

    def day(moment: datetime.datetime) -> str:
        return japanese_date(timezone.localtime(moment).date() + offset)

    concerns = [
        f"{japanese_date(concern.noticed_on + offset)} {clean(concern.details or '')}".rstrip()
        for concern in Concern.objects.filter(case=case)
        .select_related("case__person__data_key")
        .order_by("noticed_on", "created_at")
    ]
    entries = [
        f"{day(entry.occurred_at)}（{entry.get_kind_display()}） {clean(entry.text)}"
        for entry in ProgressEntry.objects.filter(case=case, correction__isnull=True)
        .select_related("case__person__data_key")
        .order_by("occurred_at")
    ]
    meetings = [
        f"{day(meeting.scheduled_for)} {meeting.get_kind_display()}: {clean(meeting.minutes or '')}"
        for meeting in SupportMeeting.objects.filter(case=case, held_at__isnull=False)
        .select_related("case__person__data_key")
        .order_by("scheduled_for")
    ]
    lines: list[str] = []
    for heading, section in (
        (_("事例の概要"), outline),
        (_("気付き"), concerns),
        (_("支援の経過"), entries),
        (_("会議"), meetings),
    ):
        if section:  # a section with nothing in it is left out
            lines += [*([""] if lines else []), f"【{heading}】", *section]
    return "\n".join(lines)


def _flags(case: Case, quasi: dict, people: list[Identity]) -> list[str]:
    """Rare attributes the worker should generalise further before asking for review."""
    flags = []
    if quasi["age_band"] == "90代以上":
        flags.append(
            str(
                _(
                    "本人が90歳以上です（年代は「90代以上」にまとめています）。年齢が分かる記述がないか確かめてください。"
                )
            )
        )
    if sum(1 for p in people if not p.role.startswith(str(_("職員")))) >= 6:
        flags.append(
            str(
                _(
                    "世帯員・支援者が多く、世帯の構成から特定されるおそれがあります。人数や続柄をまとめてください。"
                )
            )
        )
    if len(quasi["categories"]) >= 4:
        flags.append(
            str(_("分類の組合せが多く、珍しい組合せになっています。本文で触れる分類を絞ってください。"))
        )
    return flags


FIELDS_READ = [
    "name",
    "kana",
    "birth_date",
    "address",
    "phone",
    "supporter.name",
    "concern.details",
    "progress.text",
    "meeting.minutes",
]


def propose_example(*, actor: User, case: Case, purpose: str, title: str) -> CaseExample:
    """A draft example from the case, by its lead: the case's texts with its people taken out."""
    require_role_permission(actor, PROPOSE, action="propose_example", case=case)
    if not has_case_permission(actor, case, "lead_case"):
        deny(actor, action="propose_example", case=case)
    errors: dict[str, list[ValidationError]] = {}
    if purpose not in ExamplePurpose.values:
        errors["purpose"] = [ValidationError(_("目的を選んでください。"), code="required")]
    if not title.strip():
        errors["title"] = [ValidationError(_("題名を入力してください。"), code="required")]
    if case.person.erased_at is not None:
        errors["purpose"] = [
            ValidationError(_("本人の情報が消去されたケースは、事例にできません。"), code="erased")
        ]
    if errors:
        raise CaseRuleError(errors)
    today = timezone.localdate()
    days = secrets.randbelow(OFFSET_DAYS[1] - OFFSET_DAYS[0] + 1) + OFFSET_DAYS[0]
    offset = datetime.timedelta(days=days if secrets.randbelow(2) else -days)
    found = people_of(case, writers=True)
    people, relations = found.identities, found.relations
    quasi = _quasi(case, relations, today)
    body = draft_text(case, people, quasi, offset, today)
    with transaction.atomic():
        example = CaseExample(
            case=case,
            purpose=purpose,
            title=title.strip(),
            body=body,
            quasi_identifiers=quasi,
            flags=_flags(case, quasi, people),
            date_offset=offset.days,
            proposed_by=actor,
        )
        example.save(force_insert=True)
        audit.record(
            "example.drafted",
            actor=actor,
            target=example,
            case_id=case.pk,
            person_id=case.person_id,
            fields=FIELDS_READ,
            purpose="de_identification",
        )
    return example


def _locked(actor: User, example: CaseExample, expected_version: int) -> CaseExample:
    stored = CaseExample.objects.select_for_update().get(pk=example.pk)
    if stored.version != expected_version:
        raise Conflict(CONFLICT)
    return stored


def _as_lead(actor: User, example: CaseExample, action: str) -> None:
    require_role_permission(actor, PROPOSE, action=action)
    if not has_case_permission(actor, example.case, "lead_case"):
        deny(actor, action=action)


def edit_example(
    *, actor: User, example: CaseExample, expected_version: int, title: str, body: str
) -> CaseExample:
    """The lead's edit of a draft (or of one returned by the officer)."""
    _as_lead(actor, example, "edit_example")
    errors = {}
    if not title.strip():
        errors["title"] = [ValidationError(_("題名を入力してください。"), code="required")]
    if not body.strip():
        errors["body"] = [ValidationError(_("本文を入力してください。"), code="required")]
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        stored = _locked(actor, example, expected_version)
        if stored.status not in EDITABLE:
            raise CaseRuleError(
                _("審査を依頼したあとは直せません。差し戻されたら直せます。"), code="not_editable"
            )
        stored.title, stored.body = title.strip(), body.strip()
        stored.version += 1
        stored.save()
        audit.record("example.edited", actor=actor, target=stored, fields=["title", "body"])
    return stored


def minimum_k(example: CaseExample) -> int:
    """The minimum k of the municipality the example's case is in (its proposer's settings)."""
    return values_of(example.proposed_by)[K_ANONYMITY]


def k_of(example: CaseExample) -> int:
    """How many people with a case in the example's district share its age band, household type
    and categories (the example's own person included): its k. People, not cases: one person's
    several cases do not make them several."""
    quasi = example.quasi_identifiers
    today = timezone.localdate()
    cases = list(Case.objects.filter(area_id=quasi["district"]).select_related("person__data_key"))
    tags: dict[object, set[str]] = {}
    for case_id, code in ConcernCategoryTag.objects.filter(
        concern__case__in=[c.pk for c in cases]
    ).values_list("concern__case_id", "code"):
        tags.setdefault(case_id, set()).add(code)
    # Each person's current household, and its other current members' relations.
    current = dict(
        HouseholdMember.objects.filter(
            person_id__in=[c.person_id for c in cases], ended_on__isnull=True
        ).values_list("person_id", "household_id")
    )
    members = HouseholdMember.objects.filter(household_id__in=set(current.values()), ended_on__isnull=True)
    household_relations: dict[object, list[tuple[object, str]]] = {}
    for household_id, person_id, relation in members.values_list("household_id", "person_id", "relation"):
        household_relations.setdefault(household_id, []).append((person_id, relation))
    alike: set[object] = set()
    for case in cases:  # the birth date, decrypted last: only of those that match so far
        if sorted(tags.get(case.pk, ())) != quasi["categories"]:
            continue
        household = household_relations.get(current.get(case.person_id), [])
        others = [r for p, r in household if p != case.person_id]
        if household_type(others) != quasi["household"]:
            continue
        if case.person_id in alike or case.person.erased_at is not None:
            continue
        if age_band(case.person.birth_date, today) == quasi["age_band"]:
            alike.add(case.person_id)
    return len(alike)


def submit_example(*, actor: User, example: CaseExample, expected_version: int) -> CaseExample:
    """The lead asks the privacy officer to review the example: refused while its text still
    names one of the case's people (or holds any phone number); its k is counted."""
    _as_lead(actor, example, "submit_example")
    people = people_of(example.case, writers=True).identities
    text = f"{example.title}\n{example.body}"
    found = identifiers_found(actor, example.case, text, event="example.checked", people=people)
    if found:
        message = _("個人が特定できる情報が残っています（%(found)s）。取り除いてから審査を依頼してください。")
        raise CaseRuleError({"body": [identifying(found, message)]})
    k = k_of(example)
    with transaction.atomic():
        stored = _locked(actor, example, expected_version)
        if stored.status not in EDITABLE:
            raise CaseRuleError(_("この事例はすでに審査を依頼しています。"), code="not_editable")
        stored.status, stored.k = ExampleStatus.SUBMITTED, k
        stored.version += 1
        stored.save()
        audit.record("example.submitted", actor=actor, target=stored, params={"k": k})
    return stored


DECISIONS = {
    "approve": ExampleStatus.APPROVED,
    "return": ExampleStatus.RETURNED,
    "refuse": ExampleStatus.REFUSED,
}


def review_example(
    *,
    actor: User,
    example: CaseExample,
    expected_version: int,
    decision: str,
    comment: str = "",
    k_reason: str = "",
) -> CaseExample:
    """The privacy officer's decision: approve (only with k at the municipality's minimum, or a
    reason recorded why a smaller k is acceptable), return with comments, or refuse."""
    require_role_permission(actor, REVIEW, action="review_example")
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = [ValidationError(_("判断を選んでください。"), code="required")]
    if decision in ("return", "refuse") and not comment.strip():
        errors["comment"] = [
            ValidationError(_("差し戻し・不承認には、コメントを入力してください。"), code="required")
        ]
    minimum = minimum_k(example)
    if decision == "approve" and (example.k or 0) < minimum and not k_reason.strip():
        errors["k_reason"] = [
            ValidationError(
                _(
                    "同じ組合せのケースが%(k)d件で、基準の%(minimum)d件に足りません。承認するなら、その理由を記録してください。"
                )
                % {"k": example.k or 0, "minimum": minimum},
                code="k_too_small",
            )
        ]
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        stored = _locked(actor, example, expected_version)
        if stored.status != ExampleStatus.SUBMITTED:
            raise CaseRuleError(_("審査を依頼された事例ではありません。"), code="not_submitted")
        stored.status = DECISIONS[decision]
        stored.officer_comment = comment.strip()
        stored.k_reason = k_reason.strip() if decision == "approve" else ""
        stored.reviewed_by, stored.reviewed_at = actor, timezone.now()
        stored.version += 1
        stored.save()
        audit.record(
            "example.reviewed",
            actor=actor,
            target=stored,
            fields=["officer_comment", *(["k_reason"] if stored.k_reason else [])],
            params={"example_decision": decision, "k": stored.k or 0, "minimum": minimum},
        )
    return stored


def show_example(*, actor: User, meeting: ReviewMeeting, example: CaseExample) -> CaseExample:
    """An approved example of the meeting's ward, shown to its attendees (the convener's choice)."""
    if not is_convener(actor, meeting):
        deny(actor, action="show_example")
    if example.status != ExampleStatus.APPROVED or example.case.area.parent_id != meeting.ward_id:
        raise CaseRuleError(
            {
                "example": [
                    ValidationError(_("この区の、承認された事例を選んでください。"), code="not_approved")
                ]
            }
        )
    with transaction.atomic():
        example.shown_at.add(meeting)
        audit.record("example.shown", actor=actor, target=example, params={"meeting": str(meeting.pk)})
    return example
