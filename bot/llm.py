"""Optional rephrasing by a chat model (off by default), held to the retrieved passages.

The deterministic answer stays the source of truth: the model sees only the passages the
answer cites and the names the answer already contains, and its text is thrown away when
it names a program, company or figure that is not among them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from bot.errors import BotError
from bot.models import Answer

if TYPE_CHECKING:  # LangChain's model classes cost ~0.4 s to import; only the LLM path needs them
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import HumanMessage, SystemMessage

SYSTEM = {
    "ja": (
        "あなたは東京都の中小企業支援策を案内する相談員の補助です。与えられた【回答】を、"
        "【引用】の内容だけを使って、経営者に分かりやすい丁寧な日本語に言い換えてください。"
        "新しい支援策名・企業名・数字・条件・申込方法を加えてはいけません。"
    ),
    "en": (
        "You help a counselor explain Tokyo's SME support policies. Rewrite the [Answer] in plain, "
        "friendly English using only the [Quotes]. Do not add any program, company, number, "
        "eligibility rule or application step that is not given."
    ),
}
_NUMBER = re.compile(r"\d[\d,.]*\s*[%％]?")


class LLMConfigError(BotError):
    """The configured chat model cannot be created (missing provider package, bad name)."""


def load_chat_model(spec: str) -> BaseChatModel:
    """``provider:model`` through LangChain's init_chat_model; a one-line error otherwise."""
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(spec)
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise LLMConfigError(f"cannot use chat model {spec!r}: {first}") from None


def _prompt(answer: Answer) -> list[SystemMessage | HumanMessage]:
    from langchain_core.messages import HumanMessage, SystemMessage

    quotes = "\n".join(f"- {c.text}" for c in answer.citations)
    if answer.lang == "en":
        human = f"[Question]\n{answer.query}\n\n[Answer]\n{answer.answer}\n\n[Quotes]\n{quotes}"
    else:
        human = f"【質問】\n{answer.query}\n\n【回答】\n{answer.answer}\n\n【引用】\n{quotes}"
    return [SystemMessage(SYSTEM.get(answer.lang, SYSTEM["ja"])), HumanMessage(human)]


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[\s,％]", lambda m: "%" if m.group() == "％" else "", n) for n in _NUMBER.findall(text)}


def grounded(text: str, answer: Answer, known_names: set[str]) -> bool:
    """True when every program/company name and every figure in ``text`` is in the answer."""
    folded = unicodedata.normalize("NFKC", text)
    source = unicodedata.normalize("NFKC", answer.answer + "\n" + "\n".join(c.text for c in answer.citations))
    present = {n for n in known_names if unicodedata.normalize("NFKC", n) in folded}
    shown = answer.programs[: answer.primary_programs]
    allowed = {p.name for p in shown} | {c for p in shown for c in p.cases}
    if present - allowed - {n for n in present if unicodedata.normalize("NFKC", n) in source}:
        return False
    return _numbers(folded) <= _numbers(source)


def rephrase(answer: Answer, model: BaseChatModel, known_names: set[str]) -> Answer:
    """The answer with its text rephrased, or unchanged when the model strays or fails."""
    if not answer.in_scope or not answer.citations:
        return answer
    try:
        reply = model.invoke(_prompt(answer))
    except Exception as exc:  # a flaky model must never cost the owner the answer
        answer.notices.append(f"言い換えは使えませんでした / rephrasing unavailable ({type(exc).__name__})")
        return answer
    text = reply.content if isinstance(reply.content, str) else ""
    if text.strip() and grounded(text, answer, known_names):
        answer.answer = text.strip()
        answer.notices.append(
            "回答文はAIが引用をもとに言い換えました / wording rephrased by a language model"
        )
    return answer
