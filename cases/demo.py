"""Fictional demo residents (see ``manage.py seed_demo``). Idempotent: found again by blind index."""

from faker import Faker

from accounts.demo import MUNICIPALITY_NAME, WARD_NAME, DemoStructure
from cases.models import Person
from cases.selectors import blind_index_of
from cases.services.people import register_person

PEOPLE_PER_PLAZA = 3


def seed(structure: DemoStructure) -> None:
    fake = Faker("ja_JP")
    fake.seed_instance(20261128)
    for plaza_number, plaza in enumerate(structure.plazas):
        district = structure.districts[plaza_number].name.removesuffix("地区")
        for _ in range(PEOPLE_PER_PLAZA):
            last, last_kana, _romaji = fake.last_name_pair()
            pair = fake.first_name_female_pair() if fake.boolean() else fake.first_name_male_pair()
            first, first_kana, _romaji = pair
            birth_date = fake.date_of_birth(minimum_age=15, maximum_age=95)
            address = (
                f"{MUNICIPALITY_NAME}{WARD_NAME}{district}{fake.random_int(1, 5)}丁目"
                f"{fake.random_int(1, 30)}番{fake.random_int(1, 20)}号"
            )
            phone = fake.phone_number()
            name = f"{last} {first}"
            if Person.objects.filter(
                name_index=blind_index_of("name_index", name),
                birth_date_index=blind_index_of("birth_date_index", birth_date),
            ).exists():
                continue
            register_person(
                actor=None,
                registered_by=plaza,
                name=name,
                kana=f"{last_kana} {first_kana}",
                birth_date=birth_date,
                address=address,
                phone=phone,
            )
