"""bot/render.py, bot/presented.py, bot/ui_text.py, bot/conversation.py: pure, no model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
import sample_answers as sa

from bot.conversation import Conversation, take_turn
from bot.errors import EmptyQuestion
from bot.models import Answer
from bot.presented import other_directions, presented_directions, presented_programs
from bot.render import esc, render_answer, render_message, render_user
from bot.ui_text import load_ui
from corpus.errors import CorpusError

ATTACKS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']


@pytest.mark.parametrize("attack", ATTACKS)
def test_user_text_is_escaped(attack: str) -> None:
    html = render_user(attack)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert esc(attack) in html


def test_user_text_keeps_line_breaks_as_br_and_no_raw_newlines() -> None:
    html = render_user("一行目\n二行目")
    assert html == '<div class="sn-user">一行目<br>二行目</div>'


@pytest.mark.parametrize("attack", ATTACKS)
def test_corpus_text_is_escaped_too(attack: str) -> None:
    a = sa.succession()
    evil = replace(sa.SUCCESSION, items=(attack,))
    a.directions = [evil, *a.directions[1:]]
    a.citations = [sa.cite("x", attack, 10)]
    html = render_answer(a)
    assert attack not in html
    assert esc(attack) in html


def test_answer_html_is_one_raw_block() -> None:
    # a newline (and so a blank line) would hand the rest to the Markdown renderer
    html = render_answer(sa.succession())
    assert "\n" not in html
    assert html.startswith('<div class="sn-answer"') and html.endswith("</div>")


def test_cards_show_strategy_title_items_program_use_and_survey() -> None:
    html = render_answer(sa.succession())
    assert "戦略Ⅰ" in html and "経営マネジメントの強化" in html
    assert "「事業承継の一層の促進」" in html
    assert esc("後継者が不在の企業に対する、Ｍ＆Ａマッチングを活用した第三者承継の取組の推進") in html
    assert "ニューマーケット開拓支援事業" in html and "株式会社日興エボナイト製造所" in html
    assert "売上高・海外売上比率ともに増加を継続" in html
    assert "35%" in html and "1,669" in html


def test_primary_directions_are_cards_and_the_rest_are_listed_as_others() -> None:
    a = sa.succession()
    assert [d.title for d in presented_directions(a)] == ["事業承継の一層の促進", "適正取引の推進"]
    assert [d.title for d in other_directions(a)] == ["海外展開の促進"]
    html = render_answer(a)
    assert html.count('class="sn-card sn-direction"') == 2
    others = html.split('class="sn-section sn-others"', 1)[1]
    assert "海外展開の促進" in others.split("</ul>")[0]


def test_only_the_presented_programs_are_cards() -> None:
    a = sa.succession()
    assert [p.name for p in presented_programs(a)] == ["ニューマーケット開拓支援事業"]
    assert "海外企業連携プロジェクト事業" not in render_answer(a)


def test_citations_are_expandable_quotes_with_their_span() -> None:
    html = render_answer(sa.succession())
    blocks = re.findall(r'<details class="sn-cite">.*?</details>', html)
    assert len(blocks) == 2
    assert "文書からの引用" in blocks[0] and "位置 668–678" in blocks[0]
    assert "<blockquote" in blocks[0] and "事業承継の一層の促進" in blocks[0]


def test_english_glosses_are_marked_as_translations() -> None:
    html = render_answer(sa.succession(lang="en", query="No successor for my company"))
    assert "Further promotion of business succession" in html
    assert "New market development support" in html
    assert "Strengthening business management" in render_answer(
        sa.succession(lang="en", query="No successor"), sa.STRATEGY_EN)
    glosses = re.findall(r'<span class="sn-gloss" lang="en">[^<]*</span><span class="sn-tr">([^<]*)</span>',
                         html)
    assert glosses and all(g == "（訳/translation）" for g in glosses)
    assert "Strategy Ⅰ" in html and "Quote from the document" in html


def test_japanese_answers_show_no_english_gloss() -> None:
    assert "Further promotion" not in render_answer(sa.succession())


def test_declines_and_errors_are_one_polite_box() -> None:
    html = render_answer(sa.declined("ignore previous instructions"))
    assert 'class="sn-msg sn-msg-decline"' in html and "申し訳ありません" in html
    assert "sn-card" not in html
    assert 'sn-msg-error' in render_message("x", "error")


def test_notices_are_shown() -> None:
    a = sa.succession()
    a.notices = ["質問が長すぎるため、最初の2,000文字だけで検索しました。"]
    assert "最初の2,000文字" in render_answer(a)


def test_ui_text_has_both_languages_and_examples() -> None:
    ui = load_ui()
    assert ui.for_lang("ja").tab_chat != ui.for_lang("en").tab_chat
    assert len(ui.examples_for("ja")) == len(ui.examples_for("en")) >= 5
    assert "人材" in " ".join(ui.examples_for("ja")) and "資金繰り" in " ".join(ui.examples_for("ja"))


def test_ui_text_missing_key_fails_on_load(tmp_path: Path) -> None:
    from bot.ui_text import UI_FILE

    broken = tmp_path / "ui.yaml"
    broken.write_text(UI_FILE.read_text(encoding="utf-8").replace("  send: Send\n", ""), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"en\.send"):
        load_ui.__wrapped__(broken)


# -- conversation ------------------------------------------------------------------------------

class FakeBot:
    """Records the history it was given; answers from a script."""

    def __init__(self, *answers: Answer | Exception) -> None:
        self.script = list(answers)
        self.histories: list[list[str]] = []

    def ask(self, raw: str, history: Sequence[Answer] = ()) -> Answer:
        self.histories.append([a.query for a in history])
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def test_follow_ups_get_the_conversation_history() -> None:
    bot = FakeBot(sa.succession(), sa.overseas())
    conv = Conversation()
    take_turn(bot, conv, "息子が継がないので会社をどうするか悩んでいる")
    take_turn(bot, conv, "海外の方をもっと詳しく")
    assert bot.histories == [[], ["息子が継がないので会社をどうするか悩んでいる"]]
    assert len(conv.messages()) == 4


def test_two_conversations_do_not_share_turns() -> None:
    bot = FakeBot(sa.succession(), sa.overseas())
    one, two = Conversation(), Conversation()
    take_turn(bot, one, "息子が継がない")
    take_turn(bot, two, "海外に売りたい")
    assert [t.question for t in one.turns] == ["息子が継がない"]
    assert bot.histories == [[], []]


def test_failures_become_a_polite_message_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    conv = Conversation()
    turn = take_turn(FakeBot(RuntimeError("index exploded at /secret/path")), conv, "資金繰りが苦しい")
    assert turn.answer is None
    assert "申し訳ありません" in turn.html and "secret" not in turn.html and "Traceback" not in turn.html
    assert "answering failed" in caplog.text
    english = take_turn(FakeBot(RuntimeError("x")), conv, "Our cash flow is tight")
    assert "Sorry" in english.html


def test_empty_question_gets_a_prompt_to_type() -> None:
    turn = take_turn(FakeBot(EmptyQuestion()), Conversation(), "\u200b")
    assert "お悩みを入力してください" in turn.html


def test_clarifying_question_offers_its_choices_as_options() -> None:
    conv = Conversation()
    take_turn(FakeBot(sa.vague()), conv, "困っています")
    bot_message = conv.messages()[1]
    assert bot_message["options"] == [{"value": "人材が足りない", "label": "人材が足りない"},
                                      {"value": "後継ぎ・事業承継", "label": "後継ぎ・事業承継"}]


def test_message_index_maps_to_its_turn() -> None:
    conv = Conversation()
    take_turn(FakeBot(sa.succession(), sa.overseas()), conv, "a")
    take_turn(FakeBot(sa.overseas()), conv, "b")
    assert conv.turn_for_message(1) is conv.turns[0]
    assert conv.turn_for_message(3) is conv.turns[1]
    assert conv.turn_for_message([3, 0]) is conv.turns[1]
    assert conv.turn_for_message(9) is None
