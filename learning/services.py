"""Writes of learning: a worker on a case raises an issue the existing framework cannot solve,
written without personal data — checked against the case's people before it is saved; the ward
office convenes the practitioners' review, takes the raised issues onto its agenda by category,
records its analysis and proposal, and later the answer, which reaches each issue's raiser."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Area, Membership, Organisation, OrganisationKind, User
from accounts.selectors import districts_of, organisation_ids_of
from audit import services as audit
from cases.access import deny, has_case_permission, require_role_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import Case, SupportMeeting
from learning.models import (
    Addressee,
    Category,
    ReviewAttendance,
    ReviewItem,
    ReviewMeeting,
    Source,
    SystemicIssue,
)
from learning.people import identifiers_found, identifying, people_of
from notifications.models import Kind
from notifications.services import notify
from referrals.models import Referral, ReferralState

RAISE = "learning.add_systemicissue"
# A referral is where an issue shows when the agency could not take the person on.
UNSERVED = (ReferralState.DECLINED, ReferralState.WITHDRAWN)


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
    if description:
        people = people_of(case).identities
        found = identifiers_found(actor, case, description, event="systemic_issue.checked", people=people)
        if found:
            errors["description"] = [
                identifying(
                    found,
                    _("個人が特定できる情報が含まれています（%(found)s）。取り除いてから保存してください。"),
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


# --- the ward's practitioners' review ------------------------------------------------------------

CONVENE = "learning.convene_review"
# Who meets in the review: the ward office's sections, the care plazas and the ward 社協's centre.
REVIEW_KINDS = (OrganisationKind.WARD_OFFICE, OrganisationKind.CARE_PLAZA, OrganisationKind.ANSHIN_CENTRE)
ITEM_CONFLICT = gettext_lazy(
    "他の人が先にこの議題を更新しました。画面を開き直して、最新の内容を確かめてください。"
)


def offices_of(actor: User) -> list[Organisation]:
    """The ward offices the actor works for, where they may convene a review."""
    if not actor.has_perm(CONVENE):
        return []
    return list(
        Organisation.objects.filter(
            pk__in=organisation_ids_of(actor), kind=OrganisationKind.WARD_OFFICE
        ).order_by("name")
    )


def wards_of(office: Organisation) -> list[Area]:
    """The wards an office serves (itself, or as the ward of a district it serves)."""
    districts = districts_of(Organisation.objects.filter(pk=office.pk))
    return list(
        Area.objects.filter(level=Area.Level.WARD, children__in=districts).distinct().order_by("name")
    )


def review_candidates(ward: Area) -> list[tuple[User, Organisation]]:
    """Who may be asked to a review of the ward: the active staff of the ward offices, plazas and
    ward 社協 that serve any of its districts (``districts_of``'s rule: the district itself, its
    ward or municipality, or a plaza area in it), each with the organisation they would attend for."""
    districts = Area.objects.filter(parent=ward, level=Area.Level.DISTRICT)
    served = Q(areas__in=districts) | Q(areas=ward) | Q(areas__parent__in=districts)
    if ward.parent_id:
        served |= Q(areas=ward.parent_id)
    serving = Organisation.objects.filter(served, kind__in=REVIEW_KINDS).values("pk")
    memberships = (
        Membership.objects.filter(organisation__in=serving, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__kind", "organisation__name", "user__last_name", "user__first_name", "pk")
    )
    return list(dict.fromkeys((m.user, m.organisation) for m in memberships))


def convene_review(
    *,
    actor: User,
    office: Organisation,
    ward: Area,
    title: str,
    scheduled_for: datetime.datetime,
    attendees: list[tuple[User, Organisation]],
) -> ReviewMeeting:
    """A review meeting of the ward, by one of its offices; each attendee is told."""
    require_role_permission(actor, CONVENE, action="convene_review")
    if office not in offices_of(actor) or ward not in wards_of(office):
        deny(actor, action="convene_review")
    errors: dict[str, list[ValidationError]] = {}
    if not title.strip():
        errors["title"] = [ValidationError(_("会議の名称を入力してください。"), code="required")]
    candidates = set(review_candidates(ward))
    if any(pair not in candidates for pair in attendees):
        errors["attendees"] = [
            ValidationError(
                _("区役所・地域ケアプラザ・区社協の職員から選んでください。"), code="not_candidate"
            )
        ]
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        meeting = ReviewMeeting(
            ward=ward, convened_by=office, title=title.strip(), scheduled_for=scheduled_for, created_by=actor
        )
        meeting.save(force_insert=True)
        ReviewAttendance.objects.bulk_create(
            ReviewAttendance(meeting=meeting, user=user, organisation=organisation)
            for user, organisation in dict.fromkeys(attendees)
        )
        audit.record(
            "review.convened", actor=actor, target=meeting, params={"attendees": len(set(attendees))}
        )
        notify(
            kind=Kind.REVIEW_INVITED,
            recipients=[user for user, _organisation in attendees],
            link=reverse("learning:review", args=[meeting.pk]),
            actor=actor,
        )
    return meeting


def is_convener(actor: User, meeting: ReviewMeeting) -> bool:
    return meeting.convened_by_id in {office.pk for office in offices_of(actor)}


def acknowledge_review(*, actor: User, meeting: ReviewMeeting) -> ReviewAttendance:
    """An attendee's acknowledgement of confidentiality: before it, the agenda stays closed."""
    # Refused before the transaction: a refusal's record must not roll back with it.
    if not ReviewAttendance.objects.filter(meeting=meeting, user=actor).exists():
        deny(actor, action="acknowledge_review")
    with transaction.atomic():
        attendance = ReviewAttendance.objects.select_for_update().get(meeting=meeting, user=actor)
        if attendance.acknowledged_at is None:
            attendance.acknowledged_at = timezone.now()
            attendance.save(update_fields=["acknowledged_at"])
            audit.record("review.acknowledged", actor=actor, target=meeting)
    return attendance


