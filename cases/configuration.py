"""What a municipality may set of the cases' words and grounds (configuration.registry): which
observed signs, concern categories and reporter kinds the concern form offers; which kinds of
meeting it holds and what each meeting's attendees undertake beyond the law's own words; which
entries of the legal-basis catalogue its organisations share on. The codes and labels stay these;
a city offers those that fit its practice."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.models import LegalBasis
from cases.models.meetings import MeetingKind
from cases.vocabulary import ConcernCategory, ObservedSignal, ReporterKind
from configuration.registry import Setting, offering, register
from configuration.selectors import Values, values_for

SIGNALS = "cases.signals"
CATEGORIES = "cases.categories"
REPORTER_KINDS = "cases.reporter_kinds"
MEETING_KINDS = "cases.meeting_kinds"
LEGAL_BASES = "cases.legal_bases"
# What every attendee of a meeting of this kind undertakes in this municipality, after the words
# the meeting's legal basis gives (cases.models.meetings.confidentiality_text).
UNDERTAKINGS = {kind: f"cases.undertaking_{kind}" for kind in MeetingKind.values}


def values_where(organisation: Organisation | None) -> Values:
    """The settings in force in the organisation's municipality (the defaults without one)."""
    return values_for(organisation.municipality_id if organisation is not None else None)


def _catalogue() -> list[tuple[str, str]]:
    return list(LegalBasis.objects.filter(is_active=True).order_by("code").values_list("code", "name"))


def register_settings() -> None:
    register(
        offering(
            SIGNALS,
            _("気付きの記録：気付いたこと"),
            ObservedSignal,
            help=_("民生委員が気付きを記録するときに選べる項目です。"),
        ),
        offering(
            CATEGORIES,
            _("気付きの記録：心配なこと（分類）"),
            ConcernCategory,
            help=_(
                "計画の指標に使う分類（判断能力の低下・虐待・消費者被害・身寄りがない など）を外すと、"
                "その指標は数えられなくなります。"
            ),
        ),
        offering(REPORTER_KINDS, _("気付きの記録：報告者の種別"), ReporterKind),
        offering(MEETING_KINDS, _("会議の種類"), MeetingKind, help=_("会議を予定するときに選べる種類です。")),
        Setting(
            LEGAL_BASES,
            _("共有の根拠"),
            "choices",
            default=lambda: [code for code, _name in _catalogue()],
            choices=_catalogue,
            help=_(
                "この自治体の組織が、共有・会議・引き継ぎの根拠として選べるものです。"
                "後から加えた根拠は、ここで選ぶまで使えません（一度も設定を保存していない自治体では、有効な根拠すべて）。"
            ),
        ),
        *(
            Setting(
                UNDERTAKINGS[kind],
                format_lazy("{}：{}", _("会議の守秘の誓約に加える文"), label),
                "text",
                default="",
                help=_(
                    "会議の根拠による誓約の文のあとに、出席者の誓約として示し、署名用紙にも印刷します。"
                    "例：資料は会議の終わりに回収します。空欄なら加えません。"
                ),
                most=400,
            )
            for kind, label in MeetingKind.choices
        ),
    )
