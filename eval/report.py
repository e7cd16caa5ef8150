"""eval/report.md and eval/report_categories.png from one evaluation run.

Held-out queries never reach the report unless ``show_heldout_failures`` is set (the final
reporting run): by default the held-out split appears only as numbers.

The tables are built in eval.report_tables, the chart in eval.report_chart and the failure
lists in eval.report_failures; this module holds the prose and puts the report together.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.aggregate import METRIC_KEYS
from eval.gold import SPLITS, GoldCase
from eval.metrics import SourceIndex
from eval.report_chart import REPORT_PNG, write_chart
from eval.report_failures import dev_failure_lines, heldout_failure_lines
from eval.report_tables import (
    SPLIT_LABEL,
    category_table,
    fmt,
    gates_table,
    language_table,
    margins_table,
    metrics_table,
    split_columns,
    systems_table,
    type_table,
)
from eval.runner import SystemResult

EVAL_DIR = Path(__file__).resolve().parent
REPORT_MD = EVAL_DIR / "report.md"

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


def summary_lines(data: Mapping[str, Any]) -> list[str]:
    """The console view of ``python -m eval run``: one metric per row, a column per system/split."""
    columns = split_columns(data)
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
    lines = [
        *_intro_lines(results, cases),
        *_comparison_lines(results),
        *_breakdown_lines(pipeline, png_path.name),
        *_systems_lines(results),
        *_failure_lines(pipeline, cases, source, show_heldout_failures),
        *_definitions_section(),
    ]
    md_path.write_text("\n".join(lines), encoding="utf-8")
    return md_path, png_path


def _intro_lines(results: Mapping[str, Any], cases: Sequence[GoldCase]) -> list[str]:
    cov = results["coverage"]
    n_split = {s: sum(c.split == s for c in cases) for s in SPLITS}
    return [
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
    ]


def _comparison_lines(results: Mapping[str, Any]) -> list[str]:
    """Every metric of every system, the pipeline's margins over the baselines, their gates."""
    return [
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
    ]


def _breakdown_lines(pipeline: SystemResult, chart_name: str) -> list[str]:
    """The pipeline per question type, per language and per category (with the chart)."""
    return [
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
        f"![per-category headline metric, every system]({chart_name})",
        "",
        *[
            line
            for split in SPLITS
            for line in (f"### {SPLIT_LABEL[split]}", "", *category_table(pipeline, split), "")
        ],
    ]


def _systems_lines(results: Mapping[str, Any]) -> list[str]:
    return [
        "## Systems",
        "",
        *systems_table(results),
        "",
        f"Machine: {os.cpu_count()} CPUs. Latency is wall time on this machine as it was during the run; "
        "other work on it (see the load averages) inflates the tail, so compare systems within one run, and "
        "see `eval/bench.md` for a dedicated measurement.",
    ]


def _failure_lines(
    pipeline: SystemResult, cases: Sequence[GoldCase], source: SourceIndex, show_heldout: bool
) -> list[str]:
    return [
        "",
        "## Pipeline failures — dev",
        "",
        *dev_failure_lines(pipeline, cases, source),
        "",
        "## Pipeline failures — held-out",
        "",
        *heldout_failure_lines(pipeline, cases, source, show_heldout),
    ]


def _definitions_section() -> list[str]:
    return [
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
