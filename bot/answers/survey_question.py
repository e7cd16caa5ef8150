"""Reading a survey question: table and kind of ask from the models, row (bot.answers.survey_rows)
and years from the text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from bot.answers.followup import points_back
from bot.answers.survey import SurveyQuestion, context_facts, label_at, rank_in, table_of
from bot.answers.survey_asks import (
    asked_movement,
    asked_rank,
    asked_years,
    asks_most,
    asks_which,
    compares_years,
    named_year,
    says_change,
)
from bot.answers.survey_rows import LEXICAL_MIN, RowMatcher, counted_row
from bot.models import SurveyFact
from corpus.load import Corpus

# the position after a row: 「〜の次」, 「そのひとつ下」, "right after X", "the next one" — not an
# "after" that opens a clause ("After COVID, how many want telework support?") nor a "next" of
# time ("what they'd like to use next"); and the one before: 「ひとつ上」 "one above"
_NEXT = re.compile(
    r"の次|次に|^\s*(?:じゃあ|で、?)?次|(?:ひと|1|一)つ下"
    r"|\bnext (?:one|item|place|spot|row)\b|\bwhat(?:'s| is| was| came| comes) next\b"
    r"|\bone (?:below|down|lower|after)\b"
    r"|(?:right|just|comes?|came|ranked|ranks|is|was|'s)\s+(?:after|below)|\bbehind\b",
    re.I,
)
_ABOVE = re.compile(
    r"(?:ひと|1|一)つ上|\bone (?:above|up|higher)\b|\b(?:right|just) (?:above|ahead of)\b", re.I
)


def _group_of(corpus: Corpus, row: str | None, text: str, tokens: Callable[[str], list[str]]) -> str | None:
    """The profile group asked about: the named row's, else one whose name, gloss or one of its
    everyday phrases (aids.yaml) the question has."""
    sv = corpus.document.survey
    if row:
        return next((g.name for g in sv.profile if any(r.label == row for r in g.rows)), None)
    words = set(tokens(text)) | set(tokens(unicodedata.normalize("NFKC", text)))
    everyday = corpus.aids.survey_words.get("profile", {})
    for g in sv.profile:
        aid = everyday.get(g.name)
        phrases = [g.name, corpus.gloss(g.name), *((*aid.ja, *aid.en) if aid else ())]
        if any((w := set(tokens(p))) and w <= words for p in phrases):
            return g.name
    return None


def _profile_named(rows: RowMatcher, text: str) -> str | None:
    """The profile row the question names: all of its words or an everyday phrase of it
    (「飲食店」 → サービス業), or more of its words than of any other row's (「卸売り」)."""
    ranked = rows.ranked("profile", text)
    if not ranked:
        return None
    (best, share), second = ranked[0], ranked[1][1] if len(ranked) > 1 else 0.0
    return best if share >= 1.0 or (share >= LEXICAL_MIN and share > second) else None


# the two information tables differ in what they ask: through what (a medium one reads or sees)
# or from whom (a source one hears it from); an owner's question says which by these words
_BY_MEDIUM = re.compile(
    r"何で|なにで|媒体|メディア|見て|読んで|\bmedi(?:a|um)\b|\bchannels?\b|\bread\b", re.I
)
_BY_SOURCE = re.compile(r"誰から|だれから|誰に|相手|聞いて|聞く|教わ|\bwho\b|\bwhom\b|\bhear\b", re.I)
INFO_TABLES = ("info_sources", "info_media")


def _info_table(text: str, tables: Sequence[tuple[str, float]]) -> str | None:
    """Of the two information tables, when they are the model's likeliest two, the one the
    question's words ask (「『何で』情報を得てるか」 is the media; 「誰から聞く」 the sources)."""
    if {t for t, _ in tables[:2]} != set(INFO_TABLES):
        return None
    folded = unicodedata.normalize("NFKC", text)
    medium, source = bool(_BY_MEDIUM.search(folded)), bool(_BY_SOURCE.search(folded))
    return None if medium == source else "info_media" if medium else "info_sources"


