"""One evaluation run: ask each system every gold query, score, and assemble the results."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from corpus.load import Corpus, load_corpus
from eval.aggregate import grouped, summarize
from eval.gold import GoldCase, coverage
from eval.metrics import CaseScore, Expectation, SourceIndex, score_case
from eval.systems import RunOutput, SystemSpec, run_system


def expectation(case: GoldCase) -> Expectation:
    e = case.expected
    return Expectation(
        case.id,
        case.split,
        case.category,
        e.in_scope,
        tuple(e.directions),
        tuple(e.programs),
        tuple(e.facts),
        qtype=case.question_type,
        lang=case.lang,
        lead=tuple(e.lead),
        absent=tuple(e.absent),
        not_covered=e.not_covered,
    )


def request(case: GoldCase) -> dict[str, Any]:
    """The ``--jsonl`` line for a case: its query, and its conversation so far."""
    return {"query": case.query, "history": list(case.history)} if case.history else {"query": case.query}


@dataclass
class SystemResult:
    spec: SystemSpec
    run: RunOutput
    scores: list[CaseScore]

    def summary(self) -> dict[str, Any]:
        return {
            **summarize(self.scores),
            "by_split": grouped(self.scores, lambda s: s.split),
            "by_category": grouped(self.scores, lambda s: s.category),
            "by_type": grouped(self.scores, lambda s: s.qtype),
            "by_lang": grouped(self.scores, lambda s: s.lang),
        }


def evaluate(spec: SystemSpec, cases: Sequence[GoldCase], corpus: Corpus) -> SystemResult:
    print(f"[eval] running {spec.name}: {spec.describe()}", file=sys.stderr, flush=True)
    run = run_system(spec, [request(c) for c in cases])
    source = SourceIndex.of(corpus.source.text)
    scores = [
        score_case(expectation(c), resp, source, ms)
        for c, resp, ms in zip(cases, run.responses, run.latencies_ms, strict=True)
    ]
    return SystemResult(spec, run, scores)


def results_json(
    cases: Sequence[GoldCase],
    pipeline: SystemResult,
    baselines: Sequence[SystemResult],
    corpus: Corpus | None = None,
) -> dict[str, Any]:
    """The ``python -m eval run --json`` object."""
    corpus = corpus or load_corpus()
    dirs, progs = coverage(cases)
    all_dirs, all_progs = (
        corpus.document.direction_titles(),
        [p.name for p in corpus.document.programs],
    )
    main = pipeline.summary()
    return {
        "n": len(cases),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "coverage": {
            "directions": sum(d in dirs for d in all_dirs),
            "directions_total": len(all_dirs),
            "programs": sum(p in progs for p in all_progs),
            "programs_total": len(all_progs),
        },
        "metrics": {k: v for k, v in main.items() if not k.startswith("by_")},
        "by_split": main["by_split"],
        "by_category": main["by_category"],
        "by_type": main["by_type"],
        "by_lang": main["by_lang"],
        "baselines": {b.spec.name: b.summary() for b in baselines},
        "runs": {
            r.spec.name: {
                "command": r.spec.describe(),
                "cold_start_ms": round(r.run.cold_start_ms, 1),
                "peak_rss_mb": round(r.run.peak_rss_mb, 1) if r.run.peak_rss_mb else None,
                "returncode": r.run.returncode,
                "load_avg": [round(r.run.load_before, 2), round(r.run.load_after, 2)],
            }
            for r in (pipeline, *baselines)
        },
    }
