"""The app's own storage through SQLAlchemy: votes, the question log and saved sheets.

SQLite (a file in the data folder) is the embedded default; ``SMENAVI_DATABASE_URL`` points
the same tables at PostgreSQL when several desks share one store. All queries are SQLAlchemy
Core, written once for both. Times are stored as naive UTC.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    select,
)

log = logging.getLogger("smenavi.app")
metadata = MetaData()
PURGE_EVERY_S = 3600

votes = Table(
    "votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("turn_id", String(32), nullable=False, unique=True),
    Column("created", DateTime, nullable=False, index=True),
    Column("vote", String(8), CheckConstraint("vote IN ('up', 'down')", name="vote_kind"), nullable=False),
    Column("question", Text, nullable=False),  # masked
    Column("lang", String(8), nullable=False),
    Column("type", String(20), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("directions", JSON, nullable=False),
    Column("programs", JSON, nullable=False),
    Column("citations", JSON, nullable=False),
    Column("comment", Text, nullable=False, default=""),  # masked
    Column("review", JSON, nullable=True),  # a counselor's judgment: {"in_scope", "directions"}
)
questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created", DateTime, nullable=False, index=True),
    Column("question", Text, nullable=False),  # masked
    Column("lang", String(8), nullable=False),
    Column("type", String(20), nullable=False),
    Column("in_scope", Boolean, nullable=False),
    Column("reason", String(40), nullable=False),
)
# One row per presented direction or program, so "by direction" is a plain GROUP BY on any database.
matches = Table(
    "question_matches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(12), nullable=False),
    Column("name", Text, nullable=False),
)
sheets = Table(
    "sheets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created", DateTime, nullable=False),
    Column("lang", String(8), nullable=False),
    Column("desk_user", String(120), nullable=False),
    Column("markdown", Text, nullable=False),
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # so deleting a question deletes its matches
    cur.execute("PRAGMA busy_timeout=10000")  # Gradio answers events on several threads
    cur.close()


class Database:
    """One SQLAlchemy engine per URL; tables are created on first use; old rows purged."""

    def __init__(self, url: str | Path, retention_days: int = 180) -> None:
        self.url = f"sqlite:///{url}" if isinstance(url, Path) else url
        self.retention = timedelta(days=retention_days)
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._purged_at = float("-inf")  # the first write purges, however long the machine has been up

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        return Path(self.url.split("///", 1)[1]) if self.is_sqlite and "///" in self.url else None

    def exists(self) -> bool:
        """False for an SQLite file never written (reading must not create it)."""
        path = self.sqlite_path()
        return path is None or path.exists()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                if path := self.sqlite_path():
                    path.parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(self.url, pool_pre_ping=True)
                if self.is_sqlite:
                    event.listen(engine, "connect", _sqlite_pragmas)
                metadata.create_all(engine)
                self._engine = engine
            return self._engine

    def purge_old(self, now: datetime | None = None, force: bool = False) -> int:
        """Delete stored questions and votes older than the retention period (at most hourly)."""
        if not force and time.monotonic() - self._purged_at < PURGE_EVERY_S:
            return 0
        self._purged_at = time.monotonic()
        cutoff = (now or utcnow()) - self.retention
        with self.engine.begin() as conn:
            old = select(questions.c.id).where(questions.c.created < cutoff)
            conn.execute(delete(matches).where(matches.c.question_id.in_(old)))
            gone = conn.execute(delete(questions).where(questions.c.created < cutoff)).rowcount or 0
            gone += conn.execute(delete(votes).where(votes.c.created < cutoff)).rowcount or 0
        if gone:
            log.info("retention: deleted %d rows older than %d days", gone, self.retention.days)
        return gone

    def save_sheet(self, markdown: str, lang: str, desk_user: str) -> int:
        """A sheet kept on the server (only on the counselor's request); never served back."""
        with self.engine.begin() as conn:
            row = conn.execute(
                sheets.insert().values(created=utcnow(), lang=lang, desk_user=desk_user, markdown=markdown)
            )
            return int(row.inserted_primary_key[0])

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
