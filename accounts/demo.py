"""Demo organisation structure and one user per role (see ``manage.py seed_demo``).

A fictional municipality shaped like Yokohama's Kanazawa ward: one ward, 14 districts, 10 care
plazas, the ward office sections, a guardianship centre, an あんしんセンター and a handful of
agencies. Every name is fictional, drawn from Faker's ja_JP locale with a fixed seed so that
runs are reproducible; every write is keyed by a natural key so that re-running changes nothing.
"""

from dataclasses import dataclass, field

from faker import Faker

from accounts.models import Area, Organisation, User, local_government_code_check_digit
from accounts.roles import Role
from accounts.services import add_membership

# Prefecture 99 does not exist, so these codes cannot collide with a real municipality.
MUNICIPALITY_CODE = "99000" + local_government_code_check_digit("99000")
WARD_CODE = "99101" + local_government_code_check_digit("99101")
MUNICIPALITY_NAME = "つなぐ市"
WARD_NAME = "はまかぜ区"
DISTRICT_COUNT = 14
PLAZA_COUNT = 10

# Shared by every demo user and listed in README.md. seed_demo refuses to run with DEBUG off.
DEMO_PASSWORD = "tsunagu-demo-2026"  # noqa: S105

WARD_SECTIONS = ["高齢・障害支援課", "生活支援課", "こども家庭支援課", "区政推進課"]
# The sections that receive a 至急 concern at once, beside the care plazas (abuse, risk to life).
URGENT_SECTIONS = {"高齢・障害支援課", "こども家庭支援課"}


@dataclass
class DemoStructure:
    municipality: Area
    ward: Area
    districts: list[Area]
    plazas: list[Organisation]
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def _area(level: str, name: str, parent: Area | None, code: str = "") -> Area:
    area, _ = Area.objects.get_or_create(level=level, name=name, parent=parent, defaults={"code": code})
    return area


def _organisation(
    name: str,
    kind: str,
    municipality: Area,
    areas: list[Area],
    phone: str = "",
    receives_urgent: bool = False,
) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        name=name,
        municipality=municipality,
        defaults={"kind": kind, "phone": phone, "receives_urgent": receives_urgent},
    )
    if phone and not org.phone:  # a directory seeded before it had numbers gets them
        org.phone, org.receives_urgent = phone, receives_urgent
        org.save(update_fields=["phone", "receives_urgent"])
    org.areas.add(*areas)
    return org


def demo_phone(number: int) -> str:
    """A fictional number of the demo directory: 045-000-xxxx is not given to anyone."""
    return f"045-000-{number:04d}"


def _user(fake: Faker, username: str, organisation: Organisation, role: str) -> User:
    user = User.objects.filter(username=username).first()
    last_name, first_name = fake.last_name(), fake.first_name()  # drawn every run: keeps the sequence stable
    if user is None:
        user = User(username=username, last_name=last_name, first_name=first_name)
        user.set_password(DEMO_PASSWORD)
        user.save()
    add_membership(user=user, organisation=organisation, role=role)
    return user


