"""Fictional issues raised by the demo plaza's staff from the cases they lead (see ``manage.py
seed_demo``), through the service — each description checked like any other —, so that the ward's
register has figures (some of them small, and hidden); and a practitioners' review the ward office
held earlier today, which took two categories up, answered one and proposes on the other.
Idempotent: staff who already raised issues are left alone."""

import datetime

from django.utils import timezone

from accounts.demo import DemoStructure
from cases.access import has_case_permission
from cases.models import Case
from learning.examples import propose_example, review_example, show_example, submit_example
from learning.models import Addressee, Category, ExamplePurpose, SystemicIssue
from learning.services import (
    add_review_item,
    convene_review,
    offices_of,
    raise_systemic_issue,
    record_outcome,
    record_review,
    review_candidates,
    wards_of,
)

DESCRIPTIONS = [
    (
        Category.NO_SERVICE,
        "ひきこもりの40代の子が通える居場所が区内にない。日中の通いの場があれば親の負担が減る。",
    ),
    (
        Category.ELIGIBILITY,
        "介護保険の対象にならない60代前半で、障害の手帳もなく、使える在宅サービスがない。",
    ),
    (Category.WAITING, "特別養護老人ホームの待機が長く、在宅での介護が限界に近い世帯が待つしかない。"),
    (Category.COST, "成年後見の申立て費用と報酬を負担できず、市長申立ての助成の対象かも分からない。"),
    (Category.LANGUAGE, "日本語が十分でない親族が介護しており、制度の説明を通訳なしで行うしかない。"),
    (Category.HOUSING, "保証人がいないため、高齢の単身者が転居先の賃貸住宅を借りられない。"),
    (Category.MOBILITY, "坂の上の団地からバス停まで歩けず、通院の移動手段がない。"),
    (Category.NO_SERVICE, "ヤングケアラーの中学生が相談できる窓口が学校以外にない。"),
]


def seed(structure: DemoStructure) -> None:
    staff = structure.users["demo_plaza"]
    if SystemicIssue.objects.filter(raised_by=staff).exists():
        return
    cases = [
        case
        for case in Case.objects.filter(lead_organisation=structure.plazas[0]).select_related(
            "person", "area"
        )
        if has_case_permission(staff, case, "change_case")
    ]
    if not cases:
        return
    for index, (category, description) in enumerate(DESCRIPTIONS * 2):  # some figures reach five
        raise_systemic_issue(
            actor=staff,
            case=cases[index % len(cases)],
            category=category if index < len(DESCRIPTIONS) else Category.NO_SERVICE,
            description=description,
        )
    _seed_review(structure)


def _seed_review(structure: DemoStructure) -> None:
    ward_worker = structure.users["demo_ward"]
    offices = offices_of(ward_worker)
    if not offices or not wards_of(offices[0]):
        return
    office, ward = offices[0], wards_of(offices[0])[0]
    asked = [pair for pair in review_candidates(ward) if pair[0].username in ("demo_plaza", "demo_ward")]
    meeting = convene_review(
        actor=ward_worker,
        office=office,
        ward=ward,
        title="第2回 実務者検討会議",
        scheduled_for=timezone.now() - datetime.timedelta(hours=2),
        attendees=asked,
    )
    answered = add_review_item(actor=ward_worker, meeting=meeting, category=Category.HOUSING)
    answered = record_review(
        actor=ward_worker,
        item=answered,
        expected_version=answered.version,
        analysis="民間の賃貸住宅では保証人と緊急連絡先が求められ、単身の高齢者が条件を満たせない。",
        proposal="居住支援法人と連携した保証の仕組みを区の居住支援協議会で検討する。",
        addressed_to=Addressee.WARD_POLICY,
    )
    record_outcome(
        actor=ward_worker,
        item=answered,
        expected_version=answered.version,
        outcome="区の居住支援協議会の次回の議題になった。来年度、家賃債務保証の助成を試行する。",
    )
    _seed_example(structure, meeting)
    pending = add_review_item(actor=ward_worker, meeting=meeting, category=Category.MOBILITY)
    record_review(
        actor=ward_worker,
        item=pending,
        expected_version=pending.version,
        analysis="坂の多い団地では、介護保険の移動支援の対象にならない人の通院の足がない。",
        proposal="地域の移動支援（ボランティア送迎）の立ち上げを市の局に要望する。",
        addressed_to=Addressee.CITY_BUREAU,
    )


def _seed_example(structure: DemoStructure, meeting) -> None:
    """A case of the demo plaza's proposed as an example, approved by the privacy officer (its k
    too small: a reason recorded) and shown at the review."""
    staff = structure.users["demo_plaza"]
    led = [
        case
        for case in Case.objects.filter(lead_organisation=structure.plazas[0]).select_related(
            "person", "area"
        )
        if has_case_permission(staff, case, "lead_case") and case.person.erased_at is None
    ]
    if not led:
        return
    example = propose_example(
        actor=staff,
        case=led[0],
        purpose=ExamplePurpose.CASE_REVIEW,
        title="見守りから支援会議につながった事例",
    )
    example = submit_example(actor=staff, example=example, expected_version=example.version)
    example = review_example(
        actor=structure.users["demo_privacy"],
        example=example,
        expected_version=example.version,
        decision="approve",
        k_reason="会議の出席者に限って示すため。地区は区にまとめてある。",
    )
    show_example(actor=structure.users["demo_ward"], meeting=meeting, example=example)
