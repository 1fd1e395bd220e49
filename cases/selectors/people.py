"""The reads of people, households and supporters: the case page's household and ecomap section
(one statement) and the pages that change them. Each takes the actor first; the case page's
section is read only for a viewer whose grant includes the identity group."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS
from django.db.models import BooleanField, CharField, DateField, IntegerField, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from cases.access import deny, held_case_permissions, require_role_permission
from cases.models import Case, HouseholdMember, Person, Supporter
from cases.selectors import case_for
from cases.selectors.search import RESULT_LIMIT, visible_matches
from cases.services.people import editable_fields, editable_groups
from cases.vocabulary import FieldGroup
from privacy.exceptions import ERASED_DISPLAY
from privacy.models import DataKey
from privacy.normalise import date_with_wareki

__all__ = [
    "HouseholdSection",
    "MembershipToEnd",
    "PeopleForm",
    "existing_member_case",
    "household_candidates",
    "household_section",
    "membership_to_end",
    "people_form_page",
    "person_to_add",
    "supporter_of",
]


@dataclass
class Member:
    pk: int  # the membership's: the page that records their leaving
    relation: str  # the label
    is_carer: bool
    is_self: bool
    name: str = ""
    kana: str = ""
    birth_date: datetime.date | None = None
    until: datetime.date | None = None  # a former member: the last day they lived together


@dataclass
class SupporterRow:
    pk: uuid.UUID
    role: str  # the code, for the diagram's colour
    role_label: str
    name: str
    relation: str
    contact: str = ""


@dataclass
class HouseholdSection:
    members: list[Member] = field(default_factory=list)  # who lives with the person now
    former: list[Member] = field(default_factory=list)  # who lived with them, latest leaving first
    supporters: list[SupporterRow] = field(default_factory=list)
    shows_contact: bool = False
    may_edit: bool = False  # links to the pages that change them

    @property
    def others(self) -> list[Member]:
        return [member for member in self.members if not member.is_self]


# The union's columns: kind, the row's key, a code (relation or role), the carer flag, a member's
# household and leaving day, the person the row belongs to, three encrypted values, then that
# person's erasure and data key.
_KEY_COLUMNS = ("erased_at", "data_key_id", "data_key__wrapped", "data_key__kek_id", "data_key__destroyed_at")
_MEMBER, _SUPPORTER = 0, 1


def household_section(page) -> HouseholdSection | None:
    """The case's person's household (each member's relation, carer flag and identity) and their
    informal supporters, for a case page (``cases.selectors.pages.CasePage``) whose viewer may read
    identity: ONE statement, the two reads joined by UNION ALL — none for a person with neither
    (``Person.has_circle``). Supporters' contacts only with the
    contact group too. Adds what it decrypted to ``page.fields_read`` and the other members to
    ``page.people_shown``, which the page's own audit event records.

    Every household the person was ever a member of is read: who lives with them now are
    ``members``; who left (``ended_on``), and everyone of a household the person left themselves,
    are ``former``, each until the day they stopped living together."""
    case, person = page.case, page.case.person
    if FieldGroup.IDENTITY not in page.field_groups or person.is_erased:
        return None
    section = HouseholdSection(
        shows_contact=FieldGroup.CONTACT in page.field_groups,
        may_edit=FieldGroup.IDENTITY in editable_groups(page.actor, case, page.held, page.field_groups),
    )
    if not person.has_circle:  # nothing recorded yet: nothing to ask
        return section
    in_households = HouseholdMember.objects.filter(person_id=person.pk).values("household_id")
    members = HouseholdMember.objects.filter(household__in=in_households).values_list(
        Value(_MEMBER, output_field=IntegerField()),
        Cast("pk", CharField()),
        "relation",
        "is_carer",
        "household_id",
        "ended_on",
        "person_id",
        "person__name",
        "person__kana",
        "person__birth_date",
        *(f"person__{column}" for column in _KEY_COLUMNS),
    )
    supporters = Supporter.objects.filter(person_id=person.pk, ended_at__isnull=True).values_list(
        Value(_SUPPORTER, output_field=IntegerField()),
        Cast("pk", CharField()),
        "role",
        Value(False, output_field=BooleanField()),
        Value(None, output_field=IntegerField()),
        Value(None, output_field=DateField()),
        "person_id",
        "name",
        "relation",
        "contact",
        *(f"person__{column}" for column in _KEY_COLUMNS),
    )
    rows = sorted(members.union(supporters, all=True), key=lambda row: (row[0], row[1]))
    relations, roles = dict(HouseholdMember.Relation.choices), dict(Supporter.Role.choices)
    # Where the person lives now, and when they left the households they left.
    living = {row[4] for row in rows if row[0] == _MEMBER and row[6] == person.pk and row[5] is None}
    left: dict[int, datetime.date] = {}
    for row in rows:
        if row[0] == _MEMBER and row[6] == person.pk and row[5] is not None:
            left[row[4]] = max(row[5], left.get(row[4], row[5]))
    for (
        kind,
        key,
        code,
        is_carer,
        household_id,
        ended_on,
        owner_id,
        first,
        second,
        third,
        erased_at,
        *data_key,
    ) in rows:
        if kind == _SUPPORTER:
            supporter = Supporter.from_db(
                DEFAULT_DB_ALIAS,
                ["id", "person_id", "name", "relation", "contact"],
                [uuid.UUID(key), owner_id, first, second, third],
            )
            supporter.person = person  # their values are under the person's key, already in hand
            section.supporters.append(
                SupporterRow(
                    pk=supporter.pk,
                    role=code,
                    role_label=str(roles.get(code, code)),
                    name=supporter.name,
                    relation=supporter.relation,
                    contact=supporter.contact if section.shows_contact else "",
                )
            )
            continue
        is_self = owner_id == person.pk
        member = Member(
            pk=int(key), relation=str(relations.get(code, code)), is_carer=is_carer, is_self=is_self
        )
        if household_id in living and ended_on is None:
            section.members.append(member)
        else:  # they left, or the person did (then together until the earlier leaving)
            days = [day for day in (ended_on, None if is_self else left.get(household_id)) if day]
            member.until = min(days) if days else None
            section.former.append(member)
        if not is_self:
            _decrypt_member(member, owner_id, (first, second, third), erased_at, data_key)
            page.people_shown.append(str(owner_id))
    section.members.sort(key=lambda member: (not member.is_self, member.pk))  # the person first
    section.former.sort(key=lambda member: (member.until or datetime.date.min, member.pk), reverse=True)
    if section.others or any(not member.is_self for member in section.former):
        page.fields_read += ["household.name", "household.kana", "household.birth_date"]
    if section.supporters:
        page.fields_read += ["supporter.name", "supporter.relation"]
        if section.shows_contact:
            page.fields_read.append("supporter.contact")
    return section


def _decrypt_member(member: Member, person_id, stored: tuple, erased_at, data_key: list) -> None:
    """A member's identity from the union's columns: their own Person and data key, as read."""
    if erased_at is not None:
        member.name = ERASED_DISPLAY
        return
    key = DataKey.from_db(DEFAULT_DB_ALIAS, ["id", "wrapped", "kek_id", "destroyed_at"], data_key)
    other = Person.from_db(
        DEFAULT_DB_ALIAS, ["id", "data_key_id", "name", "kana", "birth_date"], [person_id, key.pk, *stored]
    )
    other.data_key = key
    member.name, member.kana, member.birth_date = other.name, other.kana, other.birth_date


# --- the pages that change them -------------------------------------------------------------------


@dataclass
class PeopleForm:
    """What a page that changes the case's person, household or supporters needs."""

    case: Case
    groups: set[str]  # the field groups the actor may change
    fields: list[str]  # the identity fields they may change
    current: dict  # those fields' values now (decrypted: the read is recorded)
    version: int = 0  # the person's version as read (the identity form sends it back)


def people_form_page(
    actor: User, case_id: object, action: str, *, needs_identity: bool = True, read_current: bool = False
) -> PeopleForm:
    """The case, if the actor may change its person's identity or contact fields (or, with
    ``needs_identity``, their identity group): refused (recorded) otherwise, before any input is
    read. With ``read_current``, the values of the fields they may change now, read and recorded."""
    case = case_for(actor, case_id, "change_case")
    groups = editable_groups(actor, case, held_case_permissions(actor, case))
    if not groups or (needs_identity and FieldGroup.IDENTITY not in groups) or case.person.is_erased:
        deny(actor, action=action, case=case)
    names = editable_fields(groups)
    page = PeopleForm(case=case, groups=groups, fields=names, current={}, version=case.person.version)
    if read_current:
        page.current = {name: getattr(case.person, name) for name in names}
        audit.record(
            "person.viewed",
            actor=actor,
            target=case.person,
            case_id=case.pk,
            person_id=case.person_id,
            fields=names,
            purpose="case_work",
        )
    return page


def require_changeable(actor: User, page: PeopleForm, names: list[str], action: str) -> None:
    """Refuse (recorded) a change that names a field outside the groups the actor may change, as
    the service would — before any value is read."""
    if set(names) - set(page.fields):
        deny(actor, action=action, case=page.case)


def supporter_of(actor: User, case: Case, supporter_id: object) -> Supporter:
    """A live supporter of the case's person (to end); any other id is refused like a forbidden one."""
    supporter = (
        Supporter.objects.filter(pk=supporter_id, person_id=case.person_id, ended_at__isnull=True)
        .select_related("person__data_key")
        .first()
    )
    if supporter is None:
        deny(actor, action="end_supporter", case=case)
    return supporter


# --- the household's members: someone already registered added, a member's leaving ---------------

ADD_EXISTING = "add_existing_household_member"
END_MEMBERSHIP = "end_household_membership"
# What a candidate's label shows (as the person search shows it): recorded when shown.
CANDIDATE_FIELDS = ("name", "kana", "birth_date")


def existing_member_case(actor: User, case_id: object) -> Case:
    """The case to whose person's household the actor adds someone already registered: they may
    change its person's identity and look people up (``cases.view_person``). Refused (recorded)
    otherwise, before any input is read."""
    case = people_form_page(actor, case_id, ADD_EXISTING).case
    require_role_permission(actor, "cases.view_person", action=ADD_EXISTING, case=case)
    return case


def household_candidates(actor: User, case: Case, query: str) -> list[tuple[str, str]]:
    """The people matching ``query`` whose identity the actor may read — the person search's
    blind indexes, rule and limit, never plaintext — as (id, label) choices for adding one to the
    case's person's household: the case's person left out, those already living with them marked.
    Showing them is recorded (field names and who, never the query)."""
    ids = [pk for pk in visible_matches(actor, query) if pk != case.person_id][:RESULT_LIMIT]
    if not ids:
        return []
    people = Person.objects.select_related("data_key").in_bulk(ids)
    living_with = set(
        HouseholdMember.objects.filter(
            household__memberships__person_id=case.person_id,
            household__memberships__ended_on__isnull=True,
            ended_on__isnull=True,
            person_id__in=ids,
        ).values_list("person_id", flat=True)
    )
    shown = [people[pk] for pk in ids]
    audit.record_people_shown(actor=actor, people=shown, fields=CANDIDATE_FIELDS, purpose="case_work")
    choices = []
    for person in shown:
        label = person.name + (f"（{person.kana}）" if person.kana else "")
        if person.birth_date:
            label += f" · {date_with_wareki(person.birth_date)}"
        if person.pk in living_with:
            label += " — " + _("既にこの世帯の世帯員です")
        choices.append((str(person.pk), label))
    return choices


def person_to_add(actor: User, case: Case, person_id: object) -> Person:
    """The person a form chose to add to the household. An id that names no person — made up,
    garbled — is refused (recorded) exactly as the service refuses one the actor may not see."""
    try:
        pk = uuid.UUID(str(person_id))
    except ValueError:
        pk = None
    person = Person.objects.filter(pk=pk).first() if pk else None
    if person is None:
        deny(actor, action=ADD_EXISTING, case=case)
    return person


@dataclass
class MembershipToEnd:
    """A member of the case's person's household now, whose leaving a page records."""

    case: Case
    member: HouseholdMember
    who: str  # their name and relation, or "this case's person"


def membership_to_end(actor: User, case_id: object, member_id: object) -> MembershipToEnd:
    """A membership of the household the case's person lives in now (its current or former
    members), if the actor may change the person's identity; any other id — another household's,
    none, not digits — is refused (recorded) as a forbidden one is, before any input is read.
    Showing the member's name is recorded."""
    case = people_form_page(actor, case_id, END_MEMBERSHIP).case
    text = str(member_id)
    member = None
    if text.isascii() and text.isdigit() and len(text) <= 18:
        member = (
            HouseholdMember.objects.filter(
                pk=int(text),
                household__memberships__person_id=case.person_id,
                household__memberships__ended_on__isnull=True,
            )
            .select_related("person__data_key")
            .first()
        )
    if member is None:
        deny(actor, action=END_MEMBERSHIP, case=case)
    relation = member.get_relation_display()
    if member.person_id == case.person_id:
        who = _("このケースの本人")
    elif member.person.is_erased:
        who = f"{ERASED_DISPLAY}（{relation}）"
    else:
        who = f"{member.person.name}（{relation}）"
        audit.record_people_shown(actor=actor, people=[member.person], fields=["name"], purpose="case_work")
    return MembershipToEnd(case=case, member=member, who=str(who))
