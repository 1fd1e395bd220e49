"""The words of the rights-advocacy track (seed 001, lines 1240–1332; docs/guardianship.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterState(models.TextChoices):
    INTAKE = "intake", _("受付")
    ASSESSMENT = "assessment", _("検討（アセスメント）")
    ALTERNATIVE_SUPPORT = "alternative_support", _("他の支援で対応")
    TEAM_FORMATION = "team_formation", _("チームづくり")
    PETITION_PREPARATION = "petition_preparation", _("申立ての準備")
    CANDIDATE_MATCHING = "candidate_matching", _("候補者調整")
    FILED = "filed", _("申立て済み")
    APPOINTED = "appointed", _("選任")
    DISMISSED = "dismissed", _("却下")
    SUPPORTING = "supporting", _("後見人等とともに支援中")
    ENDED = "ended", _("終了")


class MatterEndReason(models.TextChoices):
    """Why a matter ended. Some belong to one state only (``END_REASONS_BY_STATE``)."""

    WITHDRAWN = "withdrawn", _("相談・申立ての取りやめ（本人・家族の意向など）")
    DIED = "died", _("本人の死亡")
    MOVED = "moved", _("本人の転居（担当地域の外へ）")
    ALTERNATIVE = "alternative", _("他の支援へ引き継いだ")
    DISMISSED = "dismissed", _("申立ての却下")
    HANDED_OVER = "handed_over", _("後見人等による支援が落ち着いた")
    OTHER = "other", _("その他")


class ReplacementReason(models.TextChoices):
    """Why a guardian is replaced (交代)."""

    RESIGNED = "resigned", _("後見人等の辞任")
    REMOVED = "removed", _("後見人等の解任")
    GUARDIAN_DIED = "guardian_died", _("後見人等の死亡")
    NEEDS_CHANGED = "needs_changed", _("本人の状況の変化（専門職への交代など）")
    OTHER = "other", _("その他")


class TeamRole(models.TextChoices):
    """A member's part in the person's support team (チーム)."""

    LEAD = "lead", _("主担当の相談支援者")
    CARE_MANAGER = "care_manager", _("ケアマネジャー")
    DISABILITY_SUPPORT = "disability_support", _("相談支援専門員")
    WARD_CASEWORKER = "ward_caseworker", _("区役所の担当者")
    MEDICAL = "medical", _("医療関係者")
    COMMISSIONER = "commissioner", _("民生委員")
    RELATIVE = "relative", _("親族")
    PROFESSIONAL = "professional", _("専門職（弁護士・司法書士・社会福祉士など）")
    OTHER = "other", _("その他")


class Alternative(models.TextChoices):
    """What was considered instead of (or before) a petition."""

    DECISION_SUPPORT = "decision_support", _("意思決定支援のみ")
    ANSHIN = "anshin", _("あんしんセンターの金銭管理（日常生活自立支援事業）")
    DISABILITY_SUPPORT = "disability_support", _("障害者後見的支援制度")
    VOLUNTARY = "voluntary", _("任意後見")


class GuardianshipType(models.TextChoices):
    GUARDIANSHIP = "guardianship", _("後見")
    CURATORSHIP = "curatorship", _("保佐")
    ASSISTANCE = "assistance", _("補助")


class PetitionerKind(models.TextChoices):
    SELF = "self", _("本人")
    SPOUSE = "spouse", _("配偶者")
    RELATIVE = "relative", _("四親等内の親族")
    MAYOR = "mayor", _("市町村長（市長申立て）")


class CandidateKind(models.TextChoices):
    LAWYER = "lawyer", _("弁護士")
    JUDICIAL_SCRIVENER = "judicial_scrivener", _("司法書士")
    SOCIAL_WORKER = "social_worker", _("社会福祉士")
    TAX_ACCOUNTANT = "tax_accountant", _("税理士")
    PSYCHIATRIC_SOCIAL_WORKER = "psychiatric_social_worker", _("精神保健福祉士")
    CITIZEN = "citizen", _("市民後見人")
    CORPORATE = "corporate", _("法人後見")
    RELATIVE = "relative", _("親族")


LEGAL_PROFESSIONS = frozenset({CandidateKind.LAWYER, CandidateKind.JUDICIAL_SCRIVENER})
PROFESSIONS = LEGAL_PROFESSIONS | {
    CandidateKind.SOCIAL_WORKER,
    CandidateKind.TAX_ACCOUNTANT,
    CandidateKind.PSYCHIATRIC_SOCIAL_WORKER,
}


class Specialism(models.TextChoices):
    DEMENTIA = "dementia", _("認知症")
    INTELLECTUAL_DISABILITY = "intellectual_disability", _("知的障害")
    MENTAL_ILLNESS = "mental_illness", _("精神障害")
    DEBT = "debt", _("債務整理")
    REAL_ESTATE = "real_estate", _("不動産の管理・処分")
    FAMILY_DISPUTE = "family_dispute", _("親族間の紛争")
    ABUSE = "abuse", _("虐待への対応")
    WELFARE_SERVICES = "welfare_services", _("福祉サービスの調整")


class Language(models.TextChoices):
    JAPANESE = "ja", _("日本語")
    ENGLISH = "en", _("英語")
    CHINESE = "zh", _("中国語")
    KOREAN = "ko", _("韓国語")
    VIETNAMESE = "vi", _("ベトナム語")
    TAGALOG = "tl", _("タガログ語")
    PORTUGUESE = "pt", _("ポルトガル語")
    NEPALI = "ne", _("ネパール語")


class DocumentKind(models.TextChoices):
    """The petition's documents (家庭裁判所の申立書類)."""

    PETITION_FORM = "petition_form", _("申立書")
    MEDICAL_CERTIFICATE = "medical_certificate", _("診断書")
    PERSON_INFORMATION_SHEET = "person_information_sheet", _("本人情報シート")
    ASSET_INVENTORY = "asset_inventory", _("財産目録")
    INCOME_EXPENDITURE_PLAN = "income_expenditure_plan", _("収支予定表")
    FAMILY_TREE = "family_tree", _("親族関係図")
    FAMILY_REGISTER = "family_register", _("戸籍謄本")
    RESIDENCE_CERTIFICATE = "residence_certificate", _("住民票")
    NOT_REGISTERED_CERTIFICATE = "not_registered_certificate", _("登記されていないことの証明書")


