"""What a survey question's words say on their own: a position asked (「2位」, "third"), the
year(s) (「前の年」, "than last year"), and which way a change went (「一番伸びた」, "fell")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# a question typed without converting to kanji spells the survey's words in hiragana:
# 「れいわ4ねんど」「2いは？」
_SPELLED = (
    (re.compile(r"れいわ"), "令和"),
    (re.compile(r"(?<=\d)\s*ねんど"), "年度"),
    (re.compile(r"(?<=\d)\s*ねん"), "年"),
    (re.compile(r"(?<=\d)\s*い(?=[っでのはがもとだ？?、。\s]|$)"), "位"),
    (re.compile(r"(?<=\d)\s*ばんめ"), "番目"),
)


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    for spelled, written in _SPELLED:
        folded = spelled.sub(written, folded)
    return folded


_EARLIER = re.compile(
    r"令和\s*4|r\s*4\b|(?<![0-9])4年度|2022|昨年|前年|前の年|去年|前回"
    r"|last year|previous year|year before|prior year|(?:previous|last|prior) (?:survey|one|time)"
    r"|\b(?:earlier|older|first) (?:of the two|survey|one|year)\b",
    re.I,
)
_LATER = re.compile(
    r"令和\s*5|r\s*5\b|(?<![0-9])5年度|2023|今年|今回|直近|最新|this year|this time|latest|most recent"
    r"|\b(?:newer|later|second) (?:of the two|survey|one|year)\b",
    re.I,
)
# which way a change asked about went: 「一番伸びたのは？」, "which one fell?"
_RISE = re.compile(
    r"伸び|増え|増加|上が|上昇|高ま|\brose\b|\brise|\bgrew\b|\bgrow|increas|\bgain|\bup\b", re.I
)
_FALL = re.compile(
    r"減|下が|低下|落ち|\bfell\b|\bfall|\bdrop|declin|decreas|\bdown\b|fewer|smaller|\bless\b|lower", re.I
)
# 「一番変化が大きかった」: a change either way; only beside a superlative (「どう変わった？」 after
# one row's figure asks that row)
_SHIFT = re.compile(r"変化|変わ|違[いう]|\bchang|\bshift|\bmov(?:e|ed)\b|\bdiffer", re.I)
_MOST = re.compile(
    r"一番|いちばん|最も|もっとも|大きく|トップ|\bmost\b|\bbiggest\b|\blargest\b|\bgreatest\b|\btop\b", re.I
)
# the superlative on the change itself, not on the firms ("what most firms want, and how did it move")
_SHIFT_MOST = re.compile(
    r"(?:一番|いちばん|最も|もっとも|大きく)[^。？?]{0,6}(?:変化|変わ)|(?:変化|変わり)[^。？?]{0,4}大き"
    r"|\b(?:chang|mov|shift)\w* (?:the )?most\b|\b(?:biggest|largest|greatest) (?:change|shift|move)",
    re.I,
)
# the last place: 「最下位は？」「一番下は？」「一番少ないのは？」 "which came last?", "the least used"
_LAST = re.compile(
    r"最下位|一番下|いちばん下|最後|ビリ|(?:一番|いちばん|最も|もっとも)[^、。？?]{0,5}?(?:少な|すくな|低)"
    r"|\bbottom\b|\blowest\b|\bleast\b|\bfewest\b|\blast\b(?!\s+(?:year|time|survey|fiscal))",
    re.I,
)
# both years asked outright: 「両年度とも」「2年分」 "give me both years", "in each year"
_BOTH = re.compile(
    r"両年|両方の年|どちらの年|2年分|二年分|2年とも|二年とも|各年度"
    r"|\b(?:both|each|either) (?:years?|surveys?)\b",
    re.I,
)
# comparing with a year names both: 「前の年と比べて」 is a change, not the earlier year alone
_COMPARE = re.compile(r"比べ|較べ|比較|compar|\bvs\.?|\bthan\b", re.I)
_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "top": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
}
_ORDINAL = re.compile(
    r"(\d+|[一二三四五六七八九十])\s*(?:位|番目|番手|つ目|個目|st\b|nd\b|rd\b|th\b)"
    r"|(?:rank(?:ed)?|number|no\.)\s*#?(\d+|one|two|three|four|five)\b|#(\d+)"
    r"|\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b",
    re.I,
)


def asked_rank(text: str) -> int | None:
    """An explicit position ("2位", "3番目", "second", "rank 4"), -1 for the last; "一番"
    alone means the top."""
    folded = _fold(text)
    m = _ORDINAL.search(folded)
    if not m:
        return -1 if _LAST.search(folded) else None
    raw = next(g for g in m.groups() if g)
    if raw.isdigit():
        return int(raw)
    return _KANJI.get(raw) or _WORDS.get(raw.lower())


# asking which row holds a place (「何が1位？」 "what was number one?"), not a figure of a row
_WHICH = re.compile(
    r"何が|なにが|何だった|どれ(?!くらい|ぐらい|だけ|ほど)|どの項目|もの(?:は|って)|どこ(?:から|で|を|に)"
    r"|\bwhich\b|\bwhat (?:was|is|were|came|comes)\b",
    re.I,
)


def asks_which(text: str) -> bool:
    """The question asks which row holds a place (「その前の年は何が1位？」), not its figure."""
    return bool(_WHICH.search(_fold(text)))


def named_year(text: str, years: Sequence[str]) -> str | None:
    """The one survey year a question names (「前の年は？」), if it names exactly one."""
    folded = _fold(text)
    earlier, later = bool(_EARLIER.search(folded)), bool(_LATER.search(folded))
    if _COMPARE.search(folded) or _BOTH.search(folded):
        return None
    return None if earlier == later else years[0] if earlier else years[-1]


def asked_movement(text: str) -> str | None:
    """ "rise", "fall" or "shift" (either way, beside a superlative): the way a change asked
    about the whole table went (「一番伸びたのは？」「一番変化が大きかったのは？」)."""
    folded = _fold(text)
    if _FALL.search(folded):
        return "fall"
    if _RISE.search(folded):
        return "rise"
    return "shift" if _SHIFT_MOST.search(folded) else None


def asks_most(text: str) -> bool:
    """A superlative: 「一番」, 「最も」, "most", "biggest"."""
    return bool(_MOST.search(_fold(text)))


def says_change(text: str) -> bool:
    """The question speaks of a change itself (「どう変わった？」 "how did it change"), not
    only of another year."""
    folded = _fold(text)
    return bool(_SHIFT.search(folded) or _RISE.search(folded) or _FALL.search(folded))


def compares_years(text: str) -> bool:
    """The question speaks of another year or of comparing (「前の年から」, "than last year")."""
    folded = _fold(text)
    return bool(_EARLIER.search(folded) or _COMPARE.search(folded) or _BOTH.search(folded))


def asked_years(text: str, change: bool, years: Sequence[str]) -> tuple[str, ...]:
    """The survey years a question means: both for a change, else the one it names, else the latest."""
    folded = _fold(text)
    earlier, later = bool(_EARLIER.search(folded)), bool(_LATER.search(folded))
    if change or (earlier and later) or (earlier and _COMPARE.search(folded)) or _BOTH.search(folded):
        return tuple(years)
    return (years[0],) if earlier else (years[-1],)
