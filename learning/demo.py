"""Fictional issues raised by the demo plaza's staff from the cases they lead (see ``manage.py
seed_demo``), through the service — each description checked like any other —, so that the ward's
register has figures (some of them small, and hidden). Idempotent: staff who already raised
issues are left alone."""

from accounts.demo import DemoStructure
from cases.access import has_case_permission
from cases.models import Case
from learning.models import Category, SystemicIssue
from learning.services import raise_systemic_issue

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
