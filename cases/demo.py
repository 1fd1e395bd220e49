"""Fictional demo residents and cases in every state (see ``manage.py seed_demo``).

Cases are made through the services, as the demo users would make them, so that their
histories, grants and audit events are real. Idempotent: a story whose person already exists
(found by blind index) is skipped.
"""

import datetime

from django.utils import timezone
from faker import Faker

from accounts.demo import MUNICIPALITY_NAME, WARD_NAME, DemoStructure
from accounts.models import Area, Organisation, OrganisationKind, User
from cases.models import (
    OPEN_STATES,
    BreakGlassAccess,
    Case,
    CaseState,
    Consent,
    LegalBasis,
    MeetingKind,
    Person,
    ProgressEntry,
    ReportingCredential,
)
from cases.selectors import blind_index_of
from cases.services.agreements import (
    hash_code,
    issue_credential,
    register_agreement,
    renew_agreement,
    report_under_agreement,
    terminate_agreement,
)
from cases.services.intake import accept_intake, escalate_urgent, report_concern
from cases.services.lifecycle import decide, schedule_watch_visit, withdraw
from cases.services.meetings import (
    acknowledge_confidentiality,
    add_meeting_guest,
    amend_minutes,
    hold_meeting,
    schedule_meeting,
)
from cases.services.people import (
    add_household_member,
    add_supporter,
    end_household_membership,
    register_person,
)
from cases.services.progress import correct_progress, record_progress
from cases.services.sharing import disclose, open_break_glass, record_consent
from cases.vocabulary import (
    AgreementKind,
    ConcernCategory,
    FieldGroup,
    ObservedSignal,
    ReporterKind,
    Urgency,
    WithdrawalKind,
)

PEOPLE_PER_PLAZA = 3

# (target state, signals, categories, urgency, details)
STORIES = [
    (
        CaseState.NOTICED,
        ["mail_piling_up", "shutters_closed"],
        ["eighty_fifty"],
        Urgency.ROUTINE,
        "高齢の母と50代の息子の二人暮らし。郵便物がたまっている。",
    ),
    (
        CaseState.NOTICED,
        ["injury", "shouting"],
        ["elder_abuse"],
        Urgency.URGENT,
        "夜に大きな声が聞こえ、腕にあざがあった。",
    ),
    (
        CaseState.SHARING,
        ["seems_different"],
        ["dementia", "social_isolation"],
        Urgency.SOON,
        "同じ話を何度もするようになった。",
    ),
    (
        CaseState.TEAM_MEETING,
        ["rubbish_not_sorted", "smell"],
        ["self_neglect"],
        Urgency.SOON,
        "ごみがたまり、においがする。",
    ),
    (
        CaseState.REFERRED,
        ["not_seen"],
        ["hikikomori", "eighty_fifty"],
        Urgency.ROUTINE,
        "息子さんを長く見かけない。",
    ),
    (
        CaseState.GUARDIANSHIP,
        ["unpaid_bills"],
        ["reduced_capacity", "consumer_fraud"],
        Urgency.SOON,
        "訪問販売の契約が続いている。",
    ),
    (
        CaseState.GUARDIANSHIP,
        ["unpaid_bills", "mail_piling_up"],
        ["dementia", "no_kin"],
        Urgency.SOON,
        "一人暮らし。公共料金の督促状がたまっている。",
    ),
    (
        CaseState.GUARDIANSHIP,
        ["seems_different"],
        ["disability_intellectual", "eighty_fifty"],
        Urgency.ROUTINE,
        "高齢の親が入院し、知的障害のある息子さんの暮らしが心配。",
    ),
    (
        CaseState.WATCHING,
        ["child_worry"],
        ["young_carer"],
        Urgency.ROUTINE,
        "中学生が祖母の介護をしているようだ。",
    ),
    (CaseState.CLOSED, ["lights"], ["social_isolation"], Urgency.ROUTINE, "夜も電気がついたまま。"),
    (CaseState.WITHDRAWN, ["mail_piling_up"], ["other"], Urgency.ROUTINE, "旅行中だったと分かった。"),
    ("escalated", ["injury"], ["elder_abuse"], Urgency.URGENT, "介護者から叩かれていると本人が話した。"),
]


