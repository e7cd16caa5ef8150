"""eval/report.md and eval/report_categories.png from one evaluation run."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.gold import CATEGORIES, GoldCase
from eval.metrics import METRIC_KEYS, CaseScore, summarize
from eval.runner import SystemResult

EVAL_DIR = Path(__file__).resolve().parent
REPORT_MD = EVAL_DIR / "report.md"
REPORT_PNG = EVAL_DIR / "report_categories.png"
DECLINE_CATEGORIES = ("out_of_scope", "injection")
CATEGORY_JA = {
    "direction": "普通の相談",
    "colloquial": "くだけた口調",
    "hiragana": "ひらがな",
    "typo": "誤字",
    "english": "英語",
    "multi": "複数の悩み",
    "fact": "数字・事例",
    "out_of_scope": "対象外",
    "injection": "指示無視",
}
SHOWN = METRIC_KEYS


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    out += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return out


def summary_lines(data: dict[str, Any]) -> list[str]:
    """The console view of ``python -m eval run``: one metric per row, a column per system/split."""
    columns: list[tuple[str, dict[str, Any]]] = []
    for split in ("dev", "heldout"):
        if split in data["by_split"]:
            columns.append((f"pipeline/{split}", data["by_split"][split]))
    for name, b in data["baselines"].items():
        for split in ("dev", "heldout"):
            if split in b["by_split"]:
                columns.append((f"{name}/{split}", b["by_split"][split]))
    width = max(len(c) for c, _ in columns) + 1
    cov = data["coverage"]
    lines = [
        f"n={data['n']}  coverage: {cov['directions']}/{cov['directions_total']} directions, "
        f"{cov['programs']}/{cov['programs_total']} programs",
        " " * 16 + "".join(c.rjust(width) for c, _ in columns),
    ]
    for key in SHOWN:
        lines.append(key.ljust(16) + "".join(fmt(m.get(key)).rjust(width) for _, m in columns))
    return lines


def _by(scores: Sequence[CaseScore], split: str) -> list[CaseScore]:
    return [s for s in scores if s.split == split]


def category_value(scores: Sequence[CaseScore], category: str) -> float | None:
    """What the chart shows: dir_hit@3, or for decline categories the share declined."""
    group = [s for s in scores if s.category == category]
    metrics = summarize(group)
    value = metrics["oos_accuracy"] if category in DECLINE_CATEGORIES else metrics["dir_hit@3"]
    return float(value) if value is not None else None


def write_chart(systems: Sequence[SystemResult], path: Path = REPORT_PNG) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401 - registers a Japanese font for the labels

    fig, axes = plt.subplots(2, 1, figsize=(12, 8), sharey=True)
    width = 0.8 / max(len(systems), 1)
    for ax, split in zip(axes, ("dev", "heldout"), strict=True):
        for i, system in enumerate(systems):
            values = [category_value(_by(system.scores, split), c) for c in CATEGORIES]
            xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(CATEGORIES))]
            ax.bar(xs, [v if v is not None else 0 for v in values], width, label=system.spec.name)
        n = [sum(s.category == c for s in _by(systems[0].scores, split)) for c in CATEGORIES]
        ax.set_xticks(
            range(len(CATEGORIES)),
            [f"{CATEGORY_JA[c]}\n{c} (n={k})" for c, k in zip(CATEGORIES, n, strict=True)],
            fontsize=8,
        )
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("正解率")
        ax.set_title(f"{split}: カテゴリ別 方向性 hit@3(対象外・指示無視は正しく断った割合)")
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    # above the panels, so it never hides a bar
    fig.legend(handles, labels, loc="upper center", ncols=len(systems), fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _failed(score: CaseScore) -> list[str]:
    out = []
    if score.expect_oos != score.predict_oos:
        out.append("declined" if score.predict_oos else "not declined")
    checks = (
        ("dir_hit@3", score.dir_hit3),
        ("prog_hit@3", score.prog_hit3),
        ("facts", score.fact_ok),
        ("citations", score.citation_ok),
    )
    out += [name for name, ok in checks if ok is False]
    if score.multi_recall5 is not None and score.multi_recall5 < 1:
        out.append(f"multi_recall@5={score.multi_recall5:.2f}")
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def failure_lines(result: SystemResult, cases: Sequence[GoldCase], split: str, details: bool) -> list[str]:
    rows = []
    for case, score, resp in zip(cases, result.scores, result.run.responses, strict=True):
        if case.split != split or not (failed := _failed(score)):
            continue
        if not details:
            rows.append(f"| {case.id} | {case.category} | {', '.join(failed)} |")
            continue
        top = [d.get("title", "") for d in (resp.get("directions") or [])[:3]]
        progs = [p.get("name", "") for p in (resp.get("programs") or [])[:3]]
        e = case.expected
        expected = " / ".join(
            x for x in ("; ".join(e.directions), "; ".join(e.programs), "; ".join(e.facts)) if x
        )
        scope = f"{resp.get('in_scope')}" + (f" ({resp['reason']})" if resp.get("reason") else "")
        cells = [
            case.id,
            case.category,
            _cell(case.query),
            _cell(expected or "(decline)"),
            _cell("; ".join(top) or "–"),
            _cell("; ".join(progs) or "–"),
            scope,
            ", ".join(failed),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return ["None."]
    if details:
        head = [
            "| id | category | query | expected | returned top-3 directions | top-3 programs "
            "| in_scope | failed |",
            "|---|---|---|---|---|---|---|---|",
        ]
    else:
        head = ["| id | category | failed |", "|---|---|---|"]
    return head + rows


def _split_table(results: dict[str, Any], split: str) -> list[str]:
    systems = [("pipeline", results["by_split"].get(split, {}))]
    systems += [(name, b["by_split"].get(split, {})) for name, b in results["baselines"].items()]
    rows = [[key, *[m.get(key) for _, m in systems]] for key in SHOWN]
    return _table(["metric", *[f"{name} (n={m.get('n', 0)})" for name, m in systems]], rows)


def _margins(results: dict[str, Any]) -> list[str]:
    rows = []
    for name, b in results["baselines"].items():
        row: list[Any] = [name]
        for split in ("dev", "heldout"):
            p = results["by_split"].get(split, {}).get("dir_hit@3")
            q = b["by_split"].get(split, {}).get("dir_hit@3")
            row.append(f"{p - q:+.3f} ({fmt(p)} vs {fmt(q)})" if p is not None and q is not None else "–")
        p, q = results["metrics"].get("dir_hit@3"), b.get("dir_hit@3")
        row.append(f"{p - q:+.3f}" if p is not None and q is not None else "–")
        rows.append(row)
    return _table(["baseline", "dev: pipeline − baseline", "heldout: pipeline − baseline", "all"], rows)


def _systems_table(results: dict[str, Any]) -> list[str]:
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
    header = ["system", "command", "cold start ms", "peak RSS MiB", "p50 ms", "p95 ms", "load avg"]
    return _table(header, rows)


def _category_table(result: SystemResult, split: str) -> list[str]:
    rows = []
    for c in CATEGORIES:
        group = [s for s in _by(result.scores, split) if s.category == c]
        if group:
            m = summarize(group)
            rows.append(
                [
                    c,
                    len(group),
                    m["dir_hit@1"],
                    m["dir_hit@3"],
                    m["dir_mrr"],
                    m["presented_precision"],
                    m["prog_hit@3"],
                    m["fact_acc"],
                    m["multi_recall@5"],
                    m["oos_accuracy"],
                    m["citation_ok"],
                ]
            )
    return _table(
        [
            "category",
            "n",
            "dir_hit@1",
            "dir_hit@3",
            "dir_mrr",
            "presented_precision",
            "prog_hit@3",
            "fact_acc",
            "multi_recall@5",
            "in-scope decision acc.",
            "citation_ok",
        ],
        rows,
    )


DEFINITIONS = """\
- **dir_hit@k / dir_mrr**: over in-scope cases that expect directions, on the ranked
  `directions[].title` list; a hit is any expected direction in the first k; MRR uses the rank of
  the first expected direction found. **dir_hit@3_answered**: the same over the cases the system
  did not decline, i.e. ranking quality without the scope gate. **presented_precision**: share of
  the directions the answer presents (`directions[:primary]`) that are expected (0 if none).
