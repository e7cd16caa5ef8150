"""Stopping a child process this project started (an app, a `chroma run` server)."""

from __future__ import annotations

import subprocess

GRACE_S = 15.0


def stop(proc: subprocess.Popen, grace: float = GRACE_S) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``grace`` seconds; always reaped."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
