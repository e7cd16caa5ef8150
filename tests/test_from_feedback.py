"""``python -m eval from-feedback``: reviewed 👎 → gold candidates in their own file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import sample_answers as sa

from eval.cli import main
from eval.gold import GOLD_FILE, parse_gold
from web.db import Database
from web.feedback import FeedbackStore, vote_for

NOW = datetime(2024, 5, 1, 3, 4, 5, tzinfo=UTC)


def test_reviewed_down_votes_become_valid_gold_lines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fb.sqlite3'}"
    store = FeedbackStore(Database(url))
    store.record(vote_for(sa.overseas(query="国内の販路を広げたい"), "t1", "down", NOW))
    store.record(vote_for(sa.succession(query="後継ぎがいない。連絡は taro@example.jp"), "t2", "down", NOW))
    store.record(vote_for(sa.declined("ラーメン屋を教えて", "off_topic"), "t3", "down", NOW))
    store.record(vote_for(sa.succession(query="not reviewed"), "t4", "down", NOW))
    store.record(vote_for(sa.succession(query="a thumbs up"), "t5", "up", NOW))
    ids = {r["question"]: r["id"] for r in store.rows()}
    store.review(ids["国内の販路を広げたい"], True, ["商店街や中小企業の活力向上"])
    store.review(ids["後継ぎがいない。連絡は [email]"], True, ["事業承継の一層の促進"])
    store.review(ids["ラーメン屋を教えて"], False, [])
    store.review(ids["a thumbs up"], True, ["事業承継の一層の促進"])  # not a 👎: ignored
    gold_before = GOLD_FILE.read_text(encoding="utf-8")
    out = tmp_path / "candidates.jsonl"
    assert main(["from-feedback", "--database", url, "--out", str(out)]) == 0
    cases = parse_gold(out.read_text(encoding="utf-8").splitlines(), out)
    assert [c.query for c in cases] == [
        "国内の販路を広げたい",
        "後継ぎがいない。連絡は [email]",
        "ラーメン屋を教えて",
    ]
    assert cases[0].expected.directions == ["商店街や中小企業の活力向上"]
    assert not cases[2].expected.in_scope and cases[2].category == "out_of_scope"
    assert len({c.id for c in cases}) == 3
    assert GOLD_FILE.read_text(encoding="utf-8") == gold_before
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["split"] == "dev"


def test_refuses_to_write_into_the_gold_files(tmp_path: Path) -> None:
    assert (
        main(["from-feedback", "--database", f"sqlite:///{tmp_path / 'x.sqlite3'}", "--out", str(GOLD_FILE)])
        == 2
    )
