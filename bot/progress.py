"""Reporting loading steps (the index build, the model fits) to a person at a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    """On stderr, because stdout carries answers (the CLI's JSON lines)."""
    print(f"[施策ナビ] {message}", file=sys.stderr, flush=True)
