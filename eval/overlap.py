"""``python -m eval.overlap``: gold cases that have a near-copy among the bot's labelled examples.

A held-out case whose wording (query or history) nearly repeats a training example measures
recall of that example, not how the bot does on new questions. Two checks, both on text
folded by NFKC, lower case and without whitespace:

- character-bigram Dice similarity to the nearest example ≥ ``DICE_MIN``;
- a shared run of characters that is not the document's own wording (company and program
  names, which questions must name, are the document's): ``RUN_MIN`` or more, or
  ``RUN_MIN_LATIN`` for a mostly-Latin run, where 14 letters are only three common words.

Prints ids and scores only, never a query. tests/test_eval_gold.py keeps held-out clear.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.gold import GoldCase, load_gold

DICE_MIN = 0.6
RUN_MIN = 14
RUN_MIN_LATIN = 24
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "bot" / "data" / "examples"
SOURCE_DIR = ROOT / "corpus" / "source"


@dataclass(frozen=True)
class Overlap:
    case_id: str
    dice: float  # to the nearest example, over the case's texts
    run: int  # longest shared run of characters that is not the document's
    near_copy: bool


def fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def _bigrams(text: str) -> Counter[str]:
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def dice(a: Counter[str], b: Counter[str]) -> float:
    return 2 * sum((a & b).values()) / max(1, sum(a.values()) + sum(b.values()))


def _windows(text: str, size: int) -> set[str]:
    return {text[i : i + size] for i in range(len(text) - size + 1)}


class ExampleIndex:
    """The examples' bigram counts and their runs of RUN_MIN characters the document lacks."""

    def __init__(self, examples: Iterable[str], document: str) -> None:
        folded = [fold(t) for t in examples]
        self._grams = [_bigrams(t) for t in folded]
        own = _windows(fold(document), RUN_MIN)
        self._runs = set().union(*(_windows(t, RUN_MIN) for t in folded)) - own
        self._folded = folded

    def nearest_dice(self, text: str) -> float:
        grams = _bigrams(fold(text))
        return max((dice(grams, g) for g in self._grams), default=0.0)

    def longest_run(self, text: str) -> str:
        """The longest shared run, once it reaches RUN_MIN characters ("" below)."""
        t = fold(text)
        best = ""
        for i in range(len(t) - RUN_MIN + 1):
            if t[i : i + RUN_MIN] not in self._runs:
                continue
            end = i + max(len(best), RUN_MIN)
            while end <= len(t) and any(t[i:end] in e for e in self._folded):
                best, end = t[i:end], end + 1
        return best

    def overlap(self, case: GoldCase) -> Overlap:
        texts = [case.query, *case.history]
        best = round(max(self.nearest_dice(t) for t in texts), 3)
        runs = [self.longest_run(t) for t in texts]
        copied = best >= DICE_MIN or any(len(run) >= _run_min(run) for run in runs if run)
        return Overlap(case.id, best, max(len(run) for run in runs), copied)


def _run_min(run: str) -> int:
    latin = sum(c.isascii() for c in run) > len(run) / 2
    return RUN_MIN_LATIN if latin else RUN_MIN


def load_index() -> ExampleIndex:
    texts = [
        json.loads(line)["text"]
        for path in sorted(EXAMPLES_DIR.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    document = "".join(p.read_text(encoding="utf-8") for p in sorted(SOURCE_DIR.glob("*.txt")))
    return ExampleIndex(texts, document)


def near_copies(cases: Sequence[GoldCase], index: ExampleIndex | None = None) -> list[Overlap]:
    index = index or load_index()
    return [o for o in (index.overlap(c) for c in cases) if o.near_copy]


def main() -> None:
    index = load_index()
    for split in ("dev", "heldout"):
        cases = load_gold([split])
        found = near_copies(cases, index)
        print(f"{split}: {len(found)} of {len(cases)} cases have a near-copy among the examples")
        for o in found:
            print(f"  {o.case_id}  dice={o.dice:.3f}  run={o.run}")


if __name__ == "__main__":
    main()
