"""What an answer presents (bot.present, bot.rank; pure)."""

from __future__ import annotations

from bot.present import Choice, ProblemEvidence, Thresholds, choose_directions, choose_programs, decide
from bot.rank import Scored, fuse

T = Thresholds(show_min=0.2, second_min=0.35, clause_min=0.5, program_min=0.5)
A, B, C = "適正取引の推進", "事業承継の一層の促進", "海外展開の促進"
P1, P2 = "ニューマーケット開拓支援事業", "海外企業連携プロジェクト事業"
LINKS = {P1: (C,), P2: (C,)}


def scored(*pairs: tuple[str, float]) -> list[Scored]:
    return [Scored(t, s, s, 0.0) for t, s in pairs]


def test_one_problem_shows_one_direction_unless_the_second_is_close() -> None:
    assert choose_directions(scored((A, 0.8), (B, 0.1)), [], T) == Choice((A,))
    assert choose_directions(scored((A, 0.5), (B, 0.4)), [], T) == Choice((A, B))


def test_nothing_fits_well_is_said_so() -> None:
    got = choose_directions(scored((A, 0.15), (B, 0.1)), [], T)
    assert got.weak and got.directions == (A,)


def test_each_confident_clause_adds_its_own_direction_in_order() -> None:
    got = choose_directions(scored((B, 0.6), (A, 0.3)), [(A, 0.9), (B, 0.8), (C, 0.2)], T)
    assert got.several and got.directions == (A, B)


def test_more_problems_than_shown_keeps_the_surest_in_the_order_told() -> None:
    D = "ＧＸ・ＤＸの推進"
    ranked = scored((A, 0.3), (B, 0.3), (C, 0.2), (D, 0.2))
    got = choose_directions(ranked, [(A, 0.9), (B, 0.8), (D, 0.55), (C, 0.85)], T)
    assert got.directions == (A, B, C)  # D, the least sure, is left out; C keeps its place


def test_a_clause_only_adding_detail_needs_support_from_the_whole_message() -> None:
    from dataclasses import replace

    strict = replace(T, support_min=0.05)
    # the founder's story scores B for the message; its "how do I raise money" clause points to A
    detail = choose_directions(scored((B, 0.9), (A, 0.02)), [(B, 0.9), (A, 0.6)], strict)
    assert not detail.several and detail.directions == (B,)
    two = choose_directions(scored((B, 0.7), (A, 0.2)), [(B, 0.9), (A, 0.6)], strict)
    assert two.several and two.directions == (B, A)


def test_one_confident_clause_is_not_several_problems() -> None:
    got = choose_directions(scored((A, 0.9)), [(A, 0.9), (B, 0.3)], T)
    assert not got.several and got.directions == (A,)


def test_programs_need_confidence_and_a_presented_direction() -> None:
    assert choose_programs({P1: 0.9, P2: 0.4}, [], [C], LINKS, T) == [P1]
    assert choose_programs({P1: 0.9}, [], [A], LINKS, T) == []  # serves no presented direction
    assert choose_programs({P1: 0.1}, [P2], [A], LINKS, T) == [P2]  # named by the owner


def test_fuse_mixes_model_and_retrieval() -> None:
    got = fuse([(A, 0.6), (B, 0.4)], {B: 1.0}, 0.5)
    assert [s.title for s in got] == [B, A]
    assert abs(got[0].score - 0.7) < 1e-9


def test_decide_runs_the_whole_choice() -> None:
    e = ProblemEvidence(((C, 0.8), (A, 0.1)), {}, (), {P1: 0.9, P2: 0.2}, ())
    ranked, choice, programs = decide(e, 0.0, T, LINKS)
    assert ranked[0].title == C and choice.directions == (C,) and programs == [P1]
