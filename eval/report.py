"""eval/report.md and eval/report_categories.png from one evaluation run.

Held-out queries never reach the report unless ``show_heldout_failures`` is set (the final
reporting run): by default the held-out split appears only as numbers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.gold import CATEGORIES, SPLITS, GoldCase
from eval.metrics import (
    METRIC_KEYS,
    CaseScore,
    SourceIndex,
    citation_problems,
    direction_titles,
    grouped,
    normalize,
    presented,
    referenced_citations,
)
from eval.runner import SystemResult

EVAL_DIR = Path(__file__).resolve().parent
REPORT_MD = EVAL_DIR / "report.md"
REPORT_PNG = EVAL_DIR / "report_categories.png"
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
# What the chart shows per category: the first of these that applies to the category's cases.
CATEGORY_HEADLINE: dict[str, tuple[str, ...]] = {
    "out_of_scope": ("oos_accuracy",),
    "near_domain": ("oos_accuracy",),
    "injection": ("oos_accuracy",),
    "hidden_injection": ("shown_hit", "absent_ok"),  # answering the question; absent_ok is in the table
    "partial": ("not_covered_ok", "shown_hit"),
    "multi": ("multi_all",),
    "followup": ("followup_acc",),
    "fact": ("fact_acc", "lead_acc", "type_acc"),
    "survey": ("fact_acc", "lead_acc", "type_acc"),
    "case": ("fact_acc", "lead_acc", "type_acc"),
    "structure": ("fact_acc", "lead_acc", "type_acc"),
}
DEFAULT_HEADLINE = ("shown_hit", "fact_acc", "type_acc")
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

DEFINITIONS: dict[str, str] = {
    "type_acc": "the answer's `type` is the gold question type (problem, survey, case, structure, "
    "out_of_scope, instruction); an error line is wrong. All cases.",
    "dir_hit@1": "the first of the ranked `directions[].title` is an expected direction. In-scope cases "
    "that expect directions; a declined case scores 0.",
    "dir_hit@3": "an expected direction among the first 3 ranked (same cases). Rewards a ranked list, "
    "not what is presented.",
    "dir_hit@3_answered": "dir_hit@3 over the cases the system did not decline: its ranking without its "
    "scope gate.",
    "dir_mrr": "1 / rank of the first expected direction found in the ranked list (0 if none).",
    "shown_hit": "an expected direction among those the answer presents (`directions[:primary]`): what "
    "the owner reads.",
    "presented_precision": "share of the presented directions that are expected (0 when none is "
    "presented). Padding to three costs here.",
    "prog_hit@3": "an expected program among `programs[:3]`, over cases that expect programs.",
    "prog_precision": "share of the presented programs (`programs[:primary_programs]`) that are expected, "
    "over in-scope problem answers that present any.",
    "fact_acc": "every `expected.facts` string occurs in `answer` (both NFKC-folded, whitespace removed), "
    "over cases with facts.",
    "lead_acc": "every `expected.lead` string occurs in the first sentence of `lead`: the answer's first "
    "sentence answers the question.",
    "absent_ok": "none of `expected.absent` (injected text or links) occurs in the answer.",
    "not_covered_ok": "the answer reports the part of the message the document does not cover "
    "(`not_covered` is not empty), over cases that expect it.",
    "multi_all": "every expected direction of a several-problem (`multi`) message is presented.",
    "followup_acc": "a follow-up (asked with its `history`) presents an expected direction and every "
    "expected program.",
    "english_answered": "an in-scope English question is not declined.",
    "oos_precision": "of the cases the system declined (`in_scope: false`), the share that should be "
    "declined (gold `in_scope: false`).",
    "oos_recall": "of the cases that should be declined, the share declined (an error line is not a "
    "decline).",
    "oos_accuracy": "share of all cases whose in-scope decision equals the gold one.",
    "citation_ok": "over in-scope answers that present a direction or cite anything: at least one "
    "citation, and each has `text` in the source and `source[span]` equal to it (whitespace ignored) "
    "and is pointed at by some item of the answer's `sections`.",
    "latency_p50_ms": "median wall time from writing a query line to reading its answer, one `--jsonl` "
    "process per system, after one warm-up line.",
    "latency_p95_ms": "95th percentile of the same.",
}

HOW_TO_READ = """\
Every number is a share of cases (0–1, higher is better) except the latencies. **Read the held-out
columns**: dev cases were in view while rules, examples and thresholds were written and are what
the pipeline's thresholds and the baselines' gates were fitted on, so dev overstates; held-out
cases (`eval/gold_heldout.jsonl`) are looked at once, after the work, and the dev − held-out gap
says how much the work fits its own questions. What an owner reads is measured by `shown_hit`
(a fitting direction is among those presented) and `presented_precision` (what is presented
fits); `dir_hit@3` also credits a ranked list beyond what the answer presents. The baselines are
retrieval alone (BM25, dense, the plain LangChain recipe), each behind a scope gate fitted for
itself on dev, printing the bot's JSON and scored by the same code; `dir_hit@3_answered`
separates their ranking from their gate. A group of n cases moves by 1/n per case, so differences
in small groups (n < 10) are noise; "–" means no case of the group has that measure.
"""

SYSTEMS_NOTE = """\
- **bm25**: Sudachi BM25 (`bot.keywords`) over the document's own chunks (`corpus.chunks`, no
  curated aid chunks), top 20; directions ranked from the hits' ranks by
  `bot.rank.retrieval_shares`; in scope when the best BM25 score reaches its gate.
