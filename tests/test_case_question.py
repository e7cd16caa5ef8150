"""bot/answers/case_question.py: which company or program a case question means (scripted
model readings and retrieval hits; no model)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from answer_helpers import CORPUS

from bot.answers.case_question import CaseLookup, described, read_case_question, thing_words
from bot.answers.cases import passages_of
from bot.answers.entities import entities
from bot.classify import Reading
from corpus.models import Case

NIKKO, KAWAMASA, MEDERI = "株式会社日興エボナイト製造所", "河政工業株式会社", "mederi株式会社"
TAKAYAMA = "株式会社高山医療機械製作所"
WOMEN = "女性ベンチャー成長促進事業"


def _models(
    about: list[tuple[str, float]], aspects: list[tuple[str, float]] | None = None
) -> SimpleNamespace:
    def ranked(values: list[tuple[str, float]]) -> SimpleNamespace:
        return SimpleNamespace(ranked=lambda vector, tokens: values)

    return SimpleNamespace(about=ranked(about), aspects=ranked(aspects or [("programs_used", 0.6)]))


def _case(company: str) -> Case:
    return next(c for c in CORPUS.document.cases if c.company == company)


def _look(about: list[tuple[str, float]], aspects: list[tuple[str, float]], *companies: str) -> CaseLookup:
    """A lookup with scripted model readings; the companies' passages all equally near."""
    vectors = {t: np.zeros(4, dtype=np.float32) for n in companies for _, t, _ in passages_of(_case(n))}
    return CaseLookup(CORPUS, _models(about, aspects), entities(CORPUS), vectors, thing_words(CORPUS))


