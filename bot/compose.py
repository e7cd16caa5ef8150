"""Step 5: put an answer together — lead sentence, sections of items, citations — and its text.

Every answer type builds its sections through a ``Draft``, which cites each quoted item by
the document passage it comes from (so each line the owner reads is checkable) and adds the
project's English gloss to quotes in English answers. ``render_text`` is the CLI's view of
the same structure; the page and the desk sheet render the sections themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.lookup import Passages
from bot.models import Answer, Citation, Item, Section, SurveyFact
from bot.wording import Wording, wording
from corpus.chunks import Chunk
from corpus.load import Corpus
from corpus.translations import without_legal_form

MAX_SOURCE_CHARS = 160


def citation_of(chunk: Chunk, direction: str = "", program: str = "") -> Citation:
    assert chunk.span is not None  # document chunks always carry their span
    return Citation(chunk.id, chunk.quote, (chunk.span.start, chunk.span.end), chunk.kind, direction, program)


class Draft:
    """An answer being put together (one per question; not shared)."""

    def __init__(self, lang: str, corpus: Corpus, passages: Passages) -> None:
        self.lang = lang
        self.w: Wording = wording(lang)
        self.corpus = corpus
        self.passages = passages
        self.citations: list[Citation] = []
        self.sections: list[Section] = []
        self._cited: dict[str, int] = {}

    # -- items ------------------------------------------------------------------------------
    def cite(self, chunk: Chunk | None, direction: str = "", program: str = "") -> tuple[int, ...]:
        if chunk is None or chunk.span is None:
            return ()
        if chunk.id not in self._cited:
            self.citations.append(citation_of(chunk, direction, program))
            self._cited[chunk.id] = len(self.citations)
        return (self._cited[chunk.id],)

    def gloss(self, text: str) -> str:
        return self.corpus.gloss(text) if self.w.en else ""

    def quote(self, text: str, ref: str = "", direction: str = "", program: str = "") -> Item:
        """A document string, cited by its own passage, with its gloss in English answers."""
        chunk = self.passages.quote(text)
        return Item(text, self.gloss(text), True, self.cite(chunk, direction, program), ref)

    def line(
        self, text: str, ref: str = "", cite: tuple[int, ...] = (), fact: SurveyFact | None = None
    ) -> Item:
        return Item(text, "", False, cite, ref, fact)

    def add(self, kind: str, items: Sequence[Item], title: str | None = None) -> None:
        if items:
            self.sections.append(Section(kind, title or self.w.section(kind), tuple(items)))

    # -- names --------------------------------------------------------------------------------
    def program(self, name: str) -> str:
        return self.w.say("program_quote", name=name, name_en=self.corpus.gloss(name))

    def strategy(self, numeral: str) -> str:
        s = self.corpus.document.strategy(numeral)
        return self.w.say("strategy_ref", numeral=numeral, title=s.title, title_en=self.corpus.gloss(s.title))

    def company(self, company: str) -> str:
        """The company's name; in English its romanization without the legal form ("Co., Ltd.",
        whose full stops would end a sentence), then the document's own name to check it by."""
        if not self.w.en:
            return company
        romanized = self._romanized(company)
        return f"{romanized} ({company})" if romanized != company else company

    def _romanized(self, company: str) -> str:
        return without_legal_form(self.corpus.gloss(company) or company)

    def company_at(self, company: str, ward: str) -> dict[str, str]:
        """A company and its ward for a "{company} ({ward})" template; in English the
        document's own name goes inside the brackets with the ward."""
        if not self.w.en:
            return {"company": company, "ward": ward}
        romanized = self._romanized(company)
        place = self.corpus.gloss(ward) or ward
        return {"company": romanized, "ward": f"{company}, {place}" if romanized != company else place}

    # -- the answer ---------------------------------------------------------------------------
    def finish(self, query: str, kind: str, lead: str, **fields: object) -> Answer:
        answer = Answer(
            query,
            self.lang,
            bool(fields.pop("in_scope", True)),
            type=kind,
            lead=lead,
            sections=list(self.sections),
            citations=list(self.citations),
            **fields,  # type: ignore[arg-type]
        )
        answer.answer = render_text(answer)
        return answer


def _item_text(item: Item, lang: str) -> str:
    marks = "".join(f"[{i}]" for i in item.cite)
    if lang == "en" and item.gloss:
        return f"{item.gloss} (our translation) — 「{item.text}」{marks}"
    if item.quote:
        return f"「{item.text}」{marks}"
    return f"{item.text}{marks}"


def render_text(answer: Answer) -> str:
    """The answer as plain text: lead, each section with its items, then the sources (pure)."""
    bullet = "•" if answer.lang == "en" else "・"
    lines = [answer.lead] if answer.lead else []
    w = wording(answer.lang)
    for section in answer.sections:
        lines += ["", f"■ {section.title}"]
        if section.kind == "directions":  # the page explains the term beside its cards too
            lines.append(w.say("problem.explain"))
        lines += [f"{bullet} {_item_text(item, answer.lang)}" for item in section.items]
    if answer.citations:
        lines += ["", f"■ {w.section('sources')}"]
        for i, c in enumerate(answer.citations, start=1):
            text = c.text if len(c.text) <= MAX_SOURCE_CHARS else c.text[: MAX_SOURCE_CHARS - 1] + "…"
            lines.append(f"[{i}] 「{text}」")
    return "\n".join(lines).strip()


def message_answer(query: str, lang: str, kind: str, text: str, **fields: object) -> Answer:
    """A one-message answer: a decline, a clarifying question."""
    answer = Answer(query, lang, bool(fields.pop("in_scope", False)), type=kind, lead=text, **fields)  # type: ignore[arg-type]
    answer.answer = render_text(answer)
    return answer


def clarify_choices(lang: str) -> list[str]:
    return [str(c) for c in wording(lang).raw("clarify_choices")]
