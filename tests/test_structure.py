"""Questions about the document's structure (bot.answers.structure_question reads them,
bot.answers.structure answers; the corpus, no model): a strategy's directions, 課題, 委員発言,
the Vision, where a topic belongs."""

from __future__ import annotations

import pytest
from answer_helpers import CORPUS, DOC, cites_are_verbatim, draft, first_sentence

from bot.answers.structure import answer_structure
from bot.answers.structure_question import (
    StructureQuestion,
    asked_strategy,
    likely_strategy,
    read_structure_question,
)


# -- structure ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "numeral"),
    [
        ("戦略Ⅲの方向性", "Ⅲ"),
        ("戦略3の課題", "Ⅲ"),
        ("戦略IVって", "Ⅳ"),
        ("strategy 5", "Ⅴ"),
        ("the second strategy", "Ⅱ"),
        ("第一の戦略", "Ⅰ"),
        ("人材の戦略", None),
        ("Ⅳの課題をざっと", "Ⅳ"),  # a numeral alone (NFKC would spell it IV)
        ("地域経済の戦略（Ⅳ）の課題", "Ⅳ"),
        ("戦略（4）の方向性", "Ⅳ"),
        ("いちばん最初の戦略のほうはどうなってる？", "Ⅰ"),
        ("最後の戦略の課題は？", "Ⅴ"),
        ("最初に知りたいのは人材の話", None),
    ],
)
def test_asked_strategy(text: str, numeral: str | None) -> None:
    assert asked_strategy(text) == numeral


STRATEGIES = [("strategies", 0.38), ("issues", 0.21), ("directions", 0.2)]


def test_a_strategy_is_read_from_its_directions_probabilities_together() -> None:
    people = [
        ("ＤＸをはじめとした成長産業人材の育成を促進", 0.28),
        ("人手不足業界の人材確保や業界等の魅力発信を支援", 0.16),
        ("事業承継の一層の促進", 0.1),
    ]
    assert likely_strategy(CORPUS, people) == "Ⅴ"
    spread = [(t, 1 / 16) for t in DOC.direction_titles()]
    assert likely_strategy(CORPUS, spread) is None
    q = read_structure_question(CORPUS, "人を育てる話は何番目の戦略？", [("issues", 1.0)], people)
    assert (q.part, q.strategy) == ("issues", "Ⅴ")


def test_which_strategy_a_direction_is_in_answers_with_that_strategy() -> None:
    q = read_structure_question(CORPUS, "GXとかDXはどの戦略？", STRATEGIES, [("ＧＸ・ＤＸの推進", 0.82)])
    assert (q.part, q.strategy) == ("directions", "Ⅱ")
    q = read_structure_question(CORPUS, "戦略を全部教えて", STRATEGIES, [("ＧＸ・ＤＸの推進", 0.1)])
    assert q.part == "strategies" and q.strategy is None


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_where_a_topic_belongs_presents_its_direction_and_names_the_strategy(lang: str) -> None:
    growth = [("成長産業分野への進出", 0.7)]
    q = read_structure_question(CORPUS, "水素の研究はどの方向性？", STRATEGIES, growth)
    assert (q.part, q.strategy, q.located) == ("directions", "Ⅱ", "成長産業分野への進出")
    a = answer_structure(draft(lang), "q", q)
    assert a.primary == 1 and a.directions[0].title == "成長産業分野への進出"
    first = a.lead.split("。")[0] if lang == "ja" else a.lead.split(". ")[0]
    assert "成長産業分野への進出" in first and "Ⅱ" in first
    # its neighbours are context, listed under the strategy, not presented as matches
    listed = {i.ref for sec in a.sections for i in sec.items}
    assert {x.title for x in DOC.strategy("Ⅱ").directions} <= listed
    named = read_structure_question(CORPUS, "戦略Ⅱの方向性は？", STRATEGIES, growth)
    assert named.located is None  # a strategy asked by name: all its directions are the answer


def test_a_structure_follow_up_naming_no_strategy_means_the_one_shown() -> None:
    remarks = [("remarks", 0.6), ("issues", 0.2)]
    noise = [("適正取引の推進", 0.2), ("危機管理対策", 0.15), ("事業承継の一層の促進", 0.1)]
    shown = [x.title for x in DOC.strategy("Ⅲ").directions]
    assert read_structure_question(CORPUS, "委員は何て？", remarks, noise, shown).strategy == "Ⅲ"
    assert read_structure_question(CORPUS, "委員は何て？", remarks, noise).strategy == "Ⅰ"  # alone
    asked = read_structure_question(CORPUS, "戦略Ⅱの委員発言は？", remarks, noise, shown)
    assert asked.strategy == "Ⅱ"  # a strategy named in the question wins


