"""``python -m eval bench``: per-question cost, start-up, memory, index build, backends, scaling.

Writes eval/bench.json and eval/bench.md (``eval.bench_md``), every number from one run:
processes from the outside first (``eval.bench_startup``: ``--jsonl``, CLI, app, build), while
this process is still small and idle; then the real corpus in this process
(``eval.bench_inprocess``), the encoding backends (``eval.bench_backends``) and the synthetic
1k / 10k / 100k corpora (``eval.bench_scale``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.bench_common import log
from eval.bench_md import bench_markdown, merge_markdown

EVAL_DIR = Path(__file__).resolve().parent
BENCH_JSON = EVAL_DIR / "bench.json"
BENCH_MD = EVAL_DIR / "bench.md"
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
ROUNDS, QUICK_ROUNDS = 5, 2  # rounds over the dev questions in process: p95 from ~1k samples
APP_RUNS, QUICK_APP_RUNS = 3, 1


def dev_queries() -> list[str]:
    """The dev questions only: the held-out file is never read by the bench."""
    from eval.gold import load_gold

    return [c.query for c in load_gold(("dev",))]


def _previous() -> dict[str, Any] | None:
    try:
        return dict(json.loads(BENCH_JSON.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def run_bench(quick: bool, bot_options: Sequence[str]) -> dict[str, Any]:
    from datetime import UTC, datetime

    from eval import bench_startup as startup
    from eval.bench_backends import carry_eval, compare_backends
    from eval.bench_inprocess import measure
    from eval.bench_scale import scaling
    from eval.bot_options import settings_from_argv

    queries = dev_queries()
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    settings = settings_from_argv(bot_options)
    # first: it builds the index if it is missing, which every later start-up then finds
    log(f"--jsonl round trip and RSS ({len(queries)} dev questions)")
    jsonl = startup.jsonl_round_trip(queries, bot_options)
    log("CLI cold first answer")
    cli = startup.cli_cold_start(bot_options)
    log("python app.py to first HTTP 200 and first answer")
    app = startup.app_start(bot_options, QUICK_APP_RUNS if quick else APP_RUNS)
    log("index build from nothing")
    build = startup.index_build(bot_options)
    log("real corpus in process: load the engine")
    from bot.engine import Recommender

    rec = Recommender.load(settings, progress=lambda _: None)
    log("real corpus in process: bare encode, clause batch, ask, retrieval on")
    real = measure(rec, queries, QUICK_ROUNDS if quick else ROUNDS)
    log("encoding backends")
    backends = carry_eval(compare_backends(queries, settings.model_cache, with_eval=False), _previous())
    log("scaling")
    scale = scaling(rec.embeddings, queries, QUICK_SIZES if quick else SIZES)
    result = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs, {sys.platform}",
        "quick": quick,
        "backend": settings.embedding_backend,
        "cli_question": startup.CLI_QUESTION,
        "real": real,
        "jsonl": jsonl,
        "cli_cold_start": cli,
        "app_start": app,
        "index_build": build,
        "backends": backends,
        "scaling": scale,
        "total_s": round(time.perf_counter() - started, 1),
        # other work on a shared machine shows here before it shows in the tail latencies
        "load_avg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    markdown = bench_markdown(result)
    BENCH_JSON.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    old = BENCH_MD.read_text(encoding="utf-8") if BENCH_MD.exists() else ""
    BENCH_MD.write_text(merge_markdown(markdown, old), encoding="utf-8")
    print(markdown)
    return result
