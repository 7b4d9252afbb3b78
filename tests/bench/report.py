"""The bench's markdown table and its goals."""

from __future__ import annotations

import time
from typing import Any

GOALS = {"redemptions": 0.75, "rtn": 0.5}
LABELS = {
    "floor": "floor: bare Flask + 1 INSERT",
    "redemptions": "POS redemptions",
    "rtn": "RTN CLOSE, 1 gift-card payment",
}


class Steps:
    """Prints each step with the time it took."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.done: list[tuple[str, float]] = []

    def __call__(self, what: str) -> None:
        now = time.monotonic()
        self.done.append((what, round(now - self.last, 1)))
        print(f"bench: {what} ({now - self.last:.1f} s)", flush=True)
        self.last = now


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}" if floor else "n/a"


def ratio(results: dict[str, Any], name: str) -> float:
    """A scenario's req/s over the floor's: the median of the rounds' ratios (an
    older results.json: the ratio of the medians)."""
    if "ratios" in results:
        return float(results["ratios"][name])
    through = results["throughput"]
    floor = through["floor"]["rps"]
    return through[name]["rps"] / floor if floor else 0.0


def markdown(results: dict[str, Any]) -> str:
    """The table of figures, then the goals with a verdict each."""
    through, lat = results["throughput"], results.get("latency", {})
    floor = through["floor"]
    runs = floor["runs"]
    rows = [
        f"16 connections, wrk; medians of {runs} runs; x floor (req/s) is the median "
        "of each round's ratio to the floor's run just before it; failures = non-2xx "
        "+ socket errors, summed over the runs.",
        "",
        "| scenario | req/s | x floor | p50 ms | p99 ms | p99 x floor | failures |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in LABELS.items():
        s = through[name]
        rows.append(
            f"| {label} | {s['rps']:.0f} | {ratio(results, name):.2f} "
            f"| {s['p50_ms']:.1f} | {s['p99_ms']:.1f} "
            f"| {_ratio(s['p99_ms'], floor['p99_ms'])} | {s['failures']} |"
        )
    if "rps_by_run" in results:
        each = "; ".join(
            f"{name} {', '.join(map(str, runs_))}"
            for name, runs_ in results["rps_by_run"].items()
        )
        rows += ["", f"req/s of each run: {each}"]
    if not lat:
        return "\n".join(rows)
    rows += [
        "",
        "Redemption latency by history (1 connection, sequential):",
        "",
        "| card | req/s | p50 ms | p99 ms | failures |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, s in lat.items():
        rows.append(
            f"| {label} | {s['rps']:.0f} | {s['p50_ms']:.2f} | {s['p99_ms']:.2f} "
            f"| {s['failures']} |"
        )
    rows.append(
        f"| ratio 10,000 / 1 (p50; median of the {lat_pairs(results)} pairs) "
        f"| | {history_ratio(results):.2f} | | |"
    )
    catch = results["catchup"]
    rows += ["", f"Projector catch-up: {catch.get('summary', catch)}", ""]
    rows += ["Goals:", ""] + [f"- {line}" for line in verdicts(results)]
    return "\n".join(rows)


def history_ratio(results: dict[str, Any]) -> float:
    """The long card's p50 over the fresh card's: the median of adjacent pairs."""
    if "history_ratio" in results:
        return float(results["history_ratio"])
    lat = results["latency"]  # an older results.json: the ratio of the medians
    one, long = lat["1-event card"]["p50_ms"], lat["10,000-event card"]["p50_ms"]
    return long / one if one else 0.0


def lat_pairs(results: dict[str, Any]) -> int:
    """How many fresh/long pairs were run."""
    return int(results["latency"]["1-event card"]["runs"])


def verdicts(results: dict[str, Any]) -> list[str]:
    """One line per goal of issue 5: met or not, with the figure."""
    through = results["throughput"]
    out = []
    for name, goal in GOALS.items():
        s = through[name]
        times = ratio(results, name)
        out.append(
            _verdict(times >= goal, f"{name} {times:.2f} x floor (goal >= {goal})")
        )
        out.append(
            _verdict(s["failures"] == 0, f"{name} failures {s['failures']} (goal 0)")
        )
        out.append(
            _verdict(s["p99_ms"] <= 50, f"{name} p99 {s['p99_ms']:.1f} ms (goal <= 50)")
        )
    history = history_ratio(results)
    out.append(
        _verdict(
            history <= 1.2, f"10,000-event card {history:.2f} x 1-event (goal <= 1.2)"
        )
    )
    rate = results["catchup"].get("events_per_second")
    if rate is None:
        out.append("NOT MEASURED projector catch-up (no projector)")
    else:
        out.append(
            _verdict(rate >= 5000, f"catch-up {rate:.0f} events/s (goal >= 5000)")
        )
    return out


def _verdict(ok: bool, text: str) -> str:
    return ("met    " if ok else "MISSED ") + text
