"""The demo's settings (see ``manage.py seed_demo``): つなぐ市, whose ward heads petition for
guardianship (区長申立て), and a second, smaller city configured differently — みどり市, a city
without wards, with a shorter concern form, fewer kinds of meeting (its case meetings' attendees
undertaking to hand their papers back) and a higher threshold for small numbers — with a
plaza worker and a commissioner of its own; the demo's administrator runs both cities.
Fictional throughout; idempotent."""

from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DemoStructure, _area, _organisation, demo_phone
from accounts.models import Area, Organisation, User, local_government_code_check_digit
from accounts.roles import Role
from accounts.services import add_membership
from configuration.models import MunicipalConfiguration
from configuration.services import change_configuration

SECOND_CODE = "99002" + local_government_code_check_digit("99002")
SECOND_NAME = "みどり市"
SECOND_DISTRICTS = ["みどり北地区", "みどり南地区", "みどり台地区"]


def seed(structure: DemoStructure) -> None:
    admin = structure.users["demo_admin"]
    if not MunicipalConfiguration.objects.filter(municipality=structure.municipality).exists():
        change_configuration(
            actor=admin,
            municipality=structure.municipality,
            expected_version=0,
            values={"guardianship.mayor_petition_label": "区長申立て"},
        )
    city = _area(Area.Level.MUNICIPALITY, SECOND_NAME, None, SECOND_CODE)
    if MunicipalConfiguration.objects.filter(municipality=city).exists():
        return
    with transaction.atomic():
        districts = [_area(Area.Level.DISTRICT, name, city) for name in SECOND_DISTRICTS]
        office = _organisation(
            "みどり市役所 福祉課", Organisation.Kind.WARD_OFFICE, city, [city], demo_phone(401)
        )
        plaza = _organisation(
            "みどり地域包括支援センター", Organisation.Kind.CARE_PLAZA, city, districts, demo_phone(402)
        )
        council = _organisation(
            "みどり市民生委員児童委員協議会", Organisation.Kind.COMMISSIONER_COUNCIL, city, districts[:1]
        )
        for username, organisation, role, (last, first) in [
            ("demo_midori_plaza", plaza, Role.PLAZA_STAFF, ("緑川", "葵")),
            ("demo_midori_commissioner", council, Role.COMMISSIONER, ("林田", "節子")),
        ]:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, last_name=last, first_name=first)
                user.set_password(DEMO_PASSWORD)
                user.save()
            add_membership(user=user, organisation=organisation, role=role)
        # The demo's administrator runs both cities: the settings page offers each.
        add_membership(user=admin, organisation=office, role=Role.SYSADMIN)
        change_configuration(
            actor=User.objects.get(pk=admin.pk),  # its memberships read afresh
            municipality=city,
            expected_version=0,
            values={
                "cases.signals": [
                    "mail_piling_up",
                    "shutters_closed",
                    "not_seen",
                    "seems_different",
                    "child_worry",
                    "injury",
                ],
                "cases.categories": [
                    "social_isolation",
                    "eighty_fifty",
                    "young_carer",
                    "economic_hardship",
                    "self_neglect",
                    "dementia",
                    "reduced_capacity",
                    "elder_abuse",
                    "child_abuse",
                    "consumer_fraud",
                    "no_kin",
                    "other",
                ],
                "cases.reporter_kinds": ["commissioner", "neighbour", "agency"],
                # No 重層的支援会議 in a small city; its case meetings' papers are collected.
                "cases.meeting_kinds": ["support_meeting", "individual_case", "community_care"],
                "cases.undertaking_individual_case": "会議の資料は、会議の終わりにすべて回収します。",
                "guardianship.mayor_petition_label": "市長申立て",
                "indicators.small_numbers": 10,
            },
        )