def _hit(case: str = "", programs: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(chunk=SimpleNamespace(case=case, programs=programs))


def _read(
    about: list[tuple[str, float]],
    hits: list[SimpleNamespace],
    text: str = "Which company makes fountain pens?",
) -> list[str]:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    look = CaseLookup(CORPUS, _models(about), entities(CORPUS), {}, thing_words(CORPUS))
    _, companies, programs, _ = read_case_question(look, text, reading, "", lambda: hits)
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


def test_an_unsure_reading_takes_the_likely_company_whose_own_words_the_story_has() -> None:
    # 万年筆 is only 日興エボナイト's; 海外 and 売上 are every exporter's
    unsure = [(TAKAYAMA, 0.35), (NIKKO, 0.3), (KAWAMASA, 0.1)]
    story = "万年筆を作っている工房です。海外で売上を伸ばしたメーカーの例は？"
    assert _read(unsure, [_hit(case=TAKAYAMA)], story) == [NIKKO]
    # words every likely company shares decide nothing: retrieval does
    assert _read(unsure, [_hit(case=KAWAMASA)], "海外で売上を伸ばした会社の例は？") == [KAWAMASA]


def test_described_needs_a_word_of_one_company_alone() -> None:
    known = {"A": frozenset({"海外", "万年筆"}), "B": frozenset({"海外", "メス"}), "C": frozenset({"海外"})}
    assert described(["A", "B", "C"], {"海外", "万年筆"}, known) == "A"
    assert described(["A", "B", "C"], {"海外"}, known) is None
    assert described(["A", "B"], {"万年筆", "メス"}, known) is None  # one word each: a tie


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


def test_programs_asked_for_one_action_are_that_actions_and_for_the_company_all() -> None:
    from bot.answers.case_question import best_passage
    from bot.keywords import tokens

    kawamasa = next(c for c in CORPUS.document.cases if c.company == KAWAMASA)

    def passage(question: str) -> str | None:
        reading = Reading("case", np.zeros(4, dtype=np.float32), tuple(tokens(question)), ())
        return best_passage(kawamasa, reading, "programs_used", {}, sure=True)

    vietnam = passage("河政工業がベトナムに工場を作るときに使った支援は？")
    assert vietnam is not None and "ベトナム" in vietnam
    assert passage("河政工業が使った支援は？") is None  # 支援 is every program's word: all of them


def test_a_question_asking_how_many_is_answered_by_a_passage_giving_an_amount() -> None:
    from bot.answers.case_question import asked_number, best_passage
    from bot.keywords import tokens

    assert asked_number("応募は何件あったの？") and asked_number("how many countries?")
    assert asked_number("どんな賞をもらったの？") is None
    year = asked_number("補助金をもらってたのは何年から？")
    assert year is not None and year.search("2014年") and not year.search("1,803件")
    doctor = next(c for c in CORPUS.document.cases if c.company == "トラベルドクター株式会社")
    question = "ビジネスコンテストの応募は何件？"
    reading = Reading("case", np.zeros(4, dtype=np.float32), tuple(tokens(question)), ())
    vectors = {t: np.zeros(4, dtype=np.float32) for _, t, _ in passages_of(doctor)}
    found = best_passage(
        doctor, reading, "what_did", vectors, words=set(tokens(question)), number=asked_number(question)
    )
    assert found is not None and "８０３" in found  # not the contest's name with its year 2019


def test_a_number_asked_of_a_programs_one_company_is_answered_from_its_passages() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    doctor = next(c for c in CORPUS.document.cases if c.company == "トラベルドクター株式会社")
    question = "TSGで優勝した会社、何件の応募の中から選ばれたの？"
    look = _look([("次世代アントレプレナー育成プログラム", 0.5)], [("who_used", 0.6)], doctor.company)
    _, companies, _, quote = read_case_question(look, question, reading, "", lambda: [])
    assert [c.company for c in companies] == [doctor.company]
    assert quote is not None and "８０３" in quote[0]


def test_a_number_asked_quotes_the_sentence_that_gives_one() -> None:
    from bot.answers.case_question import asked_number, best_sentence

    passage = "術具メーカー。２０１６年より海外へ参入、販売実績は現在４０カ国以上。一気通貫で対応"
    countries = best_sentence(passage, set(), asked_number("How many countries do they sell to?"))
    assert "４０カ国" in countries
    assert best_sentence(passage, set()) == "術具メーカー"  # nothing asked: the first


def test_who_else_used_the_one_program_of_the_company_shown() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())

    def ask(text: str, shown: str, programs_shown: tuple[str, ...] = ()) -> tuple[str, list[str], list[str]]:
        look = CaseLookup(CORPUS, _models([(NIKKO, 0.9)]), entities(CORPUS), {}, thing_words(CORPUS))
        aspect, companies, programs, _ = read_case_question(
            look, text, reading, "", lambda: [], frozenset({shown}), programs_shown
        )
        return aspect, [c.company for c in companies], programs

    assert ask("ほかに同じ支援を使った会社は？", MEDERI) == ("who_used", [], [WOMEN])
    # a company that used three programs names no one program: another company is asked
    assert ask("ほかに同じ支援を使った会社は？", KAWAMASA)[1] != [KAWAMASA]
    # the one program the answer before presented, though the company used three
    equipment = "革新的事業展開設備投資支援事業"
    assert ask("ほかに同じ支援を使った会社は？", KAWAMASA, (equipment,)) == ("who_used", [], [equipment])
    # no program spoken of: another company, not the program's users
    assert ask("ほかにも同じようなことしてる会社ある？", MEDERI)[0] == "programs_used"


def test_a_follow_up_pointing_at_the_company_shown_asks_something_about_it_not_who_used() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    look = _look([(KAWAMASA, 0.9)], [("who_used", 0.58), ("what_did", 0.17)], KAWAMASA)
    about = f"海外企業連携プロジェクト事業を使った会社ってどこ？ {KAWAMASA} 海外企業連携プロジェクト事業"
    aspect, companies, _, _ = read_case_question(
        look, "その会社は海外のどこに拠点を作ったの？", reading, about, list
    )
    assert (aspect, [c.company for c in companies]) == ("what_did", [KAWAMASA])
    # 「その支援を使った会社は？」 points at the program: who used it
    program = read_case_question(look, "その支援を使った会社は？", reading, about, list)
    assert program[0] == "who_used"


def test_a_count_asked_by_its_unit_finds_the_passage_giving_it_whatever_its_kind() -> None:
    from bot.answers.case_question import asked_number

    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    doctor = next(c for c in CORPUS.document.cases if c.company == "トラベルドクター株式会社")
    look = _look([(doctor.company, 0.9)], [("result", 0.6)], doctor.company)  # sure, but of the wrong kind
    question = "How many entries were there in the contest that the travel-for-patients startup won?"
    _, _, _, quote = read_case_question(look, question, reading, "", list)
    assert quote is not None and "８０３" in quote[1]  # not 「10以上のメディア」
    age = asked_number("How old was the founder of mederi when she started the company?")
    assert age is not None and age.search("29歳") and not age.search("2020年")
    span = asked_number("それ何年から何年の話？")
    assert span is not None and span.search("2018年～2022年") and not span.search("2000年代")
    for asked in ("設備の補助金はいつからいつまで使うとったん？", "In which years did they use the subsidy?"):
        found = asked_number(asked)
        assert found is not None and found.search("2014年～2021年") and not found.search("2016年")


