"""``python -m eval calibrate``: the engine's in-scope thresholds, fitted on the dev split only.

The engine calls a message on topic when ``dense_max + coverage_weight * coverage >=
min_score`` or ``bm25_max >= bm25_strong`` (bot/scope.py). The JSON does not expose those
signals, so they are computed here with the engine's own retrieval
(``Recommender._retrieve``). Messages that a rule decides before the thresholds are looked
at (injection, small talk, a vague message, a survey question, a named program or company)
are left out: the thresholds cannot change their outcome. Held-out cases are never loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

# The coverage signal is a share in [0, 1] added to a cosine similarity; weights beyond
# ~0.1 would let coverage alone outvote the dense signal.
COVERAGE_WEIGHTS = tuple(round(0.005 * i, 3) for i in range(21))


@dataclass(frozen=True)
class Signal:
    id: str
    in_scope: bool  # gold
    dense_max: float
    bm25_max: float
    coverage: float = 0.0


@dataclass(frozen=True)
class Fit:
    min_score: float
    coverage_weight: float
    bm25_strong: float
    accuracy: float
    false_declines: int  # in-scope questions the thresholds would turn away
    false_accepts: int


def cut_points(values: Sequence[float]) -> list[tuple[float, float]]:
    """Candidate thresholds with their gap: midpoints between neighbours, and past both ends.

    The gap (distance between the two observed values a threshold separates) breaks ties
    toward the threshold with the most room on either side.
    """
    xs = sorted(set(values))
    if not xs:
        return [(0.0, 0.0)]
    spread = (xs[-1] - xs[0]) or 1.0
    out = [(xs[0] - 0.01 * spread, 0.0), (xs[-1] + 0.01 * spread, 0.0)]
    out += [((a + b) / 2, b - a) for a, b in pairwise(xs)]
    return out


def predict(s: Signal, min_score: float, weight: float, bm25_strong: float) -> bool:
    """The engine's rule (bot.scope.on_topic), restated on plain numbers."""
    return s.dense_max + weight * s.coverage >= min_score or s.bm25_max >= bm25_strong


def evaluate(signals: Sequence[Signal], min_score: float, weight: float, bm25_strong: float) -> Fit:
    fd = fa = 0
    for s in signals:
        predicted = predict(s, min_score, weight, bm25_strong)
        fd += s.in_scope and not predicted
        fa += predicted and not s.in_scope
    n = len(signals)
    return Fit(min_score, weight, bm25_strong, (n - fd - fa) / n if n else 0.0, fd, fa)


def best_thresholds(signals: Sequence[Signal], weights: Sequence[float] = COVERAGE_WEIGHTS) -> Fit:
    """Highest accuracy; ties go to fewer false declines, then to the widest margins, then
    to the smaller coverage weight."""
    sparse = cut_points([s.bm25_max for s in signals])
    b_span = (max(b for b, _ in sparse) - min(b for b, _ in sparse)) or 1.0
    best: tuple[tuple[float, int, float, float], Fit] | None = None
    for w in weights:
        dense = cut_points([s.dense_max + w * s.coverage for s in signals])
        d_span = (max(d for d, _ in dense) - min(d for d, _ in dense)) or 1.0
        for d, d_gap in dense:
            for b, b_gap in sparse:
                fit = evaluate(signals, d, w, b)
                key = (fit.accuracy, -fit.false_declines, d_gap / d_span + b_gap / b_span, -w)
                if best is None or key > best[0]:
                    best = (key, fit)
    assert best is not None
    return best[1]


def rule_decided(rec: Any, text: str, rules: Any, bm25_max: float) -> str | None:
    """Why the engine decides this message before its thresholds, or None."""
    from bot import facts, scope

    if scope.is_injection(text, rules):
        return "injection"
    if scope.is_small_talk(text, rules):
        return "small talk"
    if scope.is_vague(text, rules) and bm25_max <= rules.vague_bm25_max:
        return "vague"
    if facts.asked_facts(rec.corpus, text):
        return "survey question"
    if rec._mentions_entity(text):
        return "names a program or company"
    return None


def collect_signals(settings_kwargs: dict[str, Any]) -> tuple[list[Signal], dict[str, int]]:
    """Dev cases' signals, and how many were left out for each rule."""
    from bot import scope
    from bot.engine import Recommender
    from bot.settings import Settings
    from eval.gold import load_gold

    rec = Recommender.load(Settings(**{**settings_kwargs, "retriever": "hybrid"}))
    rules = scope.load_rules()
    signals: list[Signal] = []
    skipped: dict[str, int] = {}
    for case in (c for c in load_gold() if c.split == "dev"):
        r = rec._retrieve(case.query)
        why = (
            "injection" if case.category == "injection" else rule_decided(rec, case.query, rules, r.bm25_max)
        )
        if why:
            skipped[why] = skipped.get(why, 0) + 1
            continue
        signals.append(Signal(case.id, case.expected.in_scope, r.dense_max, r.bm25_max, r.coverage))
    return signals, skipped


def describe(label: str, fit: Fit) -> str:
    return (
        f"{label:<8} min_score={fit.min_score:.3f} coverage_weight={fit.coverage_weight:.3f} "
        f"bm25_strong={fit.bm25_strong:.3f}  accuracy={fit.accuracy:.3f}  "
        f"(false declines {fit.false_declines}, false accepts {fit.false_accepts})"
    )


def run_calibrate(write: bool, bot_options: Sequence[str]) -> int:
    from bot import scope
    from eval.bench import _settings_kwargs

    signals, skipped = collect_signals(_settings_kwargs(bot_options))
    current = scope.load_rules().thresholds
    now = evaluate(signals, current.min_score, current.coverage_weight, current.bm25_strong)
    fit = best_thresholds(signals)
    left_out = ", ".join(f"{n} {why}" for why, n in sorted(skipped.items())) or "none"
    print(f"dev cases decided by the thresholds: {len(signals)} (left out, decided by rules: {left_out})")
    print(describe("current", now))
    print(describe("best", fit))
    if write:
        # Thresholds validates the ranges before anything is written.
        thresholds = scope.Thresholds(
            min_score=round(fit.min_score, 3),
            coverage_weight=round(fit.coverage_weight, 3),
            bm25_strong=round(max(fit.bm25_strong, 0.0), 3),
        )
        scope.dump_thresholds(scope.SCOPE_FILE, thresholds)
        print(f"wrote {scope.SCOPE_FILE}")
    return 0
