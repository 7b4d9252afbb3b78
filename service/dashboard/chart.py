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
    x: int
    y: int
    width: int
    height: int
    title: str


@dataclass(frozen=True)
class Chart:
    """Everything the template draws."""

    bars: list[Bar]
    labels: list[tuple[int, str]]
    ticks: list[tuple[int, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM


def bar_chart(
    days: list[date],
    amounts: dict[tuple[date, str], int],
    label: Callable[[int], str],
) -> Chart:
    """Three bars a day (sold, loaded, redeemed), scaled to the largest amount.

    Whole pixels in integer arithmetic: amounts are minor units, never floats."""
    top = max([amounts.get((d, k), 0) for d in days for k in KINDS] + [1])
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) // max(len(days), 1)
    bar_width = max(slot * 8 // (10 * len(KINDS)), 1)  # 80% of a day's slot
    bars = []
    for i, day in enumerate(days):
        for j, kind in enumerate(KINDS):
            amount = amounts.get((day, kind), 0)
            height = plot_height * amount // top
            bars.append(
                Bar(
                    kind=kind,
                    x=LEFT + i * slot + slot // 10 + j * bar_width,
                    y=HEIGHT - BOTTOM - height,
                    width=bar_width,
                    height=height,
                    title=f"{day:%d %b}: {kind} {label(amount)}",
                )
            )
    labels = [
        (LEFT + i * slot + slot // 2, f"{day:%d %b}")
        for i, day in enumerate(days)
        if i % 5 == 0 or i == len(days) - 1
    ]
    ticks = [
        (HEIGHT - BOTTOM - plot_height * part // 2, label(top * part // 2))
        for part in (0, 1, 2)
    ]
    return Chart(bars, labels, ticks)
