"""What a municipality may set of the guardianship track (configuration.registry): the words for
a petition made by the head of the municipality — 市長申立て, or 区長申立て where the city's ward
heads petition."""

from django.utils.translation import gettext_lazy as _

from configuration.registry import Setting, register
from guardianship.vocabulary import PetitionerKind

MAYOR_LABEL = "guardianship.mayor_petition_label"


def register_settings() -> None:
    register(
        Setting(
            MAYOR_LABEL,
            _("市町村長申立ての呼び方"),
            "text",
            default=lambda: str(PetitionerKind.MAYOR.label),
            help=_("例：市長申立て、区長申立て。集計と書類の申立人の欄に使います。"),
            least=1,
            most=40,
        )
    )
