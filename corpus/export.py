"""The structured corpus as plain data (``python -m corpus --json``) and as a summary."""

from __future__ import annotations

from typing import Any

from corpus.load import Corpus


def to_json(corpus: Corpus) -> dict[str, Any]:
    doc = corpus.document
    data = doc.model_dump(mode="json")
    for program in data["programs"]:
        program["cases"] = [c.company for c in doc.cases_using(program["name"])]
        program["directions_curated"] = corpus.aids.programs[program["name"]].directions
    for case in data["cases"]:
        case.pop("program_list", None)
        case.pop("program_list_occurrence", None)
    data["units"] = [
        {"kind": u.kind, "field": u.field, "text": u.text, "span": u.span.as_list(), "quote": corpus.quote(u)}
        for u in corpus.units
    ]
    data["counts"] = counts(corpus)
    return data


def counts(corpus: Corpus) -> dict[str, int]:
    doc = corpus.document
    return {
        "strategies": len(doc.strategies),
        "directions": len(doc.direction_titles()),
        "cases": len(doc.cases),
        "programs": len(doc.programs),
        "units": len(corpus.units),
    }


def summary(corpus: Corpus) -> str:
    doc = corpus.document
    lines = [f"『{doc.source.title}』 ({corpus.source.path.name}, sha256 {corpus.source.sha256[:12]}…)"]
    lines.append("  " + ", ".join(f"{k}: {v}" for k, v in counts(corpus).items()))
    for strat in doc.strategies:
        lines.append(f"戦略{strat.numeral} {strat.title}")
        lines.extend(f"  - {d.title} ({len(d.items)} items)" for d in strat.directions)
    lines.append("企業例 / cases:")
    lines.extend(f"  - {c.label}: {'、'.join(c.programs)}" for c in doc.cases)
    sv = doc.survey
    lines.append(f"{sv.title}: {sv.period}, {sv.respondents:,}社, {len(sv.tables)} tables")
    return "\n".join(lines)
