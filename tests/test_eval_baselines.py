"""The baselines: ranking from hits, the gate, the answer JSON, the plain recipe's labels.

Everything but the last two tests runs without the embedding model; the BM25 system needs
only Sudachi, and one model-backed test runs the dense baseline on three questions.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import pytest

from bot.models import Answer
from corpus.chunks import Chunk, build_chunks
from corpus.load import Corpus, load_corpus
from corpus.source import Span
from eval.baselines import SYSTEMS
from eval.baselines.answer import (
    ANSWER_PASSAGES,
    Passage,
    Retrieved,
    build_answer,
    document_chunks,
    in_scope,
    rank_hits,
    retrieved_from_chunks,
)
from eval.baselines.gates import (
    GATES_FILE,
    BaselineGates,
    Gate,
    accuracy,
    fit_gate,
    gate_for,
    load_gates,
    write_gates,
)
from eval.baselines.plain import (
    SpanLabel,
    Target,
    label_span,
    rank_labels,
    retrieved_from_labels,
    split_source,
    targets,
)
from eval.metrics import SourceIndex, answer_citations_ok, first_sentence

REPO_ROOT = Path(__file__).resolve().parent.parent
A, B, C = "適正取引の推進", "危機管理対策", "事業承継の一層の促進"
ANSWER_KEYS = {f.name for f in fields(Answer)}


@lru_cache(maxsize=1)
def corpus() -> Corpus:
    return load_corpus()


@lru_cache(maxsize=1)
def source() -> SourceIndex:
    return SourceIndex.of(corpus().source.text)


def chunk(id_: str, directions: tuple[str, ...] = (), programs: tuple[str, ...] = ()) -> Chunk:
    return Chunk(
        id_,
        f"text {id_}",
        "direction_item",
        f"quote {id_}",
        Span(0, 1),
        directions=directions,
        programs=programs,
    )


# -- ranking from hits --------------------------------------------------------------------
def test_rank_hits_aggregates_by_rank() -> None:
    # A at ranks 2 and 3 beats B at rank 1 alone: best hit plus a decaying share of the next
    hits = [chunk("1", (B,)), chunk("2", (A,)), chunk("3", (A,)), chunk("4", (C,), ("P",))]
    directions, programs = rank_hits(hits)
    assert [d for d, _ in directions] == [A, B, C]
    assert sum(s for _, s in directions) == pytest.approx(1.0)  # shares
    assert programs[0][0] == "P" and len(programs) == 1
    # a chunk about a program counts for less toward its direction than a direction passage
    directions, _ = rank_hits([chunk("1", (C,), ("P",)), chunk("2", (B,))])
    assert [d for d, _ in directions] == [B, C]
    assert rank_hits([]) == ([], [])


def test_retrieved_from_chunks_keeps_order_and_best_score() -> None:
    real = document_chunks(build_chunks(corpus()))
    got = retrieved_from_chunks([(real[3], 7.5), (real[0], 2.0)])
    assert [p.chunk_id for p in got.passages] == [real[3].id, real[0].id]
    assert got.signal == 7.5
    assert retrieved_from_chunks([]).signal == -math.inf


def test_document_chunks_are_the_documents_own() -> None:
    every = build_chunks(corpus())
    own = document_chunks(every)
    assert own and not any(c.curated for c in own)
    assert len(own) == sum(not c.curated for c in every)
    text = corpus().source.text
    assert all(" ".join(c.quote.split()) == " ".join(text[c.span.start : c.span.end].split()) for c in own)


# -- the gate -----------------------------------------------------------------------------
def test_fit_gate_maximizes_accuracy() -> None:
    pairs = [(9.0, True), (7.0, True), (5.0, False), (6.0, True), (1.0, False), (-math.inf, False)]
    gate, acc = fit_gate(pairs)
    assert 5.0 < gate <= 6.0 and acc == 1.0 and accuracy(pairs, gate) == 1.0
    # overlapping classes: the best cut, ties to the lower gate (answer more)
    mixed = [(0.9, True), (0.8, False), (0.7, True), (0.6, False)]
    assert fit_gate(mixed) == (pytest.approx(0.65), 0.75)
    assert fit_gate([(0.5, True), (0.4, True)]) == (0.4, 1.0)  # answer everything
    assert fit_gate([(0.5, False), (0.4, False)]) == (math.inf, 1.0)  # decline everything
    assert fit_gate([(-math.inf, False)]) == (math.inf, 1.0)
    with pytest.raises(ValueError, match="no cases"):
        fit_gate([])


def test_in_scope_reads_the_signal() -> None:
    found = Retrieved([(A, 1.0)], [], [Passage("c", "t", 0, 1, "direction_item", (A,))], 3.0)
    assert in_scope(found, 3.0) and not in_scope(found, 3.01)
    assert not in_scope(Retrieved([], [], [], -math.inf), -1e9)


def test_gates_file_round_trips_and_is_validated(tmp_path: Path) -> None:
    gates = BaselineGates(
        gates={
            "bm25": Gate(gate=2.5, signal="s", dev_accuracy=0.8, dev_cases=10),
            "plain": Gate(gate=math.inf, signal="s", dev_accuracy=0.5, dev_cases=10),
        }
    )
    path = write_gates(gates, tmp_path / "gates.yaml")
    assert load_gates(path) == gates and gate_for("bm25", path) == 2.5 and gate_for("plain", path) == math.inf
    with pytest.raises(ValueError, match="no gate for dense"):
        gate_for("dense", path)
    path.write_text(
        "split: heldout\ngates:\n  bm25: {gate: 1, signal: s, dev_accuracy: 0.5, dev_cases: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="split"):
        load_gates(path)
    path.write_text(
        "gates:\n  bm26: {gate: 1, signal: s, dev_accuracy: 0.5, dev_cases: 3}\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="baselines-calibrate"):
        load_gates(path)
    with pytest.raises(ValueError, match="file not found"):
        load_gates(tmp_path / "missing.yaml")


def test_the_real_gates_file_has_every_baseline() -> None:
    gates = load_gates(GATES_FILE)
    assert set(gates.gates) == set(SYSTEMS) and gates.split == "dev"
    assert all(math.isfinite(g.gate) and g.dev_cases >= 100 for g in gates.gates.values())


# -- the answer ---------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _bm25():
    from eval.baselines.retrieval import Bm25System

    return Bm25System(build_chunks(corpus()))


def test_answer_has_the_bots_shape_and_cites_what_it_shows() -> None:
    got = _bm25().retrieve("原材料が上がったのに取引先に値上げを言い出せない")
    assert got.directions and got.directions[0][0] == A
    answer = build_answer("原材料が上がったのに取引先に値上げを言い出せない", got, got.signal, corpus())
    assert set(answer) == ANSWER_KEYS
    assert answer["in_scope"] is True and answer["type"] == "problem" and answer["primary"] == 1
    assert answer["primary_programs"] == 0 and answer["directions"][0]["title"] == A
    assert A in first_sentence(answer) and answer["answer"] == answer["lead"]
    assert len(answer["citations"]) == min(ANSWER_PASSAGES, len(got.passages))
    assert answer_citations_ok(answer, source()) is True
    json.dumps(answer, ensure_ascii=False)  # plain JSON


def test_answer_below_the_gate_declines_and_lists_nothing() -> None:
    got = _bm25().retrieve("原材料が上がったのに取引先に値上げを言い出せない")
    answer = build_answer(
        "原材料が上がったのに取引先に値上げを言い出せない", got, got.signal + 0.01, corpus()
    )
    assert set(answer) == ANSWER_KEYS
    assert (
        answer["in_scope"] is False and answer["type"] == "out_of_scope" and answer["reason"] == "off_topic"
    )
    assert answer["directions"] == answer["citations"] == answer["sections"] == [] and answer["primary"] == 0
    english = build_answer("What's the weather?", _bm25().retrieve("What's the weather?"), 0.0, corpus())
    assert (
        english["in_scope"] is False
        and english["lang"] == "en"
        and english["lead"].startswith("This question")
    )


def test_answer_without_a_direction_presents_none() -> None:
    survey = next(c for c in document_chunks(build_chunks(corpus())) if c.kind == "survey_table")
    got = retrieved_from_chunks([(survey, 4.0)])
    answer = build_answer("アンケートの結果は", got, 1.0, corpus())
    assert answer["in_scope"] is True and answer["primary"] == 0 and answer["directions"] == []
    assert [s["kind"] for s in answer["sections"]] == ["others"]
    assert answer_citations_ok(answer, source()) is True


def test_bm25_finds_nothing_for_english_and_off_topic_words() -> None:
    assert _bm25().retrieve("What's the weather?").signal == -math.inf
    assert not _bm25().retrieve("今日の天気").passages


# -- the plain recipe ---------------------------------------------------------------------
def test_split_source_offsets_point_at_the_chunks() -> None:
    text = corpus().source.text
    chunks = split_source(text)
    assert len(chunks) > 10
    assert all(text[c.start : c.end] == c.text and len(c.text) <= 300 for c in chunks)
    assert chunks[0].start <= 10 and chunks[-1].end >= len(text.rstrip()) - 1


def test_every_direction_unit_labels_its_own_span() -> None:
    units = targets(corpus())
    for u in corpus().units:
        if u.kind in ("direction_title", "direction_item"):
            assert label_span(u.span.start, u.span.end, units).direction == u.direction, u.field


def test_a_chunk_takes_the_direction_it_overlaps_most() -> None:
    c = corpus()
    units = targets(c)
    items = [u for u in c.units if u.kind == "direction_item"]
    item = max(items, key=lambda u: u.span.end - u.span.start)
    # a window that holds the whole item and only a sliver of its neighbours
    label = label_span(item.span.start - 3, item.span.end + 3, units)
    assert label.direction == item.direction and label.kind == "direction_item"


def test_survey_and_case_chunks_have_no_direction() -> None:
    c = corpus()
    units = targets(c)
    table = next(u for u in c.units if u.kind == "survey_table")
    label = label_span(table.span.start, table.span.end, units)
    assert label.direction is None and label.kind == "survey_table" and label.programs == ()
    action = next(u for u in c.units if u.kind == "case_action" and u.programs)
    label = label_span(action.span.start, action.span.end, units)
    assert label.direction is None and set(action.programs) <= set(label.programs)


def test_real_chunks_map_to_real_directions() -> None:
    c = corpus()
    units = targets(c)
    labels = [label_span(ch.start, ch.end, units) for ch in split_source(c.source.text)]
    found = {lab.direction for lab in labels if lab.direction}
    assert found <= set(c.document.direction_titles())
    assert len(found) >= 8  # fixed-size chunks mix directions, so not all 16 win a chunk


def test_label_span_ties_and_no_overlap() -> None:
    units = [
        Target(0, 10, "direction_item", "A"),
        Target(10, 20, "direction_item", "B"),
        Target(30, 40, "case_action", "", ("P",)),
    ]
    assert label_span(5, 15, units).direction == "A"  # equal overlap: the earlier unit wins
    assert label_span(8, 20, units).direction == "B"
    assert label_span(20, 30, units) == SpanLabel(None, (), "text")
    assert label_span(35, 50, units) == SpanLabel(None, ("P",), "case_action")


def test_rank_labels_keeps_retrieval_order_once_each() -> None:
    labels = [
        SpanLabel("B", (), "x"),
        SpanLabel(None, ("P",), "y"),
        SpanLabel("A", ("Q", "P"), "x"),
        SpanLabel("B", (), "x"),
    ]
    assert rank_labels(labels) == (["B", "A"], ["P", "Q"])


def test_plain_answers_cite_its_own_chunks() -> None:
    c = corpus()
    chunks = split_source(c.source.text)
    units = targets(c)
    labels = [label_span(ch.start, ch.end, units) for ch in chunks]
    first = next(i for i, lab in enumerate(labels) if lab.direction)
    got = retrieved_from_labels([(first, 0.9), (0, 0.8)], chunks, labels)
    assert got.signal == 0.9 and got.directions[0] == (labels[first].direction, 0.9)
    answer = build_answer("質問", got, 0.85, c)
    assert answer["directions"][0]["title"] == labels[first].direction
    assert answer_citations_ok(answer, source()) is True


# -- the command line ---------------------------------------------------------------------
def test_bm25_baseline_prints_one_answer_per_line() -> None:
    lines = [
        {"query": "原材料が上がったのに取引先に値上げを言い出せない"},
        {"query": "今日の天気は？"},
        {"query": "それに使える支援策は？", "history": ["後継ぎがいない"]},
    ]
    done = subprocess.run(
        [sys.executable, "-m", "eval.baselines", "--system", "bm25", "--jsonl", "--gate", "1.0"],
        input="".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO_ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == 3 and all(set(a) == ANSWER_KEYS for a in answers)
    assert [a["in_scope"] for a in answers[:2]] == [True, False]
    assert answers[0]["directions"][0]["title"] == A


def test_dense_baseline_on_three_questions(engine_settings, recommender) -> None:
    """Model-backed: the dense baseline over the session's store (built by the recommender)."""
    from eval.baselines.retrieval import DenseSystem

    system = DenseSystem(engine_settings, build_chunks(corpus()))
    questions = [
        "後継ぎがいなくて会社をたたむか悩んでいる",
        "Our factory was hit by ransomware",
        "今日の天気は？",
    ]
    got = [system.retrieve(q) for q in questions]
    assert all(len(g.passages) == 20 and -1.0 <= g.signal <= 1.0 for g in got)
    own = {c.id for c in document_chunks(build_chunks(corpus()))}
    assert all(p.chunk_id in own for g in got for p in g.passages)  # no aid chunk
    assert C in [d for d, _ in got[0].directions[:3]]
    # the weather is further from the document than either problem; the dev-fitted gate (which
    # moves with dev) decides by that signal alone
    assert got[2].signal < min(got[0].signal, got[1].signal)
    gate = gate_for("dense")
    answers = [build_answer(q, g, gate, corpus()) for q, g in zip(questions, got, strict=True)]
    assert [a["in_scope"] for a in answers] == [g.signal >= gate for g in got]
    assert answers[1]["lang"] == "en" and set(answers[1]) == ANSWER_KEYS
    cites = [answer_citations_ok(a, source()) for a in answers]
    assert cites == [True if a["in_scope"] else None for a in answers]
