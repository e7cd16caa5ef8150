"""The gold files validate and cover the document. Held-out cases are only counted here:
no assertion shows a held-out query (failures name ids, categories and counts only)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from corpus.load import load_corpus
from eval.gold import (
    CATEGORIES,
    GOLD_FILE,
    HELDOUT_FILE,
    TYPE_OF_CATEGORY,
    GoldCase,
    GoldError,
    check_names,
    coverage,
    load_gold,
    load_gold_file,
    parse_gold,
)

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
QUESTION_TYPES = ("problem", "survey", "case", "structure", "out_of_scope", "instruction")


def _line(**changes: object) -> str:
    return json.dumps(GOOD | changes, ensure_ascii=False)


def _case(query: str) -> GoldCase:
    return parse_gold([_line(query=query)])[0]


def _expected(**changes: object) -> dict[str, object]:
    return GOOD["expected"] | changes  # type: ignore[operator]


# -- the real files -----------------------------------------------------------------------
def test_gold_files_validate_against_the_corpus() -> None:
    cases = load_gold()
    doc = load_corpus().document
    assert check_names(cases, doc.direction_titles(), [p.name for p in doc.programs]) == []


def test_each_split_lives_in_its_own_file() -> None:
    dev, heldout = load_gold(["dev"]), load_gold(["heldout"])
    assert {c.split for c in dev} == {"dev"} and {c.split for c in heldout} == {"heldout"}
    # compare ids only: an assertion diff must never show a held-out query
    assert [c.id for c in load_gold_file(GOLD_FILE, "dev")] == [c.id for c in dev]
    assert [c.id for c in load_gold_file(HELDOUT_FILE, "heldout")] == [c.id for c in heldout]
    assert not {c.id for c in dev} & {c.id for c in heldout}
    assert [c.id for c in load_gold()] == [c.id for c in dev + heldout]  # dev first


def test_dev_covers_every_direction_and_program() -> None:
    doc = load_corpus().document
    dirs, progs = coverage(load_gold(["dev"]))
    assert {d: dirs[d] for d in doc.direction_titles() if dirs[d] < 3} == {}
    assert {p.name: progs[p.name] for p in doc.programs if progs[p.name] < 3} == {}


def test_heldout_names_every_direction_and_program() -> None:
    doc = load_corpus().document
    dirs, progs = coverage(load_gold(["heldout"]))
    assert [d for d in doc.direction_titles() if dirs[d] < 1] == []
    assert [p.name for p in doc.programs if progs[p.name] < 1] == []


def test_no_heldout_case_nearly_copies_a_labelled_example() -> None:
    """A held-out case whose wording repeats one of the bot's training examples measures
    recall, not new questions (eval/overlap.py; ids only, never a query)."""
    from eval.overlap import near_copies

    assert [o.case_id for o in near_copies(load_gold(["heldout"]))] == []


def test_overlap_flags_a_copy_and_not_the_documents_own_names() -> None:
    from eval.overlap import ExampleIndex

    name = "次世代アントレプレナー育成プログラム"
    examples = ["取引先に値上げを言い出せなくて困っている", f"{name}って学生でも使えるの"]
    index = ExampleIndex(examples, document=name)
    copied = index.overlap(_case("取引先に値上げを言い出せなくて本当に困っている"))
    named = index.overlap(_case(f"{name}に選ばれた会社はどこ？"))
    assert copied.near_copy and copied.dice >= 0.6 and copied.run >= 14
    assert named.run == 0  # the shared run is the document's own name


def test_heldout_share_and_every_category_in_both_splits() -> None:
    cases = load_gold()
    per = Counter((c.category, c.split) for c in cases)
    heldout = sum(c.split == "heldout" for c in cases)
    # dev grows after the held-out look (cases written later were seen at once), held-out cannot
    assert heldout >= 60 and 0.15 <= heldout / len(cases) <= 0.5
    assert [c for c in CATEGORIES if per[(c, "dev")] < 2 or per[(c, "heldout")] < 1] == []


def test_every_question_type_language_and_followup_in_both_splits() -> None:
    for split in ("dev", "heldout"):
        cases = load_gold([split])
        assert {c.question_type for c in cases} == set(QUESTION_TYPES), split
        assert {c.lang for c in cases} == {"ja", "en"}, split
        assert sum(bool(c.history) for c in cases) >= 5, split
        assert sum(bool(c.expected.lead) for c in cases) >= 10, split


# -- the schema ---------------------------------------------------------------------------
def test_question_type_comes_from_the_category_or_the_case() -> None:
    (problem,) = parse_gold([_line()])
    assert problem.question_type == "problem" and problem.type is None
    (fact,) = parse_gold(
        [_line(category="fact", type="survey", expected=_expected(directions=[], facts=["55%"]))]
    )
    assert fact.question_type == "survey"
    (decline,) = parse_gold([_line(category="injection", expected={"in_scope": False})])
    assert decline.question_type == "instruction" == TYPE_OF_CATEGORY["injection"]


def test_new_fields_parse() -> None:
    (case,) = parse_gold(
        [
            _line(
                category="partial",
                history=["前の質問"],
                expected=_expected(lead=["事業承継"], absent=["http://example.com"], not_covered=True),
            )
        ]
    )
    assert case.history == ["前の質問"]
    assert (case.expected.lead, case.expected.absent, case.expected.not_covered) == (
        ["事業承継"],
        ["http://example.com"],
        True,
    )


def test_errors_name_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "gold.jsonl"
    bad.write_text(_line() + "\n\n" + _line(id="g002", split="test") + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold\.jsonl:3: split: "):
        load_gold_file(bad, "dev")


def test_a_file_holds_one_split(tmp_path: Path) -> None:
    dev = tmp_path / "dev.jsonl"
    dev.write_text(_line() + "\n" + _line(id="g002", split="heldout") + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"dev\.jsonl: split: g002 is heldout, this file holds dev"):
        load_gold_file(dev, "dev")
    assert len(load_gold_file(dev)) == 2  # without a split, any


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    dev, heldout = tmp_path / "dev.jsonl", tmp_path / "heldout.jsonl"
    dev.write_text(_line() + "\n", encoding="utf-8")
    heldout.write_text(_line(split="heldout") + "\n", encoding="utf-8")
    files = {"dev": dev, "heldout": heldout}
    assert [c.id for c in load_gold(["dev"], files)] == ["g001"]
    with pytest.raises(GoldError, match=r"heldout\.jsonl: id: g001 occurs in more than one file"):
        load_gold(["dev", "heldout"], files)
    with pytest.raises(GoldError, match="file not found"):
        load_gold(["dev"], {"dev": tmp_path / "missing.jsonl"})


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{not json"], r"<gold>:1: not JSON"),
        ([_line(), _line()], r"<gold>:2: id: g001 repeats line 1"),
        ([_line(expected={"in_scope": False, "directions": ["x"]})], r"<gold>:1: expected: .*out-of-scope"),
        ([_line(expected={"in_scope": False, "lead": ["x"]})], r"<gold>:1: expected: .*out-of-scope"),
        ([_line(category="out_of_scope")], r"<gold>:1: \(line\): .*in_scope=False"),
        ([_line(category="near_domain")], r"<gold>:1: \(line\): .*in_scope=False"),
        ([_line(extra=1)], r"<gold>:1: extra: "),
        ([_line(category="multi")], r"at least 2 directions"),
        ([_line(category="followup")], r"followup case needs its history"),
        ([_line(category="partial")], r"partial case expects not_covered"),
        ([_line(category="fact")], r"category fact needs a type"),
        ([_line(type="survey")], r"category direction implies type problem, not survey"),
        ([_line(type="question")], r"<gold>:1: type: "),
        ([_line(expected=_expected(directions=["a", "b", "c", "d"]))], r"expected\.directions: "),
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


def test_gold_md_counts_match_the_files() -> None:
    from eval.gold_counts import breakdown_table, category_table

    cases = load_gold()
    text = (GOLD_FILE.parent / "GOLD.md").read_text(encoding="utf-8")
    stale = [line for line in [*category_table(cases), *breakdown_table(cases)] if line not in text]
    assert stale == [], "eval/GOLD.md is stale: paste the output of `python -m eval.gold_counts`"