class DocumentStatus(models.TextChoices):
    NEEDED = "needed", _("未着手")
    REQUESTED = "requested", _("依頼中")
    RECEIVED = "received", _("そろった")
    NOT_APPLICABLE = "not_applicable", _("不要")


class ComplaintCategory(models.TextChoices):
    PROPERTY = "property", _("財産管理")
    PERSONAL_CARE = "personal_care", _("身上保護")
    UNREACHABLE = "unreachable", _("連絡がとれない")
    FEES = "fees", _("報酬")
    OTHER = "other", _("その他")


class ComplainantKind(models.TextChoices):
    SELF = "self", _("本人")
    RELATIVE = "relative", _("親族")
    SUPPORTER = "supporter", _("支援者・関係機関")
    NEIGHBOUR = "neighbour", _("近隣住民")
    OTHER = "other", _("その他")


# Reasons that belong to one state only: the others may end a matter at any stage.
END_REASON_ONLY_IN = {
    MatterEndReason.ALTERNATIVE: MatterState.ALTERNATIVE_SUPPORT,
    MatterEndReason.DISMISSED: MatterState.DISMISSED,
    MatterEndReason.HANDED_OVER: MatterState.SUPPORTING,
}


def end_reasons_for(state: str) -> list[tuple[str, str]]:
    """The reasons a matter in ``state`` may end with, as choices."""
    return [
        (code, label)
        for code, label in MatterEndReason.choices
        if END_REASON_ONLY_IN.get(code, state) == state
    ]
