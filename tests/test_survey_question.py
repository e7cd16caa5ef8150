"""bot/answers/survey_question.py: which table and row a survey question means (no model:
the row vectors are left out, so only the words decide)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bot.answers.survey import SurveyQuestion, label_at
from bot.answers.survey_asks import asked_movement
from bot.answers.survey_question import about_shown_row, read_survey_question
from bot.answers.survey_rows import RowMatcher, row_labels
from bot.keywords import tokens
from bot.models import SurveyFact
from corpus.load import load_corpus

CORPUS = load_corpus()
LABELS = row_labels(CORPUS)
ROWS = RowMatcher(LABELS, {}, tokens, {r: CORPUS.gloss(r) for t in LABELS.values() for r in t})
VECTOR = np.zeros(4, dtype=np.float32)


def _read(text: str, tables: list[str], ask: str = "share") -> SurveyQuestion:
    ranked = [(t, 1.0 / (i + 1)) for i, t in enumerate(tables)]
    return read_survey_question(CORPUS, text, VECTOR, ranked, [(ask, 1.0)], ROWS)


def test_an_english_question_naming_a_row_finds_its_table_through_the_gloss() -> None:
    q = _read("do most firms hear about programs from websites or flyers?", ["support_wanted", "info_media"])
    assert q.table == "info_media" and q.row == "ホームページ"


def test_half_a_label_from_another_table_does_not_overrule_the_table_model() -> None:
    # 「都」 is half of 「東京都」 (an information source), not a reason to leave the asked table
    q = _read("都のアンケートで今後使いたい支援の上位は？", ["support_wanted", "info_sources"], "top")
    assert q.table == "support_wanted"


def _shown(table: str, label: str, rank: int = 1, by_rank: bool = False) -> SurveyFact:
    return SurveyFact(table, "t", "令和５年度", rank, label, 55, 1669, by_rank)


def test_a_follow_up_naming_no_row_asks_about_the_row_shown() -> None:
    q = SurveyQuestion("management_issues", "change", ("令和４年度", "令和５年度"))
    assert about_shown_row(q, _shown("management_issues", "人材不足への対応")).row == "人材不足への対応"
    assert about_shown_row(q, _shown("obstacles", "人手不足")).row is None  # another table: not that row
    top = SurveyQuestion("management_issues", "top", ("令和４年度",))
    assert about_shown_row(top, _shown("management_issues", "人材不足への対応")).row is None  # a ranking
    # 「前の年の数字も教えて」 after one row's figure: that row, beside the year shown
    figures = SurveyQuestion("management_issues", "list", ("令和４年度",))
    again = about_shown_row(figures, _shown("management_issues", "人材不足への対応"))
    assert (again.row, again.ask, again.years) == ("人材不足への対応", "change", ("令和４年度", "令和５年度"))
    # 「前の年の調査だと？」 read unsurely as any other ask: that row again; a sure top, the ranking
    unsure = SurveyQuestion("management_issues", "period", ("令和４年度",))
    assert about_shown_row(unsure, _shown("management_issues", "人材不足への対応"), sure=False).row == (
        "人材不足への対応"
    )
    assert about_shown_row(top, _shown("management_issues", "人材不足への対応"), sure=True).row is None


def test_after_a_position_was_shown_another_year_asks_that_years_position() -> None:
    # 「1位は？」 then 「前の年は？」: last year's first place, not this year's first row's change
    q = SurveyQuestion("management_issues", "change", ("令和４年度", "令和５年度"))
    top = _shown("management_issues", "人材不足への対応", by_rank=True)
    before = about_shown_row(q, top, "令和４年度")
    assert (before.ask, before.rank, before.row, before.years) == ("rank", 1, None, ("令和４年度",))
    assert about_shown_row(q, top, None).row == "人材不足への対応"  # 「それ、増えてる？」: that row
    # 「それ、前の年は何位だった？」 points back at the row shown, not at its position
    assert about_shown_row(q, top, "令和４年度", refers=True).row == "人材不足への対応"
    named = _shown("management_issues", "人材不足への対応")  # the question before named the row
    assert about_shown_row(q, named, "令和４年度").row == "人材不足への対応"


def test_a_follow_up_needs_a_rows_words_to_leave_the_row_shown() -> None:
    # every question is nearest some row; 「去年と比べると増えてる？」 names none of its own
    labels = {"support_wanted": ("テレワーク等の取組支援", "海外展開への支援")}
    vectors = {
        "テレワーク等の取組支援": np.eye(2, dtype=np.float32)[0],
        "海外展開への支援": np.eye(2, dtype=np.float32)[1],
    }
    rows = RowMatcher(labels, vectors, tokens)
    near = np.array([0.1, 0.9], dtype=np.float32)
    shown = _shown("support_wanted", "テレワーク等の取組支援")
    args = (CORPUS, "去年と比べると増えてる？", near, [("support_wanted", 1.0)], [("change", 1.0)], rows)
    assert read_survey_question(*args).row == "海外展開への支援"  # alone, the nearest row
    assert read_survey_question(*args, shown, words_only=True).row == "テレワーク等の取組支援"


def test_a_rows_figure_asked_for_the_earlier_year_is_shown_beside_the_latest() -> None:
    q = _read("海外展開の支援を選んだ会社、去年は何%だった？", ["support_wanted"])
    assert (q.ask, q.row, q.years) == ("change", "海外展開への支援", ("令和４年度", "令和５年度"))
    top = _read("去年の1位は何だった？", ["support_wanted"], "top")  # a ranking keeps its one year
    assert top.years == ("令和４年度",)


def test_after_a_survey_answer_its_table_is_meant_unless_another_is_sure() -> None:
    from bot.answers.survey_question import tables_meant

    shown = SurveyFact("management_issues", "t", "令和５年度", 1, "人材不足への対応", 55, 1669)
    unsure = [("obstacles", 0.34), ("info_sources", 0.16)]
    assert tables_meant(unsure, shown, follows=False)[0][0] == "management_issues"
    sure = [("info_media", 0.8)]
    assert tables_meant(sure, shown, follows=False)[0][0] == "info_media"  # a table of its own
    # a follow-up means the table shown unless it names another surely (「媒体のほうだと？」)
    assert tables_meant([("info_media", 0.6)], shown, follows=True)[0][0] == "management_issues"
    assert tables_meant(sure, shown, follows=True)[0][0] == "info_media"
    assert tables_meant(unsure, None, follows=False) == unsure


def test_a_position_asked_is_a_rank_and_names_no_row() -> None:
    q = _read("what's the no.5 management issue in the latest survey", ["management_issues"], "list")
    assert (q.ask, q.rank) == ("rank", 5)
    before = _read("And what was number one the year before?", ["management_issues"], "change")
    assert (before.ask, before.rank, before.years) == ("rank", 1, ("令和４年度",))
    first = SurveyQuestion("management_issues", "rank", ("令和４年度",), None, 1)
    assert about_shown_row(first, _shown("management_issues", "人材不足への対応")).row is None


def test_another_tables_row_wins_only_where_the_question_stands_out_no_less() -> None:
    labels = {"management_issues": ("人材不足への対応", "資金調達"), "obstacles": ("人手不足", "資金不足")}
    axis = {"人材不足への対応": 0, "資金調達": 1, "人手不足": 2, "資金不足": 3}
    vectors = {label: np.eye(4, dtype=np.float32)[i] for label, i in axis.items()}
    rows = RowMatcher(labels, vectors, tokens)
    ranked = [("management_issues", 0.4), ("obstacles", 0.2)]
    near_issue = np.array([0.9, 0.1, 0.3, 0.1], dtype=np.float32)  # closest to 人材不足への対応
    text, share = "人手が足りないって会社は何割？", [("share", 1.0)]
    q = read_survey_question(CORPUS, text, near_issue, ranked, share, rows)
    assert q.table == "management_issues"
    near_obstacle = np.array([0.1, 0.1, 0.9, 0.1], dtype=np.float32)
    q = read_survey_question(CORPUS, text, near_obstacle, ranked, share, rows)
    assert (q.table, q.row) == ("obstacles", "人手不足")


def test_an_owners_everyday_word_for_a_row_finds_it() -> None:
    from bot.answers.survey_rows import everyday_words

    rows = RowMatcher(
        LABELS, {}, tokens, {r: CORPUS.gloss(r) for t in LABELS.values() for r in t}, everyday_words(CORPUS)
    )
    share = [("share", 1.0)]
    q = read_survey_question(
        CORPUS, "銀行から支援の話を聞く会社は何％？", VECTOR, [("info_sources", 1.0)], share, rows
    )
    assert q.row == "金融機関"
    assert (
        ROWS.match("info_sources", "銀行から支援の話を聞く会社は何％？", VECTOR, False) is None
    )  # not without them
    # naming two rows as choices asks for the ranking, not one of them
    top = [("top", 1.0)]
    q = read_survey_question(
        CORPUS, "銀行と税理士、どっちから聞く会社が多い？", VECTOR, [("info_sources", 1.0)], top, rows
    )
    assert q.row is None


def test_a_count_the_owner_gives_finds_the_profile_row_holding_it() -> None:
    from bot.answers.survey_rows import counted_row

    labels = LABELS["profile"]
    assert counted_row("従業員4人の会社です", labels) == "5人未満"
    assert counted_row("社員15名", labels) == "5-19人"
    assert counted_row("we have 30 employees", labels) == "20人以上"
    assert counted_row("創業30年の店", labels) == "21-50年"
    assert counted_row("令和5年度の調査で", labels) is None  # a year is no company's age
    # a bound beside the count: past it or short of it
    assert counted_row("創業50年超えの老舗", labels) == "51年以上"
    assert counted_row("firms over 50 years old", labels) == "51年以上"
    assert counted_row("従業員が5人に満たない会社", labels) == "5人未満"
    assert counted_row("under 5 employees", labels) == "5人未満"
    assert counted_row("a 12-person design studio", labels) == "5-19人"
    assert counted_row("うちと同じ11〜20年の層", labels) == "11-20年"  # a band of years is an age


def test_a_profile_question_names_a_row_by_count_or_word_never_by_likeness() -> None:
    assert _read("回答企業で製造業は何%？", ["profile"]).row == "製造業"
    assert _read("卸売りの会社は何%？", ["profile"]).row == "卸売業"  # more of its words than any other's
    q = _read("回答した会社って、従業員何人くらいのとこが多いの？", ["profile"])
    assert (q.row, q.group, q.ask) == (None, "従業員数", "top")


def test_a_position_asked_names_no_row_even_beside_one() -> None:
    q = _read("what's the second most common medium after websites?", ["info_media"], "rank")
    assert (q.rank, q.row) == (2, None)


def test_the_position_after_a_named_row_is_asked_by_next() -> None:
    q = _read("令和5年度の経営課題で、原材料の値上がりの次に来てたのは？", ["management_issues"], "list")
    assert (q.ask, q.rank, q.row) == ("rank", 4, None)  # 原油・原材料等の価格高騰への対応 is 3rd
    english = _read(
        "in the latest issues, what comes right after rising material costs?", ["management_issues"]
    )
    assert (english.ask, english.rank) == ("rank", 4)
    # an "after" that opens a clause points at no position
    opening = _read(
        "After the price hikes, how many firms name material costs as an issue?", ["management_issues"]
    )
    assert opening.rank is None


def test_after_a_position_was_shown_the_rank_asked_for_another_year_is_that_rows() -> None:
    q = SurveyQuestion("obstacles", "rank", ("令和５年度",))
    shown = SurveyFact("obstacles", "t", "令和４年度", 1, "知識・ノウハウ不足", 39, 1669, True)
    assert about_shown_row(q, shown, "令和５年度").row == "知識・ノウハウ不足"  # 「それ何位になった？」


def test_after_a_position_was_shown_a_share_asked_for_another_year_is_that_rows() -> None:
    q = SurveyQuestion("management_issues", "share", ("令和４年度",))
    shown = SurveyFact("management_issues", "t", "令和５年度", 1, "人材不足への対応", 55, 1669, True)
    assert about_shown_row(q, shown, "令和４年度").row == "人材不足への対応"  # 「それ、前の年は何％？」


def test_a_position_compared_with_the_year_before_is_that_rows_change() -> None:
    from bot.answers.survey import label_at

    q = _read("2つ目について詳しく。前の年と比べるとどう？", ["management_issues"], "change")
    second = label_at(CORPUS, "management_issues", "令和５年度", 2)
    assert (q.ask, q.row, q.years) == ("change", second, ("令和４年度", "令和５年度"))
    # without a comparison, the earlier year alone: that year's position
    before = _read("前の年の2つ目は？", ["management_issues"], "change")
    assert (before.ask, before.rank, before.years) == ("rank", 2, ("令和４年度",))


def test_a_position_of_the_list_shown_asked_for_another_year_is_that_rows_change() -> None:
    shown = _shown("management_issues", "人材不足への対応", rank=1, by_rank=True)
    ranked, asks = [("management_issues", 1.0)], [("share", 1.0)]
    args = (CORPUS, "2番目のやつ、その前の年は何%だった？", VECTOR, ranked, asks, ROWS, shown)
    q = read_survey_question(*args)
    from bot.answers.survey import label_at

    second = label_at(CORPUS, "management_issues", "令和５年度", 2)
    assert (q.row, q.ask, q.years) == (second, "change", ("令和４年度", "令和５年度"))
    # no pointing back: the earlier year's own position
    plain = read_survey_question(CORPUS, "前の年の2位は？", VECTOR, ranked, asks, ROWS, shown)
    assert (plain.rank, plain.row) == (2, None)


def test_a_row_named_in_full_by_its_label_or_gloss() -> None:
    assert ROWS.named_in_full("info_media", "Where do companies read about support? Website, flyers, what?")
    assert ROWS.named_in_full("info_media", "ホームページで見る会社は何割？")
    # some of a label's words, or an owner's everyday word, are not the row written out
    assert not ROWS.named_in_full("obstacles", "人手が足りないって会社は何割？")


def test_which_row_rose_or_fell_most_is_asked_of_the_whole_table() -> None:
    q = _read(
        "経営の悩みのランキングで、前の年から一番数字が伸びた項目ってどれ？", ["management_issues"], "list"
    )
    assert (q.ask, q.row, q.years) == ("rise", None, ("令和４年度", "令和５年度"))
    fell = _read("Which support did fewer firms want than the year before?", ["support_wanted"], "change")
    assert fell.ask == "fall"
    # the ranking itself, with no year or change spoken of, stays a ranking
    assert _read("経営の悩み、一番多いのは？", ["management_issues"], "top").ask == "top"


def test_the_last_place_is_the_years_last_row() -> None:
    q = _read("手が回らない理由の4つのうち最下位は？", ["obstacles"], "top")
    assert (q.ask, q.rank) == ("rank", -1)
    assert label_at(CORPUS, "obstacles", "令和５年度", -1) == "時間的制約"


def test_a_pointed_year_asking_which_row_asks_that_years_place() -> None:
    # 「その前の年」 names a year, not the row shown: last year's first place
    shown = _shown("management_issues", "人材不足への対応", 1, by_rank=True)
    q = read_survey_question(
        CORPUS,
        "じゃあその前の年は何が1位？",
        VECTOR,
        [("management_issues", 1.0)],
        [("top", 0.4)],
        ROWS,
        shown,
    )
    assert (q.ask, q.rank, q.row, q.years) == ("rank", 1, None, ("令和４年度",))
    # 「2番目のやつ、その前の年は何%？」 still points at a row of the list shown
    row = read_survey_question(
        CORPUS,
        "2番目のやつ、その前の年は何%だった？",
        VECTOR,
        [("management_issues", 1.0)],
        [("share", 0.9)],
        ROWS,
        shown,
    )
    assert row.row == "営業・販売力の強化" and row.ask == "change"


def test_one_year_named_without_a_change_is_that_years_figure() -> None:
    q = read_survey_question(
        CORPUS, "前年度、手が回らない理由で一番多かったのは？", VECTOR, [("obstacles", 1.0)],
        [("change", 0.42), ("top", 0.41)], ROWS,
    )  # fmt: skip
    assert (q.ask, q.years) == ("top", ("令和４年度",))
    # the change itself asked of a position: that row, over both years
    moved = _read("The #1 reason: how did its share change from the year before?", ["obstacles"], "change")
    assert (moved.ask, moved.row, moved.years) == ("change", "人手不足", ("令和４年度", "令和５年度"))


def test_the_most_changed_row_of_a_table_is_asked_either_way() -> None:
    assert asked_movement("情報を見る媒体で前年から一番変化が大きかったのは？") == "shift"
    assert asked_movement("Which kind of support do most firms want, and how did it move?") is None
    q = _read("情報を見る媒体で前年から一番変化が大きかったのは？", ["info_media"], "change")
    assert (q.ask, q.row) == ("shift", None)


def test_a_survey_follow_up_after_a_problem_asks_the_row_linked_to_what_the_owner_told() -> None:
    from bot.answers.survey_question import about_shown

    said = "大きな地震が来たときにどう事業を続けるか何も決めてない そういう計画づくりの支援を使いたい会社は？"
    q = SurveyQuestion("support_wanted", "share", ("令和５年度",))
    assert about_shown(CORPUS, q, ["危機管理対策"], said).row == "BCPの策定支援"  # 地震 of 地震対策
    # nothing told points at one row: the asked table's linked row ('wants to use' → support_wanted)
    town = ["商店街や中小企業の活力向上"]
    wanted = about_shown(CORPUS, q, town, "どれくらい？")
    faced = about_shown(CORPUS, replace(q, table="management_issues"), town, "何%？")
    assert (wanted.row, faced.row) == ("商店街の活性化に向けた支援", "営業・販売力の強化")


def test_a_row_in_an_owners_own_words_is_voted_by_the_nearest_labelled_examples() -> None:
    from bot.answers.survey_rows import example_rows

    def unit(*xs: float) -> np.ndarray:
        v = np.array(xs, dtype=np.float32)
        return v / np.linalg.norm(v)

    examples = [
        ("management_issues", "資金調達", "お金の工面"),
        ("management_issues", "資金調達", "資金繰り"),
    ]
    examples += [("management_issues", "人材不足への対応", "人が来ない")]
    vectors = np.stack([unit(1, 0.1, 0, 0), unit(1, 0, 0.1, 0), unit(0, 1, 0, 0)])
    rows = RowMatcher(LABELS, {}, tokens, {}, {}, example_rows(examples, vectors))
    assert rows.voted("management_issues", unit(1, 0.05, 0.05, 0)) == "資金調達"
    assert rows.voted("management_issues", unit(0, 0, 0, 1)) is None  # nothing near: no vote
    assert rows.voted("obstacles", unit(1, 0, 0, 0)) is None  # no example of that table
    # the vote comes only after the words and the label similarity: a row named in words wins
    assert (
        rows.match("management_issues", "人材不足への対応は？", unit(1, 0.05, 0.05, 0), False)
        == "人材不足への対応"
    )


def test_a_row_worded_another_way_in_the_year_asked_is_that_years_row() -> None:
    older, newer = "人材育成・確保の支援", "人材育成･確保に向けた取組支援"
    other = "知的財産総合センターにおける支援"
    vectors = {older: np.array([1.0, 0.0]), newer: np.array([0.99, 0.14]), other: np.array([0.8, 0.6])}
    rows = RowMatcher(LABELS, {k: v / np.linalg.norm(v) for k, v in vectors.items()}, tokens)
    assert rows.renamed(older, [newer, other]) == newer
    assert rows.renamed(other, [older, newer]) is None  # alike, but not one row


def test_the_two_information_tables_are_told_apart_by_what_they_ask() -> None:
    both = ["info_sources", "info_media"]
    assert _read("支援策の情報って、みんな何で見てるの？", both, "top").table == "info_media"
    assert (
        _read("Who do most firms hear about support programs from?", both[::-1], "top").table
        == "info_sources"
    )
    assert (
        _read("支援策の情報、みんなどうしてる？", both, "top").table == "info_sources"
    )  # no word: the model's


def test_both_years_asked_outright_show_the_row_over_both() -> None:
    q = _read("新聞の記事や広告で支援を知る会社って何%？2年分ほしい", ["info_media"])
    assert (q.row, q.ask, len(q.years)) == ("新聞記事・広告", "change", 2)


def test_a_question_typed_in_hiragana_names_its_year_and_position() -> None:
    from bot.answers.survey_asks import asked_rank, named_year

    years = ("令和４年度", "令和５年度")
    assert named_year("れいわ4ねんどのやつ", years) == "令和４年度"
    assert asked_rank("けいえいかだいで2いってなに？") == 2
    assert asked_rank("2いるの？") is None  # 「いる」 is no position
    assert asked_rank("2ばんめは？") == 2


def test_this_time_and_last_time_asked_together_are_both_years() -> None:
    q = _read("営業力を伸ばしたいって会社、今回の数字と前回の数字を教えて", ["management_issues"])
    assert (q.row, q.ask, len(q.years)) == ("営業・販売力の強化", "change", 2)


def test_the_one_below_or_above_the_position_shown_is_asked_relative_to_it() -> None:
    ranked = [("management_issues", 1.0)]
    shown = SurveyFact("management_issues", "t", "令和５年度", 1, "人材不足への対応", 55, 1669, True)

    def after(text: str) -> SurveyQuestion:
        return read_survey_question(CORPUS, text, VECTOR, ranked, [("list", 1.0)], ROWS, shown, True)

    assert (after("そのひとつ下は？").rank, after("じゃあ次は？").rank) == (2, 2)
    assert after("and the one below?").rank == 2
    second = replace(shown, rank=2, label="営業・販売力の強化")
    q = read_survey_question(CORPUS, "ひとつ上は？", VECTOR, ranked, [("list", 1.0)], ROWS, second, True)
    assert (q.ask, q.rank) == ("rank", 1)


def test_a_next_of_time_is_no_position_and_a_superlative_names_no_row_by_likeness() -> None:
    # "use next" is the future, not the row after one; "most" asks the top
    q = _read("Which kind of help do most owners say they'd like to use next?", ["support_wanted"])
    assert (q.rank, q.row) == (None, None)
    assert _read("最新版でいちばん多かった悩みは？", ["management_issues"]).row is None


def test_the_biggest_mover_since_the_year_before_is_asked_whatever_the_ask_model_read() -> None:
    for ask in ("rank", "share", "top"):
        q = _read("経営の悩みで、前の年から一番数字が伸びた項目ってどれ？", ["management_issues"], ask)
        assert (q.ask, len(q.years)) == ("rise", 2)


def test_owners_words_for_fewer_the_least_and_the_earlier_survey() -> None:
    from bot.answers.survey_asks import asked_rank, named_year
    from bot.answers.survey_rows import counted_row

    assert counted_row("従業員が5人もおらん会社、どんくらいおるん？", LABELS["profile"]) == "5人未満"
    assert asked_rank("トップ5で、いちばん割合が低かったのはどれ？") == -1
    assert asked_rank("一番多いのは？") is None
    years = ("令和４年度", "令和５年度")
    assert named_year("In the earlier of the two surveys, what share wanted help?", years) == years[0]
    assert named_year("and in the older one?", years) == years[0]
    assert named_year("in the newer survey?", years) == years[1]


def test_after_the_top_was_shown_a_bare_other_year_asks_that_years_top() -> None:
    ranked = [("management_issues", 1.0)]
    top = SurveyFact("management_issues", "t", "令和５年度", 1, "人材不足への対応", 55, 1669, True)

    def after(text: str, ask: str) -> SurveyQuestion:
        return read_survey_question(CORPUS, text, VECTOR, ranked, [(ask, 1.0)], ROWS, top, True)

    for ask in ("share", "rank", "change"):
        q = after("じゃあ前の年は？", ask)
        assert (q.ask, q.rank, q.row, q.years) == ("rank", 1, None, ("令和４年度",))
    # a figure asked of it is that row's, over both years
    assert after("それ、前の年は何位？", "rank").row == "人材不足への対応"
    # "it" is a pronoun here, not the IT of digital tools
    assert after("and the one after it?", "top").rank == 2


def test_top_is_a_superlative_and_half_a_label_names_no_row_beside_one() -> None:
    from bot.answers.survey_asks import asks_most

    assert asks_most("経営の悩みのトップは何やったん？") and asks_most("what was the top worry?")
    q = _read("みんな国とか都の支援の話、どっから聞いてくるん？一番多いとこ教えて", ["info_sources"], "share")
    assert q.row is None  # the 都 of 都の支援 is half of 東京都, not the source asked


def test_a_figure_asked_after_a_problem_told_in_the_same_message_is_that_problems_row() -> None:
    from bot.answers.survey_question import about_told

    vector = np.array([1, 0, 0, 0], dtype=np.float32)
    # the whole message is likest 人材不足への対応 (the row read), the told problem names its own
    near = {r: np.array([0, 1, 0, 0], dtype=np.float32) for r in LABELS["management_issues"]}
    near["人材不足への対応"] = vector
    rows = RowMatcher(LABELS, near, tokens, {r: CORPUS.gloss(r) for t in LABELS.values() for r in t})
    asked = SurveyQuestion("management_issues", "share", ("令和５年度",), "人材不足への対応")
    told = [("原材料の価格が高騰しっぱなしで", vector)]
    assert about_told(asked, told, "こういうので頭を抱えてる会社って多い？", vector, rows).row == (
        "原油・原材料等の価格高騰への対応"
    )
    # a row the question names itself stands; so does a ranking asked
    named = "人材不足で悩んでる会社って多い？"
    assert about_told(asked, told, named, vector, rows).row == "人材不足への対応"
    top = SurveyQuestion("management_issues", "top", ("令和５年度",))
    assert about_told(top, told, "一番多い悩みは？", vector, rows) == top
    # a row the question got otherwise than by the whole message's likeness (its words, the
    # labelled examples' vote) stands
    voted = replace(asked, row="営業・販売力の強化")
    assert about_told(voted, told, "こういうので頭を抱えてる会社って多い？", vector, rows) == voted
