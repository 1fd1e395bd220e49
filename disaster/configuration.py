"""What a municipality may set of disaster mode (configuration.registry): how long after a
disaster is declared a listed person still unchecked is escalated to the ward office."""

from django.utils.translation import gettext_lazy as _

from configuration.registry import Setting, register

ESCALATION_MINUTES = "disaster.escalation_minutes"


def register_settings() -> None:
    register(
        Setting(
            ESCALATION_MINUTES,
            _("安否確認：未確認の方を区役所に知らせるまでの時間（分）"),
            "number",
            default=120,
            help=_(
                "災害の宣言からこの時間が過ぎても安否の記録がない方を、区役所と地域の関係機関に知らせます。"
            ),
            least=10,
            most=1440,
        )
    )