def _fake_identity(fake: Faker, district: str) -> dict:
    last, last_kana, _romaji = fake.last_name_pair()
    first, first_kana, _romaji = (
        fake.first_name_female_pair() if fake.boolean() else fake.first_name_male_pair()
    )
    return {
        "name": f"{last} {first}",
        "kana": f"{last_kana} {first_kana}",
        "birth_date": fake.date_of_birth(minimum_age=15, maximum_age=95),
        "address": (
            f"{MUNICIPALITY_NAME}{WARD_NAME}{district}{fake.random_int(1, 5)}丁目"
            f"{fake.random_int(1, 30)}番{fake.random_int(1, 20)}号"
        ),
        "phone": fake.phone_number(),
    }


def _exists(identity: dict) -> bool:
    return Person.objects.filter(
        name_index=blind_index_of("name_index", identity["name"]),
        birth_date_index=blind_index_of("birth_date_index", identity["birth_date"]),
    ).exists()


def seed(structure: DemoStructure) -> None:
    fake = Faker("ja_JP")
    fake.seed_instance(20261128)
    for plaza_number, plaza in enumerate(structure.plazas):
        district = structure.districts[plaza_number].name.removesuffix("地区")
        for _ in range(PEOPLE_PER_PLAZA):
            identity = _fake_identity(fake, district)
            if not _exists(identity):
                register_person(actor=None, registered_by=plaza, **identity)
    _seed_cases(structure, fake)
    _seed_progress(structure)
    _seed_households_and_supporters(structure)
    _seed_break_glass(structure)
    _seed_agreements(structure)
    _seed_second_city()


def _seed_second_city() -> None:
    """The second demo city's commissioner (configuration/demo.py) has reported a concern that
    waits at its plaza: both have work on their home, on the city's shorter form's words."""
    commissioner = User.objects.filter(username="demo_midori_commissioner").first()
    if commissioner is None or Case.objects.filter(concerns__reported_by=commissioner).exists():
        return
    area = Area.objects.get(name="みどり北地区")
    report_concern(
        actor=commissioner,
        area=area,
        reporter_kind=ReporterKind.COMMISSIONER,
        signals=[ObservedSignal.NOT_SEEN, ObservedSignal.MAIL_PILING_UP],
        categories=[ConcernCategory.SOCIAL_ISOLATION],
        urgency=Urgency.ROUTINE,
        details="一人暮らしの方。この一週間、姿を見かけず、郵便受けがいっぱい。",
        identity={"name": "北川 ミドリ", "address": "みどり市みどり北1丁目"},
    )


