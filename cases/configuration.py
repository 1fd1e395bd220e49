"""What a municipality may set of the cases' words (configuration.registry): which observed signs,
concern categories and reporter kinds the concern form offers. The codes and labels stay these;
a city offers those that fit its practice."""

from django.utils.translation import gettext_lazy as _

from cases.vocabulary import ConcernCategory, ObservedSignal, ReporterKind
from configuration.registry import offering, register

SIGNALS = "cases.signals"
CATEGORIES = "cases.categories"
REPORTER_KINDS = "cases.reporter_kinds"


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
    )
