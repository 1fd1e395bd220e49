"""The reads of people, households and supporters: the case page's household and ecomap section
(one statement) and the pages that change them. Each takes the actor first; the case page's
section is read only for a viewer whose grant includes the identity group."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS
from django.db.models import BooleanField, CharField, IntegerField, Value
from django.db.models.functions import Cast

from accounts.models import User
from audit import services as audit
from cases.access import deny, held_case_permissions
from cases.models import Case, HouseholdMember, Person, Supporter
from cases.selectors import case_for
from cases.services.people import editable_fields, editable_groups
from cases.vocabulary import FieldGroup
from privacy.exceptions import ERASED_DISPLAY
from privacy.models import DataKey

__all__ = ["HouseholdSection", "PeopleForm", "household_section", "people_form_page", "supporter_of"]


@dataclass
class Member:
    relation: str  # the label
    is_carer: bool
    is_self: bool
    name: str = ""
    kana: str = ""
    birth_date: datetime.date | None = None


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
    members: list[Member] = field(default_factory=list)
    supporters: list[SupporterRow] = field(default_factory=list)
    shows_contact: bool = False
    may_edit: bool = False  # links to the pages that change them

    @property
    def others(self) -> list[Member]:
        return [member for member in self.members if not member.is_self]


# The union's columns: kind, the row's key, a code (relation or role), the carer flag, the person
# the row belongs to, three encrypted values, then that person's erasure and data key.
_KEY_COLUMNS = ("erased_at", "data_key_id", "data_key__wrapped", "data_key__kek_id", "data_key__destroyed_at")
_MEMBER, _SUPPORTER = 0, 1


def household_section(page) -> HouseholdSection | None:
    """The case's person's household (each member's relation, carer flag and identity) and their
    informal supporters, for a case page (``cases.selectors.pages.CasePage``) whose viewer may read
    identity: ONE statement, the two reads joined by UNION ALL — none for a person with neither
    (``Person.has_circle``). Supporters' contacts only with the
    contact group too. Adds what it decrypted to ``page.fields_read`` and the other members to
    ``page.people_shown``, which the page's own audit event records."""
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
        "person_id",
        "name",
        "relation",
        "contact",
        *(f"person__{column}" for column in _KEY_COLUMNS),
    )
    rows = sorted(members.union(supporters, all=True), key=lambda row: (row[0], row[1]))
    relations, roles = dict(HouseholdMember.Relation.choices), dict(Supporter.Role.choices)
    for kind, key, code, is_carer, owner_id, first, second, third, erased_at, *data_key in rows:
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
        member = Member(
            relation=str(relations.get(code, code)), is_carer=is_carer, is_self=owner_id == person.pk
        )
        if not member.is_self:
            _decrypt_member(member, owner_id, (first, second, third), erased_at, data_key)
            page.people_shown.append(str(owner_id))
        section.members.append(member)
    section.members.sort(key=lambda member: not member.is_self)  # the person first
    if section.others:
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
    page = PeopleForm(case=case, groups=groups, fields=names, current={})
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
