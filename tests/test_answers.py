"""Answers built from the structured document (bot.answers.*; the corpus, no model): survey,
cases, follow-ups and declines (the document's structure: test_structure.py).

Expectations come from document.yaml itself: every table, row, company and program is
checked, so a wrong lookup anywhere fails here.
"""

from __future__ import annotations

import numpy as np
import pytest
from answer_helpers import CORPUS, DOC, cites_are_verbatim, draft, first_sentence
from answer_helpers import nfkc as NFKC

from bot.answers.cases import answer_case, passages_of
from bot.answers.decline import ask_back, decline_instruction, decline_topic
from bot.answers.entities import entities, named
from bot.answers.followup import answer_followup, asked_position
from bot.answers.survey import SurveyQuestion, answer_survey
from bot.answers.survey_asks import asked_rank, asked_years
from bot.matches import direction_match, program_uses
from bot.models import Answer
from bot.wording import load_templates


# -- survey -------------------------------------------------------------------------------
@pytest.mark.parametrize("table", DOC.survey.tables, ids=lambda t: t.id)
def test_every_row_share_is_the_lead(table) -> None:
    for year in table.years:
        for row in year.rows:
            a = answer_survey(draft(), "q", SurveyQuestion(table.id, "share", (year.year,), row.label))
            lead = NFKC(first_sentence(a))
            assert NFKC(row.label) in lead and f"{row.percent}%" in lead and NFKC(year.year) in lead
            assert a.type == "survey" and a.survey[0].percent == row.percent
            cites_are_verbatim(a)


@pytest.mark.parametrize("table", DOC.survey.tables, ids=lambda t: t.id)
def test_change_gives_both_years_or_says_a_year_lacks_the_row(table) -> None:
    years = tuple(y.year for y in table.years)
    labels = {NFKC(r.label) for y in table.years for r in y.rows}
    for label in labels:
        a = answer_survey(draft(), "q", SurveyQuestion(table.id, "change", years, label))
        lead = NFKC(first_sentence(a))
        present = [y for y in table.years if any(NFKC(r.label) == label for r in y.rows)]
        for y in present:
            row = next(r for r in y.rows if NFKC(r.label) == label)
            assert f"{row.percent}%" in lead
        if len(present) == 1:
            assert NFKC(next(y.year for y in table.years if y not in present)) in lead


@pytest.mark.parametrize("table", DOC.survey.tables, ids=lambda t: t.id)
def test_top_rank_and_list_lead_with_the_right_row(table) -> None:
    year = table.years[-1]
    for row in year.rows:
        a = answer_survey(draft(), "q", SurveyQuestion(table.id, "rank", (year.year,), None, row.rank))
        assert NFKC(row.label) in NFKC(first_sentence(a)) and f"{row.percent}%" in first_sentence(a)
    top = year.rows[0]
    for ask in ("top", "list"):
        a = answer_survey(draft(), "q", SurveyQuestion(table.id, ask, (year.year,)))
        assert NFKC(top.label) in NFKC(first_sentence(a))
        assert all(f"{r.percent}%" in a.answer for r in year.rows)  # the table behind the lead


def test_overview_and_profile() -> None:
    a = answer_survey(draft(), "q", SurveyQuestion("overview", "count", ()))
    assert "1,669" in first_sentence(a) and DOC.survey.period in first_sentence(a)
    for group in DOC.survey.profile:
        a = answer_survey(draft(), "q", SurveyQuestion("profile", "share", (), None, None, group.name))
        assert all(f"{r.label}{r.percent}%" in a.lead for r in group.rows)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_profile_row_asked_leads_and_a_group_asked_leads_with_its_largest(lang: str) -> None:
    for group in DOC.survey.profile:
        for row in group.rows:
            a = answer_survey(
                draft(lang), "q", SurveyQuestion("profile", "share", (), row.label, None, group.name)
            )
            assert f"{row.percent}%" in first_sentence(a)
            assert all(f"{r.percent}%" in a.answer for r in group.rows)  # the group behind the lead
        largest = max(group.rows, key=lambda r: r.percent)
        a = answer_survey(draft(lang), "q", SurveyQuestion("profile", "top", (), None, None, group.name))
        assert f"{largest.percent}%" in first_sentence(a)


def test_english_survey_answer_glosses_the_labels() -> None:
    table = DOC.survey.tables[0]
    row = table.years[-1].rows[0]
    a = answer_survey(draft("en"), "q", SurveyQuestion(table.id, "top", (table.years[-1].year,)))
    assert CORPUS.gloss(row.label) in a.lead and "FY2023" in a.lead


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("2位は？", 2),
        ("３番目に多いのは", 3),
        ("what was ranked second", 2),
        ("rank 4", 4),
        ("what was number one the year before", 1),
        ("the number of firms", None),
        ("一番多いのは", None),
        ("その中で一番すくなかったのは何パー？", -1),  # the fewest: the last place
        ("and the least used one?", -1),
        ("what did they do last year?", None),  # last year is no place
    ],
)
def test_asked_rank(text: str, rank: int | None) -> None:
    assert asked_rank(text) == rank


