"""indicators' audit event kinds (registered from ``IndicatorsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind(
        "indicators.exported",
        Action.EXPORT,
        _("指標{indicator}を書き出しました（{fiscal_year}年度、{rows}行、{format}）"),
    ),
]


def register_events() -> None:
    from indicators.definitions import DISTRICT_INDICATORS, INDICATORS, PIPELINE

    register(
        "indicators",
        kinds=KINDS,
        parameter_labels={
            "indicator": {
                **{key: indicator.code for key, indicator in INDICATORS.items()},
                "districts": "・".join(indicator.code for indicator in DISTRICT_INDICATORS),
                PIPELINE.key: PIPELINE.title,
                "trends": _("（年度の推移）"),
            },
        },
    )
