"""Fictional rights-advocacy data (see ``manage.py seed_demo``), made through the services.

A candidate pool (citizen guardians from the bank, professionals of the bar, the judicial
scriveners' and the social workers' associations, a corporate guardian, and a relative — the son
of the third matter's person, proposed for that matter only), the demo's three guardianship cases
shared with the centre, each with its support team recorded (the plaza's worker, a care manager,
the ward's caseworker), taken to candidate matching, and one matching meeting with the three
matters on its agenda, attended by the centre and the ward office: the first ends in a citizen
guardian's appointment (demo_guardian, who can log in and file reports), the second's first
candidate refused and the next is being asked, the third waits for the meeting's decision.
Idempotent: nothing is added once a matching meeting exists.
"""

import datetime

from django.utils import timezone
from faker import Faker

from accounts.demo import DEMO_PASSWORD, DemoStructure
from accounts.models import Organisation, User
from cases.models import CaseState, Consent, LegalBasis
from cases.services.sharing import disclose, record_consent
from guardianship import services
from guardianship.models import CouncilMeeting, GuardianshipMatter, MatchingMeeting


def seed(structure: DemoStructure) -> None:
    _seed_council(structure)
    if MatchingMeeting.objects.exists():
        return
    matters = list(
        GuardianshipMatter.objects.filter(case__state=CaseState.GUARDIANSHIP, state="intake")
        .select_related("case")
        .order_by("opened_at")[:3]
    )
    if len(matters) < 3:
        return
    # Their centre took them on three months ago: the matching meeting was two months ago, the
    # first one's petition filed 50 days ago (a filing may not precede its matter's opening).
    opened = timezone.now() - datetime.timedelta(days=90)
    GuardianshipMatter.objects.filter(pk__in=[m.pk for m in matters]).update(opened_at=opened)
    fake = Faker("ja_JP")
    fake.seed_instance(20261129)
    coordinator = structure.users["demo_coordinator"]
    staff = structure.users["demo_plaza"]
    centre = structure.organisations["guardianship_centre"]
    districts, ward = structure.districts, structure.ward
    guardian_user = _guardian_user(fake)

    def person_name() -> str:
        return f"{fake.last_name()} {fake.first_name()}"

    bank = dict(training_completed_on=datetime.date(2023, 3, 10), registered_on=datetime.date(2023, 4, 1))
    services.register_candidate(
        actor=coordinator,
        kind="citizen",
        name=str(guardian_user),
        user=guardian_user,
        areas=[districts[0], districts[1]],
        max_caseload=2,
        specialisms=["dementia"],
        **bank,
    )
    for i in range(1, 4):
        services.register_candidate(
            actor=coordinator,
            kind="citizen",
            name=person_name(),
            areas=[districts[i * 2]],
            max_caseload=1,
            **bank,
        )
    social_workers = structure.organisations["professional_association"]
    bar, scriveners = (
        Organisation.objects.get_or_create(
            name=name, municipality=structure.municipality, defaults={"kind": "professional_association"}
        )[0]
        for name in ("つなぐ弁護士会", "つなぐ司法書士会")
    )
    for kind, specialisms, load, association in [
        ("lawyer", ["debt", "family_dispute"], 6, bar),
        ("judicial_scrivener", ["real_estate"], 3, scriveners),
        ("social_worker", ["dementia", "welfare_services"], 2, social_workers),
        ("psychiatric_social_worker", ["mental_illness"], 4, social_workers),
        ("tax_accountant", [], 1, social_workers),
    ]:
        services.register_candidate(
            actor=coordinator,
            kind=kind,
            name=person_name(),
            organisation=association,
            areas=[ward],
            max_caseload=10,
            caseload=load,
            specialisms=specialisms,
            languages=["ja", "en"] if kind == "lawyer" else ["ja"],
        )
    npo, _created = Organisation.objects.get_or_create(
        name="NPO法人 つなぐ後見サポート", municipality=structure.municipality, defaults={"kind": "other"}
    )
    services.register_candidate(
        actor=coordinator,
        kind="corporate",
        name=npo.name,
        organisation=npo,
        areas=[ward],
        max_caseload=30,
        caseload=12,
    )

    ward_worker = structure.users["demo_ward"]
    plaza = structure.plazas[0]
    care_office, _created = Organisation.objects.get_or_create(
        name="つなぐ居宅介護支援事業所", municipality=structure.municipality, defaults={"kind": "other"}
    )
    consent_basis = LegalBasis.objects.get(code="consent")
    court = structure.organisations["family_court"]
    petitions = [("guardianship", "mayor"), ("curatorship", "relative"), ("assistance", "self")]
    wishes = [
        ("住み慣れた家で暮らしたい。", "担当の社会福祉士", "絵カードを使い、二回に分けて話を聞いた。"),
        (
            "息子と一緒に暮らし続けたい。",
            "基幹相談支援センターの相談員",
            "本人の好きな話題から始め、選択肢を三つに絞った。",
        ),
        ("お金のことは誰かに手伝ってほしい。", "地域ケアプラザの職員", "家計簿を一緒に見ながら確認した。"),
    ]
    for matter, (kind, petitioner), (said, supporter, how) in zip(matters, petitions, wishes, strict=True):
        case = matter.case
        consent = record_consent(
            actor=staff,
            case=case,
            purpose=Consent.Purpose.GUARDIANSHIP,
            recipients=[centre],
            method=Consent.Method.WRITTEN,
        )
        disclose(
            actor=staff,
            case=case,
            recipient=centre,
            field_groups=["identity", "contact", "concern", "guardianship"],
            legal_basis=consent_basis,
            consent=consent,
            purpose=Consent.Purpose.GUARDIANSHIP,
        )
        matter = _step(coordinator, matter, "start_assessment")
        matter = services.record_assessment(
            actor=coordinator,
            matter=matter,
            expected_version=matter.version,
            capacity_concerns="契約や支払いの管理が難しくなっている。",
            wishes=said,
            wishes_supported_by=supporter,
            wishes_how=how,
            needed_specialisms=["dementia"] if kind == "guardianship" else [],
        )
        matter = _step(coordinator, matter, "form_team")
        for organisation, name, role in [
            (plaza, str(staff), "lead"),
            (care_office, person_name(), "care_manager"),
            (ward_worker.memberships.first().organisation, str(ward_worker), "ward_caseworker"),
        ]:
            services.add_team_member(
                actor=coordinator, matter=matter, organisation=organisation, name=name, role=role
            )
        matter.refresh_from_db()
        matter = services.prepare_petition(
            actor=coordinator,
            matter=matter,
            expected_version=matter.version,
            type=kind,
            petitioner_kind=petitioner,
            court=court,
            subsidy_petition_costs=petitioner == "mayor",
            subsidy_remuneration=petitioner == "mayor",
        )
        petition = services.current_petition(matter)
        for document in petition.documents.all():
            services.update_document(
                actor=coordinator, petition=petition, kind=document.kind, status="received"
            )
        _step(coordinator, matter, "start_matching")

    # The third person's son, who lives in another city: a relative, proposed for his parent only.
    services.register_candidate(
        actor=coordinator,
        kind="relative",
        name=f"{matters[2].case.person.name.split()[0]} {fake.first_name_male()}",
        relative_of=matters[2].case.person,
        max_caseload=1,
    )
    meeting = services.schedule_matching_meeting(
        actor=coordinator,
        matters=[GuardianshipMatter.objects.get(pk=m.pk) for m in matters],
        scheduled_for=timezone.now() - datetime.timedelta(days=60),
        attendees=[coordinator, ward_worker],
    )
    first, second, _third = meeting.items.order_by("pk")
    citizen = (
        first.proposals.filter(candidate__user=guardian_user).first()
        or first.proposals.order_by("rank").first()
    )
    services.choose_candidate(
        actor=coordinator, proposal=citizen, reason="自宅に近く、認知症の方の支援の経験がある。"
    )
    services.record_candidate_answer(actor=coordinator, proposal=citizen, accepted=True)
    matter = GuardianshipMatter.objects.get(pk=first.matter_id)
    matter = services.file_petition(
        actor=coordinator,
        matter=matter,
        expected_version=matter.version,
        filed_on=timezone.localdate() - datetime.timedelta(days=50),
    )
    matter = services.record_ruling(
        actor=coordinator,
        matter=matter,
        expected_version=matter.version,
        appointed=True,
        ruled_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    _step(coordinator, matter, "start_support")

    top = second.proposals.order_by("rank").first()
    services.choose_candidate(actor=coordinator, proposal=top, reason="専門職の関与が望ましい。")
    services.record_candidate_answer(actor=coordinator, proposal=top, accepted=False)

    # This week's meeting on the two matters still in matching: the professional associations'
    # members and the ward's caseworker attend; each acknowledges confidentiality on screen.
    this_week = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    services.schedule_matching_meeting(
        actor=coordinator,
        matters=[GuardianshipMatter.objects.get(pk=item.matter_id) for item in (second, _third)],
        scheduled_for=this_week + datetime.timedelta(days=2),
        attendees=[
            coordinator,
            ward_worker,
            *(structure.users[name] for name in ("demo_bar", "demo_scrivener", "demo_social_worker")),
        ],
    )


def _step(actor: User, matter: GuardianshipMatter, name: str) -> GuardianshipMatter:
    matter.refresh_from_db()
    return getattr(services, name)(actor=actor, matter=matter, expected_version=matter.version)


def _guardian_user(fake: Faker) -> User:
    """A citizen guardian who logs in to file reports (no role: what they see comes from the appointment)."""
    user = User.objects.filter(username="demo_guardian").first()
    if user is None:
        user = User(username="demo_guardian", last_name=fake.last_name(), first_name=fake.first_name())
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _seed_council(structure: DemoStructure) -> None:
    """The ward council's meetings of this fiscal year and the last (indicator 1-(3)): one every
    three months, recorded by the ward office."""
    if CouncilMeeting.objects.exists():
        return
    today = timezone.localdate()
    for months_ago, participants, theme in [
        (1, 38, "事例検討：身寄りのない高齢者の入院"),
        (4, 42, "市民後見人の活動報告"),
        (7, 35, "金融機関との連携"),
        (10, 40, "事例検討：8050世帯の親なき後"),
        (13, 31, "年度の振り返り"),
        (16, 44, "意思決定支援の研修"),
    ]:
        services.record_council_meeting(
            actor=structure.users["demo_ward"],
            area=structure.ward,
            held_on=today - datetime.timedelta(days=30 * months_ago),
            participants=participants,
            theme=theme,
        )