def _table_named(text: str, vector: np.ndarray, tables: Sequence[tuple[str, float]], rows: RowMatcher) -> str:
    """The table model's best, unless the owner names a row of another likely table ("営業とか
    売る力" is an issue, not a profile) with more than half of its words (half of 「東京都」 is
    the 「都」 of 「都のアンケート」), and the question stands out no less for that row than for
    any row of the likelier table (「人手が足りない」 is 人手不足 among the obstacles, but more
    人材不足 among the issues) — or names it in full by its label or gloss ("Website, flyers,
    what?"); an owner's everyday word fits rows of several tables ("raise money"): only the
    label's own words overrule the model."""
    table = _info_table(text, tables) or tables[0][0]
    if rows.lexical(table, text)[1] >= LEXICAL_MIN:
        return table
    here = rows.standout(table, vector)[1]

    def names_a_row(t: str) -> bool:  # in full ("Website, flyers, what?"), or standing out no less
        share = rows.lexical(t, text, everyday=False)[1]
        return share > LEXICAL_MIN and (rows.named_in_full(t, text) or rows.standout(t, vector)[1] >= here)

    return next((t for t, _ in tables[1:3] if names_a_row(t)), table)


def read_survey_question(
    corpus: Corpus,
    text: str,
    vector: np.ndarray,
    tables: Sequence[tuple[str, float]],
    asks: Sequence[tuple[str, float]],
    rows: RowMatcher,
    shown: SurveyFact | None = None,
    words_only: bool = False,
) -> SurveyQuestion:
    """``shown``: the figure the survey answer before led with; ``words_only``: the message
    refers to an answer before (that figure, or the direction shown), so a row of its own must
    be named by its words: every question is nearest some row."""
    table, ask = _table_named(text, vector, tables, rows), asks[0][0]
    if table in ("overview",):
        return SurveyQuestion(table, ask, ())
    rank = asked_rank(text)
    if rank is not None and ask in ("top", "list"):
        ask = "rank"  # "what's the no.5 issue?": that position, not the list
    # no row by likeness alone when the question asks which row (「みんなどこから？」) or the
    # table's mover (「一番大きく増えたのは？」)
    mover = asks_most(text) and asked_movement(text) is not None
    open_ask = ask in ("top", "list") or asks_which(text) or mover
    # 「いちばん多かった悩みは？」: a superlative asks the top, unless its words name a row
    superlative = asks_most(text) and not says_change(text)
    if table == "profile":
        # a profile row is one the owner counts into (「従業員12人」「創業50年超え」), never one
        # only like the question: every question about the respondents is near some row
        row = counted_row(text, rows.labels.get(table, ())) or _profile_named(rows, text)
        # the group is the one its words name, else the nearest row's; a group asked and no
        # row in it: its largest leads (「社員が少ないとこが多いの？」)
        group = _group_of(corpus, row, text, rows.tokens) or _group_of(
            corpus, rows.match(table, text, vector, open_ask, words_only), "", rows.tokens
        )
        return SurveyQuestion(table, "top" if row is None else ask, (), row, None, group)
    # a position asked names no row: "the second medium after websites" is not websites (of the
    # labelled survey examples that ask a position, 17 of 18 name no row)
    row = None if rank is not None else rows.match(table, text, vector, open_ask, words_only or superlative)
    if superlative and row is not None and rows.lexical(table, text)[1] < 1.0:
        row = None  # 「国とか都の支援の話、どっから聞く？一番多いとこは？」: half of 東京都 names no row
    tabled = table_of(corpus, table)
    years = tuple(y.year for y in tabled.years)
    one_year = named_year(text, years)
    if ask == "change" and not says_change(text) and one_year is not None:
        # 「前年度、一番多かったのは？」 names one year and no change: that year's figure
        others = (a for a, _ in asks[1:] if a in ("top", "share", "rank", "list"))
        ask = "rank" if rank is not None else next(others, "share")
    if ask == "change" and rank is not None and row is None and asked_years(text, False, years) == years[:1]:
        # "what was number one the year before?": that year's position, not a change — unless
        # the change itself is asked ("how did the #1's share change from the year before?")
        ask = "change" if says_change(text) else "rank"
    asked = asked_years(text, ask == "change", years)
    in_year = [r.label for y in tabled.years if y.year == asked[-1] for r in y.rows]
    if row is not None and row not in in_year and len(asked) == 1 and one_year is None:
        row = rows.renamed(row, in_year) or row  # the year asked words that row another way
    refers = points_back(text)
    # 「2番目のやつ、その前の年は何%？」 points at a row of the list shown; 「その前の年は何が1位？」
    # asks which row held that place then
    at_shown = points_back(text, times=True) and not asks_which(text)
    pointed = shown if at_shown and shown is not None and shown.table == table else None
    if pointed is not None and asked[-1] != pointed.year and rank is not None and row is None:
        # 「2番目のやつ、その前の年は何%？」: that row of the list shown, in both years
        row, rank, ask = label_at(corpus, table, pointed.year, rank), None, "change"
        asked = tuple(y for y in years if y in {*asked, pointed.year})
    if ask == "change" and rank is not None and row is None and len(asked) > 1:
        # 「2つ目は前の年と比べてどう？」: the row at that position now, over both years
        row, rank = label_at(corpus, table, asked[-1], rank), None
    # 「前の年から一番伸びたのは？」 compares the years, whatever the ask model read
    across = ask == "change" or ((ask in ("top", "list") or mover) and compares_years(text))
    # after one row's figure, 「去年と比べると増えてる？」 asks about that row (about_shown_row)
    of_table = shown is None or shown.by_rank or shown.table != table
    moved = asked_movement(text) if row is None and rank is None and across and of_table else None
    if moved is not None:
        return SurveyQuestion(table, moved, years)  # 「前の年から一番伸びたのは？」: the biggest mover
    step = 1 if _NEXT.search(text) else -1 if _ABOVE.search(text) else 0
    if rank is None and step and ask != "change":
        # 「原材料高騰の次に来てたのは？」: the position after the row its words name; 「その
        # ひとつ下は？」 after a figure: after the row shown
        named = row or rows.match(table, text, vector, False, True) or rows.mentioned(table, text)
        year = asked[-1]
        at = rank_in(corpus, table, year, named) if named is not None else None
        if named is None and shown is not None and shown.table == table and shown.rank is not None:
            year, at = shown.year, shown.rank
        if at is not None and at + step >= 1:
            return SurveyQuestion(table, "rank", (year,), None, at + step)
    if row is not None and ask in ("share", "rank") and (asked == years[:1] != years or len(asked) > 1):
        # a row's figure asked for the earlier year ("去年と比べてどう？") is shown beside the
        # latest; asked for both ("give me both years"), over both
        return SurveyQuestion(table, "change", years, row, rank)
    question = SurveyQuestion(table, ask, asked, row, rank)
    if shown is None:
        return question
    # 「何が一番だった？」 asks which row, whatever the ask model's doubt
    sure = asks[0][1] >= ASK_SURE or (asks[0][0] == "top" and asks_which(text))
    return about_shown_row(question, shown, one_year, sure, refers, text)


