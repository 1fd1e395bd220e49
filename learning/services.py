"""Writes of learning: a worker on a case raises an issue the existing framework cannot solve,
written without personal data — checked against the case's people before it is saved."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit import services as audit
from cases.access import deny, has_case_permission, require_role_permission
from cases.exceptions import CaseRuleError
from cases.models import Case, HouseholdMember, Person, Supporter, SupportMeeting
from learning.identifiers import ADDRESS, BIRTH_DATE, NAME, PHONE, Identity, identifiers_in
from learning.models import Category, Source, SystemicIssue
from referrals.models import Referral, ReferralState

RAISE = "learning.add_systemicissue"
# A referral is where an issue shows when the agency could not take the person on.
UNSERVED = (ReferralState.DECLINED, ReferralState.WITHDRAWN)

FOUND = {
    NAME: gettext_lazy("本人・世帯員・支援者の氏名（ふりがなを含む）"),
    ADDRESS: gettext_lazy("本人・世帯員の住所（番地・建物名）"),
    PHONE: gettext_lazy("電話番号"),
    BIRTH_DATE: gettext_lazy("本人・世帯員の生年月日"),
}
# What the check reads of each person and supporter (field names for the trail, never values).
CHECKED_FIELDS = ["name", "kana", "birth_date", "address", "phone", "supporter.name", "contact"]


def raise_systemic_issue(
    *,
    actor: User,
    case: Case,
    category: str,
    description: str,
    source: str = Source.CASE,
    meeting: SupportMeeting | None = None,
    referral: Referral | None = None,
) -> SystemicIssue:
    """Flag an issue the existing framework cannot solve, from work on ``case`` (or one of its
    meetings, or a referral the agency declined or withdrew). Refused, with the reason beside the
    field, when the description names one of the case's people or any phone number; nothing is
    written then but the check's own record."""
    require_role_permission(actor, RAISE, action="raise_systemic_issue", case=case)
    if not has_case_permission(actor, case, "change_case"):
        deny(actor, action="raise_systemic_issue", case=case)
    description = description.strip()
    errors: dict[str, list[ValidationError]] = {}
    if category not in Category.values:
        errors["category"] = [ValidationError(_("課題の分類を選んでください。"), code="unknown_category")]
    if not description:
        errors["description"] = [ValidationError(_("課題の内容を入力してください。"), code="required")]
    meeting, referral = _source_record(case, source, meeting, referral, errors)
    if description and (found := _identifiers_found(actor, case, description)):
        errors["description"] = [
            ValidationError(
                _("個人が特定できる情報が含まれています（%(found)s）。取り除いてから保存してください。")
                % {"found": "、".join(str(FOUND[kind]) for kind in found)},
                code="identifies_a_person",
            )
        ]
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        issue = SystemicIssue(
            category=category,
            description=description,
            source=source,
            case=case,
            meeting=meeting,
            referral=referral,
            district=case.area,
            raised_by=actor,
        )
        issue.save(force_insert=True)
        audit.record(
            "systemic_issue.raised",
            actor=actor,
            target=issue,
            case_id=case.pk,
            fields=["issue.description"],
            params={"issue_category": category, "issue_source": source},
        )
    return issue


def _source_record(
    case: Case,
    source: str,
    meeting: SupportMeeting | None,
    referral: Referral | None,
    errors: dict,
) -> tuple[SupportMeeting | None, Referral | None]:
    """The meeting or referral the issue came from, if it is the case's own (and a referral, one
    that was not served); errors beside ``source`` otherwise."""
    if source == Source.MEETING and meeting is not None and meeting.case_id == case.pk:
        return meeting, None
    if source == Source.REFERRAL and referral is not None and referral.case_id == case.pk:
        if referral.state in UNSERVED:
            return None, referral
        errors["source"] = [
            ValidationError(
                _("つなぎからは、お断りまたは取り下げになったものだけを選べます。"), code="referral_served"
            )
        ]
        return None, None
    if source != Source.CASE:
        errors["source"] = [
            ValidationError(_("このケースの会議またはつなぎを選んでください。"), code="unknown")
        ]
    return None, None


def _identifiers_found(actor: User, case: Case, text: str) -> list[str]:
    """What of the case's people the text names: the person, every household member (current or
    former) and every supporter. The read is recorded, whatever it finds."""
    people = _identities(case)
    found = identifiers_in(text, people)
    with transaction.atomic():  # the record stays when the refusal that follows rolls back
        audit.record(
            "systemic_issue.checked",
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=CHECKED_FIELDS,
            purpose="de_identification",
            params={"identifiers_found": found or ["none"], "people": len(people)},
        )
    return found


def _identities(case: Case) -> list[Identity]:
    persons: dict[object, Person] = {case.person_id: case.person}
    if case.household_id:
        members = HouseholdMember.objects.filter(household_id=case.household_id).select_related("person")
        persons.update((m.person_id, m.person) for m in members)
    people = [
        Identity(names=(p.name, p.kana), address=p.address, phone=p.phone, birth_date=p.birth_date)
        for p in persons.values()
        if p.erased_at is None
    ]
    supporters = Supporter.objects.filter(person_id__in=list(persons)).exclude(
        person__erased_at__isnull=False
    )
    people += [Identity(names=(s.name,), phone=s.contact) for s in supporters]
    return people
