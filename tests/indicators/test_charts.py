"""The server-drawn bar chart: bars in proportion to their values on a round scale, every value
named in its bar's title, an empty year drawn without dividing by zero."""

from hypothesis import given
from hypothesis import strategies as st

from indicators.charts import HEIGHT, bar_chart, row_chart


@given(st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=12))
def test_bars_are_in_proportion_on_a_scale_that_holds_them(values):
    chart = bar_chart("t", [(str(i), v) for i, v in enumerate(values)])
    top, _y = chart.ticks[-1]
    assert top >= max(values) and top % 4 == 0  # four whole steps
    assert all(value == top * step // 4 for step, (value, _y) in enumerate(chart.ticks))
    plot = chart.baseline - chart.ticks[-1][1]
    for bar, value in zip(chart.bars, values, strict=True):
        assert abs(bar.height - plot * value / top) < 1e-6 and abs(bar.y + bar.height - chart.baseline) < 1e-6
        assert 0 <= bar.y <= HEIGHT and bar.value == value
    lefts = [bar.x for bar in chart.bars]
    assert lefts == sorted(lefts)  # in the order given (April to March)


def test_an_empty_year_draws_zeroes():
    chart = bar_chart("t", [("4月", 0), ("5月", 0)])
    assert [bar.height for bar in chart.bars] == [0, 0] and chart.ticks[-1][0] == 4


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=100_000)), min_size=1, max_size=30))
def test_rows_are_in_proportion_one_below_the_other(values):
    chart = row_chart("t", [(f"地区{i}", v) for i, v in enumerate(values)])
    top, right = chart.ticks[-1]
    assert top >= max((v for v in values if v is not None), default=0) and top % 4 == 0
    plot = right - chart.left
    for bar, value in zip(chart.bars, values, strict=True):
        assert bar.x == chart.left and abs(bar.width - plot * (value or 0) / top) < 1e-6
        assert bar.value == value and bar.x + bar.width <= chart.width
    tops = [bar.y for bar in chart.bars]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one row each, in the order given
    assert chart.bars[-1].y + chart.bars[-1].height <= chart.height


def test_a_long_label_gets_the_room_it_needs_up_to_half_the_chart():
    short = row_chart("t", [("中央", 1)])
    long = row_chart("t", [("後見人等とともに支援中", 1), ("受付", 2)])
    endless = row_chart("t", [("あ" * 60, 1)])
    assert short.left == 150 and long.left >= 16 * len("後見人等とともに支援中")
    assert endless.left == endless.width // 2 and endless.bars[0].x + endless.bars[0].width <= endless.width
