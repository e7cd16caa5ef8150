"""web/conversation.py and web/limits.py: one person's turns, history, failures, message limits (pure)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import sample_answers as sa

from bot.errors import EmptyQuestion
from bot.models import Answer
from bot.text import truncation_notice
from web.conversation import Conversation, message_lang, take_turn
from web.engine_slot import StillStarting
from web.limits import clean_message, with_page_notices

# -- the server's message limit -------------------------------------------------------------------


def test_messages_over_the_limit_are_cut_with_a_notice() -> None:
    message = clean_message("あ" * 1_700_000, 10_000)
    assert len(message.text) == 10_000 and "10,000" in message.notices[0]
    assert clean_message("short", 10_000).notices == []


def test_a_message_cut_by_the_page_and_by_the_engine_gets_one_notice() -> None:
    page = clean_message("あ" * 20_000, 10_000)
    engine_cut = [truncation_notice(2_000), "other"]
    assert with_page_notices(page, engine_cut) == engine_cut  # the engine's says what was read
    assert with_page_notices(page, ["other"]) == [*page.notices, "other"]
    assert with_page_notices(clean_message("short", 10_000), ["other"]) == ["other"]


def test_lone_surrogates_and_nul_never_reach_the_session() -> None:
    message = clean_message("資金\ud800繰り\x00が苦しい", 100)
    message.text.encode("utf-8")  # always encodable
    assert message.text == "資金\ufffd繰りが苦しい"


# -- conversation --------------------------------------------------------------------------------


class FakeBot:
    """Records the history it was given; answers from a script."""

    def __init__(self, *answers: Answer | Exception) -> None:
        self.script = list(answers)
        self.histories: list[list[str]] = []
        self.asked: list[str] = []
        self.langs: list[str | None] = []

    def ask(self, text: str, history: Sequence[Answer] = (), lang: str | None = None) -> Answer:
        self.histories.append([a.query for a in history])
        self.langs.append(lang)
        self.asked.append(text)
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


def test_a_huge_message_is_cut_before_it_is_asked_stored_or_echoed() -> None:
    bot, conv = FakeBot(sa.succession()), Conversation()
    turn = take_turn(bot, conv, "後継ぎ" * 600_000, limit=10_000)
    assert len(bot.asked[0]) == 10_000 and len(turn.question) == 10_000
    assert len(conv.messages()[0]["content"]) < 10_100
    assert "最初の10,000文字" in turn.html


def test_failures_become_a_polite_message_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    conv = Conversation()
    turn = take_turn(FakeBot(RuntimeError("index exploded at /secret/path")), conv, "資金繰りが苦しい")
    assert turn.answer is None
    assert "申し訳ありません" in turn.html and "secret" not in turn.html and "Traceback" not in turn.html
    assert "answering failed" in caplog.text and "資金繰り" not in caplog.text  # no question text in logs
    assert "Sorry" in take_turn(FakeBot(RuntimeError("x")), conv, "Our cash flow is tight").html


def test_still_starting_is_a_polite_message() -> None:
    turn = take_turn(FakeBot(StillStarting()), Conversation(), "資金繰りが苦しい")
    assert "起動の準備中" in turn.html


def test_empty_question_gets_a_prompt_to_type() -> None:
    assert "お悩みを入力してください" in take_turn(FakeBot(EmptyQuestion()), Conversation(), "\u200b").html


def test_clarifying_question_offers_its_choices_as_options() -> None:
    conv = Conversation()
    take_turn(FakeBot(sa.vague()), conv, "困っています")
    assert conv.messages()[1]["options"] == [
        {"value": "人材が足りない", "label": "人材が足りない"},
        {"value": "後継ぎ・事業承継", "label": "後継ぎ・事業承継"},
    ]


def test_message_index_maps_to_its_turn() -> None:
    conv = Conversation()
    take_turn(FakeBot(sa.succession()), conv, "a")
    take_turn(FakeBot(sa.overseas()), conv, "b")
    assert conv.turn_for_message(1) is conv.turns[0]
    assert conv.turn_for_message(3) is conv.turns[1]
    assert conv.turn_for_message([3, 0]) is conv.turns[1]
    assert conv.turn_for_message(9) is None


def test_directions_are_explained_once_per_conversation() -> None:
    bot, conv = FakeBot(sa.succession(), sa.overseas()), Conversation()
    first, second = take_turn(bot, conv, "後継ぎ"), take_turn(bot, conv, "海外の方をもっと詳しく")
    assert 'class="sn-explain"' in first.html and 'class="sn-explain"' not in second.html
    assert 'class="sn-card sn-direction"' in second.html


def test_markup_only_messages_are_answered_in_the_pages_language() -> None:
    bot = FakeBot(sa.declined("<b></b><br>"), sa.succession())
    conv = Conversation()
    take_turn(bot, conv, "<b></b><br>", ui_lang="ja")
    take_turn(bot, conv, "後継ぎがいない", ui_lang="en")
    assert bot.langs == ["ja", None]  # no words: the page's language; words: the engine reads them
    assert message_lang("<b></b> https://example.com", "ja") == "ja"
    assert message_lang("I have no successor", "ja") == "en"
