"""Encoding backends compared: encode time, load time, RSS, agreement with torch, eval scores.

Each backend is measured in a fresh process of its own (so RSS and load time are that
backend's), after its files are built in another one. The eval runs the whole pipeline on
an index built by that backend, in a data dir of its own (the index refuses vectors of
another backend).

Encode, load, RSS and cosine take under a minute and are measured by every ``eval bench``;
the eval columns need an index build and a full eval per backend (~8 min on 2 cores), so
``eval bench`` carries them over from the last run that measured them, with that run's date,
and ``python -m eval.bench_backends --eval`` measures them again into eval/bench.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench_common import REPO_ROOT, log, stats
from eval.peak_rss import vm_hwm_mb
from index.backends import BACKENDS, DEFAULT_BACKEND

EVAL_METRICS = ("dir_hit@3", "dir_hit@1", "oos_accuracy")


def compare_backends(queries: Sequence[str], models_dir: Path, with_eval: bool) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="smenavi-backends-") as tmp:
        qfile = Path(tmp) / "queries.json"
        qfile.write_text(json.dumps(list(queries), ensure_ascii=False), encoding="utf-8")
        for backend in BACKENDS:
            log(f"backend {backend}: files")
            _child(backend, models_dir, qfile, None)  # builds the export if missing, untimed
            log(f"backend {backend}: encode")
            vectors = Path(tmp) / f"{backend}.npy"
            rows[backend] = _child(backend, models_dir, qfile, vectors)
            rows[backend]["vectors"] = vectors
            if with_eval:
                log(f"backend {backend}: eval")
                rows[backend]["eval"] = _eval(backend, models_dir, Path(tmp) / backend)
        reference = np.load(rows["torch"]["vectors"])
        for row in rows.values():
            cos = (np.load(row.pop("vectors")) * reference).sum(axis=1)
            row["cosine_vs_torch"] = {"min": round(float(cos.min()), 5), "mean": round(float(cos.mean()), 5)}
    return {"default": DEFAULT_BACKEND, "rows": rows}


def carry_eval(backends: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """``backends`` with the eval columns and their date taken from an earlier bench.json."""
    old = (previous or {}).get("backends") or {}
    rows = old.get("rows") or {}
    if not rows or not all("eval" in rows.get(b, {}) for b in backends["rows"]):
        return backends
    carried = {b: {**r, "eval": rows[b]["eval"]} for b, r in backends["rows"].items()}
    measured = old.get("eval_measured") or (previous or {}).get("generated")
    return {**backends, "rows": carried, "eval_measured": measured}


def _child(backend: str, models_dir: Path, queries: Path, vectors: Path | None) -> dict[str, Any]:
    spec = {"backend": backend, "models": str(models_dir), "queries": str(queries)}
    spec["vectors"] = str(vectors) if vectors else None
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "eval.bench_backends", json.dumps(spec)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"backend {backend} failed:\n{proc.stderr[-2000:]}")
    return {**json.loads(proc.stdout), "process_s": round(time.perf_counter() - t0, 2)}


def _eval(backend: str, models_dir: Path, data_dir: Path) -> dict[str, Any]:
    env = {**os.environ, "SMENAVI_EMBEDDING_BACKEND": backend, "SMENAVI_MODELS_DIR": str(models_dir)}
    py, opts = sys.executable, ["--data-dir", str(data_dir)]
    build = subprocess.run(
        [py, "-m", "bot", *opts, "index", "build"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    if build.returncode != 0:
        raise RuntimeError(f"index build with {backend} failed:\n{build.stderr[-2000:]}")
    run = subprocess.run(
        [py, "-m", "eval", "run", "--no-baselines", "--json", *opts],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise RuntimeError(f"eval with {backend} failed:\n{run.stderr[-2000:]}")
    data = json.loads(run.stdout)
    out = {m: data["metrics"][m] for m in EVAL_METRICS}
    for split, metrics in data["by_split"].items():
        out[split] = {m: metrics.get(m) for m in EVAL_METRICS}
    return out


def _measure(spec: dict[str, Any]) -> None:
    """In the child: load the backend, encode every query alone, report."""
    t0 = time.perf_counter()
    from index.embeddings import E5Embeddings

    embeddings = E5Embeddings(cache_dir=Path(spec["models"]), backend=spec["backend"])
    load_s = time.perf_counter() - t0
    if spec["vectors"] is None:
        print("{}")
        return
    queries = json.loads(Path(spec["queries"]).read_text(encoding="utf-8"))
    embeddings.embed_query_array(queries[0])  # first call pays for lazy initialisation
    ms, vectors = [], []
    for q in queries:
        t = time.perf_counter()
        vectors.append(embeddings.embed_query_array(q))
        ms.append((time.perf_counter() - t) * 1000)
    np.save(spec["vectors"], np.stack(vectors))
    print(json.dumps({"load_s": round(load_s, 2), "encode": stats(ms), "peak_rss_mb": vm_hwm_mb()}))


def _measure_eval() -> None:
    """``--eval``: every column, eval included, into eval/bench.json's backends (dated)."""
    from datetime import UTC, datetime

    from bot.settings import Settings
    from eval.gold import load_gold

    bench_json = REPO_ROOT / "eval" / "bench.json"
    queries = [c.query for c in load_gold(("dev",))]
    backends = compare_backends(queries, Settings().model_cache, with_eval=True)
    backends["eval_measured"] = datetime.now(UTC).isoformat(timespec="seconds")
    result = json.loads(bench_json.read_text(encoding="utf-8")) if bench_json.exists() else {}
    result["backends"] = backends
    bench_json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log("eval/bench.json updated; the next `python -m eval bench` shows these eval columns")


if __name__ == "__main__":
    if sys.argv[1:] == ["--eval"]:
        _measure_eval()
    else:
        _measure(json.loads(sys.argv[1]))
