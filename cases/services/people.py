"""Writes on persons and cases."""

import datetime
import re
import unicodedata
import uuid
from collections.abc import Iterable

import jaconv
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from accounts.selectors import organisation_ids_of
from audit import services as audit
from cases import erasure_ledger
from cases.access import (
    deny,
    field_groups_for,
    held_case_permissions,
    identity_visible,
    require_role_permission,
)
from cases.exceptions import CaseRuleError, Conflict
from cases.models import ENDED_STATES, Case, Household, HouseholdMember, Person, Supporter
from cases.signals import retention_holds
from cases.vocabulary import ErasureReason, FieldGroup
from privacy.fields import BlindIndexField
from privacy.models import DataKey
from privacy.services import destroy_data_key


def _require(actor: User | None, perm: str, action: str) -> None:
    """``actor`` None is the system itself (demo data, retention): nothing to check."""
    if actor is not None:
        require_role_permission(actor, perm, action=action)


def register_person(*, actor: User | None, registered_by: Organisation, **identity) -> Person:
    """Create a person with a data key of their own; identity fields are encrypted on save."""
    _require(actor, "cases.add_person", "register_person")
    with transaction.atomic():
        return _register(actor, registered_by, identity)


def _register(actor: User | None, registered_by: Organisation, identity: dict) -> Person:
    person = Person(data_key=DataKey.objects.generate(), registered_by=registered_by, **identity)
    person.full_clean(exclude=["data_key"])
    person.save(force_insert=True)
    audit.record(
        "person.registered",
        actor=actor,
        organisation_id=registered_by.pk,
        target=person,
        person_id=person.pk,
        fields=[name for name, value in identity.items() if value not in (None, "")],
    )
    return person


def erase_person(*, actor: User | None, person: Person, reason: str = ErasureReason.REQUEST) -> Person:
    """Crypto-shredding: destroy the person's data key and their blind indexes; keep a tombstone row.

    ``actor`` None is the system itself (apply_retention, reason "retention"). Erasing twice
    changes nothing. Refused (CaseRuleError) while the person has an open case: the people working
    on it still need what it says, and a case cannot be worked on without its person.
    """
    _require(actor, "cases.erase_person", "erase_person")
    with transaction.atomic():
        return _erase(actor, person, reason)


def reapply_erasures(person_ids: Iterable[uuid.UUID]) -> int:
    """After a restore: erase again everyone the erasure ledger says was erased (cases/erasure_ledger.py),
    so that a backup never brings an erased person back. Their erasure was decided and done already,
    so an open case in the restored (older) state does not hold it. Returns how many were erased."""
    erased = 0
    for person_id in person_ids:
        with transaction.atomic():
            person = Person.objects.filter(pk=person_id, erased_at__isnull=True).first()
            if person is not None:
                _erase(None, person, ErasureReason.RESTORE, reapplied=True)
                erased += 1
    return erased


def _erase(actor: User | None, person: Person, reason: str, *, reapplied: bool = False) -> Person:
    person = Person.objects.select_for_update().select_related("data_key").get(pk=person.pk)
    if person.is_erased:
        return person
    # Locking the cases too: a reopen waiting on one of them then finds the person erased.
    cases = Case.objects.select_for_update().filter(person=person).only("state")
    if not reapplied and any(case.is_open for case in cases):
        raise CaseRuleError(
            _(
                "この本人には終結していないケースがあるため、消去できません。ケースが終結または取り下げられてから消去してください。"
            ),
            code="open_case",
        )
    destroy_data_key(person.data_key)
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now(), **dict.fromkeys(Person.INDEX_FIELDS))
    person.refresh_from_db()
    # Apart from the database, once committed: a restore re-applies it (cases/erasure_ledger.py).
    erased_id, erased_at = person.pk, person.erased_at
    if not reapplied:  # a re-application is in the ledger already
        transaction.on_commit(lambda: erasure_ledger.append(person_id=erased_id, erased_at=erased_at))
    audit.record(
        "person.erased",
        actor=actor,
        target=person,
        person_id=person.pk,
        fields=Person.IDENTITY_FIELDS,
        params={"reason": reason},
    )
    return person