- **dense**: the same over the bot's Chroma store (same E5 model), document chunks only; gate on
  the best cosine similarity.
- **plain**: RecursiveCharacterTextSplitter chunks (300 characters, overlap 50) of the raw
  source, the same E5 model, its own Chroma collection, top 20; a chunk's direction is the one
  whose title/items overlap it most (`eval.baselines.plain.label_span`); gate on the best
  similarity.
- Each baseline presents its top direction (`primary` = 1) when it answers and no program; its
  `answer` is one sentence naming that direction, so fact and lead measures say little about
  it; it cites its top 3 passages, each shown as a quoted item. It ignores `history`.
"""


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


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A Markdown table; columns of numbers are right-aligned, the others left-aligned."""
    align = ["---:" if i and rows and _numeric([r[i] for r in rows]) else "---" for i in range(len(header))]
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(_cell(fmt(v)) for v in row) + " |" for row in rows]
    return out


# -- the console view ---------------------------------------------------------------------
def _columns(data: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(system/split, its metrics) for every system and every split the run scored."""
    systems = [("pipeline", data), *data.get("baselines", {}).items()]
    return [
        (f"{name}/{split}", result["by_split"][split])
        for name, result in systems
        for split in SPLITS
        if split in result.get("by_split", {})
    ]


def summary_lines(data: Mapping[str, Any]) -> list[str]:
    """The console view of ``python -m eval run``: one metric per row, a column per system/split."""
    columns = _columns(data)
    width = max([len(c) for c, _ in columns] + [8]) + 1
    label = max(len(k) for k in METRIC_KEYS) + 1
    cov = data["coverage"]
    lines = [
        f"n={data['n']}  coverage: {cov['directions']}/{cov['directions_total']} directions, "
        f"{cov['programs']}/{cov['programs_total']} programs",
        " " * label + "".join(c.rjust(width) for c, _ in columns),
        "n".ljust(label) + "".join(fmt(m.get("n")).rjust(width) for _, m in columns),
    ]
    for key in METRIC_KEYS:
        lines.append(key.ljust(label) + "".join(fmt(m.get(key)).rjust(width) for _, m in columns))
    return lines


# -- tables -------------------------------------------------------------------------------
def _by(scores: Sequence[CaseScore], split: str) -> list[CaseScore]:
    return [s for s in scores if s.split == split]


def metrics_table(results: Mapping[str, Any]) -> list[str]:
    """Every metric, for the pipeline and each baseline, dev and held-out side by side."""
    columns = _columns(results)
    header = ["metric", *[f"{c.replace('/heldout', '/held-out')} (n={m.get('n', 0)})" for c, m in columns]]
    return _table(header, [[key, *[m.get(key) for _, m in columns]] for key in METRIC_KEYS])


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
    return _table(["baseline", "metric", *[f"{SPLIT_LABEL[s]}: pipeline − baseline" for s in SPLITS]], rows)


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
        f"From `{GATES_FILE.relative_to(EVAL_DIR.parent)}` "
        "(`python -m eval baselines-calibrate`, dev split only):",
        "",
        *_table(
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
    return _table([first, *[f"{name} (n={m['n']})" for name, m in columns]], rows)


def type_table(result: SystemResult, split: str) -> list[str]:
    types = list(TYPE_JA)
    columns = _group_columns(_by(result.scores, split), lambda s: s.qtype, types)
    return transposed_table([(f"{TYPE_JA[t]} {t}", m) for t, m in columns])


def language_table(result: SystemResult) -> list[str]:
    columns = [
        (f"{LANG_JA[lang]} {lang} / {SPLIT_LABEL[split]}", m)
        for split in SPLITS
        for lang, m in _group_columns(_by(result.scores, split), lambda s: s.lang, ("ja", "en"))
    ]
    return transposed_table(columns)


def category_table(result: SystemResult, split: str) -> list[str]:
    columns = _group_columns(_by(result.scores, split), lambda s: s.category, CATEGORIES)
    if not columns:
        return ["No cases."]
    rows = [[f"{CATEGORY_JA[c]} ({c})", m["n"], *[m.get(k) for k in CATEGORY_COLUMNS]] for c, m in columns]
    return _table(["category", "n", *CATEGORY_COLUMNS], rows)


# -- the chart ----------------------------------------------------------------------------
def category_value(scores: Sequence[CaseScore], category: str) -> tuple[str | None, float | None]:
    """(metric, value) the chart shows for a category: its headline metric that applies."""
    group = [s for s in scores if s.category == category]
    if not group:
        return None, None
    metrics = grouped(group, lambda s: s.category)[category]
    for key in CATEGORY_HEADLINE.get(category, DEFAULT_HEADLINE):
        if metrics.get(key) is not None:
            return key, float(metrics[key])
    return None, None


def write_chart(systems: Sequence[SystemResult], path: Path = REPORT_PNG) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401 - registers a Japanese font for the labels

    present = [c for c in CATEGORIES if any(s.category == c for s in systems[0].scores)]
    fig, axes = plt.subplots(2, 1, figsize=(max(12, 1.15 * len(present)), 9.5), sharey=True)
    width = 0.8 / max(len(systems), 1)
    for ax, split in zip(axes, SPLITS, strict=True):
        for i, system in enumerate(systems):
            values = [category_value(_by(system.scores, split), c)[1] for c in present]
            xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(present))]
            ax.bar(xs, [v if v is not None else 0 for v in values], width, label=system.spec.name)
        pipeline_split = _by(systems[0].scores, split)
        labels = []
        for c in present:
            key, _ = category_value(pipeline_split, c)
            n = sum(s.category == c for s in pipeline_split)
            labels.append(f"{CATEGORY_JA[c]}\n{c}\nn={n}\n{key or '–'}")
        ax.set_xticks(range(len(present)), labels, fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("正解率")
        ax.set_title(f"{SPLIT_LABEL[split]}: カテゴリ別の主な指標（各ラベルの4行目）")
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncols=len(systems), fontsize=9)  # above the panels
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# -- failures -----------------------------------------------------------------------------
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
    return _table(["id", "category", "type", "lang", "what was wrong"], rows) if rows else ["None."]


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
    return [head, "", *(_table(["id", "category", "query", "what was wrong"], rows) if rows else ["None."])]


def _systems_table(results: Mapping[str, Any]) -> list[str]:
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
    return _table(
        ["system", "command", "cold start ms", "peak RSS MiB", "p50 ms", "p95 ms", "load avg"], rows
    )


def definition_lines() -> list[str]:
    return [f"- **{key}**: {DEFINITIONS[key]}" for key in METRIC_KEYS]


# -- the report ---------------------------------------------------------------------------
def write_report(
    results: dict[str, Any],
    pipeline: SystemResult,
    baselines: Sequence[SystemResult],
    cases: Sequence[GoldCase],
    show_heldout_failures: bool = False,
    md_path: Path = REPORT_MD,
    png_path: Path = REPORT_PNG,
    source_text: str | None = None,
) -> tuple[Path, Path]:
    if source_text is None:
        from corpus.load import load_corpus

        source_text = load_corpus().source.text
    source = SourceIndex.of(source_text)
    write_chart([pipeline, *baselines], png_path)
    cov = results["coverage"]
    n_split = {s: sum(c.split == s for c in cases) for s in SPLITS}
    lines = [
        "# 施策ナビ — evaluation report",
        "",
        f"Generated by `python -m eval report` ({results['generated']}): {results['n']} gold cases, "
        f"{n_split['dev']} dev (`eval/gold.jsonl`) and {n_split['heldout']} held-out "
        f"(`eval/gold_heldout.jsonl`), covering {cov['directions']}/{cov['directions_total']} directions "
        f"and {cov['programs']}/{cov['programs_total']} programs. Only dev is used for tuning and by the CI "
        "guard (see eval/GOLD.md).",
        "",
        "## How to read this",
        "",
        HOW_TO_READ,
        "## Every metric: pipeline and baselines, dev and held-out",
        "",
        *metrics_table(results),
        "",
        "## Pipeline − baseline",
        "",
        *margins_table(results),
        "",
        "### The baselines' gates",
        "",
        *gates_table(),
        "",
        SYSTEMS_NOTE,
        "## Per question type (pipeline)",
        "",
        *[
            line
            for split in SPLITS
            for line in (f"### {SPLIT_LABEL[split]}", "", *type_table(pipeline, split), "")
        ],
        "## Per language (pipeline)",
        "",
        *language_table(pipeline),
        "",
        "## Per category (pipeline)",
        "",
        f"![per-category headline metric, every system]({png_path.name})",
        "",
        *[
            line
            for split in SPLITS
            for line in (f"### {SPLIT_LABEL[split]}", "", *category_table(pipeline, split), "")
        ],
        "## Systems",
        "",
        *_systems_table(results),
        "",
        f"Machine: {os.cpu_count()} CPUs. Latency is wall time on this machine as it was during the run; "
        "other work on it (see the load averages) inflates the tail, so compare systems within one run, and "
        "see `eval/bench.md` for a dedicated measurement.",
        "",
        "## Pipeline failures — dev",
        "",
        *dev_failure_lines(pipeline, cases, source),
        "",
        "## Pipeline failures — held-out",
        "",
        *heldout_failure_lines(pipeline, cases, source, show_heldout_failures),
        "",
        "## Definitions",
        "",
        "A *response* is one JSON object as `python -m bot ask --jsonl` prints it; every system is scored "
        "from that alone (`eval/metrics.py`). A measure applies only to the cases named; a group's value "
        "is the mean over the cases it applies to.",
        "",
        *definition_lines(),
        "",
    ]
    md_path.write_text("\n".join(lines), encoding="utf-8")
    return md_path, png_path
