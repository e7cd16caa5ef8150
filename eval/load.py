"""``python -m eval load``: many owners at once against a running app, through gradio_client.

Each simulated session is its own gradio_client.Client (its own session) and asks its K
questions one after another, each with the earlier ones as history, like an owner following
up. Every answer must be for the question that was sent (``query`` echoes it) in that session;
anything else counts as an error. Latencies are client-side, per answer. With ``--url`` the app
is someone else's; without it, ``python app.py`` is started on a free port and its RSS is read
before and after. Results go to eval/bench.md, section "Load".
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.aggregate import percentile
from eval.bench_common import free_port, proc_status_mb
from eval.procs import stop

EVAL_DIR = Path(__file__).resolve().parent
REPO = EVAL_DIR.parent
BENCH_MD = EVAL_DIR / "bench.md"
BEGIN, END = "<!-- load:begin -->", "<!-- load:end -->"


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def questions(n: int) -> list[str]:
    from eval.gold import load_gold

    pool = [c.query for c in load_gold(("dev",)) if c.expected.in_scope and not c.history]
    return [pool[i % len(pool)] for i in range(n)]


@dataclass(frozen=True)
class Pace:
    """How owners arrive: ``ramp`` s over which sessions start, ``think`` s of reading between questions."""

    ramp: float = 0.0
    think: float = 0.0


def session(url: str, number: int, asks: list[str], run: Run, start: threading.Barrier, pace: Pace) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:
        with run.lock:
            run.errors.append(f"session {number}: cannot connect: {exc}")
        return
    start.wait()
    time.sleep(pace.ramp * random.Random(number).random())
    history: list[str] = []
    for i, question in enumerate(asks):
        if i:
            time.sleep(pace.think)
        text = f"{question}（{number}-{i}）"  # unique per session and turn: a leak would show
        t0 = time.perf_counter()
        try:
            got: Any = client.predict(text, history, None, api_name="/ask")
            ok = isinstance(got, dict) and got.get("query") == text and "error" not in got
            problem = "" if ok else f"session {number} turn {i}: wrong answer {str(got)[:120]}"
        except Exception as exc:
            problem = f"session {number} turn {i}: {type(exc).__name__}: {exc}"
        with run.lock:
            run.latencies_ms.append((time.perf_counter() - t0) * 1000)
            if problem:
                run.errors.append(problem)
        history.append(text)


def drive(url: str, sessions: int, per_session: int, pace: Pace = Pace()) -> Run:
    run, asks = Run(), questions(sessions * per_session)
    start = threading.Barrier(sessions)
    threads = [
        threading.Thread(
            target=session, args=(url, s, asks[s * per_session : (s + 1) * per_session], run, start, pace)
        )
        for s in range(sessions)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return run


def start_app(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="smenavi-load-")) / "app.log"
    env = {**os.environ, **env, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "app.py"], cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    return proc, f"http://127.0.0.1:{port}/"


def wait_engine(url: str, timeout: float = 300, give_up: Callable[[], str | None] | None = None) -> None:
    """Until /ask answers a question (the page is up at once; the engine loads behind it).

    ``give_up`` may return a reason to stop waiting early (a test reads the app's log for it).
    """
    from gradio_client import Client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reason = give_up() if give_up else None
        if reason:
            raise RuntimeError(reason)
        try:
            if "error" not in Client(url, verbose=False).predict(
                "資金繰りが苦しい", None, None, api_name="/ask"
            ):
                return
        except Exception:
            pass
        time.sleep(1)
    raise RuntimeError(f"no answer from {url}/ask within {timeout:.0f}s")


def report(
    run: Run, sessions: int, per_session: int, label: str, pace: Pace, rss: tuple[float, float] | None
) -> str:
    ms = run.latencies_ms
    p50, p95 = percentile(ms, 50) or 0, percentile(ms, 95) or 0
    memory = f"{rss[0]:.0f} → {rss[1]:.0f} MB" if rss else "n/a (--url)"
    return (
        f"| {label} | {sessions}×{per_session} | {pace.ramp:g} / {pace.think:g} | {len(ms)} | "
        f"{len(run.errors)} | {p50:.0f} | {p95:.0f} | {max(ms, default=0):.0f} | {memory} |"
    )


HEAD = [
    "## Load (`python -m eval load`)",
    "",
    f"On this machine ({os.cpu_count()} cores), the load generator on the same cores as the app. Each "
    "session is its own gradio_client.Client and asks its questions in turn through `/ask` (earlier ones "
    "as history); sessions start within `ramp` seconds and read each answer for `think` seconds. "
    "Client-side latency per answer in ms; every answer is checked to be its own question's. "
    "Rows are appended by `--write`, newest last.",
    "",
    "| app concurrency | sessions×questions | ramp / think (s) | answers | errors | p50 | p95 | max "
    "| app RSS before → after |",
    "|---|---|---|---|---|---|---|---|---|",
]


def write_rows(rows: list[str]) -> None:
    """Append rows to the Load section of eval/bench.md (made on first use)."""
    text = BENCH_MD.read_text(encoding="utf-8") if BENCH_MD.exists() else "# 施策ナビ — benchmarks\n"
    if BEGIN not in text:
        text = text.rstrip() + "\n\n" + "\n".join([BEGIN, *HEAD, END]) + "\n"
    before, after = text.split(END, 1)
    BENCH_MD.write_text(before.rstrip("\n") + "\n" + "\n".join(rows) + "\n" + END + after, encoding="utf-8")


def measure(args: argparse.Namespace, limit: int | None, pace: Pace) -> tuple[Run, str]:
    proc, url = (None, args.url) if args.url else start_app({"SMENAVI_CONCURRENCY": str(limit)})
    try:
        wait_engine(url)
        before = proc_status_mb(proc.pid, "VmRSS") if proc else None
        run = drive(url, args.sessions, args.questions, pace)
        after = proc_status_mb(proc.pid, "VmRSS") if proc else None
    finally:
        if proc is not None:
            stop(proc, grace=30)
    rss = (before, after) if before is not None and after is not None else None
    return run, report(run, args.sessions, args.questions, str(limit or "?"), pace, rss)


def run_load(args: argparse.Namespace) -> int:
    rows, failed = [], False
    for limit in [None] if args.url else args.concurrency:
        run, row = measure(args, limit, Pace(args.ramp, args.think))
        rows.append(row)
        print(row, flush=True)
        for problem in run.errors[:5]:
            print(f"  {problem}", file=sys.stderr)
        failed |= bool(run.errors)
    if args.write:
        write_rows(rows)
    return 1 if failed else 0
