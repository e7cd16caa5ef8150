"""Questions about the company cases and programs: who used what, what they did, what came of it.

Every sentence about a company quotes the document; which direction a program serves is
the project's reading (aids.yaml) and is said to be so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.compose import Draft
from bot.matches import direction_match, program_match
from bot.models import Answer, Item
from corpus.models import Case


def _case_items(d: Draft, case: Case, focus: str) -> list[Item]:
    """A company's card: who it is, what it did (with which program), what came of it."""
    chunks = d.passages.by_case.get(case.company, [])
    label = next((c for c in chunks if c.kind == "case_label"), None)
    head = d.w.say("case.company_item", **d.company_at(case.company, case.ward))
    items = [d.line(head, ref=case.company, cite=d.cite(label))]
    if focus in ("business", "list", "who_used", "programs_used", "direction"):
        items += [d.quote(t, ref=case.company) for t in case.business]
    actions = [a for a in case.actions if a.programs] if focus == "who_used" else list(case.actions)
    items += [d.quote(a.text, ref=case.company, program=(a.programs or [""])[0]) for a in actions]
    items += [d.quote(t, ref=case.company) for t in case.results]
    programs = d.w.join([d.program(p) for p in case.programs])
    listed = next((c for c in chunks if c.kind == "case_programs"), None)
    items.append(d.line(d.w.say("case.uses", programs=programs), ref=case.company, cite=d.cite(listed)))
    return items


def passages_of(case: Case) -> list[tuple[str, str, tuple[str, ...]]]:
    """A company's quotable passages: (kind, text, the programs an action names)."""
    return [
        *(("business", t, ()) for t in case.business),
        *(("what_did", a.text, tuple(a.programs)) for a in case.actions),
        *(("result", t, ()) for t in case.results),
        *(("caption", t, ()) for t in case.captions),
    ]


def sentences(passage: str) -> list[str]:
    """A passage's sentences (the document ends them with 。, the last one often without)."""
    return [t for t in passage.rstrip("。").split("。") if t] or [passage]


def _excerpt(passage: str, sentence: str | None) -> str:
    """The quote sits inside the lead's one sentence: of a passage of several sentences, the one
    that answers, with "…" where the passage goes on (the whole is in the company's card)."""
    parts = sentences(passage)
    at = parts.index(sentence) if sentence in parts else 0
    return ("…" if at > 0 else "") + parts[at] + ("…" if at < len(parts) - 1 else "")


def _lead(
    d: Draft,
    aspect: str,
    companies: Sequence[Case],
    programs: Sequence[str],
    passage: str | None,
    sentence: str | None,
) -> str:
    """The first sentence: the list of companies, a program's users, or one company's passage."""
    w, doc = d.w, d.corpus.document
    if aspect == "list" or (not companies and not programs):
        names = w.join([d.company(c.company) for c in doc.cases])
        return w.say("case.lead_list", n=len(doc.cases), companies=names, m=len(doc.programs))
    if programs and (aspect in ("who_used", "direction") or not companies):
        return _program_lead(d, aspect, programs[0])
    return _company_lead(d, aspect, companies[0], programs, passage, sentence)


def _program_lead(d: Draft, aspect: str, name: str) -> str:
    """Who used a program, or which direction it serves, with its users."""
    w, corpus = d.w, d.corpus
    users = w.join([d.company(c.company) for c in corpus.document.cases_using(name)])
    if aspect == "direction":
        link = corpus.aids.programs[name].directions[0]
        return w.say(
            "case.lead_direction",
            program=d.program(name),
            direction=link,
            direction_en=corpus.gloss(link),
            strategy=d.strategy(corpus.document.strategy_of(link).numeral),
            companies=users,
        )
    return w.say("case.lead_who_used", program=d.program(name), companies=users)


def _company_lead(
    d: Draft, aspect: str, case: Case, programs: Sequence[str], passage: str | None, sentence: str | None
) -> str:
    """What one company did, what came of it, or what it used: the passage asked, where one was."""
    w, corpus = d.w, d.corpus
    company, ward = d.company_at(case.company, case.ward).values()
    used_for = next((progs for _, text, progs in passages_of(case) if text == passage), ())
    if passage:
        # the one action asked about and what it used, or the passage with all the company's programs
        one = aspect == "programs_used" and bool(used_for)
        caption = passage in case.captions
        return w.say(
            "case.lead_programs_for" if one else "case.lead_caption" if caption else "case.lead_passage",
            company=company,
            ward=ward,
            passage=_excerpt(passage, sentence),
            passage_en=corpus.gloss(passage).rstrip("."),
            programs=w.join([d.program(p) for p in (used_for if one else case.programs)]),
        )
    if aspect == "what_did":
        did = next(
            (a.text for a in case.actions if not programs or set(programs) & set(a.programs)),
            case.actions[0].text,
        )
        return w.say("case.lead_what_did", company=company, ward=ward, did=did, did_en=corpus.gloss(did))
    if aspect == "result":
        result = case.results[0]
        return w.say(
            "case.lead_result", company=company, ward=ward, result=result, result_en=corpus.gloss(result)
        )
    if aspect == "business":
        text = case.business[0]
        return w.say(
            "case.lead_business", company=company, ward=ward, business=text, business_en=corpus.gloss(text)
        )
    return w.say(
        "case.lead_programs_used",
        company=company,
        ward=ward,
        programs=w.join([d.program(p) for p in case.programs]),
    )


def answer_case(
    d: Draft,
    query: str,
    aspect: str,
    companies: Sequence[Case],
    programs: Sequence[str],
    quote: tuple[str, str] | None = None,
) -> Answer:
    """``companies`` and ``programs``: what the question is about, most specific first;
    ``quote``: the company's passage that answers it and the sentence of it to quote."""
    passage, sentence = quote or (None, None)
    doc, corpus = d.corpus.document, d.corpus
    shown = list(companies)
    if programs and not companies:
        shown = [c for p in programs[:1] for c in doc.cases_using(p)]
    if aspect == "list" or not (shown or programs):
        shown = list(doc.cases)
    lead = _lead(d, aspect, companies, programs, passage, sentence)
    d.add("cases", [i for case in shown for i in _case_items(d, case, aspect)])
    focus = next(
        (tuple(progs) for c in companies[:1] for _, text, progs in passages_of(c) if text == passage), ()
    )
    # the programs asked of, the passage's own, then the rest the company used: a question on
    # what it did or got shows every program it used, the one quoted first
    narrow = aspect == "programs_used" and bool(focus)
    rest = [] if narrow else [p for c in companies for p in c.programs]
    used = list(dict.fromkeys([*programs, *focus, *rest]))
    # the direction most of these programs serve first (河政工業: two overseas programs and an
    # equipment subsidy → 海外展開の促進); only that one is presented, the other is related
    counts = Counter(t for p in used for t in corpus.aids.programs[p].directions)
    links = sorted(counts, key=lambda t: -counts[t])
    related = []
    for title in links[:2]:
        related += [d.quote(title, ref=title, direction=title)]
    d.add("related", related)
    if used:
        step = d.w.say("case.next_step", programs=d.w.join([d.program(p) for p in used]))
        d.add("next_step", [d.line(step)])
    return d.finish(
        query,
        "case",
        lead,
        directions=[direction_match(corpus, t, 1.0) for t in links[:2]],
        programs=[program_match(corpus, p, 1.0) for p in used],
        primary=min(len(links), 1),
        primary_programs=len(used),
    )