def _seed_cases(structure: DemoStructure, fake: Faker) -> None:
    users = structure.users
    commissioner, staff = users["demo_commissioner"], users["demo_plaza"]
    agency_worker = users["demo_agency"]
    agency = structure.organisations["disability_consultation"]
    # The reporting commissioner attends the meetings on her concerns, for her council.
    council = commissioner.memberships.select_related("organisation").first().organisation
    basis = {b.code: b for b in LegalBasis.objects.all()}
    amended = False
    district = structure.districts[0]
    tomorrow = timezone.now() + datetime.timedelta(days=1)

    for target, signals, categories, urgency, details in STORIES:
        identity = _fake_identity(fake, district.name.removesuffix("地区"))
        identity.update(_circle_identity(target, categories))
        if _exists(identity):
            continue
        case = report_concern(
            actor=commissioner,
            area=district,
            reporter_kind="commissioner",
            signals=[ObservedSignal(s) for s in signals],
            categories=[ConcernCategory(c) for c in categories],
            urgency=urgency,
            details=details,
            identity=identity,
        )
        if target == CaseState.NOTICED:
            continue
        if target == CaseState.WITHDRAWN:
            withdraw(
                actor=commissioner,
                case=case,
                expected_version=case.version,
                reason="旅行中だったと分かった",
                kind=WithdrawalKind.NO_LONGER_NEEDED,
            )
            continue
        if target == "escalated":
            escalate_urgent(
                actor=staff,
                case=case,
                expected_version=case.version,
                ward_office=structure.organisations["高齢・障害支援課"],
                legal_basis=basis["elder-abuse-7"],
            )
            continue
        case = accept_intake(actor=staff, case=case, expected_version=case.version)
        # One consent per purpose: sharing with the agency now, discussing at a meeting later.
        sharing_consent = record_consent(
            actor=staff,
            case=case,
            purpose=Consent.Purpose.SHARING,
            recipients=[agency],
            method=Consent.Method.ORAL,
        )
        consent = record_consent(
            actor=staff,
            case=case,
            purpose=Consent.Purpose.MEETING,
            recipients=[agency, council],
            method=Consent.Method.ORAL,
        )
        disclose(
            actor=staff,
            case=case,
            recipient=agency,
            field_groups=["identity", "concern"],
            legal_basis=basis["consent"],
            consent=sharing_consent,
        )
        if target == CaseState.SHARING:
            continue
        meeting = schedule_meeting(
            actor=staff,
            case=case,
            expected_version=case.version,
            kind=MeetingKind.MULTI_AGENCY,
            legal_basis=basis["consent"],
            consent=consent,
            scheduled_for=tomorrow,
            attendees=[(agency_worker, agency), (commissioner, council)],
            agenda="今後の支援体制について",
        )
        if target == CaseState.TEAM_MEETING:
            continue
        acknowledge_confidentiality(actor=agency_worker, meeting=meeting)
        acknowledge_confidentiality(actor=commissioner, meeting=meeting)
        # A family member attends without an account: her undertaking signed on paper.
        add_meeting_guest(
            actor=staff,
            meeting=meeting,
            name="山本 由美",
            relation="長女",
            standing="resident",
            paper_acknowledged=True,
        )
        case.refresh_from_db()
        in_a_week = timezone.localdate() + datetime.timedelta(days=7)
        hold_meeting(
            actor=staff,
            meeting=meeting,
            expected_version=case.version,
            minutes="状況を共有し、役割分担を決めた。",
            decision=target,
            reason="会議での検討の結果",
            action_items=[
                ("次回の訪問で、食事と服薬の様子を確かめる", staff, in_a_week),
                ("郵便受けと新聞の様子を週に一度見る", commissioner, in_a_week),
                (
                    "相談支援センターの面談日を調整する",
                    agency_worker,
                    timezone.localdate() - datetime.timedelta(days=1),
                ),
            ],
        )
        if not amended:  # one amended minute: the earlier version stays
            amend_minutes(
                actor=staff,
                meeting=meeting,
                minutes="状況を共有し、役割分担を決めた。長女から、週末は同居の長男が在宅と聞いた。",
                reason="長女の発言の記載漏れ",
                expected_amendments=0,
            )
            amended = True
        case.refresh_from_db()
        case = decide(actor=staff, case=case, expected_version=case.version, outcome=target)
        if target == CaseState.WATCHING:
            schedule_watch_visit(actor=staff, case=case, due_on=timezone.localdate(), assigned_to=staff)
            schedule_watch_visit(
                actor=staff, case=case, due_on=timezone.localdate(), assigned_to=commissioner
            )


# 支援経過 of the demo's cases (fictional): (days ago, hour, kind, with whom, note on whom, text).
PROGRESS = [
    (9, 10, "phone", "commissioner", "担当の民生委員", "民生委員から電話。新聞がたまっているとのこと。"),
    (8, 14, "visit", "person", "", "自宅を訪問。食事は取れているが、買い物に行けていない様子。"),
    (6, 11, "phone", "family", "長男", "長男に電話。平日の訪問は難しいが、週末なら同席できる。"),
    (3, 15, "agency_conference", "agency", "相談支援センター", "情報共有。次回の訪問に同行してもらう。"),
]


def _seed_progress(structure: DemoStructure) -> None:
    """A few entries on every open case past intake (most open cases), and one correction."""
    staff = structure.users["demo_plaza"]
    now = timezone.localtime()  # the hours below are the municipality's
    cases = Case.objects.filter(state__in=OPEN_STATES, lead_organisation__isnull=False).select_related(
        "person__data_key", "lead_organisation"
    )
    for number, case in enumerate(cases.order_by("created_at")):
        if ProgressEntry.objects.filter(case=case).exists():
            continue
        entries = [
            record_progress(
                actor=staff,
                case=case,
                kind=kind,
                occurred_at=(now - datetime.timedelta(days=days)).replace(hour=hour, minute=0, second=0),
                counterpart=counterpart,
                counterpart_note=note,
                text=text,
            )
            for days, hour, kind, counterpart, note, text in PROGRESS[: 2 + number % 3]
        ]
        if number == 0:  # 記録の訂正: the earlier version stays, struck through
            first = entries[0]
            correct_progress(
                actor=staff,
                entry=first,
                kind=first.kind,
                occurred_at=first.occurred_at - datetime.timedelta(days=1),
                counterpart=first.counterpart,
                counterpart_note=first.counterpart_note,
                text=first.text,
                reason="日付の誤り（電話は前日だった）",
            )