- **prog_hit@3**: any expected program in `programs[:3]`, over cases that expect programs.
- **fact_acc**: every `expected.facts` string occurs in `answer` (both NFKC-folded, whitespace
  removed).
- **multi_recall@5**: share of the expected directions in `directions[:5]`, multi cases.
- **oos_precision / oos_recall**: positive class = gold `in_scope: false`; predicted positive =
  `in_scope: false` (an error line is not a decline). **oos_accuracy** (the guard's "out-of-scope
  accuracy"): share of *all* cases whose in-scope decision equals the gold one (per category: the
  share answered, or for 対象外/指示無視 the share declined).
- **citation_ok**: over answers that are in scope and present a direction (`primary` > 0) or cite
  anything: the answer has at least one citation and every citation (1) has `text` occurring in
  the source (whitespace ignored), (2) has `source[span]` equal to that text (whitespace ignored),
  and (3) belongs to the answer: its `direction` is among the returned `directions` or its
  `program` among the returned `programs`; a citation naming neither counts only as a fact
  passage — a `survey_*` passage in an answer that reports `survey` figures, or a `case_*`
  passage of a company that used one of the returned programs.
- **latency**: wall time from writing a query line to reading its answer line, one `--jsonl`
  process per system, after one warm-up line; the cold start is process start to the warm-up
  answer (with the index already built).
