"""Writes of the evacuation-support list: the ward office lists a person and records their consent
and plan, hands the list to an association under a list-provision agreement (a numbered, versioned
issue), recalls it and confirms its return; it declares a disaster and ends it (docs/disaster.md).
Every write checks the actor's role and ward, is audited, and a stale form gets a conflict."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Area, Organisation, User
from accounts.roles import Role
from accounts.selectors import holds_role, organisation_ids_of
from audit import services as audit
from cases.access import deny, require_role_permission
from cases.exceptions import CaseRuleError, Conflict
from cases.models import Agreement
from cases.services.agreements import administering_offices
from cases.services.intake import CLOCK_TOLERANCE, serves
from cases.services.people import register_person
from cases.vocabulary import AgreementKind
from disaster.criteria import Circumstances, criteria_met
from disaster.models import (
    CARE_LEVELS,
    DISABILITY_GRADES,
    CheckAssignment,
    ConsentMethod,
    ConsentStatus,
    Declaration,
    DisasterKind,
    EvacuationPlan,
    ListingCriterion,
    ListIssue,
    ListIssueEntry,
    ProvisionBasis,
    Registration,
    SafetyCheck,
    SafetyStatus,
)
from notifications.models import Kind
from notifications.selectors import staff_of
from notifications.services import notify

MANAGE = "disaster.manage_evacuation_list"
DECLARE = "disaster.declare_disaster"
CONFLICT = gettext_lazy(
    "他の人が先にこの登録を更新しました。画面を開き直して、最新の内容を確かめてください。"
)
# What a registration's form may change besides the identity, which cases keeps.
CIRCUMSTANCES = ("care_level", "disability_grade", "lives_alone", "self_registered")
CONSENT = ("consent", "consent_method", "consent_on")
# What an issue gives of each person (the printed list and its file show these, and only these).
ISSUED_FIELDS = [
    "name",
    "kana",
    "address",
    "phone",
    "registration.care_level",
    "registration.disability_grade",
    *(f"plan.{name}" for name in EvacuationPlan.FIELDS),
]


def _error(field: str, message: str, code: str) -> CaseRuleError:
    return CaseRuleError({field: [ValidationError(message, code=code)]})


def _require_office(actor: User, office: Organisation, action: str, perm: str = MANAGE) -> None:
    require_role_permission(actor, perm, action=action)
    if office not in administering_offices(actor):
        deny(actor, action=action)


# --- the list ------------------------------------------------------------------------------------


def _check(values: dict, office: Organisation) -> list[ListingCriterion]:
    """The rules a registration keeps, each beside its field; returns the criteria it meets."""
    errors: dict[str, list[ValidationError]] = {}
    area = values.get("area")
    if area is not None and not serves(office, area):
        errors["area"] = [ValidationError(_("区役所が受け持つ地域から選んでください。"), code="not_its_area")]
    if values.get("care_level", "") not in dict(CARE_LEVELS):
        errors["care_level"] = [ValidationError(_("要介護度を選び直してください。"), code="invalid")]
    if values.get("disability_grade", "") not in dict(DISABILITY_GRADES):
        errors["disability_grade"] = [ValidationError(_("手帳の等級を選び直してください。"), code="invalid")]
    consent, method, on = values.get("consent"), values.get("consent_method") or "", values.get("consent_on")
    if consent not in ConsentStatus.values:
        errors["consent"] = [ValidationError(_("同意の有無を選んでください。"), code="invalid")]
    elif consent != ConsentStatus.NOT_ASKED:
        if method not in ConsentMethod.values:
            errors["consent_method"] = [
                ValidationError(_("同意を確認した方法を選んでください。"), code="required")
            ]
        elif method == ConsentMethod.SELF_REGISTRATION and not values.get("self_registered"):
            errors["consent_method"] = [
                ValidationError(_("本人の申出による登録のときだけ選べます。"), code="not_self_registered")
            ]
        if on is None:
            errors["consent_on"] = [
                ValidationError(_("同意を確認した日を入力してください。"), code="required")
            ]
        elif on > timezone.localdate():
            errors["consent_on"] = [
                ValidationError(_("今日より後の日付は記録できません。"), code="in_future")
            ]
    circumstances = Circumstances(
        care_level=values.get("care_level") or "",
        disability_grade=values.get("disability_grade") or "",
        lives_alone=bool(values.get("lives_alone")),
        self_registered=bool(values.get("self_registered")),
    )
    met = criteria_met(ListingCriterion.objects.filter(is_active=True), circumstances)
    if not met and not errors:
        errors["__all__"] = [
            ValidationError(
                _(
                    "名簿の掲載基準のどれにも当たりません。要介護度・手帳の等級・一人暮らし・本人の申出を確かめてください。"
                ),
                code="no_criterion",
            )
        ]
    if errors:
        raise CaseRuleError(errors)
    return met


def _consent_of(values: dict) -> dict:
    if values["consent"] == ConsentStatus.NOT_ASKED:
        return {"consent": ConsentStatus.NOT_ASKED, "consent_method": "", "consent_on": None}
    return {name: values[name] for name in CONSENT}


def register_for_list(
    *,
    actor: User,
    office: Organisation,
    area: Area,
    name: str,
    kana: str = "",
    birth_date: datetime.date | None = None,
    address: str = "",
    phone: str = "",
    care_level: str = "",
    disability_grade: str = "",
    lives_alone: bool = False,
    self_registered: bool = False,
    consent: str = ConsentStatus.NOT_ASKED,
    consent_method: str = "",
    consent_on: datetime.date | None = None,
) -> Registration:
    """A person the ward office lists as needing help to evacuate, with what makes them meet the
    municipality's criteria and their answer on normal-time provision."""
    _require_office(actor, office, "register_for_list")
    if not name.strip():
        raise _error("name", _("氏名を入力してください。"), "required")
    values = {
        "area": area,
        "care_level": care_level,
        "disability_grade": disability_grade,
        "lives_alone": lives_alone,
        "self_registered": self_registered,
        "consent": consent,
        "consent_method": consent_method,
        "consent_on": consent_on,
    }
    met = _check(values, office)
    identity = {
        "name": name.strip(),
        "kana": kana,
        "birth_date": birth_date,
        "address": address,
        "phone": phone,
    }
    with transaction.atomic():
        person = register_person(actor=actor, registered_by=office, **identity)
        registration = Registration(
            person=person,
            office=office,
            area=area,
            care_level=care_level,
            disability_grade=disability_grade,
            lives_alone=lives_alone,
            self_registered=self_registered,
            created_by=actor,
            **_consent_of(values),
        )
        registration.save(force_insert=True)
        registration.criteria.set(met)
        audit.record(
            "evacuation.registered",
            actor=actor,
            organisation_id=office.pk,
            target=registration,
            person_id=person.pk,
            fields=[f"registration.{name}" for name in ("care_level", "disability_grade") if values[name]],
            params={"consent": registration.consent},
        )
    return registration