def test_asked_years() -> None:
    years = ("令和４年度", "令和５年度")
    assert asked_years("去年は？", False, years) == ("令和４年度",)
    assert asked_years("前の年は？", False, years) == ("令和４年度",)
    assert asked_years("最新の調査では", False, years) == ("令和５年度",)
    assert asked_years("令和4年度と5年度でそれぞれ", False, years) == years
    assert asked_years("増えた？", True, years) == years
    assert asked_years("what share", False, years) == ("令和５年度",)


# -- cases --------------------------------------------------------------------------------
@pytest.mark.parametrize("program", DOC.programs, ids=lambda p: p.name)
def test_who_used_a_program_names_every_company(program) -> None:
    a = answer_case(draft(), "q", "who_used", [], [program.name])
    for case in DOC.cases_using(program.name):
        assert case.company in a.lead
    assert a.type == "case" and a.programs[0].name == program.name
    cites_are_verbatim(a)


@pytest.mark.parametrize("case", DOC.cases, ids=lambda c: c.id)
def test_programs_a_company_used(case) -> None:
    a = answer_case(draft(), "q", "programs_used", [case], [])
    assert all(p in a.lead for p in case.programs) and case.company in a.lead


@pytest.mark.parametrize("case", DOC.cases, ids=lambda c: c.id)
def test_the_answering_passage_is_quoted_in_the_one_lead_sentence(case) -> None:
    for kind, text, programs in passages_of(case):
        a = answer_case(draft(), "q", kind, [case], [], quote=(text, text.split("。")[0]))
        opening = text.split("。")[0]  # a passage of several sentences is quoted up to its first
        assert opening in first_sentence(a) and case.company in first_sentence(a)
        if programs:  # the action's own programs first, then the rest the company used
            presented = [p.name for p in a.programs[: a.primary_programs]]
            assert presented[: len(programs)] == list(programs)
            assert set(presented) == set(case.programs)


@pytest.mark.parametrize("case", DOC.cases, ids=lambda c: c.id)
def test_english_answers_name_a_company_as_the_document_does_too(case) -> None:
    a = answer_case(draft("en"), "q", "programs_used", [case], [])
    assert case.company in first_sentence_en(a)  # the name a counselor can find in the document
    listed = answer_case(draft("en"), "q", "list", [], [])
    assert case.company in listed.lead


def first_sentence_en(answer: Answer) -> str:
    return answer.lead.split(". ")[0]


def test_a_sure_aspect_picks_its_kind_of_passage_over_a_closer_description() -> None:
    from bot.answers.case_question import best_passage
    from bot.classify import Reading

    case = next(c for c in DOC.cases if c.results and c.business)
    texts = [t for _, t, _ in passages_of(case)]
    # the question's words sit closest to the business passage, yet it asks for a result
    vectors = {t: np.eye(len(texts), dtype=np.float32)[i] for i, t in enumerate(texts)}
    reading = Reading("case", vectors[case.business[0]], (), ())
    assert best_passage(case, reading, "result", vectors, sure=True) in case.results
    assert best_passage(case, reading, "result", vectors, sure=False) == case.business[0]


def test_a_business_description_is_never_shown_as_what_a_company_did_with_a_program() -> None:
    for program in DOC.programs:
        for use in program_uses(CORPUS, program.name):
            case = next(c for c in DOC.cases if c.company == use.company)
            assert use.did in [a.text for a in case.actions if program.name in a.programs]


def test_names_aliases_and_slips_find_entities_wards_only_when_asked() -> None:
    known = entities(CORPUS)

    def found(text: str, places: bool = False) -> list[str]:
        return [e.name for e in named(text, known, places)]

    assert found("TSGで優勝した会社") == ["次世代アントレプレナー育成プログラム"]
    assert found("APT Womenの卒業生") == ["女性ベンチャー成長促進事業"]
    assert found("日光エボナイトの話") == ["株式会社日興エボナイト製造所"]
    assert found("河正工業の成果") == ["河政工業株式会社"]
    assert found("What did Kawamasa do?") == ["河政工業株式会社"]
    assert found("I want to travel abroad to sell") == []
    assert found("葛飾区で町工場をやっています") == []
    assert found("葛飾区の会社の事例", places=True) == ["河政工業株式会社"]
    # a kana name's letters turn up in order in any long sentence: only kanji names may slip
    assert found("医療系のスタートアップを立ち上げたばかりで、都のビジコンに出ようか迷ってます") == []


# -- follow-ups, declines -----------------------------------------------------------------
def _shown(*titles: str) -> Answer:
    return Answer(
        "前の質問",
        "ja",
        True,
        directions=[direction_match(CORPUS, t, 1.0) for t in titles],
        primary=len(titles),
    )


def test_followup_programs_of_the_shown_direction_or_none() -> None:
    a = answer_followup(draft(), "それに使える支援策は？", "programs", None, _shown("海外展開の促進"))
    linked = {n for n, aid in CORPUS.aids.programs.items() if "海外展開の促進" in aid.directions}
    assert {p.name for p in a.programs[: a.primary_programs]} == linked
    a = answer_followup(draft(), "それに使える支援策は？", "programs", None, _shown("適正取引の推進"))
    assert a.primary_programs == 0 and "載っていません" in a.lead


