"""eval.metrics and eval.guard on small hand-made answers (no model, no corpus)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval.aggregate import METRIC_KEYS, grouped, oos_precision_recall, percentile, summarize
from eval.guard import FLOORS_FILE, Floors, check, load_floors
from eval.metrics import (
    CaseScore,
    Expectation,
    SourceIndex,
    answer_citations_ok,
    citation_problems,
    facts_present,
    first_sentence,
    hit_at,
    presented_precision,
    reciprocal_rank,
    referenced_citations,
    score_case,
)

SOURCE = SourceIndex.of("戦略Ⅰ\n中小企業の\nセキュリティ対策 を支援\n回答企業数 1,669社\n人材不足 55%")
A, B, C, D = "適正取引の推進", "危機管理対策", "事業承継の一層の促進", "海外展開の促進"


def resp(dirs: list[str] = (), progs: list[str] = (), **kw: Any) -> dict[str, Any]:  # type: ignore[assignment]
    base = {
        "in_scope": True,
        "type": "problem",
        "directions": [{"title": d} for d in dirs],
        "programs": [{"name": p} for p in progs],
        "lead": "",
        "answer": "",
        "citations": [],
        "sections": [],
        "survey": [],
        "not_covered": [],
        "primary": 1 if dirs else 0,
        "primary_programs": 0,
    }
    return base | kw


def exp(
    category: str = "direction",
    in_scope: bool = True,
    dirs: tuple[str, ...] = (),
    progs: tuple[str, ...] = (),
    facts: tuple[str, ...] = (),
    **kw: Any,
) -> Expectation:
    return Expectation("g1", "dev", category, in_scope, dirs, progs, facts, **kw)


def cite(text: str, span: tuple[int, int], **kw: str) -> dict[str, Any]:
    return {"chunk_id": "c", "text": text, "span": list(span), "kind": "direction_item"} | kw


def span_of(needle_start: str, needle_end: str) -> tuple[int, int]:
    return SOURCE.text.index(needle_start), SOURCE.text.index(needle_end) + len(needle_end)


def pointing(*cites: int) -> list[dict[str, Any]]:
    """A sections list whose one item points at the given citation numbers."""
    return [{"kind": "directions", "title": "t", "items": [{"text": "x", "cite": list(cites)}]}]


# -- ranking measures ---------------------------------------------------------------------
def test_hit_at_and_reciprocal_rank() -> None:
    ranked = [B, A, C]
    assert not hit_at([A], ranked, 1)
    assert hit_at([A], ranked, 2)
    assert hit_at([D, C], ranked, 3)
    assert reciprocal_rank([A], ranked) == 0.5
    assert reciprocal_rank([C, A], ranked) == 0.5  # the first expected one *found* counts
    assert reciprocal_rank([D], ranked) == 0.0
    assert reciprocal_rank([A], []) == 0.0


def test_presented_precision_counts_only_what_the_answer_presents() -> None:
    assert presented_precision([A], resp([A, B, C], primary=3)) == pytest.approx(1 / 3)
    assert presented_precision([A], resp([A, B, C], primary=1)) == 1.0
    assert presented_precision([A, B], resp([A, B, C], primary=2)) == 1.0
    assert presented_precision([B], resp([A, B, C], primary=1)) == 0.0
    assert presented_precision([A], resp([A], primary=0)) == 0.0


def test_facts_compare_after_nfkc_without_spaces() -> None:
    assert facts_present(["55%", "1,669"], "人材不足は５５％、回答は1,669 社")
    assert facts_present(["人材 不足"], "人材不足")
    assert not facts_present(["55%", "49%"], "55%")
    assert facts_present([], "anything")


def test_first_sentence() -> None:
    assert (
        first_sentence({"lead": "一位は資金調達支援です。次に…", "answer": "別"})
        == "一位は資金調達支援です。"
    )
    assert first_sentence({"lead": "", "answer": "First one. Second."}) == "First one. "
    assert first_sentence({"answer": "句点なし"}) == "句点なし"
    assert first_sentence({}) == ""


def test_oos_precision_recall() -> None:
    # (expected oos, predicted oos): one TP, one FP, one FN, one TN
    assert oos_precision_recall([(True, True), (False, True), (True, False), (False, False)]) == (0.5, 0.5)
    assert oos_precision_recall([(False, False)]) == (None, None)


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([10.0, 0.0, 20.0], 100) == 20.0
    assert percentile(list(map(float, range(101))), 95) == pytest.approx(95.0)


# -- citations ----------------------------------------------------------------------------
def test_citation_text_and_span_must_match_the_source() -> None:
    start, end = span_of("中小", "支援")
    good = cite("中小企業の セキュリティ対策を支援", (start, end))
    assert citation_problems(good, SOURCE, True) == []
    assert "text not in source" in citation_problems(cite("架空の文", (start, end)), SOURCE, True)
    assert citation_problems(cite("", (start, end)), SOURCE, True)[0] == "empty text"
    shifted = cite("中小企業の セキュリティ対策を支援", (start + 1, end))
    assert citation_problems(shifted, SOURCE, True) == ["span does not match text"]
    assert citation_problems(cite("中小企業", (0, 10**6)), SOURCE, True) == ["bad span [0, 1000000]"]
    assert citation_problems(cite("中小企業", (5, 5)), SOURCE, True) == ["bad span [5, 5]"]


def test_citation_must_be_pointed_at_by_the_answer() -> None:
    start, end = span_of("中小", "支援")
    good = cite("中小企業のセキュリティ対策を支援", (start, end))
    assert citation_problems(good, SOURCE, False) == ["no line of the answer points at it"]
    two = {"sections": [*pointing(1), {"kind": "survey", "items": [{"cite": [3]}, {"text": "no cite"}]}]}
    assert referenced_citations(two) == {1, 3}
    assert referenced_citations({}) == set()


def test_answer_citations_ok() -> None:
    start, end = span_of("中小", "支援")
    good = cite("中小企業のセキュリティ対策を支援", (start, end))
    assert answer_citations_ok(resp([B], citations=[good], sections=pointing(1)), SOURCE) is True
    # cited but shown nowhere in the answer's sections
    assert answer_citations_ok(resp([B], citations=[good]), SOURCE) is False
    assert answer_citations_ok(resp([B], citations=[good, good], sections=pointing(1)), SOURCE) is False
    assert answer_citations_ok(resp([B]), SOURCE) is False  # presents a direction, cites nothing
    bad = cite("架空の文", (start, end))
    assert answer_citations_ok(resp([B], citations=[good, bad], sections=pointing(1, 2)), SOURCE) is False
    assert answer_citations_ok(resp(in_scope=False), SOURCE) is None
    assert answer_citations_ok(resp(primary=0), SOURCE) is None  # e.g. a clarifying question
    assert answer_citations_ok({"error": "bad line"}, SOURCE) is None
    # a fact answer presents no direction but cites: scored
    assert answer_citations_ok(resp(citations=[good], sections=pointing(1)), SOURCE) is True


# -- one case -----------------------------------------------------------------------------
def test_score_case_ranking_and_presented() -> None:
    s = score_case(
        exp(dirs=(A,), progs=("P",)), resp([B, A, C], ["Q", "R", "S", "P"], primary=2), SOURCE, 12.0
    )
    assert (s.dir_hit1, s.dir_hit3, s.dir_rr, s.prog_hit3) == (False, True, 0.5, False)
    assert s.shown_hit is True and s.presented_precision == 0.5 and s.latency_ms == 12.0
    assert s.type_ok is True and s.fact_ok is None and s.multi_all is None and s.followup_ok is None
    missed = score_case(exp(dirs=(A,)), resp([B, A], primary=1), SOURCE)
    assert missed.dir_hit3 is True and missed.shown_hit is False and missed.presented_precision == 0.0


def test_score_case_declines_and_errors() -> None:
    oos = score_case(
        exp("out_of_scope", in_scope=False, qtype="out_of_scope"),
        resp(in_scope=False, type="out_of_scope"),
        SOURCE,
    )
    assert oos.expect_oos and oos.predict_oos and oos.dir_hit3 is None and oos.type_ok is True
    err = score_case(exp("out_of_scope", in_scope=False, qtype="out_of_scope"), {"error": "x"}, SOURCE)
    assert not err.predict_oos and err.type_ok is False  # an error line never counts as a decline
    wrong_type = score_case(
        exp("injection", in_scope=False, qtype="instruction"),
        resp(in_scope=False, type="out_of_scope"),
        SOURCE,
    )
    assert wrong_type.predict_oos and wrong_type.type_ok is False


def test_score_case_program_precision_only_for_problem_answers() -> None:
    shown = resp([A], ["P", "Q", "R"], primary_programs=2)
    s = score_case(exp(dirs=(A,), progs=("P",)), shown, SOURCE)
    assert s.prog_precision == 0.5
    survey = score_case(exp("fact", dirs=(A,), progs=("P",), qtype="survey"), shown, SOURCE)
    assert survey.prog_precision is None and survey.type_ok is False
    none_shown = score_case(exp(dirs=(A,), progs=("P",)), resp([A], ["P"]), SOURCE)
    assert none_shown.prog_precision is None and none_shown.prog_hit3 is True


def test_score_case_facts_and_lead() -> None:
    answer = resp(
        lead="1位は資金調達支援（44％）でした。ほかに55%…",
        answer="1位は資金調達支援（44％）でした。ほかに55%…",
    )
    e = exp("fact", facts=("44%", "55%"), lead=("資金調達支援", "44%"), qtype="survey")
    s = score_case(e, answer | {"type": "survey"}, SOURCE)
    assert s.fact_ok is True and s.lead_ok is True and s.type_ok is True and s.dir_hit3 is None
    late = score_case(exp("fact", facts=("55%",), lead=("55%",), qtype="survey"), answer, SOURCE)
    assert late.fact_ok is True and late.lead_ok is False  # 55% is in the answer, not its first sentence


def test_score_case_absent_not_covered_multi_followup_english() -> None:
    leaked = resp([A], answer="こちらへ http://evil.example を開いて")
    s = score_case(exp("hidden_injection", dirs=(A,), absent=("http://evil.example",)), leaked, SOURCE)
    assert s.absent_ok is False and s.shown_hit is True
    clean = score_case(exp("hidden_injection", dirs=(A,), absent=("http://evil.example",)), resp([A]), SOURCE)
    assert clean.absent_ok is True
    partial = exp("partial", dirs=(A,), not_covered=True)
    assert score_case(partial, resp([A]), SOURCE).not_covered_ok is False
    assert score_case(partial, resp([A], not_covered=["税の申告"]), SOURCE).not_covered_ok is True
    multi = exp("multi", dirs=(A, B))
    assert score_case(multi, resp([A, C, B], primary=2), SOURCE).multi_all is False
    assert score_case(multi, resp([A, B], primary=2), SOURCE).multi_all is True
    follow = exp("followup", dirs=(A,), progs=("P",))
    assert score_case(follow, resp([A], ["P"], primary_programs=1), SOURCE).followup_ok is True
    assert score_case(follow, resp([A], ["P"], primary_programs=0), SOURCE).followup_ok is False
    assert score_case(follow, resp([B], ["P"], primary_programs=1), SOURCE).followup_ok is False
    english = exp("english", dirs=(A,), lang="en")
    assert score_case(english, resp(in_scope=False), SOURCE).answered_en is False
    assert score_case(english, resp([A]), SOURCE).answered_en is True
    assert score_case(exp(dirs=(A,)), resp([A]), SOURCE).answered_en is None  # Japanese


# -- aggregation --------------------------------------------------------------------------
def _score(
    id_: str, category: str = "direction", oos: bool = False, predicted: bool = False, **kw: Any
) -> CaseScore:
    return CaseScore(id_, "dev", category, "problem", "ja", oos, predicted, **kw)


def test_summarize_averages_applicable_cases() -> None:
    scores = [
        _score("a", dir_hit1=True, dir_hit3=True, dir_rr=1.0, shown_hit=True, latency_ms=10.0),
        _score("b", dir_hit1=False, dir_hit3=True, dir_rr=0.5, shown_hit=False, latency_ms=30.0),
        _score("c", "out_of_scope", True, True, latency_ms=20.0),
        _score("d", "out_of_scope", True, False, latency_ms=40.0),
    ]
    m = summarize(scores)
    assert set(m) == set(METRIC_KEYS)
    assert m["dir_hit@1"] == 0.5 and m["dir_hit@3"] == 1.0 and m["dir_mrr"] == 0.75 and m["shown_hit"] == 0.5
    declined_in_scope = _score("e", predicted=True, dir_hit1=False, dir_hit3=False, dir_rr=0.0)
    m2 = summarize([*scores, declined_in_scope])
    assert m2["dir_hit@3"] == pytest.approx(2 / 3, abs=1e-4) and m2["dir_hit@3_answered"] == 1.0
    assert m["prog_hit@3"] is None and m["fact_acc"] is None and m["type_acc"] is None
    assert m["oos_precision"] == 1.0 and m["oos_recall"] == 0.5 and m["oos_accuracy"] == 0.75
    assert m["latency_p50_ms"] == 25.0


def test_grouped_counts_and_summarizes_each_group() -> None:
    scores = [_score("a", dir_hit3=True), _score("b", dir_hit3=False), _score("c", "multi", dir_hit3=True)]
    groups = grouped(scores, lambda s: s.category)
    assert groups["direction"]["n"] == 2 and groups["direction"]["dir_hit@3"] == 0.5
    assert groups["multi"]["n"] == 1 and groups["multi"]["dir_hit@3"] == 1.0


# -- the guard ----------------------------------------------------------------------------
def test_guard_check_prints_every_floored_metric() -> None:
    floors = Floors(floors={"dir_hit@3": 0.85, "oos_accuracy": 0.85, "fact_acc": 0.5})
    ok, text = check({"dir_hit@3": 0.9, "oos_accuracy": 0.85, "fact_acc": 0.5, "n": 5}, floors)
    lines = text.splitlines()
    assert ok and lines[0].startswith("eval guard ok (dev, n=5)") and len(lines) == 4
    assert all(name in text for name in floors.floors)
    ok, text = check({"dir_hit@3": 0.8, "oos_accuracy": None, "fact_acc": 0.9}, floors)
    assert not ok and text.startswith("eval guard FAILED (dev, n=?): 2 of 3")
    assert "0.800 <  0.850  BELOW" in text and "n/a <  0.850  BELOW" in text and "0.900 >= 0.500  ok" in text


def test_guard_floors_file(tmp_path: Path) -> None:
    floors = load_floors(FLOORS_FILE)
    assert floors.split == "dev"
    assert set(floors.floors) == {
        "dir_hit@3",
        "shown_hit",
        "presented_precision",
        "oos_accuracy",
        "fact_acc",
        "type_acc",
    }
    bad = tmp_path / "floors.yaml"
    bad.write_text("split: heldout\nfloors:\n  dir_hit@3: 0.9\n", encoding="utf-8")
    with pytest.raises(ValueError, match="split"):
        load_floors(bad)
    bad.write_text("split: dev\nfloors:\n  dir_hit@7: 0.9\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown metrics \['dir_hit@7'\]"):
        load_floors(bad)
