"""The words of community welfare that cases are described with (../shared/context digests).

Codes are stable and stored; labels are what people read. Categories and signals stay plaintext
so that the plans' indicators can be counted without decrypting anything.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConcernCategory(models.TextChoices):
    SOCIAL_ISOLATION = "social_isolation", _("社会的孤立・孤独")
    EIGHTY_FIFTY = "eighty_fifty", _("8050（高齢の親とひきこもりの子）")
    HIKIKOMORI = "hikikomori", _("ひきこもり")
    YOUNG_CARER = "young_carer", _("ヤングケアラー")
    DOUBLE_CARE = "double_care", _("ダブルケア")
    CAREGIVER_BURDEN = "caregiver_burden", _("家族介護の負担")
    ECONOMIC_HARDSHIP = "economic_hardship", _("生活困窮")
    SELF_NEGLECT = "self_neglect", _("セルフネグレクト・ごみ屋敷")
    ANIMAL_HOARDING = "animal_hoarding", _("多頭飼育")
    DEMENTIA = "dementia", _("認知症")
    REDUCED_CAPACITY = "reduced_capacity", _("判断能力の低下")
    DISABILITY_INTELLECTUAL = "disability_intellectual", _("知的障害")
    DISABILITY_MENTAL = "disability_mental", _("精神障害・こころの病気")
    DISABILITY_PHYSICAL = "disability_physical", _("身体障害")
    SUICIDE_RISK = "suicide_risk", _("自殺のおそれ")
    ELDER_ABUSE = "elder_abuse", _("高齢者虐待の疑い")
    DISABILITY_ABUSE = "disability_abuse", _("障害者虐待の疑い")
    CHILD_ABUSE = "child_abuse", _("児童虐待の疑い")
    CONSUMER_FRAUD = "consumer_fraud", _("消費者被害・詐欺")
    NO_KIN = "no_kin", _("身寄りがない")
    CHILD_REARING_ISOLATION = "child_rearing_isolation", _("孤立した子育て")
    SCHOOL_NONATTENDANCE = "school_nonattendance", _("不登校")
    FOREIGN_RESIDENT = "foreign_resident", _("言葉や文化の壁（外国につながる人）")
    HOUSING = "housing", _("住まい")
    OTHER = "other", _("その他")


# What a consultation about rights advocacy is about (indicator ⑤): deciding for oneself, abuse,
# being cheated, nobody to stand for one. Kept on each concern as it is recorded
# (Concern.about_rights_advocacy); a change here needs a migration that marks the concerns again.
RIGHTS_ADVOCACY = [
    ConcernCategory.REDUCED_CAPACITY,
    ConcernCategory.ELDER_ABUSE,
    ConcernCategory.DISABILITY_ABUSE,
    ConcernCategory.CONSUMER_FRAUD,
    ConcernCategory.NO_KIN,
]


ABUSE_CATEGORIES = {
    ConcernCategory.ELDER_ABUSE,
    ConcernCategory.DISABILITY_ABUSE,
    ConcernCategory.CHILD_ABUSE,
}


class ObservedSignal(models.TextChoices):
    MAIL_PILING_UP = "mail_piling_up", _("郵便物や新聞がたまっている")
    SHUTTERS_CLOSED = "shutters_closed", _("雨戸が閉まったまま")
    RUBBISH_NOT_SORTED = "rubbish_not_sorted", _("ごみが分別されていない・ためこんでいる")
    SEEMS_DIFFERENT = "seems_different", _("様子が変わった")
    NOT_SEEN = "not_seen", _("姿を見かけない")
    LIGHTS = "lights", _("昼も夜も電気がついたまま・消えたまま")
    SMELL = "smell", _("においがする")
    SHOUTING = "shouting", _("大声や物音がする")
    CHILD_WORRY = "child_worry", _("少し心配な子がいる")
    INJURY = "injury", _("けがやあざがある")
    UNPAID_BILLS = "unpaid_bills", _("支払いが滞っている")


class ReporterKind(models.TextChoices):
    COMMISSIONER = "commissioner", _("民生委員・児童委員")
    CHIEF_CHILD_COMMISSIONER = "chief_child_commissioner", _("主任児童委員")
    NEIGHBOUR = "neighbour", _("近隣住民")
    BUSINESS = "business", _("協定事業者")
    SCHOOL = "school", _("学校")
    AGENCY = "agency", _("関係機関")
    FAMILY = "family", _("家族・親族")
    SELF = "self", _("本人")
    OTHER = "other", _("その他")


class AgreementKind(models.TextChoices):
    """What a written agreement with a business, association or clinic is for (cases.Agreement)."""

    WATCHING = "watching", _("見守り協定")
    LIST_PROVISION = "list_provision", _("名簿提供協定")
    OTHER_SHARING = "other_sharing", _("その他の情報共有協定")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("通常")
    SOON = "soon", _("早めに")
    URGENT = "urgent", _("至急（命や安全にかかわる）")


class WithdrawalKind(models.TextChoices):
    """Why a case was withdrawn, as the indicators need it: a case registered in error (a
    duplicate, the wrong person, a test) was no consultation and is not counted; one that turned
    out not to need support was still handled, and is."""

    IN_ERROR = "in_error", _("誤って登録した（重複・人違いなど。指標に数えない）")
    NO_LONGER_NEEDED = "no_longer_needed", _("対応の必要がなくなった（指標には数える）")


class GuestStanding(models.TextChoices):
    """Whether an attendee without an account sits at a meeting as a resident or as a
    professional: indicator 1-(2) counts meetings where both sat together. Plaintext, because the
    guest's organisation and relation are encrypted; an empty value is a guest recorded before
    this was asked (counted as a resident, as then)."""

    RESIDENT = "resident", _("住民（家族・近隣・知人など）")
    PROFESSIONAL = "professional", _("専門職・関係機関（医師・事業所の職員など）")


class ErasureReason(models.TextChoices):
    """Why a person's data was erased (the ``person.erased`` event's ``reason``)."""

    REQUEST = "request", _("本人等からの請求")
    RETENTION = "retention", _("保存期間の満了")
    RESTORE = "restore", _("バックアップ復元後の再消去")


class FieldGroup(models.TextChoices):
    """What a grantee may see inside a case. A 民生委員 never sees health or finances."""

    IDENTITY = "identity", _("本人確認（氏名・ふりがな・生年月日）")
    CONTACT = "contact", _("連絡先（住所・電話）")
    CONCERN = "concern", _("気付きの内容")
    NOTES = "notes", _("支援の記録")
    MEETINGS = "meetings", _("会議の議事録・決定")
    HEALTH = "health", _("心身の状況")
    FINANCES = "finances", _("経済的な状況")
    GUARDIANSHIP = "guardianship", _("権利擁護・成年後見")


# A record's field groups as labels (a disclosure's, an agreement's): built once.
FIELD_GROUP_LABELS = {group.value: group.label for group in FieldGroup}


# Person fields by group: what a disclosure of that group lets the recipient read.
PERSON_FIELDS_BY_GROUP = {
    FieldGroup.IDENTITY: ("name", "kana", "birth_date"),
    FieldGroup.CONTACT: ("address", "phone"),
    FieldGroup.NOTES: ("notes",),
}
