"""eval.report from hand-made runs (no model, no subprocess)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

from corpus.load import load_corpus
from eval.aggregate import METRIC_KEYS
from eval.gold import CATEGORIES, GoldCase, QuestionType, parse_gold
from eval.metrics import SourceIndex, score_case
from eval.report import DEFINITIONS, summary_lines, write_report
from eval.report_chart import category_value
from eval.report_failures import what_went_wrong
from eval.report_tables import CATEGORY_JA, TYPE_JA
from eval.runner import SystemResult, expectation, results_json
from eval.systems import RunOutput, SystemSpec

D, E = "事業承継の一層の促進", "危機管理対策"
DEV_QUERY, HELDOUT_QUERY, HELDOUT_QUERY_2 = "後継者がいない", "秘密の質問です", "もうひとつの秘密"


def _case(
    i: int, split: str, query: str, category: str = "direction", lang: str = "ja", **expected: Any
) -> str:
    in_scope = category not in ("out_of_scope", "near_domain", "injection")
    exp = {"in_scope": in_scope, "directions": [D] if in_scope and category != "fact" else []} | expected
    line = {
        "id": f"g{i:03d}",
        "split": split,
        "category": category,
        "lang": lang,
        "query": query,
        "expected": exp,
    }
    if category == "fact":
        line["type"] = "survey"
    return json.dumps(line, ensure_ascii=False)


CASES = parse_gold(
    [
        _case(1, "dev", DEV_QUERY),
        _case(2, "heldout", HELDOUT_QUERY),
        _case(3, "dev", "天気は？", "out_of_scope"),
        _case(4, "dev", "What's the survey's top item?", "fact", "en", facts=["44%"]),
        _case(5, "heldout", HELDOUT_QUERY_2, "out_of_scope"),
        _case(6, "dev", "Our successor left", "english", "en"),
    ]
)


def answer(dirs: list[str] = (), in_scope: bool = True, type_: str = "problem", **kw: Any) -> dict[str, Any]:  # type: ignore[assignment]
    base = {
        "in_scope": in_scope,
        "type": type_,
        "directions": [{"title": d} for d in dirs],
        "programs": [],
        "lead": "",
        "answer": "",
        "citations": [],
        "sections": [],
        "not_covered": [],
        "primary": 1 if dirs else 0,
        "primary_programs": 0,
    }
    return base | kw


def _system(name: str, cases: list[GoldCase], responses: list[dict[str, Any]]) -> SystemResult:
    source = SourceIndex.of(load_corpus().source.text)
    run = RunOutput(name, responses, [10.0] * len(responses), 1000.0, 500.0, 0)
    scores = [score_case(expectation(c), r, source, 10.0) for c, r in zip(cases, responses, strict=True)]
    return SystemResult(SystemSpec(name, ("python", "-m", name)), run, scores)


def right() -> dict[str, Any]:
    """Presents D and cites the document's title of D, from a line of its answer."""
    start = load_corpus().source.text.index(D)
    cite = {"chunk_id": "c", "text": D, "span": [start, start + len(D)], "kind": "direction_title"}
    sections = [{"kind": "directions", "title": "t", "items": [{"text": D, "cite": [1]}]}]
    return answer([D], citations=[cite], sections=sections)


def _runs() -> tuple[dict[str, Any], SystemResult, SystemResult]:
    wrong = answer([E])
    declined = answer(in_scope=False, type_="out_of_scope")
    pipeline = _system(
        "pipeline",
        CASES,
        [
            right(),
            wrong,
            declined,
            answer(type_="survey", answer="1位は資金調達支援（44％）"),
            declined,
            right(),
        ],
    )
    baseline = _system("plain", CASES, [wrong, wrong, wrong, wrong, declined, declined])
    return results_json(CASES, pipeline, [baseline]), pipeline, baseline


def test_labels_and_definitions_cover_everything() -> None:
    assert set(CATEGORY_JA) == set(CATEGORIES)
    assert set(TYPE_JA) == set(get_args(QuestionType))
    assert set(DEFINITIONS) == set(METRIC_KEYS)


