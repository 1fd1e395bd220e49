import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Area, Membership, Organisation, User, validate_local_government_code


@pytest.mark.parametrize("code", ["141003", "141089", "172014", "131016"])  # 横浜市, 金沢区, 金沢市, 千代田区
def test_real_local_government_codes_validate(code):
    validate_local_government_code(code)


@pytest.mark.parametrize("code", ["141004", "14100", "1410033", "14100a", "１４１００３"])
def test_malformed_or_wrong_check_digit_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_local_government_code(code)


def make_municipality(code="141003", name="横浜市") -> Area:
    return Area.objects.create(level=Area.Level.MUNICIPALITY, name=name, code=code)


@pytest.mark.django_db
def test_only_a_municipality_may_be_a_root_area():
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(level=Area.Level.DISTRICT, name="浮いた地区")
    city = make_municipality()
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(level=Area.Level.MUNICIPALITY, name="入れ子の市", code="172014", parent=city)


@pytest.mark.django_db
def test_municipality_and_ward_need_a_code_and_codes_are_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(level=Area.Level.MUNICIPALITY, name="コードなし市")
    make_municipality()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_municipality(name="同じコード市")


@pytest.mark.django_db
def test_same_name_in_different_municipalities_is_allowed_but_keyed_by_code():
    yokohama = make_municipality()
    kanazawa_ku = Area.objects.create(level=Area.Level.WARD, name="金沢区", code="141089", parent=yokohama)
    kanazawa_shi = make_municipality(code="172014", name="金沢市")
    assert kanazawa_ku.municipality == yokohama
    assert kanazawa_shi.municipality == kanazawa_shi
    assert Area.objects.get(code="172014").name == "金沢市"


@pytest.mark.django_db
def test_tree_order_is_validated():
    city = make_municipality()
    district = Area.objects.create(level=Area.Level.DISTRICT, name="六浦地区", parent=city)
    ward_under_district = Area(level=Area.Level.WARD, name="逆さ区", code="141089", parent=district)
    with pytest.raises(ValidationError) as exc:
        ward_under_district.full_clean()
    assert "parent" in exc.value.message_dict
    # A city without wards: districts hang directly under the municipality.
    Area(level=Area.Level.PLAZA_AREA, name="六浦圏域", parent=district).full_clean()


@pytest.mark.django_db
def test_organisation_kind_and_membership_role_are_enforced_by_the_database():
    city = make_municipality()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="謎の組織", kind="secret_society", municipality=city)
    org = Organisation.objects.create(
        name="六浦地域ケアプラザ", kind=Organisation.Kind.CARE_PLAZA, municipality=city
    )
    assert org.municipality_code == "141003"
    user = User.objects.create(username="staff1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organisation=org, role="superhero")
    Membership.objects.create(user=user, organisation=org, role="plaza_staff")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organisation=org, role="plaza_staff")


@pytest.mark.django_db
def test_organisation_municipality_must_be_a_municipality():
    city = make_municipality()
    ward = Area.objects.create(level=Area.Level.WARD, name="金沢区", code="141089", parent=city)
    org = Organisation(name="区の組織", kind=Organisation.Kind.WARD_OFFICE, municipality=ward)
    with pytest.raises(ValidationError):
        org.full_clean()
