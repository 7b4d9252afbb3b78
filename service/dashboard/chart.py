"""A server-rendered bar chart (SVG, no JavaScript) of 30 days of card activity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

KINDS = ("sold", "loaded", "redeemed")
WIDTH, HEIGHT = 900, 240
LEFT, BOTTOM, TOP = 56, 28, 12


@dataclass(frozen=True)
class Bar:
    """One bar: where it is drawn and what it means (its SVG title)."""

    kind: str
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Chart:
    """Everything the template draws."""

    bars: list[Bar]
    labels: list[tuple[float, str]]
    ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM


def bar_chart(
    days: list[date],
    amounts: dict[tuple[date, str], int],
    label: Callable[[int], str],
) -> Chart:
    """Three bars a day (sold, loaded, redeemed), scaled to the largest amount."""
    top = max([amounts.get((d, k), 0) for d in days for k in KINDS] + [1])
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(days), 1)
    bar_width = slot * 0.8 / len(KINDS)
    bars = []
    for i, day in enumerate(days):
        for j, kind in enumerate(KINDS):
            amount = amounts.get((day, kind), 0)
            height = plot_height * amount / top
            bars.append(
                Bar(
                    kind=kind,
                    x=round(LEFT + i * slot + slot * 0.1 + j * bar_width, 1),
                    y=round(HEIGHT - BOTTOM - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    title=f"{day:%d %b}: {kind} {label(amount)}",
                )
            )
    labels = [
        (round(LEFT + i * slot + slot / 2, 1), f"{day:%d %b}")
        for i, day in enumerate(days)
        if i % 5 == 0 or i == len(days) - 1
    ]
    ticks = [
        (round(HEIGHT - BOTTOM - plot_height * f, 1), label(round(top * f)))
        for f in (0, 0.5, 1)
    ]
    return Chart(bars, labels, ticks)