def seed() -> DemoStructure:
    fake = Faker("ja_JP")
    fake.seed_instance(20261127)

    municipality = _area(Area.Level.MUNICIPALITY, MUNICIPALITY_NAME, None, MUNICIPALITY_CODE)
    ward = _area(Area.Level.WARD, WARD_NAME, municipality, WARD_CODE)
    district_names = [fake.unique.town() for _ in range(DISTRICT_COUNT)]
    districts = [_area(Area.Level.DISTRICT, f"{name}地区", ward) for name in district_names]

    # Ten plazas over fourteen districts: each plaza area lies in one district; the four
    # districts without a plaza of their own are served by a neighbouring plaza.
    plazas = []
    for i in range(PLAZA_COUNT):
        base = district_names[i]
        plaza_area = _area(Area.Level.PLAZA_AREA, f"{base}圏域", districts[i])
        extra = [districts[PLAZA_COUNT + i]] if PLAZA_COUNT + i < DISTRICT_COUNT else []
        plazas.append(
            _organisation(
                f"{base}地域ケアプラザ",
                Organisation.Kind.CARE_PLAZA,
                municipality,
                [plaza_area, districts[i], *extra],
                phone=demo_phone(101 + i),
            )
        )

    demo = DemoStructure(municipality=municipality, ward=ward, districts=districts, plazas=plazas)
    orgs = demo.organisations
    for number, section in enumerate(WARD_SECTIONS):
        orgs[section] = _organisation(
            f"{WARD_NAME}福祉保健センター {section}",
            Organisation.Kind.WARD_OFFICE,
            municipality,
            [ward],
            phone=demo_phone(201 + number),
            receives_urgent=section in URGENT_SECTIONS,
        )
    for number, (key, name, kind, areas) in enumerate(
        [
            (
                "guardianship_centre",
                f"{MUNICIPALITY_NAME}成年後見推進センター",
                Organisation.Kind.GUARDIANSHIP_CENTRE,
                [municipality],
            ),
            (
                "anshin_centre",
                f"{WARD_NAME}社会福祉協議会 あんしんセンター",
                Organisation.Kind.ANSHIN_CENTRE,
                [ward],
            ),
            (
                "disability_consultation",
                f"{WARD_NAME}基幹相談支援センター",
                Organisation.Kind.DISABILITY_CONSULTATION,
                [ward],
            ),
            (
                "self_reliance_support",
                f"{WARD_NAME}生活困窮者自立相談支援窓口",
                Organisation.Kind.SELF_RELIANCE_SUPPORT,
                [ward],
            ),
            (
                "child_family_support",
                f"{WARD_NAME}児童家庭支援センター",
                Organisation.Kind.CHILD_FAMILY_SUPPORT,
                [ward],
            ),
            ("family_court", "つなぐ家庭裁判所", Organisation.Kind.FAMILY_COURT, [municipality]),
            (
                "professional_association",
                "つなぐ県社会福祉士会",
                Organisation.Kind.PROFESSIONAL_ASSOCIATION,
                [municipality],
            ),
            ("operator", "つなぐ運用チーム", Organisation.Kind.OTHER, []),
        ]
    ):
        orgs[key] = _organisation(name, kind, municipality, areas, phone=demo_phone(301 + number))
    for number, district in enumerate(districts):
        orgs[f"council:{district.name}"] = _organisation(
            f"{district.name}民生委員児童委員協議会",
            Organisation.Kind.COMMISSIONER_COUNCIL,
            municipality,
            [district],
            phone=demo_phone(401 + number),
        )

    # The professional associations that send members to the matching meetings (fictional): the
    # bar association, the judicial scriveners' Legal Support, the social workers' ぱあとなあ.
    for number, (key, name) in enumerate(
        [("bar_association", "つなぐ弁護士会"), ("legal_support", "リーガルサポートつなぐ支部")]
    ):
        orgs[key] = _organisation(
            name,
            Organisation.Kind.PROFESSIONAL_ASSOCIATION,
            municipality,
            [municipality],
            phone=demo_phone(351 + number),
        )
    # A neighbourhood association of the first district: it signs the list-provision agreement
    # (cases.demo) and its disaster-prevention member checks on listed neighbours (disaster.demo).
    orgs["association"] = _organisation(
        f"{districts[0].name.removesuffix('地区')}自治会",
        Organisation.Kind.NEIGHBOURHOOD_ASSOCIATION,
        municipality,
        [districts[0]],
        phone=demo_phone(501),
    )
    for username, org, role in [
        ("demo_commissioner", orgs[f"council:{districts[0].name}"], Role.COMMISSIONER),
        ("demo_supporter", orgs["association"], Role.SUPPORTER),
        ("demo_plaza", plazas[0], Role.PLAZA_STAFF),
        ("demo_ward", orgs["高齢・障害支援課"], Role.WARD_CASEWORKER),
        ("demo_coordinator", orgs["guardianship_centre"], Role.GUARDIANSHIP_COORDINATOR),
        ("demo_agency", orgs["disability_consultation"], Role.AGENCY_WORKER),
        ("demo_privacy", orgs["区政推進課"], Role.PRIVACY_OFFICER),
        ("demo_admin", orgs["operator"], Role.SYSADMIN),
        # Members of the professional associations: they attend the centre's matching meetings.
        ("demo_bar", orgs["bar_association"], Role.AGENCY_WORKER),
        ("demo_scrivener", orgs["legal_support"], Role.AGENCY_WORKER),
        ("demo_social_worker", orgs["professional_association"], Role.AGENCY_WORKER),
    ]:
        demo.users[username] = _user(fake, username, org, role)
    return demo
