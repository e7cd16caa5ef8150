"""eval.report from hand-made runs (no model, no subprocess)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus.load import load_corpus
from eval.gold import GoldCase, parse_gold
from eval.metrics import SourceIndex, score_case
from eval.report import summary_lines, write_report
from eval.runner import SystemResult, expectation, results_json
from eval.systems import RunOutput, SystemSpec

D = "事業承継の一層の促進"


def _case(i: int, split: str, query: str, in_scope: bool = True) -> str:
    category = "direction" if in_scope else "out_of_scope"
    dirs = f'["{D}"]' if in_scope else "[]"
    return (
        f'{{"id": "g{i:03d}", "split": "{split}", "category": "{category}", "lang": "ja", '
        f'"query": "{query}", "expected": {{"in_scope": {str(in_scope).lower()}, '
        f'"directions": {dirs}, "programs": [], "facts": []}}}}'
    )


def _system(name: str, cases: list[GoldCase], responses: list[dict[str, Any]]) -> SystemResult:
    source = SourceIndex.of(load_corpus().source.text)
    run = RunOutput(name, responses, [10.0] * len(responses), 1000.0, 500.0, 0)
    scores = [score_case(expectation(c), r, source, {}, 10.0) for c, r in zip(cases, responses, strict=True)]
    return SystemResult(SystemSpec(name, ("python", "-m", name)), run, scores)


def test_report_keeps_heldout_queries_out_by_default(tmp_path: Path) -> None:
    cases = parse_gold(
        [
            _case(1, "dev", "後継者がいない"),
            _case(2, "heldout", "秘密の質問です"),
            _case(3, "dev", "天気は？", False),
        ]
    )
    wrong = {"in_scope": True, "directions": [{"title": "危機管理対策"}], "programs": [], "primary": 0}
    declined = {"in_scope": False, "directions": [], "programs": []}
    pipeline = _system("pipeline", cases, [wrong, wrong, declined])
    baseline = _system("langchain_plain", cases, [wrong, wrong, wrong])
    results = results_json(cases, pipeline, [baseline])
    assert results["by_split"]["dev"]["dir_hit@3"] == 0.0
    assert results["baselines"]["langchain_plain"]["oos_recall"] == 0.0
    md, png = write_report(
        results, pipeline, [baseline], cases, md_path=tmp_path / "r.md", png_path=tmp_path / "r.png"
    )
    text = md.read_text(encoding="utf-8")
    assert "後継者がいない" in text and "| g002 | direction | dir_hit@3 |" in text
    assert "秘密の質問です" not in text
    assert png.stat().st_size > 10_000
    write_report(results, pipeline, [baseline], cases, show_heldout_failures=True, md_path=md, png_path=png)
    assert "秘密の質問です" in md.read_text(encoding="utf-8")
    assert any("langchain_plain/dev" in line for line in summary_lines(results))