def people_due_for_erasure(*, now: datetime.datetime, years: int) -> QuerySet[Person]:
    """People not yet erased, with no open case, whose record was last in use more than ``years`` ago.

    "Last in use" is when their last case ended; for a person recorded without any case (a
    neighbour's name noted at a visit, a household member), when they were recorded — no screen
    edits a person outside a case, so nothing later touches the record. Each row carries that
    moment as ``last_activity``. Whom another app still holds (``cases.signals.retention_holds``:
    a person on the evacuation-support list) is not due.
    """
    try:
        cutoff = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - years, day=28)
    open_cases = Case.objects.filter(person=OuterRef("pk")).exclude(state__in=ENDED_STATES)
    due = (
        Person.objects.filter(erased_at__isnull=True)
        # Every ended case has ended_at (a database constraint); no case at all leaves the Max null.
        .annotate(last_activity=Coalesce(Max("cases__ended_at"), "created_at"))
        .filter(last_activity__lt=cutoff)
        .exclude(Exists(open_cases))
        .order_by("last_activity", "pk")
    )
    # What the apps above still hold in use outside a case (the evacuation-support list).
    for _receiver, held in retention_holds.send(sender=Person, cutoff=cutoff):
        due = due.exclude(pk__in=held)
    return due


# --- identity, households and supporters, from a case ---------------------------------------------
#
# Who may change what (docs/cases.md "People, households and supporters"): whoever holds
# change_case on the case — its lead, a contributing agency — changes the fields of the groups
# their grants include: identity (name, kana, date of birth), contact (address, phone). Adding a
# household member registers a person, so it also takes the role permission cases.add_person.
# Supporters are identity data of the person: change_case and the identity group (their contact
# also the contact group).

EDIT_GROUPS = {
    FieldGroup.IDENTITY: ("name", "kana", "birth_date"),
    FieldGroup.CONTACT: ("address", "phone"),
}
EDITABLE_FIELDS = tuple(name for names in EDIT_GROUPS.values() for name in names)
# Each identity field's blind indexes (the whole name, and its surname and given name …).
PERSON_CHANGED = gettext_lazy(
    "他の人が先に本人の情報を変更しました。画面を開き直して、最新の内容を確かめてから入力してください。"
)
_INDEXES = {
    source: [f.name for f in Person._meta.fields if isinstance(f, BlindIndexField) and f.source == source]
    for source in ("name", "kana", "phone", "birth_date")
}
# The birth year a date must not be before: a typing slip, not a resident.
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)
_SPACES = re.compile(r"\s+")
_KANA = re.compile(r"^[\u3041-\u3096\u309d\u309eー ]*$")  # hiragana, the long vowel mark, spaces
_PHONE = re.compile(r"^[0-9()\- ]*$")


def editable_groups(
    actor: User, case: Case, held: set[str] | None = None, readable: set[str] | None = None
) -> set[str]:
    """The field groups (identity, contact) the actor may change on the case's person: those their
    grants let them read, if they hold change_case (the lead does) on the case. ``held`` and
    ``readable`` (the actor's permissions and field groups on the case) are read when not given."""
    held = held_case_permissions(actor, case) if held is None else held
    if "change_case" not in held:
        return set()
    return (field_groups_for(actor, case) if readable is None else readable) & set(EDIT_GROUPS)


def editable_fields(groups: set[str]) -> list[str]:
    return [name for group, names in EDIT_GROUPS.items() if group in groups for name in names]


def _require_groups(actor: User, case: Case, needed: set[str], action: str) -> set[str]:
    """Refuse (recorded) unless the actor may change the person's fields of ``needed``."""
    groups = editable_groups(actor, case)
    if not groups or not needed <= groups:
        deny(actor, action=action, case=case)
    return groups


