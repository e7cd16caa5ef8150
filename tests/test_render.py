"""web/render.py, web/display.py, web/presented.py, web/labels.py, web/conversation.py: pure, no model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
import sample_answers as sa

from bot.errors import EmptyQuestion
from bot.models import Answer
from corpus.errors import CorpusError
from web.conversation import Conversation, take_turn
from web.display import esc, rejoin
from web.engine_slot import StillStarting
from web.labels import UI_FILE, load_ui
from web.limits import clean_message
from web.presented import lead_of, other_directions, presented_directions, presented_programs, sections_of
from web.render import render_answer, render_message, render_user

ATTACKS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']


@pytest.mark.parametrize("attack", ATTACKS)
def test_user_text_is_escaped(attack: str) -> None:
    html = render_user(attack)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert esc(attack) in html


def test_user_text_keeps_line_breaks_as_br_and_no_raw_newlines() -> None:
    assert render_user("一行目\n二行目") == '<div class="sn-user">一行目<br>二行目</div>'


@pytest.mark.parametrize("attack", ATTACKS)
def test_corpus_text_is_escaped_too(attack: str) -> None:
    a = sa.succession()
    a.directions = [replace(sa.SUCCESSION, items=(attack,)), *a.directions[1:]]
    a.citations = [sa.cite("x", attack, 10)]
    html = render_answer(a)
    assert attack not in html and esc(attack) in html


def test_answer_html_is_one_raw_block() -> None:
    html = render_answer(sa.succession())  # a blank line would hand the rest to Markdown
    assert "\n" not in html
    assert html.startswith('<div class="sn-answer"') and html.endswith("</div>")


def test_lead_first_then_program_with_its_company_then_the_direction() -> None:
    html = render_answer(sa.succession())
    lead, program = html.index('class="sn-lead"'), html.index('class="sn-card sn-program"')
    direction = html.index('class="sn-card sn-direction"')
    assert lead < program < direction
    assert "「ニューマーケット開拓支援事業」が役に立ちそうです。" in html
    assert "株式会社日興エボナイト製造所" in html and "売上高・海外売上比率ともに増加を継続" in html
    assert "戦略Ⅰ" in html and "「事業承継の一層の促進」" in html


def test_direction_is_explained_once_in_plain_words() -> None:
    html = render_answer(sa.succession())
    assert html.count('class="sn-explain"') == 1
    assert "東京都が来年度に力を入れる分野" in html


def test_next_step_fits_what_was_shown() -> None:
    with_program = render_answer(sa.succession())
    assert "「ニューマーケット開拓支援事業」について" in with_program
    direction_only = render_answer(sa.direction_only())
    assert "「海外展開の促進」の分野" in direction_only
    assert "メモ" not in with_program + direction_only


def test_primary_directions_are_cards_and_the_rest_are_listed_as_others() -> None:
    a = sa.succession()
    assert [d.title for d in presented_directions(a)] == ["事業承継の一層の促進", "適正取引の推進"]
    assert [d.title for d in other_directions(a)] == ["海外展開の促進"]
    html = render_answer(a)
    assert html.count('class="sn-card sn-direction"') == 2
    assert "海外展開の促進" in html.split('class="sn-section sn-others"', 1)[1]


def test_only_the_presented_programs_are_cards() -> None:
    a = sa.succession()
    assert [p.name for p in presented_programs(a)] == ["ニューマーケット開拓支援事業"]
    assert "海外企業連携プロジェクト事業" not in render_answer(a)


def test_citations_are_expandable_quotes_with_their_span() -> None:
    blocks = re.findall(r'<details class="sn-cite">.*?</details>', render_answer(sa.succession()))
    assert len(blocks) == 2
    assert "文書からの引用" in blocks[0] and "位置 668–678" in blocks[0]
    assert "<blockquote" in blocks[0] and "事業承継の一層の促進" in blocks[0]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("ネットワー クの構築", "ネットワークの構築"),
        ("取組を 支援", "取組を支援"),
        ("「ＧＸ・ ＤＸ」の推進", "「ＧＸ・ＤＸ」の推進"),
        ("company cases", "company cases"),  # spaces between Latin words stay
        ("TOKYO STARTUP GATEWAY の 案内", "TOKYO STARTUP GATEWAY の案内"),
    ],
)
def test_pdf_line_break_spaces_inside_japanese_words_are_rejoined(raw: str, shown: str) -> None:
    assert rejoin(raw) == shown


def test_quotes_are_shown_rejoined_but_cite_the_source_span() -> None:
    html = render_answer(sa.direction_only())
    assert "ネットワークの構築を支援" in html and "ネットワー クの構築" not in html
    start, end = sa.BROKEN_CITE.span
    assert f'data-span="{start}-{end}"' in html and end - start == len("企業間のネットワー クの構築を支援")


def test_english_answers_mark_glosses_as_translations() -> None:
    html = render_answer(sa.succession(lang="en", query="No successor for my company"), sa.STRATEGY_EN)
    assert "Further promotion of business succession" in html and "New market development support" in html
    assert "Strengthening business management" in html
    glosses = re.findall(
        r'<span class="sn-gloss" lang="en">[^<]*</span><span class="sn-tr">([^<]*)</span>', html
    )
    assert glosses and all(g == "（訳/translation）" for g in glosses)
    assert "Strategy Ⅰ" in html and "Quote from the document" in html and "Next step" in html


def test_japanese_answers_show_no_english_gloss() -> None:
    assert "Further promotion" not in render_answer(sa.succession())


def test_declines_and_errors_are_one_polite_box() -> None:
    html = render_answer(sa.declined("ignore previous instructions"))
    assert 'class="sn-msg sn-msg-decline"' in html and "申し訳ありません" in html
    assert "sn-card" not in html
    assert "sn-msg-error" in render_message("x", "error")


def test_notices_are_shown() -> None:
    a = sa.succession()
    a.notices = ["質問が長すぎるため、最初の2,000文字だけで検索しました。"]
    assert "最初の2,000文字" in render_answer(a)


def test_todays_engine_without_sections_gets_the_same_structure_from_its_matches() -> None:
    # the engine not yet rewritten fills matches but no lead/sections; the page derives them
    a = sa.succession()
    a.lead, a.sections, a.answer = "", [], "■ this text is never parsed"
    ui = load_ui().for_lang("ja")
    lead = (
        "「ニューマーケット開拓支援事業」が役に立ちそうです。"
        "株式会社日興エボナイト製造所がこの支援策を使っています。"
    )
    assert lead_of(a, ui) == lead
    assert [s.kind for s in sections_of(a, ui)] == ["programs", "directions", "survey", "others"]
    html = render_answer(a)
    assert "■" not in html and html.count("sn-card sn-direction") == 2
    assert "1,669社" in html and "35%" in html


# -- labels --------------------------------------------------------------------------------------


def test_ui_text_has_both_languages_and_examples() -> None:
    ui = load_ui()
    assert ui.for_lang("ja").tab_chat != ui.for_lang("en").tab_chat
    assert len(ui.examples_for("ja")) == len(ui.examples_for("en")) >= 5


def test_ui_text_missing_key_fails_on_load(tmp_path: Path) -> None:
    broken = tmp_path / "ui.yaml"
    broken.write_text(UI_FILE.read_text(encoding="utf-8").replace("  send: Send\n", ""), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"en\.send"):
        load_ui.__wrapped__(broken)


def test_every_label_the_code_reads_exists() -> None:
    web = Path(__file__).resolve().parent.parent / "web"
    used = {
        m for f in web.glob("*.py") for m in re.findall(r"\bui\.([a-z_]+)\b", f.read_text(encoding="utf-8"))
    }
    used |= {
        m
        for f in web.glob("*.py")
        for m in re.findall(r'=\s*"([a-z_]+)"', f.read_text(encoding="utf-8"))
        if m in load_ui().ja.root
    }
    methods = {"strategy", "span", "cite", "get", "root", "yaml"}  # methods, and "ui.yaml" in text
    assert used - methods - set(load_ui().ja.root) == set()


# -- the server's message limit -------------------------------------------------------------------


def test_messages_over_the_limit_are_cut_with_a_notice() -> None:
    message = clean_message("あ" * 1_700_000, 10_000)
    assert len(message.text) == 10_000 and "10,000" in message.notices[0]
    assert clean_message("short", 10_000).notices == []


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

    def ask(self, text: str, history: Sequence[Answer] = (), lang: str | None = None) -> Answer:
        self.histories.append([a.query for a in history])
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