def _convener_only(actor: User, meeting: ReviewMeeting, action: str) -> None:
    require_role_permission(actor, CONVENE, action=action)
    if not is_convener(actor, meeting):
        deny(actor, action=action)


def add_review_item(
    *, actor: User, meeting: ReviewMeeting, category: str, district: Area | None = None
) -> ReviewItem:
    """Take onto the agenda every issue of ``category`` raised in the ward (or in one of its
    districts) that no review has taken up yet."""
    _convener_only(actor, meeting, "add_review_item")
    if category not in Category.values:
        raise CaseRuleError(
            {"category": [ValidationError(_("課題の分類を選んでください。"), code="unknown")]}
        )
    if district is not None and district.parent_id != meeting.ward_id:
        raise CaseRuleError(
            {"district": [ValidationError(_("この区の地区を選んでください。"), code="other_ward")]}
        )
    with transaction.atomic():
        issues = SystemicIssue.objects.select_for_update().filter(
            category=category, review_item__isnull=True, district__parent=meeting.ward
        )
        if district is not None:
            issues = issues.filter(district=district)
        taken = list(issues.values_list("pk", flat=True))
        if not taken:
            raise CaseRuleError(
                {
                    "category": [
                        ValidationError(
                            _("この分類で、まだ検討されていない課題はありません。"), code="none_open"
                        )
                    ]
                }
            )
        item = ReviewItem(meeting=meeting, category=category, district=district)
        item.save(force_insert=True)
        SystemicIssue.objects.filter(pk__in=taken).update(review_item=item)
        audit.record(
            "review.item_added",
            actor=actor,
            target=meeting,
            params={"issue_category": category, "issues": len(taken)},
        )
    return item


def _locked_item(item: ReviewItem, expected_version: int) -> ReviewItem:
    """The item locked, as of the version the form was drawn from (the caller checked the actor
    before its transaction: a refusal's record must not roll back with it)."""
    stored = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if stored.version != expected_version:
        raise Conflict(ITEM_CONFLICT)
    return stored


def record_review(
    *, actor: User, item: ReviewItem, expected_version: int, analysis: str, proposal: str, addressed_to: str
) -> ReviewItem:
    """The review's finding on an item: why the existing framework cannot solve it, what it
    proposes, and to whom."""
    errors: dict[str, list[ValidationError]] = {}
    if not analysis.strip():
        errors["analysis"] = [ValidationError(_("解決できない理由を入力してください。"), code="required")]
    if not proposal.strip():
        errors["proposal"] = [ValidationError(_("提案を入力してください。"), code="required")]
    if addressed_to not in Addressee.values:
        errors["addressed_to"] = [ValidationError(_("提案先を選んでください。"), code="required")]
    _convener_only(actor, item.meeting, "record_review")
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        stored = _locked_item(item, expected_version)
        stored.analysis, stored.proposal, stored.addressed_to = (
            analysis.strip(),
            proposal.strip(),
            addressed_to,
        )
        stored.reviewed_at = stored.reviewed_at or timezone.now()
        stored.version += 1
        stored.save()
        audit.record(
            "review.item_reviewed",
            actor=actor,
            target=stored.meeting,
            fields=["review.analysis", "review.proposal", "review.addressed_to"],
            params={"addressee": addressed_to},
        )
    return stored


def record_outcome(*, actor: User, item: ReviewItem, expected_version: int, outcome: str) -> ReviewItem:
    """The answer to the review's proposal (or what became of it): each of the item's issues'
    raisers is told, the first time."""
    _convener_only(actor, item.meeting, "record_outcome")
    if not outcome.strip():
        raise CaseRuleError(
            {"outcome": [ValidationError(_("回答・結果を入力してください。"), code="required")]}
        )
    with transaction.atomic():
        stored = _locked_item(item, expected_version)
        first_answer = stored.answered_at is None
        if stored.reviewed_at is None:
            raise CaseRuleError(_("先に、検討の結果（理由と提案）を記録してください。"), code="not_reviewed")
        stored.outcome, stored.answered_at = outcome.strip(), timezone.now()
        stored.version += 1
        stored.save()
        audit.record("review.item_answered", actor=actor, target=stored.meeting, fields=["review.outcome"])
        if first_answer:  # a corrected answer is seen beside the issue; the raisers were told once
            raisers = User.objects.filter(pk__in=stored.issues.values("raised_by"), is_active=True)
            notify(
                kind=Kind.ISSUE_ANSWERED, recipients=list(raisers), link=reverse("learning:mine"), actor=actor
            )
    return stored
