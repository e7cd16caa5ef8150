"""The gold file validates and covers the document. Held-out cases are only counted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.load import load_corpus
from eval.gold import GoldError, check_names, coverage, load_gold, parse_gold

GOOD = {
    "id": "g001",
    "split": "dev",
    "category": "direction",
    "lang": "ja",
    "query": "後継者がいない",
    "expected": {
        "in_scope": True,
        "directions": ["事業承継の一層の促進"],
        "programs": [],
        "facts": [],
    },
}


def test_gold_file_validates_against_the_corpus() -> None:
    cases = load_gold()
    doc = load_corpus().document
    assert check_names(cases, doc.direction_titles(), [p.name for p in doc.programs]) == []


def test_gold_covers_every_direction_and_program() -> None:
    cases = load_gold()
    doc = load_corpus().document
    dirs, progs = coverage(cases)
    assert {d: dirs[d] for d in doc.direction_titles() if dirs[d] < 3} == {}
    assert {p.name: progs[p.name] for p in doc.programs if progs[p.name] < 3} == {}


def test_enough_heldout_cases() -> None:
    assert sum(c.split == "heldout" for c in load_gold()) >= 30


def _line(**changes: object) -> str:
    return json.dumps(GOOD | changes, ensure_ascii=False)


def test_errors_name_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "gold.jsonl"
    bad.write_text(_line() + "\n\n" + _line(id="g002", split="test") + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold\.jsonl:3: split: "):
        load_gold(bad)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{not json"], r"<gold>:1: not JSON"),
        ([_line(), _line()], r"<gold>:2: id: g001 repeats line 1"),
        (
            [_line(expected={"in_scope": False, "directions": ["x"]})],
            r"<gold>:1: expected: .*out-of-scope",
        ),
        ([_line(category="out_of_scope")], r"<gold>:1: \(line\): .*in_scope=False"),
        ([_line(extra=1)], r"<gold>:1: extra: "),
        ([""], r"no cases"),
    ],
)
def test_bad_lines(lines: list[str], message: str) -> None:
    with pytest.raises(GoldError, match=message):
        parse_gold(lines)


def test_unknown_names_are_reported() -> None:
    cases = parse_gold([_line(expected={"in_scope": True, "directions": ["架空"], "programs": ["P"]})])
    assert check_names(cases, ["事業承継の一層の促進"], []) == [
        "g001: unknown direction '架空'",
        "g001: unknown program 'P'",
    ]
