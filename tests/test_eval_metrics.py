"""eval.metrics on small hand-made answers (no model, no corpus)."""

from __future__ import annotations

from typing import Any

import pytest

from eval.guard import Floors, check
from eval.metrics import (
    CaseScore,
    Expectation,
    SourceIndex,
    answer_citations_ok,
    citation_problems,
    facts_present,
    hit_at,
    oos_precision_recall,
    percentile,
    recall_at,
    reciprocal_rank,
    score_case,
    summarize,
)

SOURCE = SourceIndex.of("戦略Ⅰ\n中小企業の\nセキュリティ対策 を支援\n回答企業数 1,669社\n人材不足 55%")
A, B, C, D = "適正取引の推進", "危機管理対策", "事業承継の一層の促進", "海外展開の促進"


def resp(dirs: list[str] = (), progs: list[str] = (), **kw: Any) -> dict[str, Any]:  # type: ignore[assignment]
    base = {
        "in_scope": True,
        "directions": [{"title": d} for d in dirs],
        "programs": [{"name": p} for p in progs],
        "answer": "",
        "citations": [],
        "survey": [],
        "primary": 1 if dirs else 0,
    }
    return base | kw


def exp(
    category: str = "direction",
    in_scope: bool = True,
    dirs: tuple[str, ...] = (),
    progs: tuple[str, ...] = (),
    facts: tuple[str, ...] = (),
) -> Expectation:
    return Expectation("g1", "dev", category, in_scope, dirs, progs, facts)


def cite(text: str, span: tuple[int, int], **kw: str) -> dict[str, Any]:
    return {"chunk_id": "c", "text": text, "span": list(span), "kind": "direction_item"} | kw


def span_of(needle_start: str, needle_end: str) -> tuple[int, int]:
    return SOURCE.text.index(needle_start), SOURCE.text.index(needle_end) + len(needle_end)


def test_hit_at_and_reciprocal_rank() -> None:
    ranked = [B, A, C]
    assert not hit_at([A], ranked, 1)
    assert hit_at([A], ranked, 2)
    assert hit_at([D, C], ranked, 3)
    assert reciprocal_rank([A], ranked) == 0.5
    assert reciprocal_rank([C, A], ranked) == 0.5  # the first expected one *found* counts
    assert reciprocal_rank([D], ranked) == 0.0
    assert reciprocal_rank([A], []) == 0.0


def test_recall_at() -> None:
    assert recall_at([A, B], [A, C, D, B], 5) == 1.0
    assert recall_at([A, B], [A, C, D, C, D, B], 5) == 0.5
    assert recall_at([], [A], 5) == 0.0


def test_presented_precision_counts_only_what_the_answer_presents() -> None:
    from eval.metrics import presented_precision

    assert presented_precision([A], resp([A, B, C], primary=3)) == pytest.approx(1 / 3)
    assert presented_precision([A], resp([A, B, C], primary=1)) == 1.0
    assert presented_precision([A, B], resp([A, B, C], primary=2)) == 1.0
    assert presented_precision([A], resp([A], primary=0)) == 0.0


def test_facts_compare_after_nfkc_without_spaces() -> None:
    assert facts_present(["55%", "1,669"], "人材不足は５５％、回答は1,669 社")
    assert facts_present(["人材 不足"], "人材不足")
    assert not facts_present(["55%", "49%"], "55%")
    assert facts_present([], "anything")


def test_oos_precision_recall() -> None:
    # (expected oos, predicted oos): one TP, one FP, one FN, one TN
    assert oos_precision_recall([(True, True), (False, True), (True, False), (False, False)]) == (
        0.5,
        0.5,
    )
    assert oos_precision_recall([(False, False)]) == (None, None)


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([10.0, 0.0, 20.0], 100) == 20.0
    assert percentile(list(map(float, range(101))), 95) == pytest.approx(95.0)


def test_citation_text_and_span_must_match_the_source() -> None:
    start, end = span_of("中小", "支援")
    good = cite("中小企業の セキュリティ対策を支援", (start, end), direction=B)
    assert citation_problems(good, SOURCE, [B], [], False, {}) == []
    assert "text not in source" in citation_problems(
        cite("架空の文", (start, end), direction=B), SOURCE, [B], [], False, {}
    )
    shifted = cite("中小企業の セキュリティ対策を支援", (start + 1, end), direction=B)
    assert citation_problems(shifted, SOURCE, [B], [], False, {}) == ["span does not match text"]
    assert citation_problems(cite("中小企業", (0, 10**6), direction=B), SOURCE, [B], [], False, {}) == [
        "bad span [0, 1000000]"
    ]


def test_citation_must_belong_to_the_answer() -> None:
    start, end = span_of("中小", "支援")
    text = "中小企業の セキュリティ対策 を支援"
    assert citation_problems(cite(text, (start, end), direction=A), SOURCE, [B], [], False, {}) != []
    assert citation_problems(cite(text, (start, end), program="P"), SOURCE, [], ["P"], False, {}) == []
    # naming neither: only a survey passage of a survey answer, or a case of a returned program
    survey = cite(text, (start, end), kind="survey_table")
    assert citation_problems(survey, SOURCE, [], [], True, {}) == []
    assert citation_problems(survey, SOURCE, [], [], False, {}) != []
    case = cite(text, (start, end), kind="case_action", chunk_id="k1")
    assert citation_problems(case, SOURCE, [], ["P"], False, {"k1": ("P", "Q")}) == []
    assert citation_problems(case, SOURCE, [], ["R"], False, {"k1": ("P", "Q")}) != []
    assert citation_problems(cite(text, (start, end), kind="remark"), SOURCE, [B], [], False, {}) != []


