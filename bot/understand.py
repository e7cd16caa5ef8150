"""Step 1 of a question: read the message — clean it, tell its language, find its clauses.

Clauses are where a message may change subject: sentence ends, line breaks, slashes, list
markers, spaces between sentences, 「〜し、」 chains and 「〜んですが」「〜けど」「〜のと」 (with or
without the comma), English ", and we …". Splitting is
cheap and generous on purpose:
whether a clause really raises a problem of its own is decided later, by the learned
models, from how confidently the clause alone points somewhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.keywords import clause_joints
from bot.romaji import looks_like_romaji, to_kana
from bot.text import clean_query, detect_lang

_BOUNDARY = re.compile(
    r"[。！？!?\n；;]+"  # sentence ends and line breaks
    r"|(?<=\S)\.\s+(?=\D)"  # a full stop between sentences (English, or romaji turned into kana)
    r"|\s*[／/|]\s*"  # slashes between parts
    r"|\s*[①-⑩]\s*|(?:^|\s)\(?\d[.)．）]\s+"  # list markers
    r"|[、,]?\s*(?=(?:もう)?(?:[1-9１-９一二三四五]|ひと|ふた|みっ)つ(?:目|め)?は)"  # 「1つは…、2つ目は…」
    r"|[,;]\s*(?=(?:second(?:ly)?|third(?:ly)?|(?:the other|another) (?:one|thing|problem|issue))\b)"
    r"|(?<=こと)[、,]\s*"  # 「後継ぎがいないこと、若い人が来ないこと」
    r"|\s*[（【]|[）】]\s*"  # a bracketed aside says something apart
    r"|(?<=[しどが])[、,]\s*|(?<=のと)[、,]\s*"  # 「〜し、」「〜けど、」「〜が、」「〜のと、」
    r"|,\s*(?:and|but|also|plus|then)\s+|\s+and\s+(?=(?:also\s+)?(?:we|i|our|my|they|it)\b)|\s+and\s+also\s+"
    r"|:\s+|：\s*",  # "…, then answer: how do I …" — what follows a colon is said apart
    re.I,
)
_COLON = re.compile(r":\s+|：\s*")
_MARKUP = re.compile(r"<[^>]*>|\[[^\]]*\]\([^)]*\)|https?://\S+|&[a-z]+;|[`*_#>~|{}\[\]()<>=\"'/\\]")
_LETTER = re.compile(r"[^\W\d_]")
MIN_CLAUSE_CHARS = 4  # Japanese characters, or
MIN_CLAUSE_WORDS = 3  # English words
# On a phone, Japanese sentences are often separated by a space instead of 。; words typed in
# kana are separated by spaces too, but those pieces are short. So spaces split a message that
# has no Japanese punctuation only when every piece is at least this long.
SPACED_SENTENCE_CHARS = 8
WIDE_SPACED_SENTENCE_CHARS = 5  # 「後継ぎいない　在宅勤務も中途半端」
_HIRAGANA = re.compile(r"[\u3040-\u309fー]+")
_JA_PUNCT = re.compile(r"[。、！？]")
_JA_SPACE = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u9fff])[ \u3000]+(?=[\u3040-\u30ff\u3400-\u9fff])")


@dataclass(frozen=True)
class _Cut:
    """A boundary that removes no character (after a conjunctive し), shaped like a match."""

    at: int

    def start(self) -> int:
        return self.at

    def end(self) -> int:
        return self.at


def _run_on_cuts(text: str) -> list[_Cut]:
    """「…厳しいしバイトも集まらないし…」「デジタル化したいんですがサイバー攻撃も心配」 typed
    without commas: after each particle that joins two statements (keywords.clause_joints) and
    that no comma follows (「〜し、」 is a boundary already)."""
    if detect_lang(text) != "ja":
        return []
    return [_Cut(i) for i in clause_joints(text) if i < len(text) and text[i] not in "、,，。 \u3000"]


@dataclass(frozen=True)
class Clause:
    text: str
    start: int  # offsets into Message.search
    end: int


@dataclass(frozen=True)
class Message:
    text: str  # as typed, cleaned (control characters, length)
    lang: str  # the language to answer in
    search: str  # what retrieval and the models read: romaji turned into kana
    clauses: tuple[Clause, ...]
    romaji: bool = False
    markup_only: bool = False  # nothing but tags, links or symbols
    notices: tuple[str, ...] = field(default_factory=tuple)


def _big_enough(text: str) -> bool:
    if detect_lang(text) == "en":
        return len(re.findall(r"[A-Za-z]+", text)) >= MIN_CLAUSE_WORDS
    return len(re.sub(r"\W", "", text)) >= MIN_CLAUSE_CHARS


def _spaced_sentences(text: str) -> list[re.Match[str]]:
    """The spaces that end sentences of a message typed without Japanese punctuation: those
    between pieces long enough to be sentences. A short piece (「若い子こない」 after a longer
    one, or one word of a message typed in spaced kana) joins the piece before it; a short first
    piece, the one after it."""
    spaces = list(_JA_SPACE.finditer(text))
    if not spaces or _JA_PUNCT.search(text):
        return []
    # a full-width space is typed on purpose (an IME's own space): shorter pieces are sentences too
    least = SPACED_SENTENCE_CHARS if any(" " in m.group() for m in spaces) else WIDE_SPACED_SENTENCE_CHARS
    cuts: list[re.Match[str]] = []
    start = 0
    for space, after in zip(spaces, [*spaces[1:], None], strict=True):
        following = text[space.end() : after.start() if after else len(text)]
        if _sentence_sized(text[start : space.start()], least) and _sentence_sized(following, least):
            cuts.append(space)
            start = space.end()
    return cuts


def _sentence_sized(piece: str, least: int) -> bool:
    """Long enough to be a sentence, and not all hiragana: spaces in text typed all in hiragana
    separate words (「ねあげしたいけど とりひきさきに いえない」), not sentences."""
    letters = re.sub(r"\W", "", piece)
    return len(letters) >= least and not _HIRAGANA.fullmatch(letters)


def split_clauses(text: str) -> list[Clause]:
    """The message's clauses; a fragment too small to say anything joins the one before it."""
    out: list[Clause] = []
    start = 0
    cuts = [*_BOUNDARY.finditer(text), *_spaced_sentences(text), *_run_on_cuts(text)]
    bounds = sorted(cuts, key=lambda m: m.start())
    for m in [*bounds, None]:
        end = m.start() if m else len(text)
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            said = piece.strip().rstrip("、,，").rstrip() or piece.strip()
            clause = Clause(said, start + lead, start + lead + len(said))
            # "Two problems:" / "Then answer:" announces what follows: it says something of its
            # own (an intro, an instruction), not more of the clause before
            announces = isinstance(m, re.Match) and _COLON.fullmatch(m.group()) is not None
            if out and not _big_enough(clause.text) and not announces:
                prev = out[-1]
                out[-1] = Clause(text[prev.start : clause.end], prev.start, clause.end)
            else:
                out.append(clause)
        if m:
            start = m.end()
    if len(out) >= 2 and not _big_enough(out[0].text):  # a small opening joins the next clause
        first, second = out[0], out[1]
        out[:2] = [Clause(text[first.start : second.end], first.start, second.end)]
    return out


def read_message(
    raw: str, max_chars: int, lang: str | None = None, respell: Callable[[str], str] | None = None
) -> Message:
    """``respell``: gives an all-hiragana message back its kanji (bot.kana), for the models."""
    cleaned = clean_query(raw, max_chars)
    text = cleaned.text
    romaji = looks_like_romaji(text)
    search = to_kana(text) if romaji else text
    if respell is not None:
        search = respell(search)
    markup_only = bool(text) and not _LETTER.search(_MARKUP.sub(" ", text))
    # a message with no letters to tell by (symbols, markup) is answered in Japanese, the page's own
    answer_lang = lang or ("ja" if romaji or not _LETTER.search(text) else detect_lang(text))
    return Message(
        text=text,
        lang=answer_lang,
        search=search,
        clauses=tuple(split_clauses(search)),
        romaji=romaji,
        markup_only=markup_only,
        notices=tuple(cleaned.notices),
    )