def test_a_follow_up_asking_the_shown_strategys_issues_gets_all_of_them_not_another_ones_item() -> None:
    issues = [("issues", 0.75), ("pillars", 0.08)]
    noise = [("ＤＸをはじめとした成長産業人材の育成を促進", 0.15)]
    # 「課題」 names the part (Ⅲ's third 課題 speaks of 社会課題); 「その」 names no topic
    # (Ⅲ's second has 「その後」)
    for text in ("じゃあ課題のほうは？", "その戦略の課題は何があがってる？"):
        q = read_structure_question(CORPUS, text, issues, noise, (), "Ⅴ")
        assert (q.part, q.strategy, q.item) == ("issues", "Ⅴ", None)


def test_which_direction_a_word_of_its_items_alone_belongs_to() -> None:
    unsure = [("ＧＸ・ＤＸの推進", 0.12), ("女性活躍支援", 0.1)]
    q = read_structure_question(CORPUS, "フリーランスのことはどの方向性で扱ってる？", STRATEGIES, unsure)
    assert q.located == "適正取引の推進" and q.strategy == "Ⅰ"
    # a strategy named by its title is asked about itself, not a direction one of its words is in
    named = read_structure_question(
        CORPUS, "人材と働き方の戦略、取り組みの方向って何本立て？", STRATEGIES, unsure
    )
    assert named.located is None and named.strategy == "Ⅴ"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_strategys_part_listed_together_leads_with_their_count(lang: str) -> None:
    a = answer_structure(draft(lang), "q", StructureQuestion("directions", None, None))
    assert str(len(DOC.direction_titles())) in first_sentence(a)


def test_a_question_naming_one_strategy_gets_its_likeliest_part_not_the_list_of_five() -> None:
    q = read_structure_question(CORPUS, "地域経済の戦略（Ⅳ）の課題をざっと", STRATEGIES, [])
    assert (q.part, q.strategy) == ("issues", "Ⅳ")


@pytest.mark.parametrize("strategy", DOC.strategies, ids=lambda s: s.numeral)
def test_each_part_of_a_strategy_is_listed_and_cited(strategy) -> None:
    a = answer_structure(draft(), "q", StructureQuestion("directions", strategy.numeral, None))
    assert all(d.title in a.lead for d in strategy.directions) and a.primary == len(strategy.directions)
    for part, texts in (
        ("issues", strategy.issues),
        ("remarks", strategy.remarks),
        ("vision", strategy.vision_directions),
        ("new_movements", strategy.new_movements),
    ):
        a = answer_structure(draft(), "q", StructureQuestion(part, strategy.numeral, None))
        shown = [i.text for s in a.sections for i in s.items]
        assert shown == list(texts)
        cites_are_verbatim(a)
        # the lead names the list: all of it when short, its first item at least
        named = [t for t in texts if t in a.lead]
        assert texts[0] in named and (len(named) == len(texts) or "など" in a.lead)


def test_pillars_open_questions_and_direction_items() -> None:
    a = answer_structure(draft(), "q", StructureQuestion("pillars", None, None))
    assert all(p.name in a.lead for p in DOC.basic_approach.pillars)
    a = answer_structure(draft(), "q", StructureQuestion("open_questions", None, None))
    assert len(a.sections[0].items) == len(DOC.vision_changes.open_questions)
    d = DOC.strategies[0].directions[0]
    a = answer_structure(draft(), "q", StructureQuestion("direction_items", "Ⅰ", d.title))
    assert all(item in a.lead for item in d.items)


@pytest.mark.parametrize(
    ("text", "numeral"),
    [
        ("成長戦略の戦略で委員の意見は？", "Ⅱ"),
        ("人材と働き方の戦略、方向性をざっくり", "Ⅴ"),
        ("issues of the startup ecosystem strategy", "Ⅲ"),
        ("5つの戦略って何？", None),  # the word for strategy names none of them
        ("起業と成長の話", None),  # one word of two titles each: no winner
        ("成長戦略のほうのビジョン", "Ⅱ"),  # the ほう (方) of 働き方 names no strategy
    ],
)
def test_a_strategy_named_by_words_only_its_title_has(text: str, numeral: str | None) -> None:
    from bot.answers.structure_question import titled_strategy

    assert titled_strategy(CORPUS, text) == numeral


def test_which_strategy_a_shown_direction_is_in_presents_that_direction() -> None:
    succession = "事業承継の一層の促進"
    q = read_structure_question(CORPUS, "それってどの戦略？", [("directions", 0.5)], [], [succession])
    assert (q.strategy, q.located) == ("Ⅰ", succession)
    a = answer_structure(draft(), "q", q)
    assert [d.title for d in a.directions[: a.primary]] == [succession]


