import datetime

import pytest
from django.core.management import call_command

from cases.models import Person
from cases.selectors import find_people
from cases.services.people import erase_person
from privacy.exceptions import DataErased


def test_erase_person_shreds_the_key_keeps_a_tombstone_and_hides_from_search(make_person, demo, capsys):
    person = make_person(
        name="山田 花子", kana="やまだ はなこ", phone="0451234567", birth_date=datetime.date(1948, 3, 15)
    )
    staff = demo.users["demo_plaza"]
    assert list(find_people(staff, "ヤマダハナコ")) == [person]

    call_command("erase_person", str(person.pk))

    tombstone = Person.objects.select_related("data_key").get(pk=person.pk)
    assert tombstone.is_erased and tombstone.data_key.is_destroyed
    assert tombstone.data_key.wrapped is None
    for field in Person.IDENTITY_FIELDS:
        with pytest.raises(DataErased) as exc:
            getattr(tombstone, field)
        assert str(person.pk) in str(exc.value)
    for query in ["ヤマダハナコ", "山田花子", "0451234567", "1948-03-15"]:
        assert list(find_people(staff, query)) == []
    assert "erased" in capsys.readouterr().out

    call_command("erase_person", str(person.pk))  # idempotent
    assert "already erased" in capsys.readouterr().out


def test_only_privacy_officers_may_erase(make_person, demo):
    from django.core.exceptions import PermissionDenied

    person = make_person()
    with pytest.raises(PermissionDenied):
        erase_person(actor=demo.users["demo_plaza"], person=person)
    assert not Person.objects.get(pk=person.pk).is_erased
    from audit.models import AuditEvent

    refusal = AuditEvent.objects.get(event="case.denied")  # the refusal outlives the rolled-back attempt
    assert refusal.actor == demo.users["demo_plaza"] and '"erase_person"' in refusal.params
    erase_person(actor=demo.users["demo_privacy"], person=person)
    assert Person.objects.get(pk=person.pk).is_erased


@pytest.fixture
def retention_people(make_person, make_case):
    old = make_person(name="古い 記録")
    make_case(old, "closed", years_ago=6)
    make_case(old, "withdrawn", years_ago=7)
    recent = make_person(name="新しい 記録")
    make_case(recent, "closed", years_ago=4)
    reopened = make_person(name="再開 された")
    make_case(reopened, "closed", years_ago=8)
    make_case(reopened, "noticed")  # still open
    no_case = make_person(name="ケース なし")
    return {"old": old, "recent": recent, "reopened": reopened, "no_case": no_case}


def test_apply_retention_dry_run_lists_and_changes_nothing(retention_people, capsys):
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would erase 1 people" in out
    assert str(retention_people["old"].pk) in out
    assert not Person.objects.filter(erased_at__isnull=False).exists()


def test_apply_retention_erases_only_people_past_the_period(retention_people):
    call_command("apply_retention")
    erased = set(Person.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    assert erased == {retention_people["old"].pk}
    assert Person.objects.get(pk=retention_people["recent"].pk).name == "新しい 記録"
    call_command("apply_retention", "--years", "3")
    assert Person.objects.get(pk=retention_people["recent"].pk).is_erased
    assert not Person.objects.get(pk=retention_people["reopened"].pk).is_erased
    assert not Person.objects.get(pk=retention_people["no_case"].pk).is_erased


def _recorded_years_ago(person, years: float) -> None:
    """Move the person's registration into the past, as if recorded ``years`` ago (no real waiting)."""
    from django.utils import timezone

    when = timezone.now() - datetime.timedelta(days=365.25 * years)
    Person.objects.filter(pk=person.pk).update(created_at=when)


def test_apply_retention_erases_a_person_recorded_without_a_case_after_the_period(make_person, settings):
    settings.TSUNAGU_RETENTION_YEARS = 5
    no_case = make_person(name="ケース なし")
    call_command("apply_retention")
    assert not Person.objects.get(pk=no_case.pk).is_erased  # recorded today

    _recorded_years_ago(no_case, 4.9)
    call_command("apply_retention", "--years", "5")
    assert Person.objects.get(pk=no_case.pk).name == "ケース なし"  # not yet

    _recorded_years_ago(no_case, 5.1)
    call_command("apply_retention", "--years", "5")
    assert Person.objects.get(pk=no_case.pk).is_erased


def test_retention_counts_from_the_last_case_not_from_registration(make_person, make_case):
    # Recorded long ago, but a case about them ended recently: kept.
    person = make_person(name="古い 登録")
    _recorded_years_ago(person, 9)
    make_case(person, "closed", years_ago=1)
    # Recorded long ago with an open case: never due, however old the record.
    open_case = make_person(name="進行 中")
    _recorded_years_ago(open_case, 9)
    make_case(open_case, "sharing")
    call_command("apply_retention")
    assert not Person.objects.filter(erased_at__isnull=False).exists()


def test_erasure_is_refused_while_the_person_has_an_open_case(make_person, make_case, demo):
    from django.core.management.base import CommandError

    from audit.models import AuditEvent
    from cases.exceptions import CaseRuleError

    person = make_person()
    case = make_case(person, "referred")
    with pytest.raises(CaseRuleError, match="終結していないケースがあるため、消去できません") as refused:
        erase_person(actor=demo.users["demo_privacy"], person=person)
    assert refused.value.code == "open_case"
    with pytest.raises(CommandError, match="終結していないケース"):
        call_command("erase_person", str(person.pk))
    person = Person.objects.select_related("data_key").get(pk=person.pk)
    assert not person.is_erased and not person.data_key.is_destroyed and person.name_index is not None
    assert not AuditEvent.objects.filter(event="person.erased").exists()

    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(state="closed", ended_at=datetime.datetime.now(datetime.UTC))
    erase_person(actor=demo.users["demo_privacy"], person=person)
    assert Person.objects.get(pk=person.pk).is_erased


def test_a_case_whose_person_was_erased_is_not_reopened(world, make_person, make_case):
    from cases.access import grant_access
    from cases.exceptions import CaseRuleError
    from cases.models import AccessLevel, CaseAccessGrant
    from cases.services import lifecycle

    person = make_person(registered_by=world.plaza)
    case = make_case(person, "closed", years_ago=1)
    grant_access(  # the lead's grant, as a closed case keeps it
        case=case,
        organisation=world.plaza,
        level=AccessLevel.LEAD,
        reason=CaseAccessGrant.Reason.OWNER,
        field_groups=[],
        granted_by=None,
    )
    erase_person(actor=world.privacy, person=person)
    with pytest.raises(CaseRuleError, match="再開できません"):
        lifecycle.reopen(actor=world.staff, case=case, expected_version=case.version)
    case.refresh_from_db()
    assert case.state == "closed"
