"""👍/👎 on answers (with an optional comment on 👎), kept in the app's database.

Only what helps tune the bot is kept: the question and comment (contact details masked), what
the answer presented, the vote and the UTC time. No names, no IP addresses, no session ids;
``turn_id`` is a random id made per answer so that changing a vote replaces the earlier one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.models import Answer
from web.db import Database, votes
from web.presented import presented_directions, presented_programs, question_type
from web.privacy import mask

VoteValue = Literal["up", "down"]
EXPORT_FIELDS = (
    "created_utc",
    "vote",
    "question",
    "lang",
    "type",
    "reason",
    "directions",
    "programs",
    "citations",
    "comment",
    "review",
)


@dataclass(frozen=True)
class Vote:
    turn_id: str
    vote: VoteValue
    question: str
    lang: str
    type: str
    reason: str
    directions: tuple[str, ...]
    programs: tuple[str, ...]
    citations: tuple[str, ...]  # chunk ids
    created: datetime  # naive UTC


def vote_for(answer: Answer, turn_id: str, vote: VoteValue, now: datetime | None = None) -> Vote:
    when = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    return Vote(
        turn_id=turn_id,
        vote=vote,
        question=mask(answer.query),
        lang=answer.lang,
        type=question_type(answer),
        reason=answer.reason,
        directions=tuple(d.title for d in presented_directions(answer)),
        programs=tuple(p.name for p in presented_programs(answer)),
        citations=tuple(c.chunk_id for c in answer.citations),
        created=when,
    )


def vote_value(liked: object) -> VoteValue | None:
    """Gradio's LikeData.liked: True/False, or the option string; anything else withdraws the vote."""
    if liked is True or liked == "Like":
        return "up"
    if liked is False or liked == "Dislike":
        return "down"
    return None


def utc_text(when: datetime) -> str:
    return when.replace(microsecond=0).isoformat() + "Z"


class FeedbackStore:
    """Votes in the app's database (a Database, an SQLAlchemy URL, or an SQLite file path)."""

    def __init__(self, db: Database | str | Path) -> None:
        self.db = db if isinstance(db, Database) else Database(db)

    def record(self, vote: Vote) -> None:
        row = {
            "turn_id": vote.turn_id,
            "created": vote.created,
            "vote": vote.vote,
            "question": vote.question,
            "lang": vote.lang,
            "type": vote.type,
            "reason": vote.reason,
            "directions": list(vote.directions),
            "programs": list(vote.programs),
            "citations": list(vote.citations),
        }
        with self.db.engine.begin() as conn:  # an upsert both SQLite and PostgreSQL run the same way
            done = conn.execute(
                update(votes)
                .where(votes.c.turn_id == vote.turn_id)
                .values(vote=vote.vote, created=vote.created)
            ).rowcount
            if not done:
                conn.execute(votes.insert().values(**row, comment=""))
        # votes are kept when question logging is off too, so their retention runs here as well
        self.db.purge_old(vote.created)

    def withdraw(self, turn_id: str) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(delete(votes).where(votes.c.turn_id == turn_id))

    def comment(self, turn_id: str, text: str) -> bool:
        """Attach a (masked) comment to a 👎; False when there is no such vote."""
        with self.db.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(votes)
                    .where(votes.c.turn_id == turn_id, votes.c.vote == "down")
                    .values(comment=mask(text.strip()))
                ).rowcount
            )

    def review(self, vote_id: int, in_scope: bool, directions: list[str]) -> None:
        """A counselor's judgment of a 👎: what should have been answered (for the eval set)."""
        with self.db.engine.begin() as conn:
            conn.execute(
                update(votes)
                .where(votes.c.id == vote_id)
                .values(review={"in_scope": in_scope, "directions": list(directions) if in_scope else []})
            )

    def rows(
        self, since: datetime | None = None, until: datetime | None = None, vote: VoteValue | None = None
    ) -> Iterator[dict[str, Any]]:
        """Votes oldest first, as exported (turn_id stays internal; ``id`` is for reviews)."""
        if not self.db.exists():
            return
        query = select(votes).order_by(votes.c.id)
        if since is not None:
            query = query.where(votes.c.created >= since)
        if until is not None:
            query = query.where(votes.c.created < until)
        if vote is not None:
            query = query.where(votes.c.vote == vote)
        with self.db.engine.connect() as conn:
            for r in conn.execute(query).mappings():
                row = {k: r[k] for k in EXPORT_FIELDS if k in r}
                row["created_utc"] = utc_text(r["created"])
                yield {"id": r["id"], **{k: row[k] for k in EXPORT_FIELDS}}


def export_jsonl(store: FeedbackStore, out: TextIO) -> int:
    count = 0
    try:
        for row in store.rows():
            row.pop("id")
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    except SQLAlchemyError as exc:  # the CLI reports OSErrors as one line
        raise OSError(f"database {store.db.url.split('@')[-1]}: {str(exc).splitlines()[0]}") from exc
    return count
