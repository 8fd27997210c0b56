"""Measuring for the benchmarks: percentiles, one figure's two sides, timing them interleaved,
several rounds paired and pooled, the verdict against a target, and the Markdown table."""
from __future__ import annotations

import gc
import random
import statistics
import time
from dataclasses import dataclass, field

clock = time.perf_counter


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


@dataclass
class Figure:
    name: str
    unit: str = "ms"
    app: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    target: str = ""
    ok: bool | None = None
    note: str = ""
    value: float | None = None        # for single-number figures (rates, sizes)
    raw_value: float | None = None
    p50_only: bool = False            # only medians were reported
    rounds: int = 1                   # pooled from this many rounds (see rounds_of)
    round_ratios: list[float] = field(default_factory=list)   # each round's own p50 ratio
    limits: dict = field(default_factory=dict)                 # what judge() was asked, to judge again

    @property
    def ratio(self) -> float | None:
        if self.round_ratios:
            return statistics.median(self.round_ratios)
        if self.value is not None and self.raw_value:
            return self.value / self.raw_value if self.unit not in ("cases/s",) else self.raw_value / self.value
        if self.app and self.raw:
            return pct(self.app, 50) / pct(self.raw, 50)
        return None

    def as_dict(self) -> dict:
        d = {"name": self.name, "unit": self.unit, "target": self.target, "ok": self.ok, "note": self.note,
             "ratio": self.ratio}
        if self.app:
            d.update(app_p50=pct(self.app, 50), app_p95=pct(self.app, 95), n=len(self.app))
        if self.raw:
            d.update(raw_p50=pct(self.raw, 50), raw_p95=pct(self.raw, 95))
        if self.value is not None:
            d.update(value=self.value, raw_value=self.raw_value)
        if self.round_ratios:
            d.update(rounds=self.rounds, round_ratios=self.round_ratios)
        return d


def paired(fig: Figure, app_fn, raw_fn, inputs, *, warmup: int = 10, rng: random.Random) -> Figure:
    """Time app_fn(x) and raw_fn(x) for each input, interleaved in random order."""
    for x in inputs[:warmup]:
        app_fn(x)
        raw_fn(x)
    gc.collect()
    for x in inputs:
        pair = [(fig.app, app_fn), (fig.raw, raw_fn)]
        if rng.random() < 0.5:
            pair.reverse()
        for sink, fn in pair:
            t = clock()
            fn(x)
            sink.append((clock() - t) * 1000.0)
    return fig


def rounds_of(rounds: int, measure) -> list[Figure]:
    """Run ``measure`` (-> figures) ``rounds`` times and pool them: each figure keeps every sample of
    both sides from every round, its ratio is the median of the rounds' own ratios (each round's two
    sides were timed interleaved, so they saw the same noise), and the spread of those ratios is shown.
    No round is picked: a quiet round for one side can't be paired with a noisy one for the other."""
    runs = [measure() for _ in range(max(1, rounds))]
    pooled = []
    for i, first in enumerate(runs[0]):
        same = [r[i] for r in runs if i < len(r) and r[i].name == first.name]
        fig = Figure(first.name, unit=first.unit, target=first.target, note=first.note,
                     p50_only=first.p50_only, value=first.value, raw_value=first.raw_value)
        for one in same:
            fig.app.extend(one.app)
            fig.raw.extend(one.raw)
        fig.rounds = len(same)
        if len(same) > 1:
            fig.round_ratios = [one.ratio for one in same if one.ratio is not None]
        if first.limits:
            judge(fig, **first.limits)
        else:
            fig.ok = first.ok if len(same) == 1 else None
        pooled.append(fig)
    return pooled


def judge(fig: Figure, *, p95_ms: float | None = None, ratio: float | None = None) -> Figure:
    fig.limits = {"p95_ms": p95_ms, "ratio": ratio}
    checks = []
    if p95_ms is not None:
        checks.append(pct(fig.app, 95) <= p95_ms)
    if ratio is not None and fig.ratio is not None:
        checks.append(fig.ratio <= ratio)
    fig.ok = all(checks) if checks else None
    return fig


# ------------------------------------------------------------------ output

def fmt(v: float | None, unit: str = "ms") -> str:
    if v is None or v != v:
        return "–"
    if unit == "ms":
        return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"
    return f"{v:,.0f}"


def table(figs: list[Figure]) -> str:
    head = ("| Figure | CaseDesk p50 | p95 | raw p50 | p95 | ratio | target | met |",
            "|---|---:|---:|---:|---:|---:|---|:-:|")
    lines = list(head)
    for f in figs:
        if f.value is not None:
            cells = [f"{fmt(f.value, f.unit)} {f.unit}", "", f"{fmt(f.raw_value, f.unit)} {f.unit}", ""]
        elif f.app:
            cells = [fmt(pct(f.app, 50)), fmt(pct(f.app, 95)), fmt(pct(f.raw, 50)), fmt(pct(f.raw, 95))]
            cells = [c + " ms" if c != "–" else c for c in cells]
            if f.p50_only:
                cells[1] = cells[3] = "–"
        else:
            cells = ["–"] * 4
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "–"
        if len(f.round_ratios) > 1:
            ratio += f" ({min(f.round_ratios):.2f}–{max(f.round_ratios):.2f})"
        met = {True: "yes", False: "**NO**", None: "–"}[f.ok]
        lines.append(f"| {f.name} | " + " | ".join(cells) + f" | {ratio} | {f.target} | {met} |")
    notes = [f"- {f.name}: {f.note}" for f in figs if f.note]
    return "\n".join(lines + [""] + notes)
