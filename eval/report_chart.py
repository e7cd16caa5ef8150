"""eval/report_categories.png: each category's headline metric, every system, dev and held-out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from eval.aggregate import grouped
from eval.gold import CATEGORIES, SPLITS
from eval.metrics import CaseScore
from eval.report_tables import CATEGORY_JA, SPLIT_LABEL, in_split
from eval.runner import SystemResult

REPORT_PNG = Path(__file__).resolve().parent / "report_categories.png"
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
            values = [category_value(in_split(system.scores, split), c)[1] for c in present]
            xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(present))]
            ax.bar(xs, [v if v is not None else 0 for v in values], width, label=system.spec.name)
        pipeline_split = in_split(systems[0].scores, split)
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
