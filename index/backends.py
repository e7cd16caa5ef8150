"""Encoders that run the same sentence-transformers model: torch, ONNX Runtime or OpenVINO.

Each turns a batch of (already prompted) texts into normalized float32 vectors. The torch
encoder is sentence-transformers itself. The other two run a graph exported once from it
(``index.export``) and need neither torch nor transformers at run time, which is most of
the start-up time saved: their only other piece is the model's fast tokenizer, read from
its ``tokenizer.json`` with the ``tokenizers`` library.

sentence-transformers' own ``backend="onnx" / "openvino"`` would need optimum-onnx and
optimum-intel, which pin transformers < 4.58 and < 5.6 (and optimum-intel torchvision):
they cannot be installed beside sentence-transformers 6 and the pinned torch. So the
export and the run are done here with torch.onnx, onnxruntime, openvino and nncf directly.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.errors import EmbeddingModelError
from index.packing import mean_pooled, rows_of, runs_of

BACKENDS = ("torch", "onnx", "onnx-int8", "onnx-embed8", "openvino", "openvino-int8")
ENV_BACKEND = "SMENAVI_EMBEDDING_BACKEND"
# eval/bench.md: within 0.01 of torch's scores, ~2x faster, no torch import at start, and the
# only one under 1 GB while answering (its 250k-piece embedding table is int8, nothing else);
# a message's clauses run as one packed row (index/packing.py), not a padded batch
DEFAULT_BACKEND = "onnx-embed8"


def default_backend() -> str:
    """The configured backend when a caller does not say (SMENAVI_EMBEDDING_BACKEND)."""
    return check_backend(os.environ.get(ENV_BACKEND) or DEFAULT_BACKEND)


def check_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise EmbeddingModelError(
            f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}"
        )
    return backend


class Encoder(Protocol):
    prompts: dict[str, str]
    dimension: int
    batch_size: int

    def encode(self, texts: list[str], prompt: str, task: str) -> np.ndarray:
        """Normalized float32 vectors, one row per text; ``prompt`` goes before each text."""
        ...


class TorchEncoder:
    """sentence-transformers on torch, CPU."""

    def __init__(self, model: Any, batch_size: int = 32) -> None:
        self._model = model
        self.prompts = dict(model.prompts or {})
        self.dimension = _st_dimension(model)
        self.batch_size = batch_size

    def encode(self, texts: list[str], prompt: str, task: str) -> np.ndarray:
        import torch

        if len(texts) == 1:
            # one query: the forward pass alone, without encode()'s sorting and batching
            with torch.inference_mode():
                features = self._model.preprocess(texts, prompt=prompt or None, task=task)
                vector = self._model(features, task=task)["sentence_embedding"]
                return torch.nn.functional.normalize(vector, dim=1).numpy()
        return self._model.encode(
            texts,
            prompt=prompt or None,
            task=task,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


class GraphEncoder:
    """An exported graph (inputs: input_ids, attention_mask; output: the sentence embedding)."""

    def __init__(self, folder: Path, run: Any, batch_size: int = 32) -> None:
        from tokenizers import Tokenizer

        manifest = read_manifest(folder)
        self.prompts = dict(manifest["prompts"])
        self.dimension = int(manifest["dimension"])
        self.batch_size = batch_size
        self._pad_id = int(manifest["pad_id"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(int(manifest["max_seq_length"]))
        self._tokenizer.enable_padding(pad_id=self._pad_id, pad_token=manifest["pad_token"])
        self._run = run

    def encode(self, texts: list[str], prompt: str, task: str) -> np.ndarray:
        # the exported pooling averages over every token, prompt included, as the model's does
        texts = [prompt + t for t in texts]
        out = []
        for i in range(0, len(texts), self.batch_size):
            encoded = self._tokenizer.encode_batch(texts[i : i + self.batch_size])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            out.append(np.asarray(self._run(ids, mask), dtype=np.float32))
        if not out:
            return np.zeros((0, self.dimension), np.float32)
        vectors = np.concatenate(out)
        # the graph normalizes already; int8 graphs drift a little, so normalize again
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class PackedEncoder(GraphEncoder):
    """The packed graph (index.graphs, onnx-embed8): texts share rows, each pooled on its own.
    Runs are sized by tokens (index.packing), not by ``batch_size``."""

    def __init__(self, folder: Path, run: Any, batch_size: int = 32) -> None:
        super().__init__(folder, run, batch_size)
        self._tokenizer.no_padding()  # rows are laid out by index.packing

    def encode(self, texts: list[str], prompt: str, task: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        # the pooling averages over every token, prompt included, as the model's does
        tokens = [e.ids for e in self._tokenizer.encode_batch([prompt + t for t in texts])]
        rows = rows_of(tokens, self._pad_id)
        vectors = np.concatenate(
            [self._run(rows.ids[s], rows.positions[s], rows.segments[s]) for s in runs_of(rows)]
        )
        return mean_pooled(vectors, rows.spans)


def packed_encoder(folder: Path, file: str, threads: int) -> PackedEncoder:
    session = _onnx_session(folder / file, threads)

    def run(ids: np.ndarray, positions: np.ndarray, segments: np.ndarray) -> np.ndarray:
        return session.run(None, {"input_ids": ids, "position_ids": positions, "segment_ids": segments})[0]

    return PackedEncoder(folder, run)


def _onnx_session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def onnx_encoder(folder: Path, file: str, threads: int) -> GraphEncoder:
    session = _onnx_session(folder / file, threads)

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    return GraphEncoder(folder, run)


def openvino_encoder(folder: Path, file: str, threads: int) -> GraphEncoder:
    import openvino as ov

    core = ov.Core()
    compiled = core.compile_model(
        str(folder / file),
        "CPU",
        {
            "INFERENCE_NUM_THREADS": threads,
            "PERFORMANCE_HINT": "LATENCY",
            # keep f32 where the CPU offers bf16: the index must get the vectors that were measured
            "INFERENCE_PRECISION_HINT": "f32",
        },
    )

    def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        # a request per call: OpenVINO requests are not meant to be shared by threads
        return compiled.create_infer_request().infer({"input_ids": ids, "attention_mask": mask})[0]

    return GraphEncoder(folder, run)


def read_manifest(folder: Path) -> dict[str, Any]:
    from index.graphs import MANIFEST

    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def _st_dimension(model: Any) -> int:
    # sentence-transformers 6 renamed the method and warns on the old name
    getter = getattr(model, "get_embedding_dimension", None)
    getter = getter or model.get_sentence_embedding_dimension
    return int(getter() or 0)