def test_followup_picks_the_nth_shown_direction() -> None:
    a = answer_followup(draft(), "2つ目を詳しく", "detail", 2, _shown("適正取引の推進", "危機管理対策"))
    assert [d.title for d in a.directions[: a.primary]] == ["危機管理対策"]
    assert a.type == "problem"  # more about the owner's second problem: still their consultation
    assert asked_position("2つ目について") == 2 and asked_position("the last one") == -1
    assert asked_position("もっと詳しく") is None
    assert asked_position("後のほうの話をもっと聞かせて") == -1 and asked_position("the latter") == -1
    assert asked_position("前者について") == 1 and asked_position("前の年は？") is None
    assert asked_position("最初のやつ、もうちょい詳しく") == 1
    assert asked_position("戦略Ⅳのビジョン、⑤は何？") == 5  # a circled number is a position too


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_more_about_a_direction_leads_with_what_it_plans(lang: str) -> None:
    # "What does it actually plan to do?": the direction's items, in the first sentence
    for strategy in DOC.strategies:
        for direction in strategy.directions:
            a = answer_followup(draft(lang), "詳しく", "detail", None, _shown(direction.title))
            assert all(NFKC(item) in NFKC(first_sentence(a)) for item in direction.items)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_decline_has_words_in_both_languages(lang: str) -> None:
    topics = load_templates().ja["decline"]["topics"]
    for topic in topics:
        a = decline_topic("q", lang, topic)
        assert not a.in_scope and a.type == "out_of_scope" and a.lead
    assert decline_instruction("q", lang).type == "instruction"
    assert ask_back("q", lang).clarify and not ask_back("q", lang).in_scope


def test_problem_answer_with_a_program_leads_with_it_and_its_company() -> None:
    from bot.answers.problem import Uncovered, answer_problem
    from bot.present import Choice
    from bot.rank import Scored

    program = "ニューマーケット開拓支援事業"
    a = answer_problem(
        draft(),
        "q",
        Choice(("海外展開の促進",)),
        [Scored("海外展開の促進", 0.9, 0.9, 0.0)],
        [program],
        [Uncovered("あと、贈与税はいくら", "tax")],
    )
    first_user = DOC.cases_using(program)[0].company
    assert program in first_sentence(a) and first_user in a.lead and "海外展開の促進" in a.lead
    assert "『『" not in a.answer
    note = next(s for s in a.sections if s.kind == "not_covered").items[0].text
    assert "税金" in note and a.not_covered == ["あと、贈与税はいくら"]
    assert "贈与税はいくら" not in a.answer  # the owner's words are never quoted back
    assert [s.kind for s in a.sections][:2] == ["programs", "directions"]
    cites_are_verbatim(a)


def test_a_follow_up_refers_to_the_latest_answer_that_showed_something() -> None:
    from bot.answers.followup import last_shown

    survey = Answer("q1", "ja", True, type="survey")  # a table shows no direction, yet counts
    problem = Answer("q2", "ja", True, type="problem", primary=1)
    declined = Answer("q3", "ja", False, type="out_of_scope")
    vague = Answer("q4", "ja", True, type="problem")
    assert last_shown([problem, survey, declined, vague]) is survey
    assert last_shown([survey, problem]) is problem and last_shown([declined, vague]) is None
    structure = Answer("q5", "ja", True, type="structure")  # 「戦略Ⅰの課題」: そこの方向性は？
    assert last_shown([problem, structure]) is structure


def test_another_company_is_asked_for_in_plain_words() -> None:
    from bot.answers.followup import asks_another

    assert asks_another("ほかに起業したばかりの会社の例ってある？")
    assert asks_another("他にも海外に出た会社ある？") and asks_another("any other company like that?")
    assert not asks_another("その会社は何を使ったの？")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_row_that_rose_or_fell_most_is_computed_from_both_years(lang: str) -> None:
    from bot.answers.survey_asks import asked_movement

    for table in DOC.survey.tables:
        first, last = table.years[0], table.years[-1]
        old = {r.label: r.percent for r in first.rows}
        deltas = {r.label: r.percent - old[r.label] for r in last.rows if r.label in old}
        for way, best in (
            ("rise", max(deltas.values(), default=0)),
            ("fall", min(deltas.values(), default=0)),
        ):
            years = (first.year, last.year)
            a = answer_survey(draft(lang), "q", SurveyQuestion(table.id, way, years))
            if (way == "rise" and best > 0) or (way == "fall" and best < 0):
                moved = [f for f in a.survey if f.year == last.year]
                assert moved and deltas[moved[0].label] == best, (table.id, way)
                assert moved[0].label in a.lead
    assert asked_movement("前の年から一番伸びたのは？") == "rise"
    assert asked_movement("which one fell the most?") == "fall"
    assert asked_movement("一番多いのは？") is None