def _locked(registration: Registration, expected_version: int) -> Registration:
    stored = Registration.objects.select_for_update().select_related("person").get(pk=registration.pk)
    if stored.version != expected_version:
        raise Conflict(CONFLICT)
    return stored


def change_registration(
    *, actor: User, registration: Registration, expected_version: int, **values
) -> Registration:
    """New circumstances, area or consent for a listed person, as of the version the form showed."""
    unknown = set(values) - {"area", *CIRCUMSTANCES, *CONSENT}
    if unknown:  # a caller's mistake, not the user's input
        raise TypeError(f"unknown registration fields {sorted(unknown)}")
    _require_office(actor, registration.office, "change_registration")
    if not registration.is_listed:
        raise _error("__all__", _("名簿から外れた人の登録は変更できません。"), "removed")
    merged = {name: getattr(registration, name) for name in ("area", *CIRCUMSTANCES, *CONSENT)} | values
    met = _check(merged, registration.office)
    merged |= _consent_of(merged)
    with transaction.atomic():
        stored = _locked(registration, expected_version)
        changed = [name for name in merged if getattr(stored, name) != merged[name]]
        for name in changed:
            setattr(stored, name, merged[name])
        stored.version += 1
        stored.save()
        stored.criteria.set(met)
        audit.record(
            "evacuation.changed",
            actor=actor,
            organisation_id=stored.office_id,
            target=stored,
            person_id=stored.person_id,
            fields=[f"registration.{name}" for name in changed],
        )
    return stored


