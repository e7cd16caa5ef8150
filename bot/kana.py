"""Messages typed all in hiragana ("あとつぎが いない"), given back their kanji.

The vector and token models learned mostly from kanji text, and Sudachi cuts long hiragana
runs poorly. The words of the document and of the labelled examples, read by Sudachi, give a
reading → spelling table; a hiragana message takes, left to right, the longest known reading
at each point. Only nouns and verb stems of three kana or more are restored: shorter ones
("ひと", "いい") are too ambiguous to guess.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jaconv

RULES_VERSION = "4"  # part of the cache key: a change to how the table is built rebuilds it
MIN_READING = 3
HIRAGANA_SHARE = 0.7  # restore only messages that are mostly hiragana
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u9fff]")
_KANJI = re.compile(r"[\u3400-\u9fff]")
_WRITTEN = re.compile(r"[\u30a1-\u30fa\u3400-\u9fff]")  # kanji or katakana: what hiragana stands in for
_KEPT = ("名詞", "動詞")
# in a message typed with kanji, a loanword typed in hiragana: long enough not to be a native
# word's ending (「とったの」), and spelt in katakana in the corpus
MIN_LOANWORD = 4
_HIRAGANA_RUN = re.compile(r"[\u3041-\u309fー]{4,}")
_KATAKANA = re.compile(r"[\u30a1-\u30faー・]+")


def mostly_hiragana(text: str) -> bool:
    """Typed without converting to kanji: no kanji at all, and mostly hiragana. A message with
    any kanji was converted, and casual Japanese is mostly hiragana anyway (「どんなことして
    くれるの」 must not become 「どんな今年てくれるの」)."""
    japanese = len(_JAPANESE.findall(text))
    if _KANJI.search(text):
        return False
    return japanese >= MIN_READING and len(_HIRAGANA.findall(text)) >= HIRAGANA_SHARE * japanese


_VOWEL_ROWS = {
    "あ": "あかさたなはまやらわがざだばぱぁゃゎ",
    "い": "いきしちにひみりぎじぢびぴぃ",
    "う": "うくすつぬふむゆるぐずづぶぷぅゅ",
    "え": "えけせてねへめれげぜでべぺぇ",
    "お": "おこそとのほもよろをごぞどぼぽぉょ",
}
_VOWEL = {kana: vowel for vowel, row in _VOWEL_ROWS.items() for kana in row}


def spelled_out(reading: str) -> str:
    """A loanword's long-vowel mark as romaji gives it: てれわーく → てれわあく."""
    out: list[str] = []
    for ch in reading:
        out.append(_VOWEL.get(out[-1], ch) if ch == "ー" and out else ch)
    return "".join(out)


@dataclass(frozen=True)
class KanaRestorer:
    spellings: dict[str, str]  # hiragana reading -> its most common spelling with kanji
    longest: int

    @classmethod
    def build(cls, texts: Iterable[str]) -> KanaRestorer:
        from sudachipy import Dictionary, SplitMode

        tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        texts = list(texts)
        for text in texts:
            for m in tokenizer.tokenize(text):
                surface = m.surface()
                if m.part_of_speech()[0] not in _KEPT or not _WRITTEN.search(surface):
                    continue
                reading = jaconv.kata2hira(m.reading_form())
                if len(reading) >= MIN_READING and _HIRAGANA.fullmatch(reading[0]):
                    seen[reading][surface] += 1
        # A reading that people write in hiragana anyway ("いない", "ください") is a word or an
        # ending in its own right, not a spelling to restore: keep only readings whose kanji
        # spelling is the more common way to write them.
        written = "\n".join(t for t in texts if not mostly_hiragana(t))
        spellings = {
            r: c.most_common(1)[0][0]
            for r, c in seen.items()
            if written.count(r) < sum(written.count(s) for s in c)
        }
        # romaji has no long-vowel mark ("terewaaku"): the spelled-out reading finds it too
        spellings |= {spelled_out(r): w for r, w in spellings.items() if "ー" in r}
        return cls(spellings, max(map(len, spellings), default=0))

    def restore(self, text: str) -> str:
        """The text with each known hiragana reading (longest first) spelt as the corpus spells it;
        in a message typed with kanji, only loanwords typed in hiragana (「とらべるどくたー」
        「さてらいとおふぃす」) are given back their katakana."""
        if not mostly_hiragana(text):
            return _HIRAGANA_RUN.sub(lambda m: self._respell(m.group(), MIN_LOANWORD, loanwords=True), text)
        return self._respell(text, MIN_READING)

    def _respell(self, text: str, shortest: int, loanwords: bool = False) -> str:
        """Left to right, the longest known reading of ``shortest`` kana or more at each point
        spelt as the corpus spells it (with ``loanwords``, only readings spelt in katakana)."""
        out, i = [], 0
        while i < len(text):
            for n in range(min(self.longest, len(text) - i), shortest - 1, -1):
                spelling = self.spellings.get(text[i : i + n])
                if spelling is not None and (not loanwords or _KATAKANA.fullmatch(spelling)):
                    out.append(spelling)
                    i += n
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def load_restorer(texts: list[str], cache_dir: Path) -> KanaRestorer:
    """The table for these texts, from a cache file when they are unchanged (building takes ~1 s)."""
    key = hashlib.sha256("\n".join([RULES_VERSION, *texts]).encode()).hexdigest()[:16]
    path = Path(cache_dir) / f"kana-{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return KanaRestorer(data["spellings"], int(data["longest"]))
    except (OSError, ValueError, KeyError):
        pass
    restorer = KanaRestorer.build(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"spellings": restorer.spellings, "longest": restorer.longest}, f, ensure_ascii=False)
    os.replace(tmp, path)
    return restorer
