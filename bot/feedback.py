"""👍/👎 on answers, kept locally in SQLite, exported as JSON lines.

Only what helps tune the bot is kept: the question, what the answer presented, the vote and
the UTC time. No names, no IP addresses, no session ids; ``turn_id`` is a random id made per
answer so that changing a vote replaces the earlier one instead of counting twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from bot.models import Answer
from bot.presented import presented_directions, presented_programs

VoteValue = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY,
  turn_id TEXT NOT NULL UNIQUE,
  created_utc TEXT NOT NULL,
  vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
  question TEXT NOT NULL,
  lang TEXT NOT NULL,
  reason TEXT NOT NULL,
  directions TEXT NOT NULL,
  programs TEXT NOT NULL,
  citations TEXT NOT NULL
)
"""
_COLUMNS = ("turn_id", "created_utc", "vote", "question", "lang", "reason", "directions", "programs",
            "citations")
_UPSERT = (
    f"INSERT INTO feedback ({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + c for c in _COLUMNS)})"
    " ON CONFLICT(turn_id) DO UPDATE SET vote = excluded.vote, created_utc = excluded.created_utc"
)
_LIST_FIELDS = ("directions", "programs", "citations")


@dataclass(frozen=True)
class Vote:
    turn_id: str
    vote: VoteValue
    question: str
    lang: str
    reason: str
    directions: tuple[str, ...]
    programs: tuple[str, ...]
    citations: tuple[str, ...]  # chunk ids
    created_utc: str


def vote_for(answer: Answer, turn_id: str, vote: VoteValue, now: datetime | None = None) -> Vote:
    when = (now or datetime.now(UTC)).astimezone(UTC)
    return Vote(
        turn_id=turn_id,
        vote=vote,
        question=answer.query,
        lang=answer.lang,
        reason=answer.reason,
        directions=tuple(d.title for d in presented_directions(answer)),
        programs=tuple(p.name for p in presented_programs(answer)),
        citations=tuple(c.chunk_id for c in answer.citations),
        created_utc=when.isoformat(timespec="seconds").replace("+00:00", "Z"),
    )


def vote_value(liked: object) -> VoteValue | None:
    """Gradio's LikeData.liked: True/False, or the option string; anything else withdraws the vote."""
    if liked is True or liked == "Like":
        return "up"
    if liked is False or liked == "Dislike":
        return "down"
    return None


class FeedbackStore:
    """One short connection per call: Gradio handles events on worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute(_SCHEMA)
        return conn

    def record(self, vote: Vote) -> None:
        row = asdict(vote)
        for key in _LIST_FIELDS:
            row[key] = json.dumps(list(row[key]), ensure_ascii=False)
        with closing(self._connect()) as conn, conn:
            conn.execute(_UPSERT, row)

    def withdraw(self, turn_id: str) -> None:
        with closing(self._connect()) as conn, conn:
            conn.execute("DELETE FROM feedback WHERE turn_id = ?", (turn_id,))

    def rows(self) -> Iterator[dict[str, Any]]:
        """Every vote, oldest first; turn_id stays internal."""
        if not self.path.exists():
            return
        with closing(self._connect()) as conn:
            conn.row_factory = sqlite3.Row
            cursor = conn.execute(
                "SELECT created_utc, vote, question, lang, reason, directions, programs, citations"
                " FROM feedback ORDER BY id"
            )
            for r in cursor:
                row = dict(r)
                for key in _LIST_FIELDS:
                    row[key] = json.loads(row[key])
                yield row


def export_jsonl(store: FeedbackStore, out: TextIO) -> int:
    count = 0
    for row in store.rows():
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
