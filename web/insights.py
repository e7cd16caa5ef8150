"""What owners ask, over a period: the desk's insights (queries written once for SQLite and PostgreSQL).

Questions are stored only when ``Settings.log_questions`` is on, masked, and deleted after the
retention period (web.db). Votes are stored when an owner votes.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from bot.models import Answer
from web.db import Database, matches, questions, utcnow
from web.feedback import FeedbackStore, utc_text
from web.grouping import Grouper, QuestionGroup, TextGrouper
from web.presented import presented_directions, presented_programs, question_type
from web.privacy import mask

log = logging.getLogger("smenavi.app")

Counts = list[tuple[str, int]]


class QuestionLog:
    """Writes one row per answered question, only when enabled."""

    def __init__(self, db: Database, enabled: bool) -> None:
        self.db = db
        self.enabled = enabled

    def record(self, answer: Answer, now: datetime | None = None) -> None:
        """Store the question when logging is on; a failure is logged, never raised: the log
        is for the bureau, and the owner's answer must not fail on it."""
        if not self.enabled:
            return
        try:
            self._record(answer, now)
        except Exception:
            log.exception("logging the question failed")

    def _record(self, answer: Answer, now: datetime | None) -> None:
        names = [("direction", d.title) for d in presented_directions(answer)]
        names += [("program", p.name) for p in presented_programs(answer)]
        with self.db.engine.begin() as conn:
            qid = conn.execute(
                questions.insert().values(
                    created=now or utcnow(),
                    question=mask(answer.query),
                    lang=answer.lang,
                    type=question_type(answer),
                    in_scope=answer.in_scope,
                    reason=answer.reason,
                )
            ).inserted_primary_key[0]
            if names:
                conn.execute(matches.insert(), [{"question_id": qid, "kind": k, "name": n} for k, n in names])
        self.db.purge_old(now)  # the same clock as the row: a replayed or test clock purges by it too


def _period(query, column, since: datetime, until: datetime):  # type: ignore[no-untyped-def]
    return query.where(column >= since, column < until)


def counts_by_type(db: Database, since: datetime, until: datetime) -> Counts:
    n = func.count().label("n")
    query = _period(select(questions.c.type, n).group_by(questions.c.type), questions.c.created, since, until)
    with db.engine.connect() as conn:
        return sorted(((t, int(c)) for t, c in conn.execute(query)), key=lambda kv: (-kv[1], kv[0]))


def counts_by_match(db: Database, kind: str, since: datetime, until: datetime) -> Counts:
    n = func.count().label("n")
    query = (
        select(matches.c.name, n)
        .join(questions, matches.c.question_id == questions.c.id)
        .where(matches.c.kind == kind)
        .group_by(matches.c.name)
    )
    with db.engine.connect() as conn:
        rows = conn.execute(_period(query, questions.c.created, since, until))
        return sorted(((name, int(c)) for name, c in rows), key=lambda kv: (-kv[1], kv[0]))


def declined_questions(db: Database, since: datetime, until: datetime) -> list[str]:
    query = _period(
        select(questions.c.question).where(questions.c.in_scope.is_(False)).order_by(questions.c.id),
        questions.c.created,
        since,
        until,
    )
    with db.engine.connect() as conn:
        return [q for (q,) in conn.execute(query)]


def question_rows(db: Database, since: datetime, until: datetime) -> list[dict[str, object]]:
    """Every logged question of the period with what it was shown (for export)."""
    query = _period(select(questions).order_by(questions.c.id), questions.c.created, since, until)
    with db.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        found: dict[int, dict[str, list[str]]] = {}
        ids = [r["id"] for r in rows]
        for start in range(0, len(ids), 500):
            part = select(matches).where(matches.c.question_id.in_(ids[start : start + 500]))
            for m in conn.execute(part).mappings():
                found.setdefault(m["question_id"], {}).setdefault(m["kind"], []).append(m["name"])
    return [
        {
            "created_utc": utc_text(r["created"]),
            "question": r["question"],
            "lang": r["lang"],
            "type": r["type"],
            "in_scope": r["in_scope"],
            "reason": r["reason"],
            "directions": found.get(r["id"], {}).get("direction", []),
            "programs": found.get(r["id"], {}).get("program", []),
        }
        for r in rows
    ]


@dataclass
class Insights:
    since: datetime
    until: datetime
    by_type: Counts = field(default_factory=list)
    by_direction: Counts = field(default_factory=list)
    by_program: Counts = field(default_factory=list)
    declined: list[QuestionGroup] = field(default_factory=list)
    votes: list[dict[str, object]] = field(default_factory=list)  # every vote in the period

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_type)

    @property
    def downvotes(self) -> list[dict[str, object]]:
        return [v for v in self.votes if v["vote"] == "down"]

    @property
    def up(self) -> int:
        return sum(v["vote"] == "up" for v in self.votes)

    @property
    def down(self) -> int:
        return len(self.downvotes)


def gather(db: Database, since: datetime, until: datetime, grouper: Grouper | None = None) -> Insights:
    if not db.exists():
        return Insights(since, until)
    return Insights(
        since,
        until,
        by_type=counts_by_type(db, since, until),
        by_direction=counts_by_match(db, "direction", since, until),
        by_program=counts_by_match(db, "program", since, until),
        declined=(grouper or TextGrouper()).group(declined_questions(db, since, until)),
        votes=list(FeedbackStore(db).rows(since, until)),
    )


def _flat(value: object) -> object:
    return " / ".join(map(str, value)) if isinstance(value, list) else value


def to_csv(rows: Sequence[dict[str, object]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    fields = list(dict.fromkeys(k for row in rows for k in row))  # questions and votes differ
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows({k: _flat(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def to_jsonl(rows: Sequence[dict[str, object]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows)
