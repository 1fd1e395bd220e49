"""The plan's indicators as Tsunagu counts them: each with what is counted, from which records,
and what is not — shown beside its figures, so that nobody reads more into a number than it says."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    key: str  # for addresses and the audit trail (a code of ASCII)
    code: str  # as the plan numbers it
    title: str
    counts: str  # what one counted thing is
    source: str  # the records it is counted from
    excludes: str  # what it does not count


CONTACTS = Indicator(
    key="8",
    code="⑧",
    title=_("民生委員・児童委員が困りごとを相談されたときの相談先と連絡調整回数（委員相互・その他関係機関）"),
    counts=_(
        "民生委員・児童委員が記録した相談・連絡調整の一回ごと。相手（委員相互・関係機関・その他）別、月別、地区別。"
    ),
    source=_(
        "「相談・連絡調整の記録」（委員が自分の携帯電話から記録。日付・種別・相手・分野・地区のみで、個人の情報は持たない）。"
    ),
    excludes=_("記録されなかった相談・連絡、地区の記録がない以前の記録、今日より後の日付（記録できない）。"),
)


# Counted from the cases, by the district of each case (a row per district of the reader's).
COMPLEX_MEETINGS = Indicator(
    key="1-2",
    code="1-(2)",
    title=_("複合的な課題を抱えた人を支援するための、地域住民と専門職による会議の開催数"),
    counts=_(
        "開催した会議（支援会議・重層的支援会議・個別ケース会議・地域ケア会議）の一回ごと。"
        "出席者に住民（民生委員、またはアカウントのない出席者のうち住民として出席した家族・近隣など）と"
        "専門職（その他の組織の職員、またはアカウントのない出席者のうち専門職・関係機関として出席した人）の"
        "両方がいて、会議の時点までに記録された相談に二つ以上の分類（8050、生活困窮など）がついているもの。"
    ),
    source=_("ケースの会議の記録（開催日時・出席者の所属）と、相談についた分類。"),
    excludes=_(
        "予定のまま開かれていない会議、住民か専門職の一方だけの会議、課題が一つだけのケースの会議"
        "（会議の後に記録された相談の分類は、その会議には数えません）、"
        "誤って登録したとして取り下げられたケース。"
    ),
)
HARDSHIP_PARTICIPANTS = Indicator(
    key="1-4",
    code="1-(4)",
    title=_("生活困窮者自立支援制度支援会議の参加者数"),
    counts=_(
        "生活困窮者自立支援法第9条の支援会議として開催した会議の出席者（職員とアカウントのない出席者）の"
        "延べ人数。会議ごとに数える。"
    ),
    source=_("根拠を「生活困窮者自立支援法 第9条」として開いた会議の出席者の記録。"),
    excludes=_(
        "開かれていない会議、ほかの根拠で開いた会議、Tsunagu の外で開いた会議、"
        "誤って登録したとして取り下げられたケース。"
    ),
)
RIGHTS_CONSULTATIONS = Indicator(
    key="5",
    code="⑤",
    title=_("相談支援機関における権利擁護に関する相談取扱件数"),
    counts=_(
        "区福祉保健センター・地域ケアプラザ（地域包括支援センター）・基幹相談支援センターが主担当のケースに"
        "受け付けた相談のうち、判断能力の低下・高齢者虐待・障害者虐待・消費者被害・身寄りがない、のいずれかの"
        "分類がついたものの件数（受け付けた日の年度）。"
    ),
    source=_("ケースの相談の記録（受付日時・分類）と、ケースの主担当の組織。"),
    excludes=_(
        "ほかの機関が主担当のケース、それらの分類のない相談、児童虐待（子どもの権利擁護は別に数える）、"
        "誤って登録したとして取り下げられたケース。"
    ),
)
SELF_RELIANCE_PERSONS = Indicator(
    key="4a",
    code="④(a)",
    title=_("生活困窮者自立支援制度相談者数（Tsunagu からつないだ人）"),
    counts=_(
        "年度のうちに自立相談支援機関がつなぎを引き受けた人の数。同じ人は地区ごとに一人と数える"
        "（計は地区の数の合計なので、二つの地区にケースのある人は二人と数える）。"
        "引き受けた後に取り下げられたつなぎも、機関が相談を受けたものとして数える。"
    ),
    source=_("ケースのつなぎ（引き受けた日時・つなぎ先の組織の種別）。"),
    excludes=_(
        "引き受けられなかったつなぎ、自立相談支援機関に直接相談した人（Tsunagu を通らない相談）。"
        "計画の数はそれを含むため、この数はその一部。"
        "誤って登録したとして取り下げられたケース。"
    ),
)
DISTRICT_REVIEWS = Indicator(
    key="9",
    code="⑨",
    title=_("個別課題を見据えた地域支援の検討をした地区別支援チーム数"),
    counts=_(
        "個別のケースについて地域ケア会議を開いた地区の数（下の表は地区ごとの開催回数。1回以上の地区を数える）。"
    ),
    source=_("会議の種類を「地域ケア会議」として開いた会議の記録と、ケースの地区。"),
    excludes=_(
        "個別のケースによらない地域ケア会議（Tsunagu は記録しない）、開かれていない会議、"
        "誤って登録したとして取り下げられたケース。"
    ),
)
COUNCIL_PARTICIPANTS = Indicator(
    key="1-3",
    code="1-(3)",
    title=_("区協議会（区成年後見サポートネット）参加者数"),
    counts=_(
        "年度のうちに開いた区協議会の参加者の延べ人数（開催ごとに記録した参加者数の計）と、開催回数。区ごと。"
    ),
    source=_("区役所・中核機関の職員が記録する「区協議会の開催」（開催日・参加者数。名前は持たない）。"),
    excludes=_("記録されなかった開催、協議会の部会や研修（開催として記録しない限り）。"),
)
WATCHING_PARTNERS = Indicator(
    key="6b",
    code="⑥(b)",
    title=_("民間事業者と連携した見守り参加事業者数"),
    counts=_(
        "年度のうちに一日でも区との見守り協定が有効だった相手方の数（区ごと。同じ相手方は、協定や更新が"
        "いくつあっても一つ）。市全体を対象とする協定は、どの区にも数える（計は区の数の合計）。"
        "あわせて、そのうち年度のうちに報告用コードで気付きを報告した相手方の数。"
    ),
    source=_(
        "区役所が登録する「協定」（種類・相手方・対象の地域・有効期間・終了日）と、協定による報告の記録。"
    ),
    excludes=_(
        "登録されていない協定、見守り協定以外の協定（名簿提供協定など）、始まる前や終了した後の期間。"
    ),
)
NETWORKS = Indicator(
    key="7",
    code="⑦",
    title=_("地域ケアプラザが事務局機能を果たしている地域福祉団体・機関とのネットワーク数"),
    counts=_(
        "年度のうちに一日でも地域ケアプラザが事務局を担っていたネットワークの数（ネットワークの地区ごと）。"
    ),
    source=_(
        "地域ケアプラザの職員が登録する「地域のネットワーク」（名称・地区・事務局を担った期間。個人の情報は持たない）。"
    ),
    excludes=_("登録されていないネットワーク、ケアプラザ以外が事務局のネットワーク。"),
)
DISTRICT_INDICATORS = (
    COMPLEX_MEETINGS,
    HARDSHIP_PARTICIPANTS,
    RIGHTS_CONSULTATIONS,
    SELF_RELIANCE_PERSONS,
    NETWORKS,
    DISTRICT_REVIEWS,
)


# Not a numbered indicator of the plan, but what its chapter on guardianship asks to watch.
PIPELINE = Indicator(
    key="guardianship",
    code="",
    title=_("権利擁護・成年後見の流れ"),
    counts=_(
        "その年度に受け付けた案件（今の状態別）、その年度に家庭裁判所へ出した申立て（申立人別。"
        "市町村長申立てを含む）、その申立ての受付から申立てまでの日数、その年度に出た審判の申立てから審判までの日数。"
    ),
    source=_(
        "中核機関の案件の記録（受付日時・状態）と申立ての記録（申立人・申立日・審判日）。地区はケースの地区。"
    ),
    excludes=_("申立日のない申立て（準備中のもの）、Tsunagu の外で受け付けた案件。"),
)


@dataclass(frozen=True)
class NotCounted:
    code: str
    title: str
    why: str


# The plan's other indicators of the same chapter that its work would count, and why Tsunagu does
# not (yet): said on the page, not left out silently. None today.
NOT_COUNTED: tuple[NotCounted, ...] = ()


INDICATORS = {
    indicator.key: indicator
    for indicator in (CONTACTS, *DISTRICT_INDICATORS, COUNCIL_PARTICIPANTS, WATCHING_PARTNERS)
}
