"""Scoring one system's JSON answers against the gold set (pure functions only).

A *response* is one object exactly as ``python -m bot ask --jsonl`` prints it. Every
metric reads only that JSON, so baselines that print the same shape score identically.

Definitions (also in eval/report.md):

- directions: the ranked ``directions[].title`` list. hit@k = any expected direction in
  the first k; reciprocal rank = 1/rank of the first expected direction found (0 if none).
  Scored on cases that are in scope and expect at least one direction; ``dir_hit@3_answered``
  is the same over the cases the system did not decline (ranking without the scope gate).
- presented precision: share of the directions the answer presents (``directions[:primary]``)
  that are expected; 0 when it presents none. hit@3 rewards showing three; this does not.
- programs hit@3: any expected program in ``programs[:3]``; cases that expect programs.
- facts: every expected string occurs in ``answer`` after NFKC and whitespace removal.
- multi recall@5: share of the expected directions found in ``directions[:5]``; multi cases.
- out of scope: the positive class is "expected in_scope false"; predicted positive is
  ``in_scope`` false. An error line counts as not declined. ``oos_accuracy`` is the share
  of all cases whose in-scope decision matches the gold one.
- citations: see ``citation_problems``. An answer is scored when it is in scope and either
  presents a direction (``primary`` > 0) or cites something; it is correct when it has at
  least one citation and every citation passes.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

Response = Mapping[str, Any]

SURVEY_KINDS_PREFIX = "survey_"
CASE_KINDS_PREFIX = "case_"


def compact(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def normalize(text: str) -> str:
    """NFKC, then no whitespace: how fact strings are compared with answers."""
    return compact(unicodedata.normalize("NFKC", text))


# -- reading a response -------------------------------------------------------------------
def direction_titles(resp: Response) -> list[str]:
    return [str(d.get("title", "")) for d in resp.get("directions") or []]


def program_names(resp: Response) -> list[str]:
    return [str(p.get("name", "")) for p in resp.get("programs") or []]


def declined(resp: Response) -> bool:
    """The system said "not something I can answer"; an error line did not say so."""
    return "error" not in resp and resp.get("in_scope") is False


# -- per-case measures --------------------------------------------------------------------
def hit_at(expected: Sequence[str], ranked: Sequence[str], k: int) -> bool:
    return any(e in ranked[:k] for e in expected)


def reciprocal_rank(expected: Sequence[str], ranked: Sequence[str]) -> float:
    wanted = set(expected)
    return next((1.0 / i for i, r in enumerate(ranked, start=1) if r in wanted), 0.0)


def recall_at(expected: Sequence[str], ranked: Sequence[str], k: int) -> float:
    if not expected:
        return 0.0
    top = set(ranked[:k])
    return sum(e in top for e in expected) / len(expected)


def presented_precision(expected: Sequence[str], resp: Response) -> float:
    """Share of the directions the answer presents (the first ``primary``) that are expected."""
    shown = direction_titles(resp)[: int(resp.get("primary") or 0)]
    return sum(t in expected for t in shown) / len(shown) if shown else 0.0


def facts_present(facts: Sequence[str], answer: str) -> bool:
    text = normalize(answer)
    return all(normalize(f) in text for f in facts)


@dataclass(frozen=True)
class SourceIndex:
    """The source text and its whitespace-free form, prepared once per run."""

    text: str
    compact_text: str

    @classmethod
    def of(cls, text: str) -> SourceIndex:
        return cls(text, compact(text))


def citation_problems(
    cite: Mapping[str, Any],
    source: SourceIndex,
    directions: Sequence[str],
    programs: Sequence[str],
    survey_shown: bool,
    case_programs: Mapping[str, Iterable[str]],
) -> list[str]:
    """Why a citation is wrong (empty when it is right).

    1. ``text`` occurs in the source, whitespace ignored;
    2. ``source[span]`` is that same text, whitespace ignored;
    3. it belongs to the answer: its ``direction`` is one of the returned directions, or its
       ``program`` one of the returned programs; a citation naming neither is accepted only
       as a fact passage: a ``survey_*`` passage when the answer reports survey figures, or
       a ``case_*`` passage of a company that used one of the returned programs
       (``case_programs``: chunk id -> the programs of that chunk's case).
    """
    problems: list[str] = []
    quote = compact(str(cite.get("text", "")))
    if not quote:
        problems.append("empty text")
    elif quote not in source.compact_text:
        problems.append("text not in source")
    span = cite.get("span") or []
    if len(span) != 2 or not (0 <= int(span[0]) < int(span[1]) <= len(source.text)):
        problems.append(f"bad span {span}")
    elif compact(source.text[int(span[0]) : int(span[1])]) != quote:
        problems.append("span does not match text")
    d, p, kind = (
        str(cite.get("direction") or ""),
        str(cite.get("program") or ""),
        str(cite.get("kind", "")),
    )
    if d or p:
        if not ((d and d in directions) or (p and p in programs)):
            problems.append(f"cites {d or p!r}, which the answer does not return")
    elif kind.startswith(SURVEY_KINDS_PREFIX):
        if not survey_shown:
            problems.append("survey passage in an answer without survey figures")
    elif kind.startswith(CASE_KINDS_PREFIX):
        used = set(case_programs.get(str(cite.get("chunk_id", "")), ()))
        if not used & set(programs):
            problems.append("case passage of a company using none of the returned programs")
    else:
        problems.append(f"{kind or 'unknown'} passage tied to no direction or program")
    return problems


def answer_citations_ok(
    resp: Response, source: SourceIndex, case_programs: Mapping[str, Iterable[str]]
) -> bool | None:
    """None when the answer has nothing to cite (declined, clarifying question)."""
    cites = resp.get("citations") or []
    if declined(resp) or "error" in resp or not (int(resp.get("primary") or 0) > 0 or cites):
        return None
    if not cites:
        return False
    dirs, progs, survey = direction_titles(resp), program_names(resp), bool(resp.get("survey"))
    return all(not citation_problems(c, source, dirs, progs, survey, case_programs) for c in cites)


# -- one case -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseScore:
    """Each measure is None when it does not apply to the case."""

    id: str
    split: str
    category: str
    expect_oos: bool
    predict_oos: bool
    dir_hit1: bool | None = None
    dir_hit3: bool | None = None
    dir_rr: float | None = None
    presented_precision: float | None = None
    prog_hit3: bool | None = None
    fact_ok: bool | None = None
    multi_recall5: float | None = None
    citation_ok: bool | None = None
    latency_ms: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Expectation:
    """What the scorer needs of a gold case (keeps this module free of the gold loader)."""

    id: str
    split: str
    category: str
    in_scope: bool
    directions: tuple[str, ...]
    programs: tuple[str, ...]
    facts: tuple[str, ...]


def score_case(
    exp: Expectation,
    resp: Response,
    source: SourceIndex,
    case_programs: Mapping[str, Iterable[str]],
    latency_ms: float | None = None,
) -> CaseScore:
    dirs, progs = direction_titles(resp), program_names(resp)
    wants_dirs = exp.in_scope and bool(exp.directions)
    return CaseScore(
        id=exp.id,
        split=exp.split,
        category=exp.category,
        expect_oos=not exp.in_scope,
        predict_oos=declined(resp),
        dir_hit1=hit_at(exp.directions, dirs, 1) if wants_dirs else None,
        dir_hit3=hit_at(exp.directions, dirs, 3) if wants_dirs else None,
        dir_rr=reciprocal_rank(exp.directions, dirs) if wants_dirs else None,
        presented_precision=presented_precision(exp.directions, resp) if wants_dirs else None,
        prog_hit3=hit_at(exp.programs, progs, 3) if exp.programs else None,
        fact_ok=facts_present(exp.facts, str(resp.get("answer") or "")) if exp.facts else None,
        multi_recall5=recall_at(exp.directions, dirs, 5) if exp.category == "multi" else None,
        citation_ok=answer_citations_ok(resp, source, case_programs),
        latency_ms=latency_ms,
    )


# -- aggregation --------------------------------------------------------------------------
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
    "dir_hit@1",
    "dir_hit@3",
    "dir_hit@3_answered",
    "dir_mrr",
    "presented_precision",
    "prog_hit@3",
    "fact_acc",
    "multi_recall@5",
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
        "dir_hit@1": mean(s.dir_hit1 for s in scores),
        "dir_hit@3": mean(s.dir_hit3 for s in scores),
        # the same, over the cases the system answered: separates ranking from the scope gate
        "dir_hit@3_answered": mean(s.dir_hit3 for s in scores if not s.predict_oos),
        "dir_mrr": mean(s.dir_rr for s in scores),
        "presented_precision": mean(s.presented_precision for s in scores),
        "prog_hit@3": mean(s.prog_hit3 for s in scores),
        "fact_acc": mean(s.fact_ok for s in scores),
        "multi_recall@5": mean(s.multi_recall5 for s in scores),
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