def remove_from_list(
    *, actor: User, registration: Registration, expected_version: int, removed_on: datetime.date, reason: str
) -> Registration:
    """The person leaves the list (moved, died, no longer meets the criteria, asked to): the next
    issue leaves them out; the issues already given keep them until they come back."""
    _require_office(actor, registration.office, "remove_from_list")
    if reason not in Registration.Removal.values:
        raise _error("reason", _("掲載を終える理由を選んでください。"), "required")
    if removed_on > timezone.localdate():
        raise _error("removed_on", _("今日より後の日付は記録できません。"), "in_future")
    with transaction.atomic():
        stored = _locked(registration, expected_version)
        if not stored.is_listed:
            raise Conflict(_("この人はすでに名簿から外れています。"))
        stored.removed_on, stored.removal_reason = removed_on, reason
        stored.version += 1
        stored.save()
        audit.record(
            "evacuation.removed",
            actor=actor,
            organisation_id=stored.office_id,
            target=stored,
            person_id=stored.person_id,
            params={"removal_reason": reason},
        )
    return stored


def save_plan(*, actor: User, registration: Registration, expected_version: int, **fields) -> EvacuationPlan:
    """The person's individual evacuation plan, made or revised (``expected_version`` 0: made now)."""
    unknown = set(fields) - set(EvacuationPlan.FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields {sorted(unknown)}")
    _require_office(actor, registration.office, "save_plan")
    if not registration.is_listed:
        raise _error("__all__", _("名簿から外れた人の計画は変更できません。"), "removed")
    errors = {
        name: [ValidationError(_("入力してください。"), code="required")]
        for name in ("supporter_1", "supporter_2", "destination")
        if not (fields.get(name) or "").strip()
    }
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update()
            .select_related("person__data_key")
            .get(pk=registration.pk)
        )
        plan = EvacuationPlan.objects.filter(registration=locked).first()
        if (plan.version if plan else 0) != expected_version:
            raise Conflict(
                _("他の人が先にこの計画を更新しました。画面を開き直して、最新の内容を確かめてください。")
            )
        if plan is None:
            plan = EvacuationPlan(registration=locked, version=0)
        changed = [
            name for name in EvacuationPlan.FIELDS if (getattr(plan, name) or "") != fields.get(name, "")
        ]
        for name in EvacuationPlan.FIELDS:
            setattr(plan, name, fields.get(name, "").strip())
        plan.version += 1
        plan.made_on, plan.updated_by = timezone.localdate(), actor
        plan.save()
        audit.record(
            "evacuation.plan_saved",
            actor=actor,
            organisation_id=locked.office_id,
            target=plan,
            person_id=locked.person_id,
            fields=[f"plan.{name}" for name in changed],
        )
    return plan


# --- issues of the list --------------------------------------------------------------------------


