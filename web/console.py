"""A quiet console for ``make run``: our own lines, a progress bar while the index builds, the URL.

Everything the libraries log (sentence-transformers, httpx, chromadb, gradio, uvicorn…) goes to
a log file instead of the terminal, warnings and errors included, unless they are our own.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

PREFIX = "[施策ナビ]"
_EMBEDDED = re.compile(r"embedded (\d+)/(\d+) chunks")
BAR = 28


class _Ours(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.startswith("smenavi")


def setup_logging(log_file: Path) -> Path | None:
    """Our INFO lines to stderr; every logger's lines (ours too) to ``log_file``."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter(f"{PREFIX} %(message)s"))
    console.addFilter(_Ours())
    root.addHandler(console)
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.FileHandler(log_file, encoding="utf-8")
    except OSError:
        return None
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(to_file)
    logging.captureWarnings(True)  # library warnings (deprecations…) become log lines in the file
    for noisy in ("httpx", "fontTools", "urllib3"):  # a line per request / per font subset
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return log_file


def say(message: str) -> None:
    print(f"{PREFIX} {message}", file=sys.stderr, flush=True)


def progress(message: str) -> None:
    """The engine's progress lines; index building becomes one redrawn bar on a terminal."""
    found = _EMBEDDED.search(message)
    if found and sys.stderr.isatty():
        done, total = int(found.group(1)), int(found.group(2))
        filled = BAR * done // max(total, 1)
        end = "\n" if done >= total else ""
        print(
            f"\r{PREFIX} building the index [{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}",
            end=end,
            file=sys.stderr,
            flush=True,
        )
        return
    logging.getLogger("smenavi.engine").info("%s", message)
