"""An indicator's table as a file to take away: Excel (the table, and a sheet with its definition)
or CSV in UTF-8 with a byte-order mark, which Excel on Windows opens as UTF-8. Japanese headers,
one row per district and the total, figures as numbers, a hidden one as ＊; each file states the
rule on small numbers applied (Excel: the definitions' sheet; CSV: its last row)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.definitions import Indicator
from indicators.selectors import ContactsTable, DistrictTable, PipelineTable, TrendTable, WardTable
from printing import tables

TRENDS_RULE = gettext_lazy("各年度の表の数のまま（その表で伏せた数は「＊」）。表ごとの決まりは各行に示す")
HIDDEN = "＊"  # a small number, or one that would give a small number away (indicators/suppression.py)


def contacts_rows(table: ContactsTable) -> list[list[object]]:
    """The header and one row per district, then the total: by counterpart, their sum, by month."""
    header = [_("地区"), *table.counterparts, _("計"), *map(str, table.months)]
    rows = [
        [
            row.name,
            *(HIDDEN if n is None else n for n in (*row.by_counterpart, row.total, *row.by_month)),
        ]
        for row in [*table.rows, table.totals]
    ]
    return [header, *rows]


def district_rows(table: DistrictTable) -> list[list[object]]:
    """The header (each indicator's code and title) and one row per district, then the total."""
    header = [_("地区"), *(f"{indicator.code} {indicator.title}" for indicator in table.indicators)]
    rows = [
        [row.name, *(HIDDEN if n is None else n for n in row.values)] for row in [*table.rows, table.totals]
    ]
    return [header, *rows]


def pipeline_rows(table: PipelineTable) -> list[list[object]]:
    """The header and one row per part of each breakdown, then its total (and a median of days)."""
    header = [_("区分"), _("内訳"), _("数")]
    return [header, *([title, part, HIDDEN if n is None else n] for title, part, n in table.rows)]


def ward_rows(table: WardTable) -> list[list[object]]:
    """The header and one row per ward, then the total."""
    return [[_("区"), *table.columns], *(list(row) for row in [*table.rows, table.totals])]


def trend_rows(table: TrendTable) -> list[list[object]]:
    """The header (the years) and one row per indicator, with the rule of the tables it comes from."""
    header = [_("指標"), _("名称"), *table.year_labels, _("小さい数の秘匿")]
    return [
        header,
        *(
            [row.code, row.title, *(HIDDEN if n is None else n for n in row.values), row.rule]
            for row in table.rows
        ),
    ]


def _defined(indicator: Indicator) -> list[list[str]]:
    return [
        [_("指標"), f"{indicator.code} {indicator.title}"],
        [_("数えるもの"), str(indicator.counts)],
        [_("もとの記録"), str(indicator.source)],
        [_("数えないもの"), str(indicator.excludes)],
    ]


def definition_rows(table: ContactsTable | DistrictTable | PipelineTable | WardTable) -> list[list[str]]:
    """The year, each indicator's definition, the rule on small numbers and when it was written."""
    indicators = table.indicators if isinstance(table, DistrictTable) else [table.indicator]
    return [
        [_("年度"), table.fiscal_year_label],
        *(row for indicator in indicators for row in _defined(indicator)),
        [_("小さい数の秘匿"), table.rule],
        [_("書き出した日時"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]


def contacts_xlsx(table: ContactsTable) -> bytes:
    return _xlsx(f"指標{table.indicator.code}", contacts_rows(table), definition_rows(table))


def contacts_csv(table: ContactsTable) -> bytes:
    return _csv(contacts_rows(table), table.rule)


def districts_xlsx(table: DistrictTable) -> bytes:
    return _xlsx(_("地区別の指標"), district_rows(table), definition_rows(table))


def districts_csv(table: DistrictTable) -> bytes:
    return _csv(district_rows(table), table.rule)


def pipeline_xlsx(table: PipelineTable) -> bytes:
    return _xlsx(_("権利擁護・成年後見の流れ"), pipeline_rows(table), definition_rows(table))


def pipeline_csv(table: PipelineTable) -> bytes:
    return _csv(pipeline_rows(table), table.rule)


def ward_xlsx(table: WardTable) -> bytes:
    return _xlsx(f"指標{table.indicator.code}", ward_rows(table), definition_rows(table))


def ward_csv(table: WardTable) -> bytes:
    return _csv(ward_rows(table), table.rule)


def trends_xlsx(table: TrendTable) -> bytes:
    definitions = [
        [_("年度"), f"{table.first_label}〜{table.fiscal_year_label}"],
        [_("小さい数の秘匿"), str(TRENDS_RULE)],
        [_("書き出した日時"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]
    return _xlsx(_("年度の推移"), trend_rows(table), definitions)


def trends_csv(table: TrendTable) -> bytes:
    return _csv(trend_rows(table), TRENDS_RULE)


def _xlsx(title: str, rows: list[list[object]], definitions: list[list[str]]) -> bytes:
    return tables.xlsx(title, rows, definitions, _("定義"))


def _csv(rows: list[list[object]], rule: str) -> bytes:
    return tables.csv_bytes(rows, [_("注"), rule])