def declaration_over(area: Area, at: datetime.datetime | None = None) -> Declaration | None:
    """A disaster in effect over the area or an area it lies in, or one inside it (the newest).
    Never a drill: a drill is no ground to give anyone's entry without their consent."""
    at = at or timezone.now()
    above = [area.pk, *(a.pk for a in area.ancestors())]
    return (
        Declaration.objects.filter(
            Q(area__in=above) | within("area", area), started_at__lte=at, is_drill=False
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
        .order_by("-started_at")
        .first()
    )


def within(prefix: str, area: Area) -> Q:
    """Rows whose area (the foreign key ``prefix``) is the area or lies under it (the tree is at
    most four levels deep)."""
    return (
        Q(**{prefix: area})
        | Q(**{f"{prefix}__parent": area})
        | Q(**{f"{prefix}__parent__parent": area})
        | Q(**{f"{prefix}__parent__parent__parent": area})
    )


def entries_for(agreement: Agreement, declaration: Declaration | None) -> list[tuple[Registration, bool]]:
    """Who an issue under the agreement holds now, each with whether their consent is the ground:
    the listed persons of its area who consented; during a disaster, also everyone of the part of
    the area the disaster covers (§49-11 ③)."""
    listed = Registration.objects.filter(
        within("area", agreement.area), removed_on__isnull=True, person__erased_at__isnull=True
    )
    consenting = Q(consent=ConsentStatus.GIVEN)
    if declaration is None:
        chosen = listed.filter(consenting)
    else:
        chosen = listed.filter(consenting | within("area", declaration.area))
    rows = chosen.only("pk", "person_id", "consent", "created_at").order_by("created_at", "pk")
    return [(registration, registration.consent == ConsentStatus.GIVEN) for registration in rows]


def _recall(issues: QuerySet[ListIssue], reason: str, actor: User | None) -> list[ListIssue]:
    """Recall the issues still in use (in the caller's transaction): each is then outstanding
    until its return or destruction is confirmed."""
    recalled = list(
        issues.filter(recalled_at__isnull=True).select_related("agreement").select_for_update(of=("self",))
    )
    now = timezone.now()
    for issue in recalled:
        issue.recalled_at, issue.recall_reason = now, reason
        issue.save(update_fields=["recalled_at", "recall_reason"])
    if recalled:
        audit.append(
            [
                audit.new_event(
                    "evacuation.list_recalled",
                    actor=actor,
                    organisation_id=issue.agreement.municipal_side_id,
                    target=issue,
                    params={"number": issue.number, "recall_reason": reason},
                )
                for issue in recalled
            ]
        )
    return recalled


def _series(agreement: Agreement) -> list[int]:
    """The agreement and those it renews: one series of issues to the same party."""
    ids, current = [], agreement
    while current is not None:
        ids.append(current.pk)
        current = current.renews
    return ids


def _numbered(issue: ListIssue, attempts: int = 5) -> None:
    """Save the issue with the next number of the city's register. Another office issuing at the
    same moment may take the same number first (a different agreement's lock does not hold it
    back): the unique number refuses the second, which takes the next."""
    for attempt in range(attempts):
        issue.number = (ListIssue.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                issue.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            issue.pk = None


def issue_list(*, actor: User, agreement: Agreement, received_by: str) -> ListIssue:
    """Hand the list to the agreement's party: a new numbered issue, the next version of its
    series, holding ``entries_for`` now; the issue it replaces is recalled. Each person given is
    recorded in the trail under the issue's ground."""
    _require_office(actor, agreement.municipal_side, "issue_list")
    if agreement.kind != AgreementKind.LIST_PROVISION:
        raise _error("agreement", _("名簿は名簿提供協定の相手方にだけ提供できます。"), "not_list_provision")
    if not received_by.strip():
        raise _error("received_by", _("受け取る人の氏名を入力してください。"), "required")
    with transaction.atomic():
        locked = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("renews", "area")
            .get(pk=agreement.pk)
        )
        if not locked.in_force:
            raise _error(
                "agreement", _("この協定は有効期間外です。名簿は提供できません。"), "agreement_not_in_force"
            )
        declaration = declaration_over(locked.area)
        entries = entries_for(locked, declaration)
        without_consent = sum(1 for _registration, consented in entries if not consented)
        if not entries:
            raise _error("agreement", _("この協定の地域に、提供できる登録者がいません。"), "nobody")
        series = _series(locked)
        superseded = _recall(
            ListIssue.objects.filter(agreement__in=series), ListIssue.Recall.SUPERSEDED, actor
        )
        latest = ListIssue.objects.filter(agreement__in=series).aggregate(v=Max("version"))["v"] or 0
        issue = ListIssue(
            agreement=locked,
            recipient=locked.party,
            version=latest + 1,
            basis=ProvisionBasis.DISASTER if without_consent else ProvisionBasis.CONSENT,
            declaration=declaration if without_consent else None,
            received_by=received_by.strip(),
            issued_by=actor,
        )
        _numbered(issue)
        number = issue.number
        ListIssueEntry.objects.bulk_create(
            [ListIssueEntry(issue=issue, registration=r, with_consent=consented) for r, consented in entries]
        )
        events = [
            audit.new_event(
                "evacuation.list_issued",
                actor=actor,
                organisation_id=locked.municipal_side_id,
                target=issue,
                params={
                    "number": number,
                    "version": issue.version,
                    "list_basis": issue.basis,
                    "rows": len(entries),
                    "without_consent": without_consent,
                    "superseded": len(superseded),
                },
            ),
            *(
                audit.new_event(
                    "evacuation.person_provided",
                    actor=actor,
                    organisation_id=locked.municipal_side_id,
                    target=issue,
                    person_id=registration.person_id,
                    fields=ISSUED_FIELDS,
                    params={"list_basis": ProvisionBasis.CONSENT if consented else ProvisionBasis.DISASTER},
                )
                for registration, consented in entries
            ),
        ]
        audit.append(events)
    return issue


def confirm_return(*, actor: User, issue: ListIssue, method: str, confirmed_on: datetime.date) -> ListIssue:
    """The recipient gave a recalled issue back, or destroyed it: it is no longer outstanding."""
    _require_office(actor, issue.agreement.municipal_side, "confirm_list_return")
    if method not in ListIssue.Return.values:
        raise _error("method", _("返却か廃棄かを選んでください。"), "required")
    if confirmed_on > timezone.localdate():
        raise _error("confirmed_on", _("今日より後の日付は記録できません。"), "in_future")
    with transaction.atomic():
        stored = ListIssue.objects.select_for_update().select_related("agreement").get(pk=issue.pk)
        if stored.returned_on is not None:
            raise Conflict(_("この名簿の返却・廃棄はすでに確認されています。"))
        if stored.recalled_at is None:
            if stored.is_current:
                raise _error(
                    "method",
                    _("提供中の名簿です。新しい版を提供するか協定が終わると、回収の対象になります。"),
                    "not_recalled",
                )
            stored.recalled_at, stored.recall_reason = timezone.now(), ListIssue.Recall.AGREEMENT_ENDED
        if confirmed_on < timezone.localtime(stored.issued_at).date():
            raise _error("confirmed_on", _("提供した日より前の日付は記録できません。"), "before_issue")
        stored.returned_on, stored.return_method, stored.return_confirmed_by = confirmed_on, method, actor
        stored.save()
        audit.record(
            "evacuation.list_returned",
            actor=actor,
            organisation_id=stored.agreement.municipal_side_id,
            target=stored,
            params={"number": stored.number, "return_method": method},
        )
    return stored


def recall_for_agreement(agreement: Agreement, actor: User | None) -> list[ListIssue]:
    """Every issue still in use under an agreement that has ended (cases.signals.agreement_ended)."""
    return _recall(ListIssue.objects.filter(agreement=agreement), ListIssue.Recall.AGREEMENT_ENDED, actor)


def recall_lapsed(today: datetime.date) -> list[ListIssue]:
    """The daily run: issues still in use whose agreement is no longer in force are recalled."""
    in_use = ListIssue.objects.filter(recalled_at__isnull=True).select_related("agreement")
    lapsed = [issue.pk for issue in in_use if not issue.agreement.in_force_on(today)]
    if not lapsed:
        return []
    with transaction.atomic():
        return _recall(ListIssue.objects.filter(pk__in=lapsed), ListIssue.Recall.AGREEMENT_ENDED, None)


# --- disasters -----------------------------------------------------------------------------------


def declare_disaster(
    *,
    actor: User,
    kind: str,
    title: str,
    area: Area,
    started_at: datetime.datetime | None = None,
    is_drill: bool = False,
) -> Declaration:
    """A disaster has struck or threatens the area (or a drill of one), declared by the actor's ward
    office that serves it: from now until it ends, the area's list may be given without consent to
    the associations that hold its agreements. The staff of every organisation serving the area
    are told."""
    require_role_permission(actor, DECLARE, action="declare_disaster")
    offices = administering_offices(actor)
    if not offices:
        deny(actor, action="declare_disaster")
    office = next((o for o in offices if serves(o, area)), None)
    errors: dict[str, list[ValidationError]] = {}
    if kind not in DisasterKind.values:
        errors["kind"] = [ValidationError(_("災害の種類を選んでください。"), code="required")]
    if not title.strip():
        errors["title"] = [ValidationError(_("名称を入力してください。"), code="required")]
    if office is None:
        errors["area"] = [ValidationError(_("区役所が受け持つ地域から選んでください。"), code="not_its_area")]
    started_at = started_at or timezone.now()
    if started_at > timezone.now():
        errors["started_at"] = [ValidationError(_("今より後の日時は記録できません。"), code="in_future")]
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        declaration = Declaration.objects.create(
            kind=kind,
            title=title.strip(),
            office=office,
            area=area,
            started_at=started_at,
            is_drill=is_drill,
            declared_by=actor,
        )
        audit.record(
            "disaster.declared",
            actor=actor,
            organisation_id=office.pk,
            target=declaration,
            params={"disaster_kind": kind, "drill": is_drill},
        )
        notify(
            kind=Kind.DISASTER_DECLARED,
            recipients=staff_of(concerned_with(area)),
            link=reverse("disaster:declaration", args=[declaration.pk]),
            urgent=not is_drill,
            actor=actor,
        )
    return declaration


def concerned_with(area: Area) -> set[int]:
    """The organisations a disaster over the area concerns: those serving it, a part of it or the
    ward it lies in (not those serving the whole city, such as the guardianship centre)."""
    above = [a for a in area.ancestors() if a.level != Area.Level.MUNICIPALITY]
    return set(
        Organisation.objects.filter(Q(areas__in=[area, *above]) | within("areas", area), is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def end_disaster(*, actor: User, declaration: Declaration) -> Declaration:
    """The disaster is over: no issue is made without consent any more, and those that were are
    recalled."""
    _require_office(actor, declaration.office, "end_disaster", perm=DECLARE)
    with transaction.atomic():
        stored = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if stored.ended_at is not None:
            raise Conflict(_("この災害の終了はすでに記録されています。"))
        stored.ended_at, stored.ended_by = timezone.now(), actor
        stored.save(update_fields=["ended_at", "ended_by"])
        recalled = _recall(
            ListIssue.objects.filter(declaration=stored),
            ListIssue.Recall.DISASTER_ENDED,
            actor,
        )
        audit.record(
            "disaster.ended",
            actor=actor,
            organisation_id=stored.office_id,
            target=stored,
            params={"recalled": len(recalled)},
        )
    return stored


# --- safety checks -------------------------------------------------------------------------------

CHECK = "disaster.add_safetycheck"
CHECKER_ROLES = (Role.COMMISSIONER, Role.SUPPORTER)


def in_scope(declaration: Declaration) -> QuerySet[Registration]:
    """Whom a declaration's safety checks are about: everyone listed in its area; for a drill, only
    those who consented to normal-time provision (a drill is no ground to give anyone else)."""
    listed = Registration.objects.filter(
        within("area", declaration.area), removed_on__isnull=True, person__erased_at__isnull=True
    )
    return listed.filter(consent=ConsentStatus.GIVEN) if declaration.is_drill else listed


def checkers_for(registration: Registration) -> QuerySet[User]:
    """Who may be assigned to check on the person: commissioners and supporters, active, of an
    organisation the person's area concerns (their district's council, their association)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=CHECKER_ROLES,
            memberships__organisation__in=concerned_with(registration.area),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def assign_checker(*, actor: User, registration: Registration, user: User) -> CheckAssignment:
    """``user`` will check on the person when a disaster is declared over their area."""
    _require_office(actor, registration.office, "assign_checker")
    if not registration.is_listed:
        raise _error("user", _("名簿から外れた人には担当を決められません。"), "removed")
    if not checkers_for(registration).filter(pk=user.pk).exists():
        raise _error(
            "user",
            _("この方の地域の民生委員か、自治会町内会などの避難支援者から選んでください。"),
            "not_a_checker",
        )
    with transaction.atomic():
        assignment, created = CheckAssignment.objects.get_or_create(
            registration=registration, user=user, defaults={"assigned_by": actor}
        )
        if not created:
            raise Conflict(_("この方はすでに担当になっています。"))
        audit.record(
            "evacuation.checker_assigned",
            actor=actor,
            organisation_id=registration.office_id,
            target=registration,
            person_id=registration.person_id,
            params={"checker": user.pk},
        )
    return assignment


def unassign_checker(*, actor: User, assignment: CheckAssignment) -> None:
    registration = assignment.registration
    _require_office(actor, registration.office, "unassign_checker")
    with transaction.atomic():
        deleted, _rows = CheckAssignment.objects.filter(pk=assignment.pk).delete()
        if deleted:
            audit.record(
                "evacuation.checker_unassigned",
                actor=actor,
                organisation_id=registration.office_id,
                target=registration,
                person_id=registration.person_id,
                params={"checker": assignment.user_id},
            )


def record_check(
    *,
    actor: User,
    declaration: Declaration,
    registration_id: object,
    status: str,
    note: str = "",
    written_at: datetime.datetime | None = None,
    key: str = "",
) -> tuple[SafetyCheck, bool]:
    """A safety check of a person in the declaration's scope, by one of their checkers or the ward
    office's list keepers; returns it and whether it is new. A ``key`` the server has seen answers
    the check first made with it (a phone's retry never makes a second)."""
    if key:
        earlier = SafetyCheck.objects.filter(key=key).first()
        if earlier is not None:
            if earlier.checked_by_id != actor.pk:
                deny(actor, action="record_check")
            return earlier, False
    if not declaration.in_effect:
        raise _error("declaration", _("この災害の宣言は終了しています。"), "ended")
    person = in_scope(declaration).select_related("person__data_key").filter(pk=uuid_or_none(registration_id))
    registration = None
    # A checker's role is read with the user's ids (no statement of its own: the busiest write of
    # a disaster, bench/disaster.py); the role's groups carry disaster.add_safetycheck alike.
    if holds_role(actor, CHECKER_ROLES):
        registration = person.filter(checkers__user=actor).first()
    if (
        registration is None
        and declaration.office_id in organisation_ids_of(actor)
        and actor.has_perm(MANAGE)
    ):
        registration = person.first()  # the declaring office's list keepers: anyone in scope
    if registration is None:
        deny(actor, action="record_check")
    errors: dict[str, list[ValidationError]] = {}
    if status not in SafetyStatus.values:
        errors["status"] = [ValidationError(_("安否を選んでください。"), code="required")]
    if len(note) > 1000:
        errors["note"] = [ValidationError(_("メモは1000文字以内で入力してください。"), code="too_long")]
    now = timezone.now()
    if written_at is not None and written_at > now + CLOCK_TOLERANCE:
        errors["written_at"] = [
            ValidationError(_("端末の時計が進んでいます。端末の日時を確かめてください。"), code="in_future")
        ]
    if errors:
        raise CaseRuleError(errors)
    check = SafetyCheck(
        declaration=declaration,
        registration=registration,
        status=status,
        note=note.strip(),
        checked_at=now,
        written_at=written_at,
        checked_by=actor,
        key=key or None,
    )
    try:
        with transaction.atomic():
            check.save(force_insert=True)
            audit.record(
                "safety.checked",
                actor=actor,
                target=check,
                person_id=registration.person_id,
                fields=["safety.note"] if check.note else [],
                params={
                    "safety_status": status,
                    "declaration": declaration.pk,
                    "offline": written_at is not None,
                },
            )
    except IntegrityError:
        if not key:
            raise
        earlier = SafetyCheck.objects.filter(key=key).first()  # the same key, sent twice at once
        if earlier is None or earlier.checked_by_id != actor.pk:
            raise
        return earlier, False
    return check, True


def uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def escalate_unchecked(now: datetime.datetime | None = None) -> tuple[int, int]:
    """The run every ten minutes (``manage.py escalate_safety_checks``): for each disaster in
    effect longer than the municipality's escalation time, the persons in its scope with no check
    yet are made known — to their checkers (to the checks page) and to the ward office's and the
    area's plazas' staff (to the declaration's page) — once an hour while any remain. Returns the
    declarations escalated and the notifications written."""
    from cases.configuration import values_where
    from disaster.configuration import ESCALATION_MINUTES

    now = now or timezone.now()
    escalated = written = 0
    for declaration in Declaration.objects.filter(ended_at__isnull=True).select_related("office", "area"):
        minutes = values_where(declaration.office)[ESCALATION_MINUTES]
        if now - declaration.started_at < datetime.timedelta(minutes=minutes):
            continue
        unchecked = list(
            in_scope(declaration).exclude(checks__declaration=declaration).values_list("pk", flat=True)
        )
        if not unchecked:
            continue
        hour = int((now - declaration.started_at).total_seconds() // 3600)  # since it was declared
        key = f"{Kind.SAFETY_CHECKS_OVERDUE}:{declaration.pk}:{hour}"
        checkers = User.objects.filter(
            pk__in=CheckAssignment.objects.filter(registration__in=unchecked).values("user"), is_active=True
        )
        staff = User.objects.filter(
            is_active=True,
            memberships__role__in=(Role.WARD_CASEWORKER, Role.PLAZA_STAFF),
            memberships__organisation__in=concerned_with(declaration.area),
        ).distinct()
        with transaction.atomic():
            told = notify(
                kind=Kind.SAFETY_CHECKS_OVERDUE,
                recipients=list(checkers),
                link=reverse("disaster:checks"),
                urgent=not declaration.is_drill,
                key=key,
            ) + notify(
                kind=Kind.SAFETY_CHECKS_OVERDUE,
                recipients=list(staff),
                link=reverse("disaster:declaration", args=[declaration.pk]),
                urgent=not declaration.is_drill,
                key=key,
            )
            if told:
                if declaration.escalated_at is None:
                    declaration.escalated_at = now
                    declaration.save(update_fields=["escalated_at"])
                audit.record(
                    "safety.escalated",
                    target=declaration,
                    organisation_id=declaration.office_id,
                    params={"unchecked": len(unchecked)},
                )
                escalated += 1
                written += len(told)
    return escalated, written
