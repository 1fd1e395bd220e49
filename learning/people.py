"""Everyone a case's texts may name, decrypted for the checks and drafts of learning (never shown):
the person (本人, and the names reporters gave), every household member, current or former (by
relation: 子A, 配偶者A …), every informal supporter (by role: 近隣住民A …), every guest of its
meetings (出席者A …) and — for a case example — the staff and commissioners who wrote in the case or
attended its meetings (職員A …). One place, so that a description's check, an example's draft and
an example's check all know the same people."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit import services as audit
from cases.models import (
    Case,
    Concern,
    HouseholdMember,
    MeetingAttendance,
    MeetingGuest,
    ProgressEntry,
    Supporter,
)
from learning.identifiers import ADDRESS, BIRTH_DATE, NAME, PHONE, Identity, identifiers_in

FOUND = {
    NAME: gettext_lazy("本人・世帯員・支援者の氏名（ふりがなを含む）"),
    ADDRESS: gettext_lazy("本人・世帯員の住所（番地・建物名）"),
    PHONE: gettext_lazy("電話番号"),
    BIRTH_DATE: gettext_lazy("本人・世帯員の生年月日"),
}


def identifying(found: list[str], message: str) -> ValidationError:
    """The refusal of a text that still identifies someone: ``message`` with the kinds found."""
    return ValidationError(
        message % {"found": "、".join(str(FOUND[kind]) for kind in found)}, code="identifies_a_person"
    )


# What a check reads of them (field names for the trail, never values).
CHECKED_FIELDS = ["name", "kana", "birth_date", "address", "phone", "supporter.name", "contact"]


@dataclass
class CasePeople:
    identities: list[Identity]
    relations: list[str]  # the person's current household's other members' relations to them


def people_of(case: Case, *, writers: bool = False) -> CasePeople:
    """The case's people, each with the role a de-identified text writes them as; ``writers``:
    its staff and commissioners too, by their directory names."""
    person = case.person
    # The person as the concerns' reporters named them too (before the person was identified).
    found = []
    if person.erased_at is None:  # an erased person's fields can no longer be read
        concerns = Concern.objects.filter(case=case).select_related("case__person__data_key")
        reported = [concern.reported_name for concern in concerns if concern.reported_name]
        names = (person.name, person.kana, *reported)
        found.append(Identity("本人", names, person.address, person.phone, person.birth_date))
    letters: dict[str, object] = {}

    def role(label: str) -> str:
        return f"{label}{next(letters.setdefault(label, iter('ABCDEFGHIJKLMNOPQRSTUVWXYZ')))}"

    current = (
        HouseholdMember.objects.filter(person_id=case.person_id, ended_on__isnull=True)
        .values_list("household_id", flat=True)
        .first()
    )
    members = (
        HouseholdMember.objects.filter(
            household__in=HouseholdMember.objects.filter(person_id=case.person_id).values("household")
        )
        .exclude(person_id=case.person_id)
        .select_related("person__data_key")
        .order_by("pk")
    )
    relations = []
    for member in members:
        other = member.person
        if other.erased_at is None:
            names = (other.name, other.kana)
            found.append(
                Identity(
                    role(member.get_relation_display()), names, other.address, other.phone, other.birth_date
                )
            )
        if member.ended_on is None and member.household_id == current:
            relations.append(member.relation)
    # Supporters and meeting guests are encrypted under the person's key: gone with an erasure.
    erased = person.erased_at is not None
    for supporter in (
        []
        if erased
        else Supporter.objects.filter(person_id=case.person_id)
        .select_related("person__data_key")
        .order_by("added_at")
    ):
        found.append(Identity(role(supporter.get_role_display()), (supporter.name,), phone=supporter.contact))
    # Who attended its meetings without an account (family, neighbours, a doctor): named in minutes.
    guests = MeetingGuest.objects.filter(meeting__case=case).select_related("meeting__case__person__data_key")
    for guest in [] if erased else guests.order_by("pk"):
        found.append(Identity(role(_("出席者")), (guest.name,)))
    if writers:
        wrote = set(Concern.objects.filter(case=case).values_list("reported_by", flat=True))
        wrote |= set(ProgressEntry.objects.filter(case=case).values_list("written_by", flat=True))
        wrote |= set(MeetingAttendance.objects.filter(meeting__case=case).values_list("user", flat=True))
        for user in User.objects.filter(pk__in=[w for w in wrote if w]).order_by("pk"):
            full = f"{user.last_name} {user.first_name}".strip()
            if full:
                found.append(Identity(role(_("職員")), (full,)))
    return CasePeople(identities=found, relations=relations)


def identifiers_found(actor: User, case: Case, text: str, *, event: str, people: list[Identity]) -> list[str]:
    """The kinds of identifier of ``people`` (and any phone number) the text holds; the check is
    recorded as ``event`` whatever it finds, in a transaction of its own that a refusal after it
    does not roll back."""
    found = identifiers_in(text, people)
    with transaction.atomic():
        audit.record(
            event,
            actor=actor,
            target=case,
            case_id=case.pk,
            person_id=case.person_id,
            fields=CHECKED_FIELDS,
            purpose="de_identification",
            params={"identifiers_found": found or ["none"], "people": len(people)},
        )
    return found
