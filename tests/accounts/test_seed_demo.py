from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts import demo
from accounts.models import Area, Membership, Organisation, User
from accounts.roles import Role


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Area, Organisation, User, Membership, Organisation.areas.through)
    }


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_builds_the_kanazawa_shaped_municipality_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first

    municipality = Area.objects.get(code=demo.MUNICIPALITY_CODE)
    assert municipality.level == Area.Level.MUNICIPALITY
    assert Area.objects.filter(level=Area.Level.WARD, parent=municipality).count() == 1
    assert Area.objects.filter(level=Area.Level.DISTRICT, parent__parent=municipality).count() == 14
    plazas = Organisation.objects.filter(kind=Organisation.Kind.CARE_PLAZA, municipality=municipality)
    assert plazas.count() == 10
    # The second city, configured apart (configuration/demo.py): no wards, its districts under it.
    second = Area.objects.get(name="みどり市")
    assert not second.children.filter(level=Area.Level.WARD).exists()
    assert second.children.filter(level=Area.Level.DISTRICT).count() == 3
    for kind in (
        Organisation.Kind.WARD_OFFICE,
        Organisation.Kind.GUARDIANSHIP_CENTRE,
        Organisation.Kind.ANSHIN_CENTRE,
        Organisation.Kind.DISABILITY_CONSULTATION,
        Organisation.Kind.SELF_RELIANCE_SUPPORT,
        Organisation.Kind.CHILD_FAMILY_SUPPORT,
    ):
        assert Organisation.objects.filter(kind=kind).exists(), kind
    # Every district is served by a care plaza.
    for district in Area.objects.filter(level=Area.Level.DISTRICT):
        assert district.served_by.filter(kind=Organisation.Kind.CARE_PLAZA).exists(), district
    # One demo user per role.
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert "デモデータ" in capsys.readouterr().out


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_is_reproducible():
    first = demo.seed()
    names = sorted(str(u) for u in first.users.values())
    districts = [a.name for a in first.districts]
    User.objects.all().delete()
    again = demo.seed()
    assert sorted(str(u) for u in again.users.values()) == names
    assert [a.name for a in again.districts] == districts


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_in_production_mode():
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo")
    assert Organisation.objects.count() == 0
    assert User.objects.count() == 0


def test_every_demo_user_can_log_in_with_the_password_the_readme_gives(db, client):
    structure = demo.seed()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert demo.DEMO_PASSWORD in readme
    for username in structure.users:
        assert f"`{username}`" in readme
        response = client.post("/accounts/login/", {"username": username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert response.headers["Location"] == "/"
        client.post("/accounts/logout/")