def _one_line(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def clean_identity(fields: dict) -> dict:
    """The identity fields as they are stored: full-width digits and letters made half-width
    (NFKC), half-width kana made full-width, kana in hiragana, runs of spaces made one. Raises
    ValidationError naming each bad field (never its value)."""
    cleaned, errors = {}, {}
    for name, value in fields.items():
        if name == "birth_date":
            if value is not None and value > timezone.localdate():
                errors[name] = _("生年月日に未来の日付は入力できません。")
            elif value is not None and value < _EARLIEST_BIRTH:
                errors[name] = _("生年月日が古すぎます。1900年以降の日付を入力してください。")
            cleaned[name] = value
            continue
        value = _one_line(jaconv.h2z(value or "", kana=True, ascii=False, digit=False))
        if name in ("address", "phone"):  # full-width digits, letters and hyphens made half-width
            value = _one_line(unicodedata.normalize("NFKC", value))
        if name == "kana":  # jaconv's NFKC also reads a dash between kana as the long vowel mark
            value = jaconv.kata2hira(_one_line(jaconv.normalize(value, "NFKC")))
            if not _KANA.match(value):
                errors[name] = _("ふりがなは、ひらがなまたはカタカナで入力してください。")
        if name == "phone" and value:
            digits = re.sub(r"\D", "", value)
            if not _PHONE.match(value) or not digits.startswith("0") or len(digits) not in (10, 11):
                errors[name] = _(
                    "電話番号は0から始まる10桁または11桁の数字で入力してください（ハイフンはあってもなくても構いません）。"
                )
        limit = Person._meta.get_field(name).max_length
        if len(value) > limit:
            errors[name] = _("%(limit)d文字以内で入力してください。") % {"limit": limit}
        cleaned[name] = value
    if errors:
        raise CaseRuleError(errors)
    return cleaned


def _live_person(case: Case) -> Person:
    """The case's person, locked for the caller's transaction; an erased one is refused."""
    person = Person.objects.select_for_update().select_related("data_key").get(pk=case.person_id)
    if person.is_erased:
        raise CaseRuleError(_("本人の個人情報は消去されているため、変更できません。"), code="erased")
    return person


def update_person_identity(*, actor: User, case: Case, expected_version: int, **fields) -> Person:
    """Change the identity and contact fields of the case's person (``EDITABLE_FIELDS``; those not
    given stay), as read at ``expected_version`` (a conflict otherwise). The blind indexes follow
    through their fields; the change is recorded by field name. Nothing is written when nothing
    changed."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not an editable identity field: {sorted(unknown)}")
    needed = {group for group, names in EDIT_GROUPS.items() if set(names) & set(fields)}
    _require_groups(actor, case, needed, "update_person_identity")
    cleaned = clean_identity(fields)
    with transaction.atomic():
        person = _live_person(case)
        if person.version != expected_version:
            raise Conflict(PERSON_CHANGED)
        changed = [name for name, value in cleaned.items() if getattr(person, name) != value]
        if not changed:
            return person
        for name in changed:
            setattr(person, name, cleaned[name])
        person.version += 1
        person.save(
            update_fields=[
                *changed,
                *(index for name in changed for index in _INDEXES.get(name, ())),
                "version",
            ]
        )
        audit.record(
            "person.identity_changed",
            actor=actor,
            target=person,
            case_id=case.pk,
            person_id=person.pk,
            fields=changed,
        )
    return person


def _registering_organisation(actor: User, case: Case) -> Organisation:
    """Whom a person added from a case is registered by: the lead organisation when the actor is
    one of its members, otherwise the actor's own (so that they find the person again)."""
    mine = organisation_ids_of(actor)
    if case.lead_organisation_id in mine:
        return case.lead_organisation
    return Organisation.objects.get(pk=mine[0])


def _current_household(person: Person, case: Case) -> Household:
    """The household the case's person (locked by the caller) lives in now; made, with them as
    its first member, if they live in none (never recorded, or moved out of the one recorded)."""
    own = (
        HouseholdMember.objects.filter(person=person, ended_on__isnull=True)
        .select_related("household")
        .first()
    )
    if own is not None:
        return own.household
    household = Household.objects.create(area=case.area)
    HouseholdMember.objects.create(household=household, person=person, relation=HouseholdMember.Relation.SELF)
    return household


def _check_relation(relation: str) -> None:
    if relation not in HouseholdMember.Relation.values or relation == HouseholdMember.Relation.SELF:
        raise CaseRuleError({"relation": _("続柄を選んでください。")})


def add_household_member(
    *,
    actor: User,
    case: Case,
    relation: str,
    name: str,
    kana: str = "",
    birth_date: datetime.date | None = None,
    is_carer: bool = False,
) -> HouseholdMember:
    """Record someone who lives with the case's person as a person of their own — their own data
    key, their own identity, found by search, seen only through their own grants or cases — and as
    a member of the person's household (made now if the person has none)."""
    _require_groups(actor, case, {FieldGroup.IDENTITY}, "add_household_member")
    require_role_permission(actor, "cases.add_person", action="add_household_member", case=case)
    _check_relation(relation)
    identity = clean_identity({"name": name, "kana": kana, "birth_date": birth_date})
    if not identity["name"]:
        raise CaseRuleError({"name": _("氏名を入力してください。")})
    with transaction.atomic():
        person = _live_person(case)  # locked: two members added at once make one household
        household = _current_household(person, case)
        member = _register(actor, _registering_organisation(actor, case), identity)
        membership = HouseholdMember.objects.create(
            household=household, person=member, relation=relation, is_carer=is_carer
        )
        Person.objects.filter(pk__in=[person.pk, member.pk]).update(has_circle=True)
        audit.record(
            "household.member_added",
            actor=actor,
            target=membership,
            case_id=case.pk,
            person_id=person.pk,
            fields=["relation", "is_carer"],
            params={"household": household.pk, "member": str(member.pk), "relation": relation},
        )
    return membership


def add_existing_household_member(
    *, actor: User, case: Case, person: Person, relation: str, is_carer: bool = False
) -> HouseholdMember:
    """Add someone already registered — another case's person, a member of another household
    recorded earlier — to the household of the case's person (made now if they have none).

    ``person`` must be someone whose identity the actor may read (``cases.access.identity_visible``,
    the person search's rule): anyone else, or an erased person, is refused as a missing one is —
    recorded, the same answer — before anything else is checked. A person is a current member of
    one household at a time: not twice of this one, not of this one while living in another (their
    move out of that one is recorded first), and never a member of their own household's case."""
    action = "add_existing_household_member"
    _require_groups(actor, case, {FieldGroup.IDENTITY}, action)
    require_role_permission(actor, "cases.view_person", action=action, case=case)
    if person.is_erased or not identity_visible(
        actor, [(person.pk, person.registered_by_id, person.created_at)]
    ):
        deny(actor, action=action, case=case)
    _check_relation(relation)
    if person.pk == case.person_id:
        raise CaseRuleError({"person": _("このケースの本人を、本人の世帯員として加えることはできません。")})
    with transaction.atomic():
        own = _live_person(case)
        # Locked too: the same person added to two households at once lands in one of them.
        Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).get()
        household = _current_household(own, case)
        living = list(
            HouseholdMember.objects.filter(person=person, ended_on__isnull=True).values_list(
                "household_id", flat=True
            )
        )
        if household.pk in living:
            raise CaseRuleError({"person": _("この人は既にこの世帯の世帯員です。")}, code="duplicate")
        if living:
            raise CaseRuleError(
                {
                    "person": _(
                        "この人は別の世帯の世帯員として登録されています。先にその世帯を離れたことを記録してから加えてください。"
                    )
                },
                code="other_household",
            )
        membership = HouseholdMember.objects.create(
            household=household, person_id=person.pk, relation=relation, is_carer=is_carer
        )
        Person.objects.filter(pk__in=[own.pk, person.pk], has_circle=False).update(has_circle=True)
        audit.record(
            "household.existing_member_added",
            actor=actor,
            target=membership,
            case_id=case.pk,
            person_id=own.pk,
            fields=["person", "relation", "is_carer"],
            params={"household": household.pk, "member": str(person.pk), "relation": relation},
        )
    return membership