def test_report_tables_and_heldout_queries_kept_out_by_default(tmp_path: Path) -> None:
    results, pipeline, baseline = _runs()
    assert (
        results["by_split"]["dev"]["dir_hit@3"] == 1.0 and results["by_split"]["heldout"]["dir_hit@3"] == 0.0
    )
    assert results["baselines"]["plain"]["by_split"]["heldout"]["oos_recall"] == 1.0
    md, png = write_report(
        results, pipeline, [baseline], CASES, md_path=tmp_path / "r.md", png_path=tmp_path / "r.png"
    )
    text = md.read_text(encoding="utf-8")
    assert png.stat().st_size > 10_000
    for heading in (
        "## How to read this",
        "## Every metric",
        "## Pipeline − baseline",
        "## Per question type",
        "## Per language",
        "## Per category",
        "## Definitions",
        "### The baselines' gates",
    ):
        assert heading in text, heading
    table = text.split("## Every metric")[1].split("##")[0]
    assert all(f"| {key} |" in table for key in METRIC_KEYS)
    assert (
        "pipeline/dev (n=4)" in table
        and "pipeline/held-out (n=2)" in table
        and "plain/held-out (n=2)" in table
    )
    assert "| dir_hit@3 | 1.000 | 0.000 | 0.000 | 0.000 |" in table
    assert "| plain | dir_hit@3 | +1.000 (1.000 vs 0.000) | +0.000 (0.000 vs 0.000) |" in text
    assert "普通の相談 (direction)" in text and "対象外 (out_of_scope)" in text and "英語 en / dev" in text
    assert "調査 survey (n=1)" in text
    assert all(f"- **{key}**:" in text for key in METRIC_KEYS)
    # held-out: numbers only, no query and no id
    assert HELDOUT_QUERY not in text and HELDOUT_QUERY_2 not in text and "g002" not in text
    assert "1 of 2 held-out cases failed at least one measure. Per category: direction 1." in text
    # dev failures: id, category, what was wrong; the pipeline passed every dev case here
    dev = text.split("## Pipeline failures — dev")[1].split("##")[0]
    assert "None." in dev


def test_dev_failures_say_what_was_wrong(tmp_path: Path) -> None:
    results, pipeline, baseline = _runs()
    # score the baseline as if it were the pipeline: its dev answers are all wrong
    md, _ = write_report(
        results, baseline, [pipeline], CASES, md_path=tmp_path / "r.md", png_path=tmp_path / "r.png"
    )
    dev = md.read_text(encoding="utf-8").split("## Pipeline failures — dev")[1].split("##")[0]
    assert f"| g001 | direction | problem | ja | top 3 ['{E}'] lack ['{D}']; citations: none |" in dev
    assert (
        "| g003 | out_of_scope | out_of_scope | ja | "
        "not declined; type problem (expected out_of_scope); citations: none |" in dev
    )
    assert (
        "| g004 | fact | survey | en | "
        "type problem (expected survey); facts missing: ['44%']; citations: none |" in dev
    )
    assert "| g006 | english | problem | en | declined; type out_of_scope (expected problem) |" in dev
    assert DEV_QUERY not in dev


def test_heldout_failures_listed_with_the_flag(tmp_path: Path) -> None:
    results, pipeline, baseline = _runs()
    md, _ = write_report(
        results,
        pipeline,
        [baseline],
        CASES,
        show_heldout_failures=True,
        md_path=tmp_path / "r.md",
        png_path=tmp_path / "r.png",
    )
    heldout = md.read_text(encoding="utf-8").split("## Pipeline failures — held-out")[1].split("##")[0]
    assert f"| g002 | direction | {HELDOUT_QUERY} | top 3 ['{E}'] lack ['{D}']; citations: none |" in heldout
    assert HELDOUT_QUERY_2 not in heldout  # g005 passed


def test_what_went_wrong_names_citation_problems() -> None:
    source = SourceIndex.of(load_corpus().source.text)
    case = CASES[0]
    bad = answer([D], citations=[{"text": "架空の一節", "span": [0, 5]}])
    score = score_case(expectation(case), bad, source)
    assert what_went_wrong(case, score, bad, source) == [
        "citations: no line of the answer points at it, span does not match text, text not in source"
    ]
    assert what_went_wrong(case, score, {"error": "boom"}, source) == ["error line: boom"]


def test_category_value_reads_each_categorys_headline() -> None:
    _, pipeline, baseline = _runs()
    dev = [s for s in pipeline.scores if s.split == "dev"]
    assert category_value(dev, "direction") == ("shown_hit", 1.0)
    assert category_value(dev, "out_of_scope") == ("oos_accuracy", 1.0)
    assert category_value(dev, "fact") == ("fact_acc", 1.0)
    assert category_value([s for s in baseline.scores if s.split == "dev"], "fact") == ("fact_acc", 0.0)
    assert category_value(dev, "multi") == (None, None)


def test_summary_lines_show_every_metric_per_system_and_split() -> None:
    results, _, _ = _runs()
    lines = summary_lines(results)
    header = lines[1].split()
    assert header == ["pipeline/dev", "pipeline/heldout", "plain/dev", "plain/heldout"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert set(rows) == {"n", *METRIC_KEYS}
    assert rows["n"] == ["4", "2", "4", "2"] and rows["dir_hit@3"] == ["1.000", "0.000", "0.000", "0.000"]
    dev_only = results | {
        "by_split": {"dev": results["by_split"]["dev"]},
        "baselines": {"plain": {"by_split": {"dev": results["by_split"]["dev"]}}},
    }
    assert summary_lines(dev_only)[1].split() == ["pipeline/dev", "plain/dev"]
