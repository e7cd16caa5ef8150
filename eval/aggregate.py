"""Case scores -> the metrics of a group of cases: means, latency percentiles, decline precision.

Each metric's definition is in eval.metrics' docstring, next to the per-case measure it averages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: eval.metrics re-exports percentile from here
    from eval.metrics import CaseScore


def mean(values: Iterable[float | bool | None]) -> float | None:
    got = [float(v) for v in values if v is not None]
    return sum(got) / len(got) if got else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def oos_precision_recall(pairs: Iterable[tuple[bool, bool]]) -> tuple[float | None, float | None]:
    """(expected out of scope, predicted out of scope) pairs -> precision, recall."""
    tp = fp = fn = 0
    for expected, predicted in pairs:
        tp += expected and predicted
        fp += predicted and not expected
        fn += expected and not predicted
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


METRIC_KEYS = (
    "type_acc",
    "dir_hit@1",
    "dir_hit@3",
    "dir_hit@3_answered",
    "dir_mrr",
    "shown_hit",
    "presented_precision",
    "prog_hit@3",
    "prog_precision",
    "fact_acc",
    "lead_acc",
    "absent_ok",
    "not_covered_ok",
    "multi_all",
    "followup_acc",
    "english_answered",
    "oos_precision",
    "oos_recall",
    "oos_accuracy",
    "citation_ok",
    "latency_p50_ms",
    "latency_p95_ms",
)


def summarize(scores: Sequence[CaseScore]) -> dict[str, float | int | None]:
    """Metrics over a set of case scores; a metric with no applicable case is None."""
    precision, recall = oos_precision_recall((s.expect_oos, s.predict_oos) for s in scores)
    latencies = [s.latency_ms for s in scores if s.latency_ms is not None]
    out: dict[str, float | int | None] = {
        "type_acc": mean(s.type_ok for s in scores),
        "dir_hit@1": mean(s.dir_hit1 for s in scores),
        "dir_hit@3": mean(s.dir_hit3 for s in scores),
        # the same, over the cases the system answered: separates ranking from the scope gate
        "dir_hit@3_answered": mean(s.dir_hit3 for s in scores if not s.predict_oos),
        "dir_mrr": mean(s.dir_rr for s in scores),
        "shown_hit": mean(s.shown_hit for s in scores),
        "presented_precision": mean(s.presented_precision for s in scores),
        "prog_hit@3": mean(s.prog_hit3 for s in scores),
        "prog_precision": mean(s.prog_precision for s in scores),
        "fact_acc": mean(s.fact_ok for s in scores),
        "lead_acc": mean(s.lead_ok for s in scores),
        "absent_ok": mean(s.absent_ok for s in scores),
        "not_covered_ok": mean(s.not_covered_ok for s in scores),
        "multi_all": mean(s.multi_all for s in scores),
        "followup_acc": mean(s.followup_ok for s in scores),
        "english_answered": mean(s.answered_en for s in scores),
        "oos_precision": precision,
        "oos_recall": recall,
        "oos_accuracy": mean(s.expect_oos == s.predict_oos for s in scores),
        "citation_ok": mean(s.citation_ok for s in scores),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


def grouped(
    scores: Sequence[CaseScore], key: Callable[[CaseScore], str]
) -> dict[str, dict[str, float | int | None]]:
    groups: dict[str, list[CaseScore]] = {}
    for s in scores:
        groups.setdefault(key(s), []).append(s)
    return {name: {"n": len(group), **summarize(group)} for name, group in groups.items()}