def about_shown(
    corpus: Corpus, question: SurveyQuestion, shown: Sequence[str], said: str = ""
) -> SurveyQuestion:
    """A survey question naming no row, asked after an answer, means the shown direction's
    row (「同じ悩みの会社はどれくらい？」): the row the project links to it, as a share; of
    several, the one the owner's earlier message (``said``) speaks of."""
    linked = context_facts(corpus, shown, said, question.table) if question.row is None else []
    if not linked:
        return question
    f = linked[0]
    ask = "share" if question.ask in ("top", "list", "count", "period", "purpose") else question.ask
    return replace(question, table=f.table, row=f.label, ask=ask, years=question.years or (f.year,))


def about_told(
    question: SurveyQuestion,
    told: Sequence[tuple[str, np.ndarray]],
    text: str,
    vector: np.ndarray,
    rows: RowMatcher,
) -> SurveyQuestion:
    """A survey question asking a figure after the owner told a problem in the same message
    (「油も小麦も上がりっぱなし。こういうので頭を抱えてる会社って多い？」): the row the told
    problem (``told``: each problem clause's text and vector) stands out for — where the
    question's own row is only the one the whole message (``vector``) is likest, not one its
    words or the labelled examples name."""
    if not told or question.table in ("overview", "profile") or question.rank is not None:
        return question
    if (
        question.ask not in ("share", "change", "rank")
        or rows.lexical(question.table, text)[1] >= LEXICAL_MIN
    ):
        return question
    if question.row is not None and rows.standout(question.table, vector)[0] != question.row:
        return question
    clause_text, clause_vector = max(told, key=lambda t: rows.standout(question.table, t[1])[1])
    row = rows.match(question.table, clause_text, clause_vector, False)
    return replace(question, row=row) if row is not None else question


