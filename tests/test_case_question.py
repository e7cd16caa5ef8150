"""bot/answers/case_question.py: which company or program a case question means (scripted
model readings and retrieval hits; no model)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from answer_helpers import CORPUS

from bot.answers.case_question import read_case_question
from bot.answers.entities import entities
from bot.classify import Reading

NIKKO, KAWAMASA, MEDERI = "株式会社日興エボナイト製造所", "河政工業株式会社", "mederi株式会社"
WOMEN = "女性ベンチャー成長促進事業"


def _models(about: list[tuple[str, float]]) -> SimpleNamespace:
    def ranked(values: list[tuple[str, float]]) -> SimpleNamespace:
        return SimpleNamespace(ranked=lambda vector, tokens: values)

    return SimpleNamespace(about=ranked(about), aspects=ranked([("programs_used", 0.6)]))


def _hit(case: str = "", programs: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(chunk=SimpleNamespace(case=case, programs=programs))


def _read(about: list[tuple[str, float]], hits: list[SimpleNamespace]) -> list[str]:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    text = "Which company makes fountain pens?"
    _, companies, programs, _ = read_case_question(
        CORPUS, _models(about), entities(CORPUS), {}, text, reading, "", lambda: hits
    )
    return [c.company for c in companies] or programs


def test_an_unsure_reading_takes_the_nearest_passage_naming_one_of_its_likeliest() -> None:
    unsure = [(NIKKO, 0.34), (KAWAMASA, 0.22), (MEDERI, 0.1)]
    # retrieval's nearest passages are programs the model does not consider: its best guess stands
    programs_only = [_hit(programs=(WOMEN,)), _hit(programs=("海外企業連携プロジェクト事業",))]
    assert _read(unsure, programs_only) == [NIKKO]
    # a passage of one of its likeliest settles it
    assert _read(unsure, [_hit(programs=(WOMEN,)), _hit(case=KAWAMASA)]) == [KAWAMASA]
    sure = [(MEDERI, 0.8), (NIKKO, 0.1)]
    assert _read(sure, [_hit(case=KAWAMASA)]) == [MEDERI]  # a sure reading asks no retrieval


def test_the_lead_quotes_the_sentence_sharing_the_asked_words_not_the_company_name() -> None:
    from bot.answers.case_question import asked_words, best_sentence
    from bot.keywords import tokens

    case = next(c for c in CORPUS.document.cases if any(len(t.split("。")) >= 3 for t in c.business))
    passage = next(t for t in case.business if len(t.split("。")) >= 3)
    third = [t for t in passage.rstrip("。").split("。") if t][2]
    # a question naming the company and asking in the third sentence's own words
    question = f"{case.company}の{third}について"
    reading = Reading("case", np.zeros(4, dtype=np.float32), tuple(tokens(question)), ())
    words = asked_words(case, reading)
    assert not words & set(tokens(case.company))
    assert best_sentence(passage, words) == third
    assert best_sentence(passage, set()) == passage.split("。")[0]  # nothing asked: the first
