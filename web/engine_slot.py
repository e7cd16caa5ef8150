"""The engine, loaded in the background so the page answers HTTP at once (issue 10, item 4).

``python app.py`` opens the port first and loads corpus, model and index on a thread. A question
asked meanwhile *waits* for the engine (up to ``Settings.start_wait_s``) instead of being turned
away: the owner already typed it, the page says 「準備中…」, and a warm start takes seconds, so
waiting loses nothing while a "try again" would lose the question. Only past the wait (a first
start building the index) does the owner get a polite "still starting" message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from bot.models import Answer

log = logging.getLogger("smenavi.app")


class Asker(Protocol):
    def ask(self, text: str, history: Sequence[Any] = ..., lang: str | None = ...) -> Answer: ...


class StillStarting(Exception):
    """The engine is not loaded yet (or failed to load): the page says so politely."""

    def __init__(self, failed: bool = False) -> None:
        super().__init__("engine failed to load" if failed else "engine still loading")
        self.failed = failed


class EngineSlot:
    """Holds the engine once loaded; ``ask`` waits for it, bounded."""

    def __init__(
        self, loader: Callable[[], Any] | None = None, engine: Any = None, wait_s: float = 60.0
    ) -> None:
        self._loader = loader
        self._engine = engine
        self._error: str | None = None
        self._ready = threading.Event()
        self.wait_s = wait_s
        if engine is not None:
            self._ready.set()

    def start(self) -> None:
        """Load on a daemon thread (a failed load is logged and reported, the page stays up)."""
        if self._loader is None or self._ready.is_set():
            return
        threading.Thread(target=self._load, name="engine-load", daemon=True).start()

    def _load(self) -> None:
        assert self._loader is not None
        try:
            self._engine = self._loader()
        except Exception as exc:  # shown once on the console; owners get start_failed
            self._error = str(exc) or type(exc).__name__
            log.error("cannot start the engine: %s", self._error)
        finally:
            self._ready.set()

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self._engine is not None

    @property
    def failed(self) -> str | None:
        return self._error

    def engine(self, wait_s: float | None = None) -> Any:
        if not self._ready.wait(self.wait_s if wait_s is None else wait_s) or self._engine is None:
            raise StillStarting(failed=self._error is not None)
        return self._engine

    def ask(self, text: str, history: Sequence[Answer | str] = (), lang: str | None = None) -> Answer:
        return self.engine().ask(text, history, lang=lang)
