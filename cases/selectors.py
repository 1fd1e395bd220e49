"""Permission-filtered reads of persons and cases."""

from django.db.models import Q, QuerySet

from accounts.models import Membership, User
from cases.models import Person
from privacy.normalise import normalise_phone, parse_date


def people_visible_to(actor: User) -> QuerySet[Person]:
    """Persons the actor may see: those registered by one of the actor's organisations.

    The case workflow widens this with the case access grants of disclosures and meetings.
    """
    if not actor.is_authenticated or not actor.has_perm("cases.view_person"):
        return Person.objects.none()
    return Person.objects.filter(
        registered_by__in=Membership.objects.filter(user=actor).values("organisation")
    )


def blind_index_of(field: str, value: object) -> bytes | None:
    return Person._meta.get_field(field).compute(value)


def _matching_ids(query: str) -> list:
    """Every person whose name, kana, phone or birth date equals the query, through blind indexes.

    「やまだ　はなこ」, 「ヤマダハナコ」 and 「ﾔﾏﾀﾞ ﾊﾅｺ」 find the same person; so do 090-1234-5678 and
    ０９０１２３４５６７８, and 1948-03-15 and 昭和23年3月15日. Nothing is decrypted to search.
    """
    conditions = Q()
    name = blind_index_of("name_index", query)  # name and kana share one index space
    if name:
        conditions |= Q(name_index=name) | Q(kana_index=name)
    if len(normalise_phone(query)) >= 6:
        conditions |= Q(phone_index=blind_index_of("phone_index", query))
    date = parse_date(query)
    if date:
        conditions |= Q(birth_date_index=blind_index_of("birth_date_index", date))
    if not conditions:
        return []
    return list(Person.objects.filter(conditions).values_list("pk", flat=True))


def find_people(actor: User, query: str) -> QuerySet[Person]:
    """The people the actor may see whose name, kana, phone or birth date equals the query.

    Two steps, so that no query planner is tempted to walk an organisation's every person instead
    of the blind indexes: first the (few) matches by index, then those of them the actor may see.
    """
    return people_visible_to(actor).filter(pk__in=_matching_ids(query))


def find_people_for_access_report(actor: User, query: str) -> QuerySet[Person]:
    """For a disclosure request: who matches, across all organisations, without their content.

    The privacy officer learns only that a record exists (id, registering organisation, date); the
    caller records the search in the audit trail.
    """
    if not actor.has_perm("audit.view_access_report"):
        return Person.objects.none()
    return (
        Person.objects.filter(pk__in=_matching_ids(query))
        .select_related("registered_by")
        .order_by("created_at")
    )