ASK_SURE = 0.5  # the ask model more likely right than not


# a figure or place asked outright (「何%？」「何位？」 "what share?"), not only another year
_FIGURE = re.compile(
    r"何\s*[%％位]|何割|割合|パーセント|数字|順位|何番|\bpercent|\bshare\b|\bhow many\b|\brank|\bplace\b",
    re.I,
)


def about_shown_row(
    question: SurveyQuestion,
    shown: SurveyFact,
    year: str | None = None,
    sure: bool = True,
    refers: bool = False,
    text: str | None = None,
) -> SurveyQuestion:
    """A survey follow-up naming no row of its own (「それ、前の年は？」) asks about the row the
    answer before led with, in the same table — when it asks for a figure, not a ranking. When
    that answer gave a position (「1位は？」), another ``year`` named asks that year's position.
    ``sure``: the ask model is sure of its reading; an unsure one after one row's figure
    (「前の年の調査だと？」) asks that row again, a sure "top" (「一番多いのは？」) the ranking;
    ``refers``: the follow-up points back at what was shown (「それ、前の年は何位？」): the row;
    ``text``: the follow-up, where known — one asking no figure of its own (「じゃあ前の年は？」)
    after a position asks that year's same position."""
    if question.row is not None or question.table != shown.table or question.rank is not None:
        return question  # a position asked ("what was number one the year before?") names no row
    # ... unless it asks a figure of it: 「令和5年度だとそれ何位？」「それ、前の年は何％？」 are the
    # shown row's; 「前の年はどうだった？」 (a change, or the ranking) is that year's same position
    # (a bare 「じゃあ前の年は？」 read as a share asks no figure of its own: that year's same place)
    bare = text is not None and question.ask in ("share", "rank") and not _FIGURE.search(text)
    positional = (question.ask in ("change", "top", "list") or bare) and not refers
    if shown.by_rank and shown.rank is not None and year is not None and year != shown.year and positional:
        return replace(question, ask="rank", rank=shown.rank, years=(year,))
    if not shown.by_rank and (question.ask == "list" or not sure):
        # 「前の年の数字も教えて」 after one row's figure: that row's figure, not the year's list
        # (「一番多いのは？」, a top, asks the ranking)
        question = replace(question, ask="share")
    if question.ask not in ("change", "share", "rank"):
        return question
    if question.years and question.years[-1] != shown.year and len(question.years) == 1:
        # another year of the row shown: beside the year shown, as a change
        years = tuple(sorted({*question.years, shown.year}))
        return replace(question, row=shown.label, ask="change", years=years)
    return replace(question, row=shown.label)


TABLE_SURE = 0.5  # the table model more likely right than not: a question's own table
# ...and for a follow-up, sure enough that it names another table (「媒体のほうだと？」)
TABLE_SWITCH = 0.7


def tables_meant(
    ranked: Sequence[tuple[str, float]], shown: SurveyFact | None, follows: bool
) -> list[tuple[str, float]]:
    """The tables a survey question may mean, best first: after a survey answer (``shown``,
    its figure), a follow-up means that table, and a survey question of its own (not
    ``follows``: 「一番伸びたのは？」) too, unless the table model is sure of another."""
    if shown is not None and (not ranked or ranked[0][1] < (TABLE_SWITCH if follows else TABLE_SURE)):
        return [(shown.table, 1.0)]
    return list(ranked)
