"""Optional LLM rephrasing, through LangChain's fake chat models (no network, no real LLM)."""

from __future__ import annotations

import pytest
import sample_answers as sa
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.llm import LLMConfigError, grounded, load_chat_model, rephrase

NAMES = {
    "ニューマーケット開拓支援事業",
    "海外企業連携プロジェクト事業",
    "株式会社日興エボナイト製造所",
    "河政工業株式会社",
}


def test_faithful_rewrite_is_used():
    a = sa.succession()
    text = (
        "後継ぎがいない場合は、事業承継の一層の促進が当てはまります。"
        "ニューマーケット開拓支援事業も参考になります。"
    )
    out = rephrase(a, FakeListChatModel(responses=[text]), NAMES)
    assert out.answer == text and any("rephrased" in n for n in out.notices)


def test_invented_program_is_rejected():
    a = sa.succession()
    original = a.answer
    text = "海外企業連携プロジェクト事業を使えば必ず解決します。"
    out = rephrase(a, FakeListChatModel(responses=[text]), NAMES)
    assert out.answer == original


def test_invented_figure_is_rejected():
    a = sa.succession()
    assert not grounded("企業の99%が困っています。", a, NAMES)


def test_the_model_sees_only_the_cited_passages():
    a = sa.succession()
    model = FakeListChatModel(responses=["ok"])
    seen = []
    original_invoke = model.invoke

    def spy(messages, *args, **kwargs):
        seen.append(messages)
        return original_invoke(messages, *args, **kwargs)

    object.__setattr__(model, "invoke", spy)
    rephrase(a, model, NAMES)
    human = seen[0][-1].content
    for c in a.citations:
        assert c.text in human


def test_declined_answers_are_not_sent():
    a = sa.declined("今日の天気は？", "off_topic")
    model = FakeListChatModel(responses=["晴れです"])
    assert rephrase(a, model, NAMES).answer == a.answer


def test_unknown_provider_is_one_line_error():
    with pytest.raises(LLMConfigError) as err:
        load_chat_model("no-such-provider:some-model")
    assert "\n" not in str(err.value)