def test_a_list_read_unsurely_is_one_company_when_its_words_are_that_companys_alone() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), ("ペン", "作る", "会社", "事例"), ())
    look = _look([(KAWAMASA, 0.3)], [("list", 0.3), ("business", 0.25)], NIKKO)
    aspect, companies, _, _ = read_case_question(look, "ペン作ってる会社の事例ある？", reading, "", list)
    assert (aspect, [c.company for c in companies]) == ("business", [NIKKO])


def test_who_else_used_the_program_the_follow_up_describes_of_those_shown() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    look = CaseLookup(CORPUS, _models([(NIKKO, 0.9)]), entities(CORPUS), {}, thing_words(CORPUS))
    shown = ("ニューマーケット開拓支援事業", "革新的事業展開設備投資支援事業")

    def ask(text: str) -> list[str]:
        _, _, programs, _ = read_case_question(look, text, reading, "", list, frozenset({TAKAYAMA}), shown)
        return programs

    assert ask("その設備投資の助成、ほかにも使った会社ある？") == [shown[1]]
    assert ask("ほかに同じ支援を使った会社は？") == [shown[0]]  # none described: the one it led with


def test_among_several_companies_shown_the_one_the_question_describes() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), ("海外", "拠点", "作る"), ())
    look = _look([(NIKKO, 0.9)], [("what_did", 0.6)], NIKKO, KAWAMASA, TAKAYAMA)
    about = f"設備投資の補助金を使った会社の例を教えて {NIKKO} {KAWAMASA} {TAKAYAMA}"
    _, companies, _, _ = read_case_question(
        look, "その中で、海外に拠点を作ったのはどこ？", reading, about, list
    )
    assert [c.company for c in companies] == [KAWAMASA]  # not the first of the list


def test_a_number_asked_of_a_program_several_used_is_the_described_companys() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    look = _look([(NIKKO, 0.9)], [("what_did", 0.6)], *(c.company for c in CORPUS.document.cases))
    equipment = "革新的事業展開設備投資支援事業"
    _, companies, _, _ = read_case_question(
        look, f"メスの会社が{equipment}を使ったのは何年から何年？", reading, "", list
    )
    assert [c.company for c in companies] == [TAKAYAMA]
    # 'how many companies used it?' counts them all: no one company
    _, companies, _, _ = read_case_question(look, f"{equipment}を使った会社は何社？", reading, "", list)
    assert len(companies) != 1


def test_a_year_asked_after_one_company_is_a_passage_giving_one_not_its_programs() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    doctor = next(c for c in CORPUS.document.cases if c.company == "トラベルドクター株式会社")
    look = _look([(doctor.company, 0.9)], [("programs_used", 0.36), ("result", 0.22)], doctor.company)
    about = f"トラベルドクター株式会社ってどこの会社？ {doctor.company} 次世代アントレプレナー育成プログラム"
    aspect, companies, _, quote = read_case_question(look, "何年のコンテストにでたの？", reading, about, list)
    assert aspect != "programs_used" and [c.company for c in companies] == [doctor.company]
    assert quote is not None and "2019" in quote[1]  # a year closing the contest's name counts


def test_a_year_asked_is_found_where_its_sentence_shares_the_asked_words_whatever_the_aspect() -> None:
    from bot.answers.case_question import asked_number, best_passage
    from bot.keywords import tokens

    takayama, nikko = _case(TAKAYAMA), _case(NIKKO)

    def found(case: Case, question: str, words: str) -> str | None:
        reading = Reading("case", np.zeros(4, dtype=np.float32), tuple(tokens(question)), ())
        vectors = {t: np.zeros(4, dtype=np.float32) for _, t, _ in passages_of(case)}
        number = asked_number(question)
        return best_passage(case, reading, "what_did", vectors, True, set(tokens(words)), number)

    # a sure "what it did" still gives way to the business passage that says when it went abroad
    abroad = found(takayama, "高山医療機械製作所が海外に出始めたのは何年から？", "海外に出始めた")
    assert abroad is not None and "２０１６年より海外市場へ参入" in abroad
    # ...but not where the asked words are the action's (the raw material made in-house, 2020)
    made = found(nikko, "原料を自前で作れるようにしたのは何年？", "エボナイト 原料 自前 作れる")
    assert made is not None and "２０２０年" in made


