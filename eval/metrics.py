"""Scoring one system's JSON answers against the gold set (pure functions only).

A *response* is one object exactly as ``python -m bot ask --jsonl`` prints it. Every
metric reads only that JSON, so baselines that print the same shape score identically.
This module scores one case; eval.aggregate turns case scores into a group's metrics.

Definitions (also in eval/report.md):

- directions: the ranked ``directions[].title`` list. hit@k = any expected direction in
  the first k; reciprocal rank = 1/rank of the first expected direction found (0 if none).
  Scored on cases that are in scope and expect at least one direction; ``dir_hit@3_answered``
  is the same over the cases the system did not decline (ranking without the scope gate).
- What the owner reads counts most: ``shown_hit`` = an expected direction is among those
  the answer presents (``directions[:primary]``); ``presented_precision`` = share of the
  presented directions that are expected (0 when it presents none). hit@3 rewards showing
  three; these do not.
- programs: hit@3 = any expected program in ``programs[:3]`` (cases that expect programs);
  ``prog_precision`` = share of the presented programs (``programs[:primary_programs]``)
  that are expected, over problem answers that present any.
- type: the answer's ``type`` is the gold question type.
- facts: every expected string occurs in ``answer`` after NFKC and whitespace removal;
  ``lead_acc``: every ``lead`` string occurs in the lead's first sentence.
- ``absent_ok``: none of the injected strings occurs in the answer; ``not_covered_ok``: the
  answer reports an uncovered part; ``multi_all``: every expected direction of a several-problem
  message is presented; ``followup_acc``: a follow-up presents an expected direction and every
  expected program; ``english_answered``: an in-scope English question is not declined.
- out of scope: the positive class is "expected in_scope false"; predicted positive is
  ``in_scope`` false. An error line counts as not declined. ``oos_accuracy`` is the share
  of all cases whose in-scope decision matches the gold one.
- citations: see ``citation_problems``. An answer is scored when it is in scope and either
  presents a direction (``primary`` > 0) or cites something; it is correct when it has at
  least one citation and every citation passes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

Response = Mapping[str, Any]


def compact(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def normalize(text: str) -> str:
    """NFKC, then no whitespace: how fact strings are compared with answers."""
    return compact(unicodedata.normalize("NFKC", text))


# -- reading a response -------------------------------------------------------------------
def direction_titles(resp: Response) -> list[str]:
    return [str(d.get("title", "")) for d in resp.get("directions") or []]


def program_names(resp: Response) -> list[str]:
    return [str(p.get("name", "")) for p in resp.get("programs") or []]


def declined(resp: Response) -> bool:
    """The system said "not something I can answer"; an error line did not say so."""
    return "error" not in resp and resp.get("in_scope") is False


# -- per-case measures --------------------------------------------------------------------
def hit_at(expected: Sequence[str], ranked: Sequence[str], k: int) -> bool:
    return any(e in ranked[:k] for e in expected)


def reciprocal_rank(expected: Sequence[str], ranked: Sequence[str]) -> float:
    wanted = set(expected)
    return next((1.0 / i for i, r in enumerate(ranked, start=1) if r in wanted), 0.0)


def presented_precision(expected: Sequence[str], resp: Response) -> float:
    """Share of the directions the answer presents (the first ``primary``) that are expected."""
    shown = direction_titles(resp)[: int(resp.get("primary") or 0)]
    return sum(t in expected for t in shown) / len(shown) if shown else 0.0


def facts_present(facts: Sequence[str], answer: str) -> bool:
    text = normalize(answer)
    return all(normalize(f) in text for f in facts)


@dataclass(frozen=True)
class SourceIndex:
    """The source text and its whitespace-free form, prepared once per run."""

    text: str
    compact_text: str

    @classmethod
    def of(cls, text: str) -> SourceIndex:
        return cls(text, compact(text))


def citation_problems(cite: Mapping[str, Any], source: SourceIndex, referenced: bool) -> list[str]:
    """Why a citation is wrong (empty when it is right).

    1. ``text`` occurs in the source, whitespace ignored;
    2. ``source[span]`` is that same text, whitespace ignored;
    3. it belongs to the answer: some line the answer shows points at it (``referenced``).
    """
    problems: list[str] = []
    quote = compact(str(cite.get("text", "")))
    if not quote:
        problems.append("empty text")
    elif quote not in source.compact_text:
        problems.append("text not in source")
    span = cite.get("span") or []
    if len(span) != 2 or not (0 <= int(span[0]) < int(span[1]) <= len(source.text)):
        problems.append(f"bad span {span}")
    elif compact(source.text[int(span[0]) : int(span[1])]) != quote:
        problems.append("span does not match text")
    if not referenced:
        problems.append("no line of the answer points at it")
    return problems


def referenced_citations(resp: Response) -> set[int]:
    """1-based citation numbers that some item of the answer's sections points at."""
    return {
        int(i)
        for section in resp.get("sections") or []
        for item in section.get("items") or []
        for i in item.get("cite") or []
    }


