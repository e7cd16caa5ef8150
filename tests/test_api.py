"""The public /ask API through gradio_client, and the handlers' desk guard (no browser)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sample_answers as sa
from browser import free_port

from bot.settings import Settings
from bot.text import detect_lang
from web.conversation import Conversation
from web.engine_slot import EngineSlot
from web.handlers import Handlers
from web.session import DeskSession


class ScriptedBot:
    def __init__(self) -> None:
        self.asked: list[tuple[str, list[Any], str | None]] = []

    def ask(self, text: str, history: Sequence[Any] = (), lang: str | None = None) -> Any:
        self.asked.append((text, list(history), lang))
        return sa.succession(query=text, lang=lang or detect_lang(text))


def serve(engine: EngineSlot, settings: Settings) -> tuple[Any, str]:
    from web.server import build_app

    demo = build_app(engine, settings)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    return demo, f"http://127.0.0.1:{port}/"


@pytest.fixture
def scripted(tmp_path: Path) -> Iterator[tuple[ScriptedBot, str]]:
    bot = ScriptedBot()
    demo, url = serve(EngineSlot(engine=bot), Settings(data_dir=tmp_path, max_message_chars=500))
    yield bot, url
    demo.close()


def test_ask_is_the_only_public_endpoint_and_returns_the_cli_json(scripted: tuple[ScriptedBot, str]) -> None:
    from gradio_client import Client

    bot, url = scripted
    client = Client(url, verbose=False)
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]
    got = client.predict("後継ぎがいない", ["前の質問"], "en", api_name="/ask")
    expected = sa.succession(query="後継ぎがいない", lang="en").to_json()
    assert got == json.loads(json.dumps(expected))  # as `ask --json`
    assert bot.asked == [("後継ぎがいない", ["前の質問"], "en")]


def test_the_api_caps_messages_like_the_page(scripted: tuple[ScriptedBot, str]) -> None:
    from gradio_client import Client

    bot, url = scripted
    got = Client(url, verbose=False).predict("資金繰り" * 10_000, None, None, api_name="/ask")
    assert len(bot.asked[0][0]) == 500 and len(got["query"]) == 500
    assert any("500" in n for n in got["notices"])


@pytest.mark.model
def test_ask_returns_the_engines_directions(recommender: Any, tmp_path: Path) -> None:
    from gradio_client import Client

    demo, url = serve(EngineSlot(engine=recommender), Settings(data_dir=tmp_path))
    try:
        client = Client(url, verbose=False)
        for question in (
            "息子が継がないので会社をどうするか悩んでいる",
            "I have no successor for my company",
        ):
            got = client.predict(question, [], None, api_name="/ask")
            own = recommender.ask(question).to_json()
            assert [d["title"] for d in got["directions"]] == [d["title"] for d in own["directions"]]
            assert got["primary"] == own["primary"] and got["lang"] == own["lang"]
    finally:
        demo.close()


# -- handlers without a browser --------------------------------------------------------------------


@pytest.fixture
def handlers(tmp_path: Path) -> Handlers:
    settings = Settings(data_dir=tmp_path, desk_user="desk", desk_password="s3cret", log_questions=True)
    return Handlers(EngineSlot(engine=ScriptedBot()), settings)


def test_desk_methods_change_nothing_for_a_session_that_has_not_signed_in(handlers: Handlers) -> None:
    conv, desk = Conversation(), DeskSession()
    handlers.ask("後継ぎがいない", conv, "ja")
    skip = {"__type__": "update"}
    assert handlers.sheet_view(desk, conv, "ja") == (skip,) * 4
    assert handlers.prepare(desk, conv, "ja") == (skip,) * 4
    assert handlers.save(desk, conv, "ja") == skip
    assert handlers.insights(desk, "30", "ja") == (skip,) * 4
    assert handlers.memo(desk, "k", "x") == (skip,) * 3
    assert desk.memos == {} and not (handlers.settings.data_dir / "sheets").exists()
    handlers.sign_in(desk, "desk", "wrong", "ja", 0)
    assert not desk.signed_in
    handlers.sign_in(desk, "desk", "s3cret", "ja", 0)
    assert desk.signed_in and "後継ぎがいない" in handlers.sheet_view(desk, conv, "ja")[0]
    assert handlers.save(desk, conv, "ja").startswith("保存しました")


def test_no_credentials_means_no_desk_even_for_a_crafted_session(tmp_path: Path) -> None:
    h = Handlers(EngineSlot(engine=ScriptedBot()), Settings(data_dir=tmp_path))
    desk = DeskSession(signed_in=True)  # a session cannot sign itself in: the desk is off
    assert h.save(desk, Conversation(), "ja") == {"__type__": "update"}
    assert not Settings(data_dir=tmp_path).check_desk("", "")


def test_an_english_question_switches_the_page_and_questions_are_logged(handlers: Handlers) -> None:
    conv = Conversation()
    messages, _, box, switch = handlers.ask("I have no successor", conv, "ja")
    assert switch == "en" and box == "" and len(messages) == 2
    assert handlers.ask("後継ぎがいない", conv, "ja")[3] == {"__type__": "update"}  # no switch
    desk = DeskSession(signed_in=True)
    html = handlers.insights(desk, "7", "ja")[0]
    assert "質問 2件" in html


def test_romaji_is_answered_in_japanese_and_keeps_the_page_japanese(tmp_path: Path, recommender) -> None:
    h = Handlers(EngineSlot(engine=recommender), Settings(data_dir=tmp_path))
    conv = Conversation()
    switch = h.ask("atotsugi ga inakute komatte imasu", conv, "ja")[3]
    assert conv.turns[-1].answer is not None and conv.turns[-1].answer.lang == "ja"
    assert switch == {"__type__": "update"}


def test_relabel_covers_every_registered_label(tmp_path: Path) -> None:
    import gradio as gr

    from web.labels import load_ui
    from web.layout import build_layout

    with gr.Blocks():
        page = build_layout(
            load_ui(),
            Settings(data_dir=tmp_path, desk_user="d", desk_password="p"),
            ["事業承継の一層の促進"],
            lambda _page: None,
        )
    updates = page.relabel("en")
    assert len(updates) == len(page.relabels) >= 30
    assert updates[page.reset]["value"] == "New consultation"
    assert updates[page.box]["submit_btn"] == "Send"
