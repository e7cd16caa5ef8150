"""The Markdown tables of eval/report.md (and the console view's columns): metrics per system and
split, pipeline − baseline margins, the baselines' gates, per type / language / category, systems.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.aggregate import METRIC_KEYS, grouped
from eval.gold import CATEGORIES, SPLITS
from eval.metrics import CaseScore
from eval.runner import SystemResult

REPO_ROOT = Path(__file__).resolve().parent.parent  # files are named relative to it in the report
SPLIT_LABEL = {"dev": "dev", "heldout": "held-out"}
CATEGORY_JA = {
    "direction": "普通の相談",
    "colloquial": "くだけた口調",
    "hiragana": "ひらがな",
    "typo": "誤字",
    "romaji": "ローマ字",
    "english": "英語",
    "multi": "複数の悩み",
    "fact": "数字・事例",
    "survey": "調査の数字",
    "case": "企業例・支援策",
    "structure": "文書の構成",
    "followup": "続けての質問",
    "partial": "一部が対象外",
    "hidden_injection": "指示が紛れた相談",
    "near_domain": "近いが対象外",
    "out_of_scope": "対象外",
    "injection": "指示無視",
}
TYPE_JA = {
    "problem": "悩みの相談",
    "survey": "調査",
    "case": "企業例・支援策",
    "structure": "文書の構成",
    "out_of_scope": "対象外",
    "instruction": "ボットへの指示",
}
LANG_JA = {"ja": "日本語", "en": "英語"}
QUALITY_KEYS = tuple(k for k in METRIC_KEYS if not k.startswith("latency"))
CATEGORY_COLUMNS = (
    "type_acc",
    "dir_hit@3",
    "shown_hit",
    "presented_precision",
    "prog_precision",
    "fact_acc",
    "lead_acc",
    "multi_all",
    "followup_acc",
    "not_covered_ok",
    "absent_ok",
    "oos_accuracy",
    "citation_ok",
)
HEADLINE_MARGINS = ("dir_hit@3", "dir_hit@3_answered", "shown_hit", "presented_precision", "oos_accuracy")


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _numeric(column: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in column)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A Markdown table; columns of numbers are right-aligned, the others left-aligned."""
    align = ["---:" if i and rows and _numeric([r[i] for r in rows]) else "---" for i in range(len(header))]
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(_cell(fmt(v)) for v in row) + " |" for row in rows]
    return out


def split_columns(data: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(system/split, its metrics) for every system and every split the run scored."""
    systems = [("pipeline", data), *data.get("baselines", {}).items()]
    return [
        (f"{name}/{split}", result["by_split"][split])
        for name, result in systems
        for split in SPLITS
        if split in result.get("by_split", {})
    ]


def in_split(scores: Sequence[CaseScore], split: str) -> list[CaseScore]:
    return [s for s in scores if s.split == split]


def metrics_table(results: Mapping[str, Any]) -> list[str]:
    """Every metric, for the pipeline and each baseline, dev and held-out side by side."""
    columns = split_columns(results)
    header = ["metric", *[f"{c.replace('/heldout', '/held-out')} (n={m.get('n', 0)})" for c, m in columns]]
    return markdown_table(header, [[key, *[m.get(key) for _, m in columns]] for key in METRIC_KEYS])


def margins_table(results: Mapping[str, Any]) -> list[str]:
    rows = []
    for name, b in results["baselines"].items():
        for key in HEADLINE_MARGINS:
            row: list[Any] = [name, key]
            for split in SPLITS:
                p = results["by_split"].get(split, {}).get(key)
                q = b["by_split"].get(split, {}).get(key)
                row.append(f"{p - q:+.3f} ({fmt(p)} vs {fmt(q)})" if p is not None and q is not None else "–")
            rows.append(row)
    return markdown_table(
        ["baseline", "metric", *[f"{SPLIT_LABEL[s]}: pipeline − baseline" for s in SPLITS]], rows
    )


def gates_table() -> list[str]:
    from eval.baselines.gates import GATES_FILE, load_gates

    try:
        gates = load_gates().gates
    except ValueError as exc:
        return [f"No gates: {exc}"]
    rows = [
        [name, g.signal, f"{g.gate:.4f}", g.dev_accuracy, g.dev_cases, g.fitted_with or "–"]
        for name, g in gates.items()
    ]
    return [
        f"From `{GATES_FILE.relative_to(REPO_ROOT)}` (`python -m eval baselines-calibrate`, dev split only):",
        "",
        *markdown_table(
            [
                "baseline",
                "signal",
                "gate",
                "dev accuracy of the in-scope decision",
                "dev cases",
                "fitted with",
            ],
            rows,
        ),
    ]


def _group_columns(
    scores: Sequence[CaseScore], key: Callable[[CaseScore], str], order: Sequence[str]
) -> list[tuple[str, Mapping[str, Any]]]:
    groups = grouped(scores, key)
    return [(name, groups[name]) for name in order if name in groups]


def transposed_table(columns: Sequence[tuple[str, Mapping[str, Any]]], first: str = "metric") -> list[str]:
    """Rows = quality metrics that apply to some column; columns = the groups."""
    if not columns:
        return ["No cases."]
    rows = [[key, *[m.get(key) for _, m in columns]] for key in QUALITY_KEYS]
    rows = [r for r in rows if any(v is not None for v in r[1:])]
    return markdown_table([first, *[f"{name} (n={m['n']})" for name, m in columns]], rows)


def type_table(result: SystemResult, split: str) -> list[str]:
    types = list(TYPE_JA)
    columns = _group_columns(in_split(result.scores, split), lambda s: s.qtype, types)
    return transposed_table([(f"{TYPE_JA[t]} {t}", m) for t, m in columns])


def language_table(result: SystemResult) -> list[str]:
    columns = [
        (f"{LANG_JA[lang]} {lang} / {SPLIT_LABEL[split]}", m)
        for split in SPLITS
        for lang, m in _group_columns(in_split(result.scores, split), lambda s: s.lang, ("ja", "en"))
    ]
    return transposed_table(columns)


def category_table(result: SystemResult, split: str) -> list[str]:
    columns = _group_columns(in_split(result.scores, split), lambda s: s.category, CATEGORIES)
    if not columns:
        return ["No cases."]
    rows = [[f"{CATEGORY_JA[c]} ({c})", m["n"], *[m.get(k) for k in CATEGORY_COLUMNS]] for c, m in columns]
    return markdown_table(["category", "n", *CATEGORY_COLUMNS], rows)


def systems_table(results: Mapping[str, Any]) -> list[str]:
    rows = []
    for name, run in results["runs"].items():
        m = results["metrics"] if name == "pipeline" else results["baselines"][name]
        load = run.get("load_avg") or ["–", "–"]
        rows.append(
            [
                name,
                f"`{run['command']}`",
                run["cold_start_ms"],
                run["peak_rss_mb"],
                m.get("latency_p50_ms"),
                m.get("latency_p95_ms"),
                f"{load[0]} → {load[1]}",
            ]
        )
    return markdown_table(
        ["system", "command", "cold start ms", "peak RSS MiB", "p50 ms", "p95 ms", "load avg"], rows
    )