def answer_citations_ok(resp: Response, source: SourceIndex) -> bool | None:
    """None when the answer has nothing to cite (declined, clarifying question)."""
    cites = resp.get("citations") or []
    if declined(resp) or "error" in resp or not (int(resp.get("primary") or 0) > 0 or cites):
        return None
    if not cites:
        return False
    used = referenced_citations(resp)
    return all(not citation_problems(c, source, i in used) for i, c in enumerate(cites, start=1))


def first_sentence(resp: Response) -> str:
    """The lead's first sentence (or the answer's, for systems that print no lead)."""
    text = str(resp.get("lead") or resp.get("answer") or "")
    m = re.search(r"。|(?<=[.!?])\s", text)
    return text[: m.end()] if m else text


def presented(resp: Response) -> tuple[list[str], list[str]]:
    dirs = direction_titles(resp)[: int(resp.get("primary") or 0)]
    progs = program_names(resp)[: int(resp.get("primary_programs") or 0)]
    return dirs, progs


# -- one case -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseScore:
    """Each measure is None when it does not apply to the case."""

    id: str
    split: str
    category: str
    qtype: str
    lang: str
    expect_oos: bool
    predict_oos: bool
    type_ok: bool | None = None
    dir_hit1: bool | None = None
    dir_hit3: bool | None = None
    dir_rr: float | None = None
    shown_hit: bool | None = None
    presented_precision: float | None = None
    prog_hit3: bool | None = None
    prog_precision: float | None = None
    fact_ok: bool | None = None
    lead_ok: bool | None = None
    absent_ok: bool | None = None
    not_covered_ok: bool | None = None
    multi_all: bool | None = None
    followup_ok: bool | None = None
    answered_en: bool | None = None
    citation_ok: bool | None = None
    latency_ms: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Expectation:
    """What the scorer needs of a gold case (keeps this module free of the gold loader)."""

    id: str
    split: str
    category: str
    in_scope: bool
    directions: tuple[str, ...]
    programs: tuple[str, ...]
    facts: tuple[str, ...]
    qtype: str = "problem"
    lang: str = "ja"
    lead: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    not_covered: bool = False


def score_case(
    exp: Expectation, resp: Response, source: SourceIndex, latency_ms: float | None = None
) -> CaseScore:
    dirs, progs = direction_titles(resp), program_names(resp)
    shown_dirs, shown_progs = presented(resp)
    wants_dirs = exp.in_scope and bool(exp.directions)
    answer = str(resp.get("answer") or "")
    shown_hit = any(d in shown_dirs for d in exp.directions) if wants_dirs else None
    prog_precision = (
        sum(p in exp.programs for p in shown_progs) / len(shown_progs)
        if exp.in_scope and shown_progs and exp.qtype == "problem"
        else None
    )
    return CaseScore(
        id=exp.id,
        split=exp.split,
        category=exp.category,
        qtype=exp.qtype,
        lang=exp.lang,
        expect_oos=not exp.in_scope,
        predict_oos=declined(resp),
        type_ok=(resp.get("type") == exp.qtype) if "error" not in resp else False,
        dir_hit1=hit_at(exp.directions, dirs, 1) if wants_dirs else None,
        dir_hit3=hit_at(exp.directions, dirs, 3) if wants_dirs else None,
        dir_rr=reciprocal_rank(exp.directions, dirs) if wants_dirs else None,
        shown_hit=shown_hit,
        presented_precision=presented_precision(exp.directions, resp) if wants_dirs else None,
        prog_hit3=hit_at(exp.programs, progs, 3) if exp.programs else None,
        prog_precision=prog_precision,
        fact_ok=facts_present(exp.facts, answer) if exp.facts else None,
        lead_ok=facts_present(exp.lead, first_sentence(resp)) if exp.lead else None,
        absent_ok=not any(normalize(a) in normalize(answer) for a in exp.absent) if exp.absent else None,
        not_covered_ok=bool(resp.get("not_covered")) if exp.not_covered else None,
        multi_all=all(d in shown_dirs for d in exp.directions) if exp.category == "multi" else None,
        followup_ok=(
            bool(shown_hit if wants_dirs else True) and all(p in shown_progs for p in exp.programs)
            if exp.category == "followup" and exp.in_scope
            else None
        ),
        answered_en=(not declined(resp) and "error" not in resp)
        if exp.lang == "en" and exp.in_scope
        else None,
        citation_ok=answer_citations_ok(resp, source),
        latency_ms=latency_ms,
    )
