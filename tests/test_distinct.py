"""The shared 'words only one candidate has' step (bot.answers.distinct)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.answers.distinct import distinct_match


def test_only_a_candidates_own_words_count() -> None:
    known = {"A": {"海外", "万年筆"}, "B": {"海外", "メス"}, "C": {"海外"}}
    assert distinct_match({"海外", "万年筆"}, known) == "A"
    assert distinct_match({"海外"}, known) is None  # everyone's word names no one
    assert distinct_match({"万年筆", "メス"}, known) is None  # one own word each: a tie


def test_more_own_words_win() -> None:
    known = {("Ⅰ", 0): {"多摩", "島しょ", "地域"}, ("Ⅰ", 1): {"地域", "商店街"}}
    assert distinct_match({"多摩", "島しょ", "商店街"}, known) == ("Ⅰ", 0)


words = st.frozensets(st.sampled_from(list("abcdefgh")), max_size=5)


@given(st.dictionaries(st.sampled_from(list("XYZW")), words, max_size=4), words)
def test_a_match_has_a_word_no_other_candidate_has(
    candidates: dict[str, frozenset[str]], asked: frozenset[str]
) -> None:
    found = distinct_match(asked, candidates)
    if found is not None:
        others = set().union(*(o for n, o in candidates.items() if n != found))
        assert (candidates[found] & asked) - others
