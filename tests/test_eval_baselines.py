"""The plain baseline's chunk -> direction mapping, on the real corpus (no model)."""

from __future__ import annotations

from functools import lru_cache

from corpus.load import Corpus, load_corpus
from eval.baselines import SpanLabel, Target, label_span, rank_labels, split_source, targets


@lru_cache(maxsize=1)
def corpus() -> Corpus:
    return load_corpus()


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