# Households and informal supporters of some of the stories' people (fictional): the case is found
# by its state and a category of its concern; (relation, is_carer, name, kana, birth date) per
# member, and the day they left for a former member; (role, name, relation, contact) per
# supporter. The story's person is born when the household makes sense (``_circle_identity``).
CIRCLES = [
    (
        CaseState.GUARDIANSHIP,
        "eighty_fifty",  # an 8050 pair: the son, withdrawn for years, a person of his own
        [("child", False, "森田 和也", "もりた かずや", datetime.date(1973, 9, 12))],
        [
            ("relative", "森田 節子", "本人の妹（隣の市）", "045-000-1234"),
            ("neighbour", "上野 実", "向かいの家", ""),
        ],
    ),
    (
        CaseState.WATCHING,
        "young_carer",  # a young carer: the parent who works nights, the grandmother cared for
        [
            ("parent", False, "川口 美和", "かわぐち みわ", datetime.date(1984, 2, 3)),
            ("grandparent", False, "川口 ヨシ", "かわぐち よし", datetime.date(1941, 11, 20)),
        ],
        [("key_person", "石田 恵", "中学校の担任", "045-000-5678")],
    ),
    (
        CaseState.SHARING,
        "dementia",  # the daughter who looks after her
        [
            ("child", True, "高木 真由美", "たかぎ まゆみ", datetime.date(1968, 5, 30)),
            # her brother, who moved out when his work took him to another city
            (
                "child",
                False,
                "高木 浩二",
                "たかぎ こうじ",
                datetime.date(1965, 8, 4),
                datetime.date(2019, 3, 31),
            ),
        ],
        [
            ("anshin_keeper", "吉村 達也", "新聞販売店", "045-000-9012"),
            ("neighbour", "松井 和子", "隣の部屋の人", ""),
        ],
    ),
    (
        CaseState.GUARDIANSHIP,
        "no_kin",
        [],
        [("friend", "野口 清", "元同僚", "090-0000-3456"), ("key_person", "今井 健", "大家", "")],
    ),
]


CIRCLE_BIRTH_DATES = {
    (CaseState.GUARDIANSHIP, "eighty_fifty"): datetime.date(1944, 6, 18),
    (CaseState.WATCHING, "young_carer"): datetime.date(2012, 4, 9),
    (CaseState.SHARING, "dementia"): datetime.date(1936, 2, 11),
}


def _circle_identity(target: str, categories: list[str]) -> dict:
    """The birth date of a story's person whose household the demo records, so that it fits."""
    for (state, category), born in CIRCLE_BIRTH_DATES.items():
        if target == state and category in categories:
            return {"birth_date": born}
    return {}


def _seed_households_and_supporters(structure: DemoStructure) -> None:
    staff = structure.users["demo_plaza"]
    for state, category, members, supporters in CIRCLES:
        case = (
            Case.objects.filter(state=state, concerns__categories__code=category)
            .select_related("person__data_key", "area", "lead_organisation")
            .order_by("created_at")
            .first()
        )
        if case is None or case.person.has_circle:  # not in this demo, or seeded already
            continue
        for relation, is_carer, name, kana, birth_date, *left in members:
            membership = add_household_member(
                actor=staff,
                case=case,
                relation=relation,
                is_carer=is_carer,
                name=name,
                kana=kana,
                birth_date=birth_date,
            )
            if left:
                end_household_membership(actor=staff, case=case, member=membership, ended_on=left[0])
        for role, name, relation, contact in supporters:
            add_supporter(actor=staff, case=case, role=role, name=name, relation=relation, contact=contact)


def _seed_break_glass(structure: DemoStructure) -> None:
    """An emergency access by the ward caseworker, for the privacy officer to review (their home)."""
    if BreakGlassAccess.objects.exists():
        return
    case = Case.objects.filter(lead_organisation=structure.plazas[0]).order_by("created_at").first()
    if case is not None:
        open_break_glass(
            actor=structure.users["demo_ward"],
            case=case,
            reason="夜間に本人の安否確認の通報があり、連絡先を確認するため",
        )


