"""A fictional evacuation-support list for the demo ward (see ``manage.py seed_demo``), made
through the services: thirty listed persons in three districts, most with a plan, their answers
mixed; the list given to the association of the first district (its first version returned, the
second in use); the association's supporter and the district's commissioner assigned to check on
that district's listed persons, and a finished drill with the supporter's checks. Idempotent: a
ward that has a list is left alone."""

import datetime

from django.utils import timezone
from faker import Faker

from accounts.demo import DemoStructure
from cases.models import Agreement
from cases.vocabulary import AgreementKind
from disaster import services
from disaster.models import ConsentMethod, ConsentStatus, ListIssue, Registration

LISTED = 30
DESTINATIONS = [
    "はまかぜ小学校（地域防災拠点）",
    "中小来川中学校（地域防災拠点）",
    "地区センター（福祉避難所）",
]


def seed(structure: DemoStructure) -> None:
    actor = structure.users["demo_ward"]
    office = structure.organisations["高齢・障害支援課"]
    if Registration.objects.filter(office=office).exists():
        return
    agreement = Agreement.objects.filter(kind=AgreementKind.LIST_PROVISION, municipal_side=office).first()
    fake = Faker("ja_JP")
    fake.seed_instance(20261206)
    first = structure.districts[0]
    areas = [first, *first.children.all(), structure.districts[1], structure.districts[2]]
    today = timezone.localdate()
    for number in range(LISTED):
        area = areas[number % len(areas)]
        town = area.name.removesuffix("地区").removesuffix("圏域")
        last, last_kana, _romaji = fake.last_name_pair()
        given, given_kana, _romaji = (
            fake.first_name_female_pair() if number % 2 else fake.first_name_male_pair()
        )
        consent = [
            ConsentStatus.GIVEN,
            ConsentStatus.GIVEN,
            ConsentStatus.GIVEN,
            ConsentStatus.REFUSED,
            ConsentStatus.NOT_ASKED,
        ][number % 5]
        self_registered = number % 7 == 0
        answered = {}
        if consent != ConsentStatus.NOT_ASKED:
            answered = {
                "consent_method": ConsentMethod.SELF_REGISTRATION
                if self_registered
                else ConsentMethod.WRITTEN,
                "consent_on": today - datetime.timedelta(days=30 + number * 11),
            }
        registration = services.register_for_list(
            actor=actor,
            office=office,
            area=area,
            name=f"{last} {given}",
            kana=f"{last_kana} {given_kana}",
            birth_date=fake.date_of_birth(minimum_age=70, maximum_age=98),
            address=f"つなぐ市はまかぜ区{town}{fake.random_int(1, 5)}丁目{fake.random_int(1, 30)}番",
            phone=fake.phone_number(),
            care_level=["3", "4", "5", "", ""][number % 5],
            disability_grade="" if number % 5 < 3 else ["1", "2"][number % 2],
            lives_alone=number % 3 == 0,
            self_registered=self_registered,
            consent=consent,
            **answered,
        )
        if number % 6 != 5:  # most have a plan; a few are still waiting for one
            services.save_plan(
                actor=actor,
                registration=registration,
                expected_version=0,
                supporter_1=f"{fake.last_name()}さん（近隣）",
                supporter_2="自治会 防災部",
                destination=DESTINATIONS[number % len(DESTINATIONS)],
                route="車いす。階段は2人で介助。" if number % 4 == 0 else "徒歩（付き添い）",
                belongings="お薬手帳、常備薬（3日分）、眼鏡",
                medical_needs="インスリン注射（1日2回）" if number % 9 == 0 else "",
                contacts="長女（市外在住）",
            )
    if agreement is None or not agreement.in_force:
        return
    # The first version, given and since returned, the current one in use, and a finished drill.
    first_issue = services.issue_list(actor=actor, agreement=agreement, received_by="会長 中小来川 一郎")
    services.issue_list(actor=actor, agreement=agreement, received_by="会長 中小来川 一郎")
    services.confirm_return(
        actor=actor, issue=first_issue, method=ListIssue.Return.RETURNED, confirmed_on=today
    )
    # Checkers: the association's supporter and the district's commissioner, for the listed persons
    # of the first district; a drill this morning, in which the supporter checked on those who
    # consented (a drill checks no one else), since ended.
    supporter, commissioner = structure.users["demo_supporter"], structure.users["demo_commissioner"]
    first_district = Registration.objects.filter(office=office, removed_on__isnull=True).filter(
        services.within("area", first)
    )
    for number, registration in enumerate(first_district.order_by("created_at")):
        services.assign_checker(
            actor=actor, registration=registration, user=supporter if number % 3 else commissioner
        )
    drill = services.declare_disaster(
        actor=actor,
        kind="earthquake",
        title="地震を想定した安否確認訓練",
        area=first,
        started_at=timezone.now() - datetime.timedelta(hours=3),
        is_drill=True,
    )
    statuses = ["safe", "safe", "evacuated", "absent", "needs_help"]
    for number, registration in enumerate(services.in_scope(drill).filter(checkers__user=supporter)):
        services.record_check(
            actor=supporter,
            declaration=drill,
            registration_id=registration.pk,
            status=statuses[number % len(statuses)],
            note="訓練: 車いすの介助者が必要" if statuses[number % len(statuses)] == "needs_help" else "",
        )
    services.end_disaster(actor=actor, declaration=drill)
