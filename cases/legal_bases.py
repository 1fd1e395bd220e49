"""The seeded catalogue of legal bases for sharing (docs/cases.md "Legal bases").

Created by migration 0002 and restored after every migrate if missing (post_migrate), never
overwritten: administrators edit entries and deactivate them rather than delete them.
"""

PRIVATE_OPERATORS = [
    "care_plaza",
    "guardianship_centre",
    "anshin_centre",
    "disability_consultation",
    "self_reliance_support",
    "child_family_support",
    "professional_association",
    "other",
]
SUPPORT_MEETING_MEMBERS = [*PRIVATE_OPERATORS, "ward_office", "commissioner_council"]

CATALOGUE = [
    {
        "code": "consent",
        "name": "本人（または代理人）の同意",
        "citation": "個人情報の保護に関する法律 第27条第1項・第69条第1項",
        "is_consent": True,
        "organisation_kinds": [],
    },
    {
        "code": "appi-27-1-2",
        "name": "生命・身体・財産の保護のため必要で、本人の同意を得ることが困難な場合",
        "citation": "個人情報の保護に関する法律 第27条第1項第2号",
        "requires_reference": True,
        "organisation_kinds": PRIVATE_OPERATORS,
    },
    {
        "code": "appi-69-2-2",
        "name": "行政機関等の内部での利用（所掌事務の遂行に必要な限度）",
        "citation": "個人情報の保護に関する法律 第69条第2項第2号",
        "requires_reference": True,
        "organisation_kinds": ["ward_office"],
    },
    {
        "code": "appi-69-2-3",
        "name": "他の行政機関等（民生委員を含む）への提供（相当の理由があるとき）",
        "citation": "個人情報の保護に関する法律 第69条第2項第3号",
        "requires_reference": True,
        "organisation_kinds": ["ward_office"],
    },
    {
        "code": "swa-106-6",
        "name": "支援会議での情報共有（構成員に守秘義務）",
        "citation": "社会福祉法 第106条の6",
        "allows_meeting_without_consent": True,
        "requires_reference": True,
        "organisation_kinds": SUPPORT_MEETING_MEMBERS,
    },
    {
        "code": "hardship-9",
        "name": "生活困窮者自立支援制度の支援会議での情報共有（構成員に守秘義務）",
        "citation": "生活困窮者自立支援法 第9条",
        "allows_meeting_without_consent": True,
        "requires_reference": True,
        "organisation_kinds": [
            "ward_office",
            "self_reliance_support",
            "care_plaza",
            "anshin_centre",
            "disability_consultation",
            "commissioner_council",
            "other",
        ],
    },
    {
        "code": "child-welfare-25-2",
        "name": "要保護児童対策地域協議会での情報共有",
        "citation": "児童福祉法 第25条の2・第25条の5",
        "allows_meeting_without_consent": True,
        "requires_reference": True,
        "organisation_kinds": [
            "ward_office",
            "child_family_support",
            "care_plaza",
            "commissioner_council",
            "other",
        ],
    },
    {
        "code": "elder-abuse-7",
        "name": "高齢者虐待の通報",
        "citation": "高齢者虐待の防止、高齢者の養護者に対する支援等に関する法律 第7条",
        "organisation_kinds": [],
    },
    {
        "code": "disability-abuse-7",
        "name": "障害者虐待の通報",
        "citation": "障害者虐待の防止、障害者の養護者に対する支援等に関する法律 第7条",
        "organisation_kinds": [],
    },
    {
        "code": "child-abuse-6",
        "name": "児童虐待の通告",
        "citation": "児童虐待の防止等に関する法律 第6条",
        "organisation_kinds": [],
    },
    {
        "code": "family-court",
        "name": "家庭裁判所からの調査嘱託・照会",
        "citation": "家事事件手続法 第62条",
        "requires_reference": True,
        "organisation_kinds": ["ward_office", "guardianship_centre", "care_plaza", "anshin_centre"],
    },
    {
        # The watching partner learns whom to look out for; the agreement's clauses bind it
        # (cases.Agreement), and nothing is shared once the agreement has lapsed.
        "code": "watching-agreement",
        "name": "見守り協定に基づく見守り先の情報の提供",
        "citation": "個人情報の保護に関する法律 第69条第2項第4号（協定の個人情報の取扱い条項による）",
        "organisation_kinds": ["ward_office"],
        "required_agreement": "watching",
    },
]


def ensure_catalogue(apps=None, using: str = "default", **kwargs) -> None:
    from django.apps import apps as global_apps

    LegalBasis = (apps or global_apps).get_model("cases", "LegalBasis")
    present = set(LegalBasis.objects.using(using).values_list("code", flat=True))
    # bulk_create sends no signals: like migration 0002 it restores the seeded catalogue, which is
    # part of migrating, not an administrator's change (those are audited: audit/administration.py).
    # An early migration's model lacks the later columns: their defaults come with their migration.
    known = {field.name for field in LegalBasis._meta.get_fields()}
    LegalBasis.objects.using(using).bulk_create(
        [
            LegalBasis(**{key: value for key, value in entry.items() if key in known})
            for entry in CATALOGUE
            if entry["code"] not in present
        ]
    )