def end_household_membership(
    *, actor: User, case: Case, member: HouseholdMember, ended_on: datetime.date
) -> HouseholdMember:
    """The member stopped living in the case's person's household on ``ended_on`` (moved out,
    went into care, died): kept, shown as a former member. Not a day after today; for someone who
    had left this household before and came back, not before that earlier leaving (when this
    membership can have begun at the earliest). An ended membership is refused with the day it
    ended; a member of any other household is refused as a missing one is (recorded)."""
    action = "end_household_membership"
    _require_groups(actor, case, {FieldGroup.IDENTITY}, action)
    if member.household_id not in _households_now(case):
        deny(actor, action=action, case=case)
    if ended_on > timezone.localdate():
        raise CaseRuleError({"ended_on": _("今日より後の日付は入力できません。")})
    with transaction.atomic():
        member = HouseholdMember.objects.select_for_update().get(pk=member.pk)
        if member.ended_on is not None:
            raise CaseRuleError(
                _("この世帯員は既に世帯を離れています（%(day)s）。") % {"day": member.ended_on.isoformat()},
                code="already_ended",
            )
        earlier = (
            HouseholdMember.objects.filter(
                household_id=member.household_id, person_id=member.person_id, ended_on__isnull=False
            )
            .order_by("-ended_on")
            .values_list("ended_on", flat=True)
            .first()
        )
        if earlier is not None and ended_on < earlier:
            raise CaseRuleError(
                {
                    "ended_on": _("この人が前にこの世帯を離れた日（%(day)s）より前の日付は入力できません。")
                    % {"day": earlier.isoformat()}
                }
            )
        member.ended_on = ended_on
        member.save(update_fields=["ended_on"])
        audit.record(
            "household.member_ended",
            actor=actor,
            target=member,
            case_id=case.pk,
            person_id=case.person_id,
            fields=["ended_on"],
            params={
                "household": member.household_id,
                "member": str(member.person_id),
                "relation": member.relation,
            },
        )
    return member