# Fictional, and printed in the README for whoever tries the reporting page of the demo.
DEMO_REPORTING_CODE = "HAMA-KAZE-NEWS-2345"
CLAUSES = {
    "storage_clause": "施錠できる保管庫に保管し、事業所の外に持ち出さない。電子データは保存しない。",
    "handlers_clause": "協定に基づき事業者が指名した責任者と、見守りに従事する従業員に限る。",
    "return_clause": "協定の終了時、または区から求めがあったときは、名簿を区に返却し、写しを廃棄する。",
    "breach_clause": "漏えい・紛失のおそれがあるときは、直ちに区の担当課に報告し、区の指示に従う。",
}


def _seed_agreements(structure: DemoStructure) -> None:
    """Agreements of each kind with fictional parties: a newspaper shop watching (in force, renewed
    once), a neighbourhood association given the evacuation list (in force), a veterinary clinic
    whose agreement lapsed last year, and one terminated."""
    office = structure.organisations["高齢・障害支援課"]
    staff = structure.users["demo_ward"]
    if office.agreements_administered.exists():
        return
    today = timezone.localdate()
    fiscal_start = datetime.date(today.year if today.month >= 4 else today.year - 1, 4, 1)

    def party(name: str, kind: str) -> Organisation:
        organisation, _ = Organisation.objects.get_or_create(
            name=name, municipality=structure.municipality, defaults={"kind": kind}
        )
        return organisation

    def sign(kind, title, with_, area, groups, starts, ends):
        return register_agreement(
            actor=staff,
            municipal_side=office,
            kind=kind,
            title=title,
            party=with_,
            area=area,
            field_groups=groups,
            valid_from=starts,
            valid_until=ends,
            **CLAUSES,
        )

    newspaper = party("はまかぜ新聞販売店", OrganisationKind.BUSINESS)
    first = sign(
        AgreementKind.WATCHING,
        "地域の見守り活動に関する協定（はまかぜ新聞販売店）",
        newspaper,
        structure.ward,
        [FieldGroup.IDENTITY, FieldGroup.CONTACT],
        fiscal_start.replace(year=fiscal_start.year - 1),
        fiscal_start - datetime.timedelta(days=1),
    )
    renewed = renew_agreement(
        actor=staff,
        agreement=first,
        expected_version=first.version,
        valid_from=fiscal_start,
        valid_until=fiscal_start.replace(year=fiscal_start.year + 1) - datetime.timedelta(days=1),
    )
    # The shop's delivery round reports with a code everyone trying the demo can type (README).
    credential, _code = issue_credential(actor=staff, agreement=renewed, label="配達員用")
    ReportingCredential.objects.filter(pk=credential.pk).update(
        prefix=DEMO_REPORTING_CODE[:4], key_hash=hash_code(DEMO_REPORTING_CODE)
    )
    credential.refresh_from_db()
    report_under_agreement(
        credential=credential,
        area=structure.districts[0],
        signals=[ObservedSignal.MAIL_PILING_UP, ObservedSignal.LIGHTS],
        place=f"{structure.districts[0].name.removesuffix('地区')}3丁目 ひまわり荘 102",
        details="新聞が4日分たまっている。夜も電気がつかない。",
        urgency=Urgency.SOON,
    )
    sign(
        AgreementKind.LIST_PROVISION,
        f"災害時要援護者名簿の提供に関する協定（{structure.organisations['association'].name}）",
        structure.organisations["association"],
        structure.districts[0],
        [FieldGroup.IDENTITY, FieldGroup.CONTACT],
        fiscal_start.replace(year=fiscal_start.year - 2),
        None,
    )
    sign(
        AgreementKind.OTHER_SHARING,
        "多頭飼育の早期発見に関する協定（はまかぜ動物病院）",
        party("はまかぜ動物病院", OrganisationKind.VETERINARY_CLINIC),
        structure.ward,
        [FieldGroup.CONTACT],
        fiscal_start.replace(year=fiscal_start.year - 3),
        fiscal_start.replace(year=fiscal_start.year - 1) - datetime.timedelta(days=1),
    )
    milk = sign(
        AgreementKind.WATCHING,
        "地域の見守り活動に関する協定（はまかぜ牛乳店）",
        party("はまかぜ牛乳店", OrganisationKind.BUSINESS),
        structure.ward,
        [FieldGroup.IDENTITY],
        fiscal_start.replace(year=fiscal_start.year - 2),
        None,
    )
    terminate_agreement(
        actor=staff,
        agreement=milk,
        expected_version=milk.version,
        terminated_on=today - datetime.timedelta(days=30),
        reason="事業所の閉鎖",
    )
