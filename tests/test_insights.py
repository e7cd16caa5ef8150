"""web/insights.py and web/db.py: the same queries on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sample_answers as sa
from pg import pg_bin, postgres_server

from web.db import Database, questions
from web.feedback import FeedbackStore, vote_for
from web.grouping import EmbeddingGrouper, TextGrouper, grouper_for
from web.insights import QuestionLog, gather, question_rows, to_csv, to_jsonl

NOW = datetime(2024, 5, 20, 12, 0, 0)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL binaries not installed (make test installs Debian's postgresql)")
    if os.geteuid() == 0 and not Path("/usr/sbin/runuser").exists() and not Path("/usr/bin/runuser").exists():
        pytest.skip("running as root needs runuser to start PostgreSQL as its own user")
    # not under pytest's temp folder: that is private to root, and the server runs as postgres
    root = Path(tempfile.mkdtemp(prefix="smenavi-pg-"))
    try:
        with postgres_server(root) as url:
            yield url
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(tmp_path / "smenavi.sqlite3", retention_days=30)
    else:
        database = Database(request.getfixturevalue("postgres_url"), retention_days=30)
        from web.db import metadata

        metadata.drop_all(database.engine)  # one server for the module: each test starts empty
        metadata.create_all(database.engine)
    yield database
    database.dispose()


def fill(db: Database) -> None:
    log = QuestionLog(db, enabled=True)
    log.record(sa.succession(), NOW - 2 * DAY)
    log.record(sa.succession(query="後継ぎがいない。連絡は taro@example.jp"), NOW - DAY)
    log.record(sa.overseas(), NOW - DAY)
    log.record(sa.declined("おいしいラーメン屋を教えて", "off_topic"), NOW - DAY)
    log.record(sa.declined("美味しいラーメン屋さんを教えてください", "off_topic"), NOW - DAY)
    log.record(sa.declined("明日の天気は？", "off_topic"), NOW - DAY)
    log.record(sa.succession(), NOW - 60 * DAY)  # outside the period
    store = FeedbackStore(db)
    store.record(vote_for(sa.succession(), "t1", "up", NOW - DAY))
    store.record(vote_for(sa.overseas(), "t2", "down", NOW - DAY))
    store.comment("t2", "海外ではなく国内の販路の話でした")


def test_questions_by_type_direction_and_program_over_a_period(db: Database) -> None:
    fill(db)
    data = gather(db, NOW - 7 * DAY, NOW)
    assert data.by_type == [("out_of_scope", 3), ("problem", 3)]  # ties by name
    assert data.total == 6
    assert data.by_direction[:2] == [("事業承継の一層の促進", 3), ("適正取引の推進", 2)]
    assert ("海外展開の促進", 1) in data.by_direction
    assert data.by_program == [("ニューマーケット開拓支援事業", 3)]
    assert (data.up, data.down) == (1, 1)
    assert data.downvotes[0]["comment"] == "海外ではなく国内の販路の話でした"


def test_declined_questions_are_grouped_by_similarity(db: Database) -> None:
    fill(db)
    groups = gather(db, NOW - 7 * DAY, NOW).declined
    assert [g.size for g in groups] == [2, 1]
    assert "ラーメン" in groups[0].representative and groups[1].representative == "明日の天気は？"


def test_stored_questions_are_masked_and_exported(db: Database) -> None:
    fill(db)
    rows = question_rows(db, NOW - 7 * DAY, NOW)
    assert "後継ぎがいない。連絡は [email]" in [r["question"] for r in rows]
    assert rows[0]["directions"] == ["事業承継の一層の促進", "適正取引の推進"]
    csv_text, jsonl = to_csv(rows), to_jsonl(rows)
    assert csv_text.splitlines()[0].startswith("created_utc,question,lang,type") and "taro@" not in csv_text
    assert len(jsonl.splitlines()) == 6


def test_retention_deletes_old_questions_and_votes(db: Database) -> None:
    fill(db)
    assert db.purge_old(now=NOW, force=True) == 1  # the 60-day-old question (and its matches)
    assert gather(db, NOW - 365 * DAY, NOW).total == 6
    with db.engine.connect() as conn:
        assert conn.execute(questions.select()).fetchall()


def test_old_votes_are_deleted_with_question_logging_off(db: Database) -> None:
    """Votes are stored whatever Settings.log_questions says, so the vote path purges them."""
    FeedbackStore(db).record(vote_for(sa.succession(), "t-old", "down", now=NOW - 60 * DAY))
    later = Database(db.url, retention_days=30)  # a later start: its first write purges at once
    try:
        FeedbackStore(later).record(vote_for(sa.overseas(), "t-new", "up", now=NOW))
        assert [r["vote"] for r in FeedbackStore(later).rows()] == ["up"]
    finally:
        later.dispose()


def test_a_failing_question_log_never_fails_the_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    QuestionLog(Database(blocked / "db.sqlite3"), enabled=True).record(sa.succession())  # no raise
    assert "logging the question failed" in caplog.text


def test_logging_is_off_unless_enabled(tmp_path: Path) -> None:
    db = Database(tmp_path / "off.sqlite3")
    QuestionLog(db, enabled=False).record(sa.succession())
    assert not db.exists()  # nothing written, not even the file


def test_saved_sheets_go_to_the_database(db: Database) -> None:
    assert db.save_sheet("# sheet", "ja", "desk") == 1


def test_groupers() -> None:
    texts = ["ラーメン屋を教えて", "おいしいラーメン屋を教えて", "天気"]
    assert [g.size for g in TextGrouper().group(texts)] == [2, 1]
    fake = EmbeddingGrouper(lambda xs: [[1.0, 0.0] if "ラーメン" in x else [0.0, 1.0] for x in xs])
    assert [g.size for g in fake.group(texts)] == [2, 1]
    assert isinstance(grouper_for(object()), TextGrouper)

    class WithEncoder:
        def embed_texts(self, xs: list[str]) -> list[list[float]]:
            return [[1.0] for _ in xs]

    assert isinstance(grouper_for(WithEncoder()), EmbeddingGrouper)