def _households_now(case: Case) -> set[int]:
    """The households the case's person lives in now (one, or none)."""
    return set(
        HouseholdMember.objects.filter(person_id=case.person_id, ended_on__isnull=True).values_list(
            "household_id", flat=True
        )
    )


def add_supporter(
    *, actor: User, case: Case, role: str, name: str, relation: str = "", contact: str = ""
) -> Supporter:
    """Add an informal supporter or key person to the case's person's ecomap."""
    groups = {FieldGroup.IDENTITY, FieldGroup.CONTACT} if contact else {FieldGroup.IDENTITY}
    _require_groups(actor, case, groups, "add_supporter")
    errors = {}
    if role not in Supporter.Role.values:
        errors["role"] = _("役割を選んでください。")
    values = {
        "name": _one_line(jaconv.h2z(name or "", kana=True, ascii=False, digit=False)),
        "relation": _one_line(relation or ""),
        "contact": _one_line(unicodedata.normalize("NFKC", contact or "")),
    }
    if not values["name"]:
        errors["name"] = _("氏名を入力してください。")
    for field_name, value in values.items():
        limit = Supporter._meta.get_field(field_name).max_length
        if len(value) > limit:
            errors[field_name] = _("%(limit)d文字以内で入力してください。") % {"limit": limit}
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        person = _live_person(case)
        supporter = Supporter(person=person, role=role, added_by=actor, **values)
        supporter.save(force_insert=True)
        if not person.has_circle:
            Person.objects.filter(pk=person.pk).update(has_circle=True)
        audit.record(
            "supporter.added",
            actor=actor,
            target=supporter,
            case_id=case.pk,
            person_id=person.pk,
            fields=["role", *(name for name, value in values.items() if value)],
            params={"supporter_role": role},
        )
    return supporter


def end_supporter(*, actor: User, case: Case, supporter: Supporter) -> Supporter:
    """The supporter no longer supports the person: kept for the record, no longer shown."""
    _require_groups(actor, case, {FieldGroup.IDENTITY}, "end_supporter")
    if supporter.person_id != case.person_id:
        deny(actor, action="end_supporter", case=case)
    with transaction.atomic():
        supporter = Supporter.objects.select_for_update().get(pk=supporter.pk)
        if supporter.ended_at is not None:
            return supporter
        supporter.ended_at = timezone.now()
        supporter.save(update_fields=["ended_at"])
        audit.record(
            "supporter.ended",
            actor=actor,
            target=supporter,
            case_id=case.pk,
            person_id=case.person_id,
            fields=["ended_at"],
            params={"supporter_role": supporter.role},
        )
    return supporter
