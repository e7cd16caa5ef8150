"""Systems under test: one ``--jsonl`` subprocess each, fed one line at a time.

Latency is wall time between writing a line and reading its answer, so it includes the
JSON protocol but not the model loading, which the warm-up line absorbs (and which is
reported separately as the cold start).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from eval.bench_common import proc_status_mb
from eval.procs import stop

REPO_ROOT = Path(__file__).resolve().parent.parent
# An in-scope question that is not in the gold set: it loads every lazy part once.
WARMUP_QUERY = "人手不足で困っている小さな会社です。使える支援はありますか"
ANSWER_TIMEOUT_S = 120.0
START_TIMEOUT_S = 900.0  # a first run may build the index and provision the model


class SystemRunError(RuntimeError):
    """The system died, hung, or printed something that is not one JSON line."""


@dataclass(frozen=True)
class SystemSpec:
    name: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        return " ".join("python" if a == sys.executable else a for a in self.argv)


@dataclass
class RunOutput:
    name: str
    responses: list[dict[str, Any]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    cold_start_ms: float = 0.0  # process start to the warm-up answer
    peak_rss_mb: float | None = None
    returncode: int | None = None
    # 1-minute load average when the timed part started and ended: on a shared machine,
    # a high value explains a slow run better than the code does
    load_before: float = 0.0
    load_after: float = 0.0


def pipeline_spec(name: str = "pipeline", global_opts: Sequence[str] = ()) -> SystemSpec:
    """The bot itself, as a batch process: ``python -m bot [options] ask --jsonl``."""
    return SystemSpec(name, (sys.executable, "-m", "bot", *global_opts, "ask", "--jsonl"))


def _reader(stream: TextIO, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


class JsonlProcess:
    """A running ``--jsonl`` system; ``ask`` is one round trip."""

    def __init__(self, spec: SystemSpec) -> None:
        self.spec = spec
        # closed with the process object; a file, not a pipe, so a chatty stderr never blocks it
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        env = {**os.environ, **dict(spec.env), "PYTHONUNBUFFERED": "1"}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            spec.argv,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        assert self.proc.stdout is not None
        threading.Thread(target=_reader, args=(self.proc.stdout, self._lines), daemon=True).start()

    def stderr_tail(self, lines: int = 15) -> str:
        self._stderr.seek(0)
        return "\n".join(self._stderr.read().splitlines()[-lines:])

    def ask(
        self, query: str | dict[str, Any], timeout: float = ANSWER_TIMEOUT_S
    ) -> tuple[dict[str, Any], float]:
        """(the answer object, wall milliseconds from writing the line to reading the answer).

        ``query`` is a question or a whole request line ({"query": ..., "history": [...]}).
        """
        assert self.proc.stdin is not None
        line = query if isinstance(query, dict) else {"query": query}
        t0 = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise SystemRunError(f"{self.spec.name} exited early:\n{self.stderr_tail()}") from None
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise SystemRunError(
                f"{self.spec.name} gave no answer within {timeout:.0f}s:\n{self.stderr_tail()}"
            ) from None
        elapsed = (time.perf_counter() - t0) * 1000
        if line is None:
            raise SystemRunError(
                f"{self.spec.name} exited early (rc {self.proc.poll()}):\n{self.stderr_tail()}"
            )
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            raise SystemRunError(
                f"{self.spec.name} printed a line that is not JSON: {line[:200]!r}"
            ) from None
        return obj, elapsed

    def close(self) -> tuple[int | None, float | None]:
        """Close stdin and reap the process: (exit code, its own peak RSS in MiB).

        The peak is the live process's VmHWM, read before it exits: wait4's ru_maxrss also
        counts the memory of the parent it was spawned from (kept across exec by Linux)."""
        peak = proc_status_mb(self.proc.pid, "VmHWM")
        if self.proc.stdin and not self.proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=ANSWER_TIMEOUT_S)  # end of input: the batch exits by itself
        except subprocess.TimeoutExpired:
            stop(self.proc)
        return self.proc.returncode, peak

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()


def run_system(spec: SystemSpec, queries: Sequence[str | dict[str, Any]], progress: bool = True) -> RunOutput:
    """Warm up, then ask every query in order; answers and latencies line up with queries."""
    out = RunOutput(spec.name)
    proc = JsonlProcess(spec)
    try:
        warm, _ = proc.ask(WARMUP_QUERY, timeout=START_TIMEOUT_S)
        out.cold_start_ms = (time.perf_counter() - proc.started) * 1000
        if "error" in warm:
            raise SystemRunError(f"{spec.name} failed the warm-up question: {warm['error']}")
        out.load_before = os.getloadavg()[0]
        for i, query in enumerate(queries, start=1):
            obj, ms = proc.ask(query)
            out.responses.append(obj)
            out.latencies_ms.append(ms)
            if progress and i % 25 == 0:
                print(f"[eval] {spec.name}: {i}/{len(queries)}", file=sys.stderr, flush=True)
    except BaseException:
        proc.kill()
        proc.close()
        raise
    out.load_after = os.getloadavg()[0]
    out.returncode, out.peak_rss_mb = proc.close()
    return out