def test_a_photo_caption_answers_only_a_question_sharing_its_words() -> None:
    from bot.answers.case_question import best_passage
    from bot.keywords import tokens

    nikko, kawamasa = _case(NIKKO), _case(KAWAMASA)

    def found(case: Case, question: str, aspect: str = "business") -> str | None:
        reading = Reading("case", np.zeros(4, dtype=np.float32), tuple(tokens(question)), ())
        vectors = {t: np.zeros(4, dtype=np.float32) for _, t, _ in passages_of(case)}
        words = set(tokens(question)) - set(tokens(case.company))
        return best_passage(case, reading, aspect, vectors, False, words, None, CORPUS.gloss)

    assert found(nikko, "日興エボナイトの社長の名前わかる？") == "遠藤智久社長"
    assert found(kawamasa, "Who is the president of Kawamasa?") == "中瀬勲社長"  # through its gloss
    # 万年筆 only describes the company here; the action that made the raw material answers
    made = found(
        nikko, "荒川区の万年筆メーカーが原料を自前で作れるようにしたときの助成金はどれ？", "programs_used"
    )
    assert made is not None and "原料" in made


def test_a_year_the_owner_quotes_points_at_the_passage_giving_it() -> None:
    from bot.answers.case_question import best_passage
    from bot.keywords import tokens

    nikko = _case(NIKKO)
    question = "万年筆の会社が2018年から開いてるイベント、正式な名前なんだっけ？"
    reading = Reading("case", np.zeros(4, dtype=np.float32), tuple(tokens(question)), ())
    vectors = {t: np.zeros(4, dtype=np.float32) for _, t, _ in passages_of(nikko)}
    found = best_passage(nikko, reading, "programs_used", vectors, True, set(tokens(question)))
    assert found is not None and "ペンショー" in found


def test_after_one_companys_answer_a_question_naming_none_is_about_it() -> None:
    from bot.answers.case_question import case_follows

    look = _look([], [], TAKAYAMA, KAWAMASA)
    assert case_follows("海外に出たのは何年から？", [TAKAYAMA, TAKAYAMA], False, look) == (True, False)
    # words only another company's passages have: that one
    assert case_follows("ベトナムに拠点を作った会社は？", [TAKAYAMA], False, look) == (False, False)
    # 「他に」 about the company pointed at asks more of it; 「ほかに〜会社」 asks another
    assert case_follows("その会社は他に何を使った？", [NIKKO], False, look) == (True, False)
    assert case_follows("ほかに設備の助成金を使った会社は？", [NIKKO], False, look)[1]


def test_every_company_asked_of_a_program_lists_them_all() -> None:
    reading = Reading("case", np.zeros(4, dtype=np.float32), (), ())
    program = "革新的事業展開設備投資支援事業"
    look = _look([(program, 0.5)], [("what_did", 0.33), ("who_used", 0.19)], NIKKO, KAWAMASA, TAKAYAMA)
    aspect, _, programs, _ = read_case_question(
        look, f"{program}を使った企業の例を全部挙げてください", reading, "", lambda: []
    )
    assert (aspect, programs) == ("who_used", [program])


def test_a_name_asked_is_answered_by_the_caption_sharing_a_word_even_beside_describing_words() -> None:
    from bot.answers.case_question import best_passage
    from bot.keywords import tokens

    for company, question, name in (
        (KAWAMASA, "葛飾の深絞りが得意な会社の社長って誰？", "中瀬勲社長"),
        (MEDERI, "メデリの代表の人、名前なんていうの？", "坂梨亜里咲 代表"),
    ):
        case = _case(company)
        reading = Reading("case", np.zeros(4, dtype=np.float32), tuple(tokens(question)), ())
        vectors = {t: np.zeros(4, dtype=np.float32) for _, t, _ in passages_of(case)}
        words = set(tokens(question)) - set(tokens(case.company))
        assert best_passage(case, reading, "business", vectors, False, words, None, CORPUS.gloss) == name
