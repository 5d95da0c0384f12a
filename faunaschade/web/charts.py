"""Server-drawn SVG charts: geometry computed here, drawn by templates/statistics/_charts.html.

No script (the CSP forbids inline script and none is needed): every chart is an inline <svg>
with a <title> and <desc>, and the page repeats its numbers in a table. Colours have at least
3:1 contrast on white (WCAG 1.4.11); colour is never the only cue (labels name every bar).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext

from faunaschade.i18n import N_
from faunaschade.money import format_eur

#: Bar colours with their contrast on white.
BLUE = "#0b4f8a"  # 8.4:1
LIGHT_BLUE = "#5b8fc7"  # 3.4:1, the damage year still running
GREEN = "#2f7d4f"  # 5.0:1
BROWN = "#b35900"  # 4.8:1
RED = "#a4000f"  # 8.1:1

#: Species groups for the colours of the species chart.
WATERFOWL = {"grauwe_gans", "kolgans", "brandgans", "rotgans", "canadese_gans", "nijlgans",
             "smient", "knobbelzwaan", "wilde_zwaan", "kleine_zwaan", "wilde_eend",
             "meerkoet"}  # fmt: skip
PREDATORS = {"wolf", "goudjakhals"}
MAMMALS = {"wild_zwijn", "edelhert", "damhert", "ree", "das", "bever", "otter", "wilde_kat",
           "lynx", "vos", "haas", "konijn", "aardmuis", "veldmuis", "woelrat"}  # fmt: skip
SPECIES_GROUPS = (
    (N_("Ganzen, zwanen en eenden"), BLUE),
    (N_("Andere vogels"), GREEN),
    (N_("Zoogdieren"), BROWN),
    (N_("Wolf en goudjakhals"), RED),
)
#: Months in damage-year order (November first), Dutch abbreviations (message ids).
MONTHS = ((11, N_("nov")), (12, N_("dec")), (1, N_("jan")), (2, N_("feb")), (3, N_("mrt")),
          (4, N_("apr")), (5, N_("mei")), (6, N_("jun")), (7, N_("jul")), (8, N_("aug")),
          (9, N_("sep")), (10, N_("okt")))  # fmt: skip


def compact_eur(value: Decimal | int) -> str:
    """Short amounts for chart labels in Dutch notation: € 27,3 mln (€ 27,3 m in English),
    € 845.000, € 950."""
    amount = Decimal(value)
    if amount >= 1_000_000:
        millions = f"{amount / 1_000_000:.1f}".replace(".", ",")
        return gettext("€ %(amount)s mln", amount=millions)
    return "€ " + f"{amount:,.0f}".replace(",", ".")


def compact_number(value: int) -> str:
    """Dutch thousands separator: 12.345."""
    return f"{value:,}".replace(",", ".")


@dataclass
class Bar:
    """One bar with its geometry, label and value text."""

    label: str
    text: str  #: Short value for the chart (€ 27,3 mln).
    exact: str  #: Full value for tooltips and tables (€ 27.345.678,12).
    x: float
    y: float
    width: float
    height: float
    colour: str
    note: str = ""


@dataclass
class Chart:
    """A chart ready to draw."""

    id: str
    title: str
    desc: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    baseline: float = 0
    label_width: int = 0


def horizontal(
    chart_id: str,
    title: str,
    items: list[tuple[str, Decimal | int, str]],
    *,
    money: bool = True,
    label_width: int = 150,
    width: int = 560,
) -> Chart:
    """Horizontal bars, largest first: items are (label, value, colour)."""
    items = sorted(items, key=lambda item: item[1], reverse=True)
    row, bar_height, value_room = 30, 20, 110
    top = max((value for _, value, _ in items), default=0) or 1
    span = width - label_width - value_room
    chart = Chart(chart_id, title, "", width, row * len(items) + 10, label_width=label_width)
    fmt = compact_eur if money else compact_number
    exact = format_eur if money else compact_number
    for n, (label, value, colour) in enumerate(items):
        length = max(float(value) / float(top) * span, 1.5 if value else 0)
        chart.bars.append(
            Bar(label, fmt(value), exact(value), label_width, 5 + n * row, length, bar_height,
                colour)
        )  # fmt: skip
    chart.desc = _summary(title, items, fmt)
    return chart


def columns(
    chart_id: str,
    title: str,
    items: list[tuple[str, Decimal | int, str, str]],
    *,
    money: bool = True,
    width: int = 560,
    height: int = 260,
) -> Chart:
    """Vertical columns in the order given: items are (label, value, colour, note)."""
    top = max((value for _, value, _, _ in items), default=0) or 1
    plot_top, plot_bottom = 28, height - 44
    slot = width / max(len(items), 1)
    bar_width = min(64.0, slot * 0.62)
    fmt = compact_eur if money else compact_number
    exact = format_eur if money else compact_number
    chart = Chart(chart_id, title, "", width, height, baseline=plot_bottom)
    for n, (label, value, colour, note) in enumerate(items):
        length = float(value) / float(top) * (plot_bottom - plot_top)
        x = n * slot + (slot - bar_width) / 2
        chart.bars.append(
            Bar(label, fmt(value), exact(value), x, plot_bottom - length, bar_width, length,
                colour, note)
        )  # fmt: skip
    chart.desc = _summary(title, [(label, value, "") for label, value, _, _ in items], fmt)
    return chart


def _summary(title: str, items, fmt) -> str:
    """One sentence for screen readers: the largest and the smallest item."""
    present = [item for item in items if item[1]]
    if not present:
        return gettext("%(title)s: geen gegevens.", title=title)
    high = max(present, key=lambda item: item[1])
    low = min(present, key=lambda item: item[1])
    if high is low:
        return f"{title}: {high[0]} {fmt(high[1])}."
    return gettext(
        "%(title)s: hoogste %(high)s %(high_value)s, laagste %(low)s %(low_value)s.",
        title=title,
        high=high[0],
        high_value=fmt(high[1]),
        low=low[0],
        low_value=fmt(low[1]),
    )


def species_colour(code: str) -> str:
    if code in WATERFOWL:
        return BLUE
    if code in PREDATORS:
        return RED
    if code in MAMMALS:
        return BROWN
    return GREEN
