"""The overview's SVG chart: whole pixels, scaled to the largest amount."""

from __future__ import annotations

from datetime import date, timedelta

from service.dashboard.chart import BOTTOM, HEIGHT, TOP, bar_chart


def test_bars_are_whole_pixels_scaled_to_the_largest_amount():
    days = [date(2026, 11, 2) + timedelta(days=n) for n in range(30)]
    amounts = {
        (days[0], "sold"): 5000,
        (days[1], "redeemed"): 2500,
        (days[29], "loaded"): 1,
    }
    chart = bar_chart(
        days, amounts, label=lambda minor: f"{minor // 100}.{minor % 100:02d}"
    )
    assert len(chart.bars) == 90
    by_title = {bar.title: bar for bar in chart.bars}
    tallest = by_title["02 Nov: sold 50.00"]
    half = by_title["03 Nov: redeemed 25.00"]
    assert tallest.height == HEIGHT - BOTTOM - TOP  # the largest fills the plot
    assert half.height == tallest.height // 2
    assert by_title["01 Dec: loaded 0.01"].height == 0  # too small for a pixel
    for bar in chart.bars:
        assert all(type(v) is int for v in (bar.x, bar.y, bar.width, bar.height))
        assert bar.y + bar.height == HEIGHT - BOTTOM  # every bar stands on the axis
    xs = [bar.x for bar in chart.bars]
    assert xs == sorted(xs) and len(set(xs)) == 90  # side by side, none overlaps
    assert [text for _, text in chart.ticks] == ["0.00", "25.00", "50.00"]
