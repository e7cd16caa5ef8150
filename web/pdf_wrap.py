"""Line breaking for the PDF sheet, for Japanese and English alike (pure).

fpdf2 breaks either at spaces (English words, but a Japanese sentence has none) or anywhere
(Japanese, but an English line then breaks inside words: 「compa|ny」). Text on the sheet mixes
both, so it is cut into units that must stay whole: a run of Latin letters/digits is one unit,
each Japanese character is one, and the usual kinsoku rules glue closing punctuation and small
kana to the unit before and opening brackets to the unit after. Lines are then filled greedily.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from web.display import JA_CHARS

_UNITS = re.compile(rf"\s+|[{JA_CHARS}]|[^\s{JA_CHARS}]+")
# must not begin a line (closing brackets, punctuation, small kana, the long-vowel mark)
NO_START = set("、。，．・：；？！ー）」』】〕〉》”’ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々,.:;!?)]}%")
# must not end a line (opening brackets)
NO_END = set("（「『【〔〈《“‘([{")

Measure = Callable[[str], float]


def units(text: str) -> list[str]:
    """Unbreakable pieces; ' ' stands for any run of spaces (a break opportunity)."""
    out: list[str] = []
    glue_next = False
    for piece in _UNITS.findall(text):
        if piece.isspace():
            out.append(" ")
            glue_next = False
            continue
        if out and out[-1] != " " and (glue_next or piece[0] in NO_START):
            out[-1] += piece
        else:
            out.append(piece)
        glue_next = piece[-1] in NO_END
    return out


def _split_long(unit: str, width: float, measure: Measure) -> list[str]:
    """A unit wider than a whole line (a long URL): cut by characters, the only way left."""
    pieces, cur = [], ""
    for ch in unit:
        if cur and measure(cur + ch) > width:
            pieces.append(cur)
            cur = ""
        cur += ch
    return [*pieces, cur] if cur else pieces


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Lines no wider than ``width`` that break only between units; explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        cur = ""
        for unit in units(paragraph):
            if unit == " ":
                cur = cur + " " if cur else cur  # a line never starts with a space
                continue
            if measure(cur + unit) <= width:
                cur += unit
                continue
            if cur.strip():
                lines.append(cur.rstrip())
            pieces = _split_long(unit, width, measure) if measure(unit) > width else [unit]
            lines += pieces[:-1]
            cur = pieces[-1]
        lines.append(cur.rstrip())
    return lines