def test_answer_citations_ok() -> None:
    start, end = span_of("中小", "支援")
    good = cite("中小企業のセキュリティ対策を支援", (start, end), direction=B)
    assert answer_citations_ok(resp([B], citations=[good]), SOURCE, {}) is True
    assert answer_citations_ok(resp([B]), SOURCE, {}) is False  # presents a direction, cites nothing
    assert answer_citations_ok(resp([A], citations=[good]), SOURCE, {}) is False
    assert answer_citations_ok(resp(in_scope=False), SOURCE, {}) is None
    assert answer_citations_ok(resp(primary=0), SOURCE, {}) is None  # e.g. a clarifying question
    assert answer_citations_ok({"error": "bad line"}, SOURCE, {}) is None


def test_score_case_applies_only_relevant_measures() -> None:
    s = score_case(exp(dirs=(A,), progs=("P",)), resp([B, A], ["Q", "R", "S", "P"]), SOURCE, {}, 12.0)
    assert (s.dir_hit1, s.dir_hit3, s.dir_rr, s.prog_hit3) == (False, True, 0.5, False)
    assert s.fact_ok is None and s.multi_recall5 is None and s.latency_ms == 12.0
    oos = score_case(exp("out_of_scope", in_scope=False), resp(in_scope=False), SOURCE, {})
    assert oos.expect_oos and oos.predict_oos and oos.dir_hit3 is None
    err = score_case(exp("out_of_scope", in_scope=False), {"error": "x"}, SOURCE, {})
    assert not err.predict_oos  # an error line never counts as a correct decline
    multi = score_case(exp("multi", dirs=(A, B, C)), resp([A, D, B]), SOURCE, {})
    assert multi.multi_recall5 == pytest.approx(2 / 3)
    fact = score_case(exp("fact", facts=("55%",)), resp(answer="人材不足は55％"), SOURCE, {})
    assert fact.fact_ok is True and fact.dir_hit3 is None


def test_summarize_averages_applicable_cases() -> None:
    scores = [
        CaseScore("a", "dev", "direction", False, False, True, True, 1.0, latency_ms=10.0),
        CaseScore("b", "dev", "direction", False, False, False, True, 0.5, latency_ms=30.0),
        CaseScore("c", "dev", "out_of_scope", True, True, latency_ms=20.0),
        CaseScore("d", "dev", "out_of_scope", True, False, latency_ms=40.0),
    ]
    m = summarize(scores)
    assert m["dir_hit@1"] == 0.5 and m["dir_hit@3"] == 1.0 and m["dir_mrr"] == 0.75
    declined_in_scope = CaseScore("e", "dev", "direction", False, True, False, False, 0.0)
    m2 = summarize([*scores, declined_in_scope])
    assert m2["dir_hit@3"] == pytest.approx(2 / 3, abs=1e-4) and m2["dir_hit@3_answered"] == 1.0
    assert m["prog_hit@3"] is None and m["fact_acc"] is None
    assert m["oos_precision"] == 1.0 and m["oos_recall"] == 0.5 and m["oos_accuracy"] == 0.75
    assert m["latency_p50_ms"] == 25.0


def test_guard_check() -> None:
    floors = Floors(split="all", floors={"dir_hit@3": 0.85, "oos_accuracy": 0.85})
    ok, line = check({"dir_hit@3": 0.9, "oos_accuracy": 0.85, "n": 5}, floors)
    assert ok and line.startswith("eval guard ok")
    ok, line = check({"dir_hit@3": 0.8, "oos_accuracy": None}, floors)
    assert not ok and "dir_hit@3 0.800 < 0.850" in line and "oos_accuracy n/a" in line and "\n" not in line


def test_calibration_finds_separating_thresholds() -> None:
    from eval.calibrate import Signal, best_thresholds, evaluate

    signals = [
        Signal("a", True, 0.86, 1.0, 0.5),  # caught by the dense signal
        Signal("b", True, 0.78, 9.0, 0.5),  # caught by BM25 only
        Signal("c", False, 0.80, 2.0, 0.5),
        Signal("d", False, 0.75, 0.0, 0.5),
    ]
    fit = best_thresholds(signals, weights=(0.0,))
    assert fit.accuracy == 1.0 and fit.false_declines == fit.false_accepts == 0
    assert 0.80 < fit.min_score <= 0.86 and 2.0 < fit.bm25_strong <= 9.0
    assert evaluate(signals, 0.99, 0.0, 99.0).false_declines == 2


def test_calibration_uses_coverage_when_it_separates() -> None:
    from eval.calibrate import Signal, best_thresholds

    # same dense similarity; only the share of known words tells them apart
    signals = [Signal("a", True, 0.80, 0.0, 1.0), Signal("b", False, 0.80, 0.0, 0.0)]
    assert best_thresholds(signals, weights=(0.0,)).accuracy == 0.5
    fit = best_thresholds(signals, weights=(0.0, 0.05))
    assert fit.accuracy == 1.0 and fit.coverage_weight == 0.05
