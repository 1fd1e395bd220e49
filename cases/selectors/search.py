"""Finding people: exact search through blind indexes, then only the people the actor may see.

A query is compared, each through its own blind index and never as plaintext, with the full name
and kana, the surname and given name alone (of name and kana), the phone number and the birth date
(ISO, full-width or 和暦). Nothing is decrypted to search; there is no prefix or partial match.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import User
from cases.access import identity_visible, permitted_case_ids, revoke_expired_grants
from cases.models import Case, Person
from privacy.normalise import normalise_name, normalise_phone, parse_date, split_name

# A search shows at most this many people (the newest records first); the count names them all.
RESULT_LIMIT = 50


def blind_index_of(field_name: str, value: object) -> bytes | None:
    return Person._meta.get_field(field_name).compute(value)


def _part_index(field_name: str, part: str) -> bytes | None:
    return Person._meta.get_field(field_name).hash(normalise_name(part))


def _index_conditions(query: str) -> Q:
    """Who matches the query, as conditions on the blind indexes only.

    「やまだ　はなこ」 matches the full name or kana (name and kana share one index space);
    「やまだ」 or 「髙橋」 alone matches a surname, 「はなこ」 a given name (of the name or the kana).
    A phone number matches from six digits; a date matches the birth date (「２０１１－０８－０９」,
    「平成23年8月9日」).
    """
    conditions = Q()
    name = blind_index_of("name_index", query)
    if name:
        conditions |= Q(name_index=name) | Q(kana_index=name)
    if name and not split_name(query):
        # One word: a surname or a given name alone (two index spaces, so two hashes). Two words
        # are a whole name: the whole-name index answers them in one probe, where a surname and a
        # given name matched together would walk every holder of a common surname.
        surname, given = _part_index("surname_index", query), _part_index("given_name_index", query)
        conditions |= Q(surname_index=surname) | Q(kana_surname_index=surname)
        conditions |= Q(given_name_index=given) | Q(kana_given_name_index=given)
    if len(normalise_phone(query)) >= 6:
        conditions |= Q(phone_index=blind_index_of("phone_index", query))
    date = parse_date(query)
    if date:
        conditions |= Q(birth_date_index=blind_index_of("birth_date_index", date))
    return conditions


def matching_person_ids(query: str) -> list:
    """Every person (of every organisation) whose indexes match the query: for the callers that
    filter by permission next (``find_people``, the privacy officer's lookup)."""
    conditions = _index_conditions(query)
    if not conditions:
        return []
    return list(Person.objects.filter(conditions).values_list("pk", flat=True))


@dataclass
class PersonFound:
    person: Person
    cases: list[Case] = field(default_factory=list)  # the person's cases the actor may open


@dataclass
class SearchResults:
    people: list[PersonFound]
    count: int  # every match the actor may see; more than len(people) past RESULT_LIMIT

    @property
    def more(self) -> bool:
        return self.count > len(self.people)


def visible_matches(actor: User, query: str) -> list:
    """The ids of the people the actor may see who match the query, newest record first."""
    if not (actor.is_authenticated and actor.is_active and actor.has_perm("cases.view_person")):
        return []
    conditions = _index_conditions(query)
    if not conditions:
        return []
    # Two steps, so that no planner walks an organisation's every person instead of the indexes:
    # the (few) matches by index first, then which of them the actor may see.
    candidates = list(Person.objects.filter(conditions).values_list("pk", "registered_by_id", "created_at"))
    return identity_visible(actor, candidates)


def people_found(actor: User, query: str) -> SearchResults:
    """The people the actor may see who match the query, newest record first (at most
    RESULT_LIMIT), each with the cases the actor may open. People the actor may not see are
    neither shown nor counted."""
    visible = visible_matches(actor, query)
    shown = visible[:RESULT_LIMIT]
    if not shown:
        return SearchResults(people=[], count=0)
    people = Person.objects.select_related("data_key", "registered_by").in_bulk(shown)
    revoke_expired_grants()
    cases: dict = {pk: [] for pk in shown}
    for case in (
        Case.objects.filter(pk__in=permitted_case_ids(actor, "view_case"), person_id__in=shown)
        .select_related("area")
        .order_by("-created_at")
    ):
        cases[case.person_id].append(case)
    return SearchResults(people=[PersonFound(people[pk], cases[pk]) for pk in shown], count=len(visible))
