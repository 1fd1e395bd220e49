"""Charts drawn on the server as SVG: a few rectangles and labels from a template, each chart
with the table of its figures beside it (the table is what a screen reader and a copy-paste
read; the chart is for the eye). A charting library would bring a JavaScript build or a
dependency for what is, here, one kind of bar chart (docs/indicators.md)."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 48, 32, 12  # room for the scale's figures, the months' labels, the top line


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: hidden (a small number), drawn as no bar
    x: float
    y: float
    width: float
    height: float

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def label_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    ticks: list[tuple[int, float]]  # (value, y) of the scale's lines
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def bar_chart(title: str, values: list[tuple[str, int | None]]) -> BarChart:
    """Bars for ``values`` (label, count or None where hidden), on a scale from 0 to a round top;
    an empty year draws its axis and zeroes, not a division by zero."""
    top = _round_top(max((value for _label, value in values if value is not None), default=0))
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(values), 1)
    bars = []
    for index, (label, value) in enumerate(values):
        height = plot * (value or 0) / top
        bars.append(
            Bar(
                label=label,
                value=value,
                x=LEFT + index * slot + slot * 0.15,
                y=HEIGHT - BOTTOM - height,
                width=slot * 0.7,
                height=height,
            )
        )
    ticks = [(top * step // 4, HEIGHT - BOTTOM - plot * step / 4) for step in range(5)]
    return BarChart(title=title, bars=bars, ticks=ticks)


ROW, LABELS = 24, 150  # a row chart's bar pitch, and the least room for its labels (a district's name)
LABEL_EM = 16  # a label's character, at the labels' size (static/css: 15px), in the chart's units


@dataclass(frozen=True)
class RowChart:
    """Bars across, one row per label: for comparing many named things (districts), whose names
    would overlap under bars standing side by side."""

    title: str
    bars: list[Bar]
    ticks: list[tuple[int, float]]  # (value, x) of the scale's lines
    height: int
    width: int = WIDTH
    left: int = LABELS
    top: int = TOP


def row_chart(title: str, values: list[tuple[str, int | None]]) -> RowChart:
    """Bars across for ``values`` (label, count or None where hidden), on a scale from 0 to a round
    top, in the order given."""
    top = _round_top(max((value for _label, value in values if value is not None), default=0))
    # Room for the longest label (a state such as 後見人等とともに支援中), up to half the chart.
    left = min(max([LABELS, *(LABEL_EM * len(label) + 8 for label, _value in values)]), WIDTH // 2)
    plot = WIDTH - left - 16  # room on the right for the top figure
    bars = [
        Bar(
            label=label,
            value=value,
            x=left,
            y=TOP + index * ROW + ROW * 0.15,
            width=plot * (value or 0) / top,
            height=ROW * 0.7,
        )
        for index, (label, value) in enumerate(values)
    ]
    ticks = [(top * step // 4, left + plot * step / 4) for step in range(5)]
    return RowChart(title=title, bars=bars, ticks=ticks, height=TOP + len(values) * ROW + BOTTOM, left=left)


def _round_top(largest: int) -> int:
    """The scale's top: the largest value rounded up along 4, 8, 20, 40, 80, 200 … — each of the
    scale's four steps a round whole number."""
    top = 4
    while top < largest:
        for factor in (2, 2.5, 2):  # 4 → 8 → 20 → 40 → 80 → 200 …
            top = int(top * factor)
            if top >= largest:
                break
    return top
