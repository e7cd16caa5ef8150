"""bot/context.py: what a message means in its conversation (pure; the readings are scripted)."""

from __future__ import annotations

from bot.context import in_context
from bot.models import Answer, DirectionMatch

OVERSEAS = "海外展開の促進"


def _shown(kind: str = "problem") -> Answer:
    match = DirectionMatch("Ⅱ", "中小企業の成長戦略の推進", OVERSEAS, 0.9, ())
    return Answer("海外に工場を持ちたい", "ja", True, type=kind, directions=[match], primary=1)


def never() -> float:
    raise AssertionError("read only when the decision needs it")


def test_a_general_ask_after_an_answer_follows_it_up() -> None:
    got = in_context("filler", _shown(), lambda: "programs", never, never, 0.8)
    assert (got.kind, got.intent, got.shown) == ("followup", "programs", [OVERSEAS])


def test_a_case_question_naming_no_company_after_an_answer_asks_for_its_companies() -> None:
    got = in_context("case", _shown(), never, lambda: False, never, 0.8)
    assert (got.kind, got.intent) == ("followup", "cases")
    named = in_context("case", _shown(), never, lambda: True, never, 0.8)
    assert named.kind == "case"  # a company of its own: a question of its own
    after_survey = in_context("case", _shown("survey"), never, never, never, 0.8)
    assert after_survey.kind == "case" and after_survey.shown == []


def test_with_nothing_shown_a_general_ask_is_a_problem_only_with_a_clear_topic() -> None:
    assert in_context("filler", None, never, never, lambda: 0.9, 0.8).kind == "problem"
    assert in_context("filler", None, never, never, lambda: 0.5, 0.8).kind == "filler"
    assert in_context("survey", None, never, never, never, 0.8).kind == "survey"


def test_after_an_answer_a_message_only_weakly_off_topic_follows_it_up() -> None:
    got = in_context("out_of_scope", _shown(), lambda: "detail", never, never, 0.8, weak_decline=True)
    assert (got.kind, got.intent) == ("followup", "detail")
    sure = in_context("out_of_scope", _shown(), never, never, never, 0.8, weak_decline=False)
    assert sure.kind == "out_of_scope"  # "and the tax on that?" is still declined
    alone = in_context("out_of_scope", None, never, never, never, 0.8, weak_decline=True)
    assert alone.kind == "out_of_scope"


def test_what_the_committee_said_after_a_problem_answer_asks_the_shown_directions_remarks() -> None:
    from bot.answers.followup import asks_linked_part

    remarks = [("remarks", 0.9), ("open_questions", 0.05)]
    assert asks_linked_part(remarks, "detail", _shown())
    assert not asks_linked_part(remarks, "programs", _shown())  # 「それに使える支援策は？」
    assert not asks_linked_part([("remarks", 0.3), ("open_questions", 0.3)], "detail", _shown())
    nothing = Answer("q", "ja", True, type="problem")
    assert not asks_linked_part(remarks, "detail", nothing)  # no direction shown to ask about


def test_pointing_words_refer_back() -> None:
    from bot.answers.followup import points_back

    assert points_back("それって何位？") and points_back("how did that change?")
    assert points_back("そこの成果は？") and points_back("how did their sales do?")
    assert not points_back("お金の工面って何位？") and not points_back("what about loans?")


def test_after_an_answer_a_problem_nothing_fits_asks_more_about_what_it_showed() -> None:
    case = Answer("日興エボナイトってどんな会社？", "ja", True, type="case")
    vague = in_context("problem", case, never, never, lambda: 0.2, 0.8, show_min=0.35)
    assert vague.kind == "followup"  # 「ペンのイベントもやってるらしいけど、名前は？」
    clear = in_context("problem", case, never, never, lambda: 0.6, 0.8, show_min=0.35)
    assert clear.kind == "problem"  # 「うちも海外に売りたい」: a problem of the owner's own
    # after a problem's answer too: 「都のプログラムで合いそうなのある？」 asks about what it showed
    assert in_context("problem", _shown(), never, never, lambda: 0.2, 0.8, show_min=0.35).kind == "followup"
    assert in_context("problem", _shown(), never, never, lambda: 0.6, 0.8, show_min=0.35).kind == "problem"
    # with nothing shown before, a vague problem stays one (answered with the nearest direction)
    assert in_context("problem", None, never, never, lambda: 0.2, 0.8, show_min=0.35).kind == "problem"


def test_a_message_naming_a_company_that_fits_no_direction_is_a_case_question() -> None:
    # "Tell me about mederi": read as a vague problem, but it names a company of the document
    got = in_context("problem", None, never, never, lambda: 0.2, 0.9, show_min=0.37, names_one=lambda: True)
    assert got.kind == "case"
    story = in_context("problem", None, never, never, lambda: 0.8, 0.9, show_min=0.37, names_one=never)
    assert story.kind == "problem"  # a problem that fits a direction stays one


def test_a_follow_up_on_a_problem_the_answer_missed_is_about_that_problem() -> None:
    from bot.answers.followup import told_one

    prev = _shown()  # showed 海外展開の促進 only
    told = ["海外展開の促進", "事業承継の一層の促進"]  # the owner told two problems
    assert told_one(lambda: told, [], 2, prev) == "事業承継の一層の促進"  # 「2つ目は？」
    hiring = [("事業承継の一層の促進", 0.6), (OVERSEAS, 0.2)]
    assert told_one(lambda: told, hiring, None, prev) == "事業承継の一層の促進"  # "the successor one?"
    assert told_one(lambda: told, [("危機管理対策", 0.6)], None, prev) is None  # never told
    # about what was shown: the owner's earlier message is not read again
    assert told_one(never, [(OVERSEAS, 0.6)], None, prev) is None
    assert told_one(never, [], 1, prev) is None


def test_pointing_back_keeps_a_follow_up_on_the_kind_of_the_answer_before() -> None:
    def after(kind: str, previous: str, text: str) -> str:
        return in_context(kind, _shown(previous), never, lambda: True, lambda: 0.9, 0.8, text=text).kind

    # after a company's answer, a figure about "them" is the company's, unless the survey is named
    assert after("survey", "case", "how many media outlets picked them up?") == "case"
    assert after("survey", "case", "Is that common in the survey?") == "survey"
    assert after("survey", "case", "資金調達支援を使いたい会社は何%？") == "survey"  # points at nothing
    # after a list of directions, "which of those" is one of them, not a problem of its own
    assert after("problem", "structure", "その中で、若い人が店を開くのを応援するのはどれ？") == "structure"
    assert after("problem", "structure", "その件で困ってる") == "problem"