- **langchain_plain**: RecursiveCharacterTextSplitter chunks (300 chars, overlap 50) of the raw
  source, the same E5 model, its own Chroma collection, `similarity_search` top 20; each chunk's
  direction is the one whose title/items spans overlap it most (`eval.baselines.label_span`); it
  never declines, and its answer is its top 3 chunks.
"""


def write_report(
    results: dict[str, Any],
    pipeline: SystemResult,
    baselines: Sequence[SystemResult],
    cases: Sequence[GoldCase],
    show_heldout_failures: bool = False,
    md_path: Path = REPORT_MD,
    png_path: Path = REPORT_PNG,
) -> tuple[Path, Path]:
    write_chart([pipeline, *baselines], png_path)
    cov = results["coverage"]
    lines = [
        "# 施策ナビ — evaluation report",
        "",
        f"Generated by `python -m eval report` ({results['generated']}); gold set "
        f"`eval/gold.jsonl`, {results['n']} cases, covering {cov['directions']}/"
        f"{cov['directions_total']} directions and {cov['programs']}/{cov['programs_total']} "
        "programs. Dev and heldout are reported separately; only dev may be used for tuning "
        "(see eval/GOLD.md).",
        "",
        "## Dev split",
        "",
        *_split_table(results, "dev"),
        "",
        "## Heldout split",
        "",
        *_split_table(results, "heldout"),
        "",
        "## How much the pipeline beats each baseline on dir_hit@3",
        "",
        *_margins(results),
        "",
        "## Per category (pipeline)",
        "",
        f"![per-category dir_hit@3 and decline accuracy]({png_path.name})",
        "",
        "### Dev",
        "",
        *_category_table(pipeline, "dev"),
        "",
        "### Heldout",
        "",
        *_category_table(pipeline, "heldout"),
        "",
        "## Systems",
        "",
        *_systems_table(results),
        "",
        f"Machine: {os.cpu_count()} CPUs. Latency is wall time on this machine as it was during the "
        "run; other work on it (see the load averages) inflates the tail, so compare systems within "
        "one run, and see `eval/bench.md` for a dedicated measurement.",
        "",
        "## Pipeline failures — dev",
        "",
        *failure_lines(pipeline, cases, "dev", details=True),
        "",
        "## Pipeline failures — heldout",
        "",
        (
            "Queries and answers are listed (final reporting run)."
            if show_heldout_failures
            else "Only ids and what failed: held-out queries stay out of this file so that it can "
            "be read while tuning (`python -m eval report --show-heldout-failures` lists them "
            "for a final report)."
        ),
        "",
        *failure_lines(pipeline, cases, "heldout", details=show_heldout_failures),
        "",
        "## Definitions",
        "",
        DEFINITIONS,
    ]
    md_path.write_text("\n".join(lines), encoding="utf-8")
    return md_path, png_path
