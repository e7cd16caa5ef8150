"""Small helpers every part of ``python -m eval bench`` shares: timing, percentiles, ports, logging."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.aggregate import percentile

REPO_ROOT = Path(__file__).resolve().parent.parent
Stat = dict[str, float | None]


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def stats(ms: Sequence[float]) -> Stat:
    p50, p95 = percentile(ms, 50), percentile(ms, 95)
    return {
        "p50_ms": round(p50, 3) if p50 is not None else None,
        "p95_ms": round(p95, 3) if p95 is not None else None,
        "n": len(ms),
    }


def ratio(num: Mapping[str, Any], den: Mapping[str, Any]) -> dict[str, float | None]:
    """p50 over p50 and p95 over p95 of two ``stats``: how many bare encodes a question costs.

    Percentile over percentile rather than a per-question ratio: the target compares what an owner
    waits (the pipeline's distribution) with what the encoder alone would make them wait.
    """
    out: dict[str, float | None] = {}
    for key in ("p50", "p95"):
        n, d = num.get(f"{key}_ms"), den.get(f"{key}_ms")
        out[key] = round(n / d, 3) if n is not None and d else None
    return out


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def time_each(fn: Callable[[Any], Any], items: Sequence[Any]) -> Stat:
    fn(items[0])  # first call pays for lazy initialisation
    ms = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        ms.append((time.perf_counter() - t0) * 1000)
    return stats(ms)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_status_mb(pid: int, field: str) -> float | None:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of a live process, in MiB; None once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None