def test_what_tokyo_does_after_an_answer_gives_the_shown_directions_items() -> None:
    fair = "適正取引の推進"
    parts = [("direction_items", 0.8), ("directions", 0.1)]
    q = read_structure_question(CORPUS, "具体的に都は何してくれるの？", parts, [], [fair])
    assert (q.part, q.direction) == ("direction_items", fair)
    assert read_structure_question(CORPUS, "具体的に都は何してくれるの？", parts, []).part == "directions"


def test_one_item_asked_by_its_position_or_its_words_leads_the_answer() -> None:
    vision = [("vision", 0.7), ("issues", 0.1)]
    fifth = read_structure_question(CORPUS, "成長戦略のほうのビジョン、5番目は？", vision, [])
    assert (fifth.strategy, fifth.item) == ("Ⅱ", 4)
    lead = answer_structure(draft(), "q", fifth).lead
    assert DOC.strategy("Ⅱ").vision_directions[4] in lead
    # a topic only one item of the part has: that item, and its strategy
    tama = read_structure_question(CORPUS, "多摩とか島の話ってビジョンのどの戦略？", vision, [])
    item = next(i for i, t in enumerate(DOC.strategy("Ⅳ").vision_directions) if "多摩" in t)
    assert (tama.strategy, tama.item) == ("Ⅳ", item)
    assert read_structure_question(CORPUS, "ビジョンって何が書いてある？", vision, []).item is None
    # a range names the list, not its first item
    assert read_structure_question(CORPUS, "戦略Ⅱのビジョンの①〜⑤をならべて", vision, []).item is None
    assert read_structure_question(CORPUS, "戦略Ⅱのビジョンの①から⑤は？", vision, []).item is None


def test_after_a_structure_answer_a_question_naming_no_strategy_means_its_strategy() -> None:
    from bot.answers.followup import shown_strategy

    issues = answer_structure(draft(), "戦略Ⅰの課題", StructureQuestion("issues", "Ⅰ", None))
    assert shown_strategy(issues, CORPUS) == "Ⅰ"
    every = answer_structure(draft(), "課題を全部", StructureQuestion("issues", None, None))
    assert shown_strategy(every, CORPUS) is None  # five strategies: none in particular
    q = read_structure_question(CORPUS, "そこの取組の方向性は？", [("directions", 0.6)], [], [], "Ⅰ")
    assert (q.part, q.strategy) == ("directions", "Ⅰ")


def test_after_a_structure_answer_a_follow_up_resolves_against_the_part_it_listed() -> None:
    from bot.answers.structure_question import listed_part

    five = answer_structure(draft(), "戦略は？", StructureQuestion("strategies", None, None))
    directions = answer_structure(draft(), "戦略Ⅱの方向性", StructureQuestion("directions", "Ⅱ", None))
    issues = answer_structure(draft(), "戦略Ⅴの課題", StructureQuestion("issues", "Ⅴ", None))
    assert [listed_part(a, CORPUS) for a in (five, directions, issues)] == [
        "strategies",
        "directions",
        "issues",
    ]
    # 「4番目は？」 after the five strategies: the fourth strategy, not the fourth item of one
    fourth = read_structure_question(
        CORPUS, "4番目はなんて名前？", [("directions", 0.4)], [], [], None, "strategies"
    )
    assert fourth.strategy == "Ⅳ"
    second = read_structure_question(
        CORPUS, "What issues are listed for the second one?", [("issues", 0.7)], [], [], None, "strategies"
    )
    assert (second.part, second.strategy, second.item) == ("issues", "Ⅱ", None)
    # 「戦略Ⅲのほうは？」 after Ⅱ's directions: Ⅲ's directions, though the words name no part
    again = read_structure_question(
        CORPUS, "戦略Ⅲのほうは？", [("strategies", 0.6), ("issues", 0.1)], [], [], "Ⅱ", "directions"
    )
    assert (again.part, again.strategy) == ("directions", "Ⅲ")
    # 「それに対して何をやっていく？」 after Ⅴ's 課題: Ⅴ's directions
    doing = read_structure_question(
        CORPUS, "それに対して何をやっていく？", [("direction_items", 0.3)], [], [], "Ⅴ"
    )
    assert (doing.part, doing.strategy) == ("directions", "Ⅴ")


