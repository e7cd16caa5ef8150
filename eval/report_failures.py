"""The report's failure lists: what each failed case got wrong, held-out queries kept back unless asked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eval.gold import CATEGORIES, GoldCase
from eval.metrics import (
    CaseScore,
    SourceIndex,
    citation_problems,
    direction_titles,
    normalize,
    presented,
    referenced_citations,
)
from eval.report_tables import markdown_table
from eval.runner import SystemResult


def what_went_wrong(
    case: GoldCase, score: CaseScore, resp: Mapping[str, Any], source: SourceIndex
) -> list[str]:
    """Short notes on each measure the case failed (empty when it passed them all)."""
    if "error" in resp:
        return [f"error line: {str(resp['error'])[:80]}"]
    e = case.expected
    shown_dirs, shown_progs = presented(resp)
    out: list[str] = []
    if score.expect_oos != score.predict_oos:
        out.append("declined" if score.predict_oos else "not declined")
    if score.type_ok is False:
        out.append(f"type {resp.get('type')} (expected {score.qtype})")
    if score.dir_hit3 is False and not score.predict_oos:
        out.append(f"top 3 {direction_titles(resp)[:3]} lack {list(e.directions)}")
    elif score.shown_hit is False and not score.predict_oos:
        out.append(f"presented {shown_dirs} (expected {list(e.directions)})")
    elif score.presented_precision is not None and score.presented_precision < 1 and shown_dirs:
        out.append(f"presented also {[d for d in shown_dirs if d not in e.directions]}")
    if score.multi_all is False:
        out.append(f"not all presented: {[d for d in e.directions if d not in shown_dirs]}")
    if score.prog_hit3 is False:
        out.append(f"programs {list(e.programs)} not in top 3")
    if score.prog_precision is not None and score.prog_precision < 1:
        out.append(f"programs presented also {[p for p in shown_progs if p not in e.programs]}")
    if score.followup_ok is False:
        out.append("follow-up: presented " + str([*shown_dirs, *shown_progs]))
    if score.fact_ok is False:
        text = normalize(str(resp.get("answer") or ""))
        out.append(f"facts missing: {[f for f in e.facts if normalize(f) not in text]}")
    if score.lead_ok is False:
        out.append("lead does not answer")
    if score.absent_ok is False:
        out.append("repeats injected text")
    if score.not_covered_ok is False:
        out.append("uncovered part not reported")
    if score.citation_ok is False:
        used = referenced_citations(resp)
        cites = resp.get("citations") or []
        problems = [p for i, c in enumerate(cites, 1) for p in citation_problems(c, source, i in used)]
        out.append("citations: " + (", ".join(sorted(set(problems))) if problems else "none"))
    return out


def _failures(
    result: SystemResult, cases: Sequence[GoldCase], split: str, source: SourceIndex
) -> list[tuple[GoldCase, CaseScore, list[str]]]:
    out = []
    for case, score, resp in zip(cases, result.scores, result.run.responses, strict=True):
        if case.split == split and (wrong := what_went_wrong(case, score, resp, source)):
            out.append((case, score, wrong))
    return out


def dev_failure_lines(result: SystemResult, cases: Sequence[GoldCase], source: SourceIndex) -> list[str]:
    rows = [
        [case.id, case.category, score.qtype, case.lang, "; ".join(wrong)]
        for case, score, wrong in _failures(result, cases, "dev", source)
    ]
    return markdown_table(["id", "category", "type", "lang", "what was wrong"], rows) if rows else ["None."]


def heldout_failure_lines(
    result: SystemResult, cases: Sequence[GoldCase], source: SourceIndex, show: bool
) -> list[str]:
    failures = _failures(result, cases, "heldout", source)
    n = sum(c.split == "heldout" for c in cases)
    head = f"{len(failures)} of {n} held-out cases failed at least one measure."
    if not show:
        per_category: dict[str, int] = {}
        for case, _, _ in failures:
            per_category[case.category] = per_category.get(case.category, 0) + 1
        counts = ", ".join(f"{c} {per_category[c]}" for c in CATEGORIES if c in per_category)
        return [
            f"{head} Per category: {counts or 'none'}. Which cases and their queries are listed only by "
            "`python -m eval report --show-heldout-failures` (the final reporting run), so that this file "
            "can be read while working without seeing held-out questions."
        ]
    rows = [[case.id, case.category, case.query, "; ".join(wrong)] for case, _, wrong in failures]
    return [
        head,
        "",
        *(markdown_table(["id", "category", "query", "what was wrong"], rows) if rows else ["None."]),
    ]
