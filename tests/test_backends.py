"""Encoding backends: each agrees with torch, is built once, and the index refuses another."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from index.backends import BACKENDS, DEFAULT_BACKEND, check_backend
from index.errors import EmbeddingModelError, IndexStoreError
from index.export import export_dir
from index.graphs import FILES, MANIFEST
from index.store import ChunkStore, StoreConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "後継ぎがいない",
    "人手不足で採用が難しい。賃上げもできない",
    "海外の展示会に出展したいが費用が心配",
    "How do I find a successor for my company?",
    "ＤＸ推進のためのＩＴ導入助成金（最大１，５００万円）",
]
# int8 weights move vectors a little (eval/bench.md: the eval scores are what decides)
MIN_COSINE = {
    "onnx": 0.9999,
    "openvino": 0.9999,
    "onnx-embed8": 0.9995,
    "onnx-int8": 0.97,
    "openvino-int8": 0.98,
}


@pytest.fixture(scope="module")
def torch_embeddings(e5_model_dir):
    from index.embeddings import E5Embeddings

    return E5Embeddings(cache_dir=e5_model_dir.parent, backend="torch")


@pytest.mark.model
@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "torch"])
def test_backend_agrees_with_torch(backend, e5_model_dir, torch_embeddings):
    from index.embeddings import E5Embeddings

    other = E5Embeddings(cache_dir=e5_model_dir.parent, backend=backend)
    assert (other.query_prompt, other.passage_prompt) == ("query: ", "passage: ")
    for mine, theirs in (
        (other.embed_queries_array(TEXTS), torch_embeddings.embed_queries_array(TEXTS)),
        (other.embed_documents_array(TEXTS), torch_embeddings.embed_documents_array(TEXTS)),
        (np.stack([other.embed_query_array(t) for t in TEXTS]), torch_embeddings.embed_queries_array(TEXTS)),
    ):
        assert mine.dtype == np.float32 and mine.shape == (len(TEXTS), 384)
        assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
        assert (mine * theirs).sum(axis=1).min() >= MIN_COSINE[backend]
    # the query and passage prompts still make a difference, as with torch
    assert float(other.embed_query_array(TEXTS[0]) @ other.embed_documents_array(TEXTS[:1])[0]) < 0.99


@pytest.mark.model
def test_packed_rows_give_each_clause_the_vector_it_gets_alone(e5_model_dir):
    """onnx-embed8 packs a message's clauses into one row; each must not see the others."""
    from index.embeddings import E5Embeddings

    packed = E5Embeddings(cache_dir=e5_model_dir.parent, backend="onnx-embed8")
    together = packed.embed_queries_array(TEXTS)
    alone = np.stack([packed.embed_query_array(t) for t in TEXTS])
    assert (together * alone).sum(axis=1).min() >= 0.99999


@pytest.mark.model
def test_export_is_built_once(e5_model_dir):
    from index.export import provision_backend

    folder = provision_backend(e5_model_dir, "onnx", e5_model_dir.parent)
    graph = folder / FILES["onnx"]
    before = graph.stat().st_mtime_ns
    messages: list[str] = []
    assert provision_backend(e5_model_dir, "onnx", e5_model_dir.parent, messages.append) == folder
    assert graph.stat().st_mtime_ns == before and messages == []
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["backend"] == "onnx" and manifest["prompts"]["query"] == "query: "
    assert folder == export_dir(e5_model_dir.resolve(), "onnx", e5_model_dir.parent)


@pytest.mark.model
def test_stale_export_is_rebuilt(e5_model_dir, tmp_path):
    from index.export import provision_backend

    shared = provision_backend(e5_model_dir, "onnx", e5_model_dir.parent)
    cache = tmp_path / "models"
    target = export_dir(e5_model_dir.resolve(), "onnx-int8", cache)
    source = export_dir(e5_model_dir.resolve(), "onnx", cache)
    source.parent.mkdir(parents=True)
    (source.parent / "onnx").symlink_to(shared, target_is_directory=True)
    target.mkdir()
    (target / MANIFEST).write_text(json.dumps({"backend": "onnx-int8", "exporter_version": "0"}))
    messages: list[str] = []
    assert provision_backend(e5_model_dir, "onnx-int8", cache, messages.append) == target
    assert any("building" in m for m in messages)
    assert (target / FILES["onnx-int8"]).stat().st_size < (shared / FILES["onnx"]).stat().st_size / 2
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []  # no temp leftovers


@pytest.mark.model
def test_default_backend_starts_without_torch(e5_model_dir):
    """The point of the ONNX default: a start imports neither torch nor transformers."""
    from index.export import provision_backend

    provision_backend(e5_model_dir, DEFAULT_BACKEND, e5_model_dir.parent)  # built beforehand, as in use
    code = (
        "import sys\n"
        "from index.embeddings import E5Embeddings\n"
        f"e = E5Embeddings(cache_dir={str(e5_model_dir.parent)!r})\n"
        "assert len(e.embed_query('後継ぎがいない')) == 384\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]"


def test_unknown_backend_is_refused(monkeypatch):
    from bot.settings import Settings
    from index.backends import default_backend

    with pytest.raises(EmbeddingModelError, match="onnx"):
        check_backend("tensorflow")
    monkeypatch.setenv("SMENAVI_EMBEDDING_BACKEND", "openvino")
    assert default_backend() == "openvino" and Settings().embedding_backend == "openvino"
    monkeypatch.setenv("SMENAVI_EMBEDDING_BACKEND", "tensorflow")
    with pytest.raises(ValueError):
        Settings()


class _Fixed(Embeddings):
    def embed_documents(self, texts):
        return [[1.0, 0.0, 0.0] for _ in texts]

    def embed_query(self, text):
        return [1.0, 0.0, 0.0]


def test_index_records_the_backend_and_refuses_another(tmp_path):
    from corpus.chunks import Chunk

    cfg = StoreConfig(tmp_path / "chroma", "backend-test")
    built = ChunkStore(cfg, _Fixed(), "m", "onnx")
    built.sync([Chunk(id="a", text="事業承継", kind="direction")])
    assert ChunkStore(cfg, _Fixed(), "m", "onnx").built_backend() == "onnx"
    ChunkStore(cfg, _Fixed(), "m", "onnx").check_model()
    with pytest.raises(IndexStoreError, match="'onnx' embedding backend, not 'torch'"):
        ChunkStore(cfg, _Fixed(), "m", "torch").check_model()
    ChunkStore(cfg, _Fixed(), "m").check_model()  # a caller that does not track backends


def test_index_from_before_backends_counts_as_torch(tmp_path):
    cfg = StoreConfig(tmp_path / "chroma", "old")
    old = ChunkStore(cfg, _Fixed(), "m")  # records the model only, as before
    assert "embedding_backend" not in (old.collection.metadata or {})
    assert ChunkStore(cfg, _Fixed(), "m").built_backend() == "torch"
    with pytest.raises(IndexStoreError, match="SMENAVI_EMBEDDING_BACKEND=torch"):
        ChunkStore(cfg, _Fixed(), "m", "onnx").check_model()