def test_the_nth_strategy_is_named_by_its_position() -> None:
    assert asked_strategy("3つ目の戦略って、どんな方向で進めるの？") == "Ⅲ"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_remarks_on_a_topic_lead_with_the_ones_linked_to_its_direction(lang: str) -> None:
    telework = "企業の戦略としてのテレワークを推進"
    remarks = [("remarks", 0.9), ("issues", 0.05)]
    q = read_structure_question(CORPUS, "在宅勤務が根付かない件、委員の意見は？", remarks, [(telework, 0.8)])
    assert (q.strategy, q.located) == ("Ⅴ", telework)
    a = answer_structure(draft(lang), "q", q)
    assert [d.title for d in a.directions[: a.primary]] == [telework]
    links = CORPUS.aids.remark_links["Ⅴ"]
    s = DOC.strategy("Ⅴ")
    linked = [t for i, t in enumerate(s.remarks) if telework in links[i]]
    unlinked = [t for i, t in enumerate(s.remarks) if telework not in links[i]]
    assert linked and all(t in a.lead for t in linked) and not any(t in a.lead for t in unlinked)
    # the same question after a problem answer: the shown direction's remarks
    after = read_structure_question(CORPUS, "この件、委員からは何か？", remarks, [], [telework])
    assert after.located == telework


def test_where_a_named_program_belongs_is_a_case_answer() -> None:
    from bot.answers.entities import entities, named
    from bot.answers.structure_question import program_placed

    known = entities(CORPUS)
    where = [("strategies", 0.6), ("directions", 0.2)]
    asked = named("ニューマーケット開拓支援事業ってどの戦略？", known)
    assert program_placed(where, asked) == "ニューマーケット開拓支援事業"
    assert program_placed([("remarks", 0.8)], asked) is None  # 委員発言 is the document's own
    assert program_placed(where, named("戦略Ⅱの方向性は？", known)) is None


def test_an_item_is_found_by_words_only_it_has_within_its_strategy() -> None:
    issues = [("issues", 0.9)]
    shops = "商店街や中小企業の活力向上"
    q = read_structure_question(CORPUS, "商店街について、都が課題に挙げてるのは何？", issues, [(shops, 0.8)])
    assert q.strategy == "Ⅳ" and "商店街" in DOC.strategy("Ⅳ").issues[q.item or 0] and q.item is not None
    # after a problem answer, 「ビジョンの方だと、これに当たる項目は？」: the item sharing its words
    vision = [("vision", 0.9)]
    after = read_structure_question(CORPUS, "ビジョンの方だと、これに当たる項目はどれ？", vision, [], [shops])
    assert after.item is not None and "商店街の活力向上" in DOC.strategy("Ⅳ").vision_directions[after.item]
    # a strategy's list asked naming no item's own words stays a list
    assert read_structure_question(CORPUS, "戦略Ⅳの課題は？", issues, []).item is None


def test_a_third_party_is_no_third_strategy() -> None:
    assert asked_strategy("後継ぎがいない会社をM&Aで第三者に引き継ぐ話は、どの方向性に入ってる？") is None
    assert asked_strategy("第三の戦略") == "Ⅲ"


def test_the_visions_directions_are_its_items_not_the_sixteen() -> None:
    parts = [("directions", 0.44), ("vision", 0.42)]
    assert read_structure_question(CORPUS, "戦略Ⅳのビジョンの方向性を一覧で", parts, []).part == "vision"
    assert read_structure_question(CORPUS, "ビジョンの戦略Ⅳの取組の方向性", parts, []).part == "directions"


def test_a_position_after_a_list_is_that_lists_item() -> None:
    unsure = [("pillars", 0.3), ("issues", 0.2)]
    third = read_structure_question(CORPUS, "and the third one?", unsure, [], [], "Ⅰ", "issues")
    assert (third.part, third.strategy, third.item) == ("issues", "Ⅰ", 2)
    fifth = read_structure_question(CORPUS, "5番目だけもう一回", [("strategies", 0.4)], [], [], "Ⅲ", "vision")
    assert (fifth.part, fifth.strategy, fifth.item) == ("vision", "Ⅲ", 4)
    # 「2つ目について詳しく」 after one strategy's directions: that direction and its items
    second = read_structure_question(
        CORPUS, "2つ目について詳しく", [("directions", 0.3)], [], [], "Ⅱ", "directions"
    )
    assert (second.part, second.direction) == ("direction_items", DOC.strategy("Ⅱ").directions[1].title)


def test_an_unsure_structure_question_goes_by_the_situation_told_before_it() -> None:
    from bot.answers.structure_question import told_directions

    unsure = [("ＧＸ・ＤＸの推進", 0.27), ("危機管理対策", 0.24)]
    story = [("事業承継の一層の促進", 0.79), ("適正取引の推進", 0.08)]
    assert told_directions(unsure, [story])[0][0] == "事業承継の一層の促進"
    sure = [("適正取引の推進", 0.48)]
    assert told_directions(sure, [story]) == sure  # its own reading, where it is sure
    assert told_directions(unsure, [[("危機管理対策", 0.2)]]) == unsure  # nothing sure was told
    assert told_directions(unsure, []) == unsure
