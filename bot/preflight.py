"""Checks that take milliseconds, run before the embedding model loads (which takes seconds).

A read-only data folder or a Chroma server that is not up is then reported at once, in
one line that says what to do, instead of after the model has loaded. Light imports only.
"""

from __future__ import annotations

from bot.errors import DataDirNotWritable
from bot.settings import Settings
from index.health import probe_server, writable_problem


def preflight(settings: Settings) -> None:
    """Raise DataDirNotWritable or StoreUnreachable (both one line) when start-up cannot work."""
    problem = writable_problem(settings.data_dir)
    if problem:
        raise DataDirNotWritable(str(settings.data_dir), problem)
    if settings.chroma_host:
        probe_server(settings.store_config())
