"""Chunking: deterministic ids, metadata that maps back to directions/programs and spans."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import load_corpus
from corpus.chunks import Chunk, build_chunks
from corpus.source import compact

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def chunks(corpus):
    return build_chunks(corpus)


def test_ids_are_content_hashes_and_stable(corpus, chunks):
    again = build_chunks(load_corpus())
    assert [c.id for c in chunks] == [c.id for c in again]
    assert len({c.id for c in chunks}) == len(chunks)


def test_metadata_roundtrip(chunks):
    for chunk in chunks:
        back = Chunk.from_metadata(chunk.id, chunk.text, chunk.metadata())
        assert back == chunk
        assert all(isinstance(v, str | int | float | bool) for v in chunk.metadata().values())


def test_document_chunks_cite_their_span(corpus, chunks):
    text = corpus.source.text
    doc_chunks = [c for c in chunks if not c.curated]
    assert len(doc_chunks) == len(corpus.units)
    for chunk in doc_chunks:
        assert chunk.span is not None and chunk.quote
        assert compact(text[chunk.span.start : chunk.span.end]) == compact(chunk.quote)


def test_aids_are_marked_and_never_carry_a_quote(chunks):
    aids = [c for c in chunks if c.curated]
    assert aids and all(c.span is None and c.quote == "" for c in aids)
    assert all(c.directions for c in aids)


def test_every_direction_and_program_is_reachable(corpus, chunks):
    titles = set(corpus.document.direction_titles())
    items = {c.directions[0] for c in chunks if c.kind == "direction_item"}
    assert items == titles
    programs = {p for c in chunks if c.kind == "case_programs" for p in c.programs}
    assert programs == {p.name for p in corpus.document.programs}


def test_case_action_maps_to_its_program(chunks):
    match = [c for c in chunks if c.kind == "case_action" and "ベトナム" in c.quote]
    assert match and set(match[0].programs) == {
        "海外企業連携プロジェクト事業",
        "海外拠点設置等戦略サポート事業",
    }
    assert "海外展開の促進" in match[0].directions


def test_python_m_corpus_json():
    out = subprocess.run(
        [sys.executable, "-m", "corpus", "--json"], cwd=REPO, capture_output=True, text=True, check=True
    )
    data = json.loads(out.stdout)
    assert len(data["strategies"]) == 5
    first = data["strategies"][0]
    assert {"numeral", "title", "issues", "directions", "remarks"} <= set(first)
    assert {"title", "items"} <= set(first["directions"][0])
    assert sum(len(s["directions"]) for s in data["strategies"]) == 16
    programs = {p["name"]: p for p in data["programs"]}
    assert programs["女性ベンチャー成長促進事業"]["cases"] == ["mederi株式会社"]
    assert {"company", "ward", "programs"} <= set(data["cases"][0])
    assert data["survey"]["respondents"] == 1669


def test_python_m_corpus_summary_and_bad_data_dir(tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "corpus"], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "strategies: 5, directions: 16, cases: 5, programs: 6" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "corpus", "--data-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0 and "document.yaml: file not found" in bad.stderr
    assert "Traceback" not in bad.stderr
