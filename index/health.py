"""Cheap checks of the store, run before the embedding model is loaded (seconds earlier).

Also turns the HTTP client's and SQLite's exceptions into the index's one-line errors, so
that a user reads "Chroma server at … is not answering", never "ConnectError".
Light imports only: this runs at CLI start-up.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import httpx

from index.config import StoreConfig
from index.errors import StoreCorrupted, StoreUnreachable

HEARTBEAT = "/api/v2/heartbeat"
SQLITE_FILE = "chroma.sqlite3"
_SQLITE_DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
# How Chroma's Rust core reports the same two SQLite codes (it does not raise sqlite3 errors).
_DAMAGE_WORDS = re.compile(r"\(code: (?:11|26)\)|disk image is malformed|file is not a database", re.I)
_HINT = "check that the server is running, or set SMENAVI_CHROMA_HOST/SMENAVI_CHROMA_PORT"


def timeouts(cfg: StoreConfig) -> httpx.Timeout:
    return httpx.Timeout(cfg.read_timeout, connect=cfg.connect_timeout)


def unreachable(cfg: StoreConfig, exc: BaseException) -> StoreUnreachable:
    """The one-line error for a transport failure talking to the Chroma server."""
    if isinstance(exc, httpx.ConnectTimeout):
        what = f"is not answering (no connection within {cfg.connect_timeout:g} s)"
    elif isinstance(exc, httpx.TimeoutException):
        what = f"is not answering (timeout {cfg.read_timeout:g} s)"
    elif isinstance(exc, httpx.ConnectError):
        what = f"is unreachable ({_reason(exc)})"
    else:  # the server closed the connection mid-answer, e.g. it was killed
        what = f"dropped the connection ({_reason(exc)})"
    return server_error(cfg, what)


def server_error(cfg: StoreConfig, what: str) -> StoreUnreachable:
    return StoreUnreachable(f"Chroma server at {cfg.url} {what}; {_HINT}")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    # "[Errno 111] Connection refused" -> "connection refused"
    words = re.sub(r"^\[Errno -?\d+\]\s*", "", text[0]) if text else type(exc).__name__
    return words[:1].lower() + words[1:]


def probe_server(cfg: StoreConfig) -> None:
    """Raise StoreUnreachable unless the Chroma server answers its heartbeat in time."""
    try:
        response = httpx.get(cfg.url + HEARTBEAT, timeout=timeouts(cfg))
    except httpx.TransportError as exc:
        raise unreachable(cfg, exc) from exc
    if response.status_code != 200:
        raise StoreUnreachable(
            f"{cfg.url} answered HTTP {response.status_code} to Chroma's heartbeat; "
            f"is it a Chroma server? {_HINT}"
        )


def writable_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be written (created if missing), or None when it can.

    Writing a real file is the only honest test: os.access() says yes to root on a
    read-only mount, and a file in the folder's place only shows up on mkdir.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def damage_of(folder: Path) -> str | None:
    """Why the local store's SQLite file is damaged, or None when it is sound or absent.

    A read-only ``PRAGMA quick_check`` catches an overwritten or truncated file before
    Chroma opens it; a busy or locked database is not damage and is left to Chroma.
    """
    db = folder / SQLITE_FILE
    if not db.is_file():
        return None
    try:
        with closing(sqlite3.connect(db.as_uri() + "?mode=ro", uri=True, timeout=2)) as con:
            rows = con.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF  # extended codes carry the base code
        return str(exc) if code in _SQLITE_DAMAGE_CODES else None
    return None if rows == [("ok",)] else str(rows[0][0] if rows else "quick_check gave no answer")


def is_damage(exc: BaseException) -> bool:
    """Whether an exception from Chroma says its SQLite file is damaged."""
    return bool(_DAMAGE_WORDS.search(str(exc)))


def corrupted(folder: Path, reason: str) -> StoreCorrupted:
    first = reason.strip().splitlines()[0] if reason.strip() else "unreadable"
    return StoreCorrupted(
        f"the local Chroma store at {folder} is damaged ({first}); "
        "run `python -m bot index build --rebuild` to move it aside and build a new one"
    )
