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


INDICATORS = {indicator.key: indicator for indicator in (CONTACTS,)}
