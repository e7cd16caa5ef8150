"""The backends' graphs, each built from the model or from another backend's files.

- onnx: the whole sentence-transformers pipeline (transformer, mean pooling, normalize)
  traced into one graph, so the run needs no pooling code of its own.
- onnx-embed8: the transformer alone, exported to take several texts packed into one row
  (``index.packing``: each text attends only to itself, positions restart per text), with
  int8 embedding tables; the encoder mean-pools each text's tokens. A message's clauses then
  cost one row of their own length instead of a padded batch, and each clause's vector is the
  one it would get alone.
- onnx-int8: onnxruntime's dynamic quantization (int8 weights, activations quantized per
  call), what sentence-transformers' ``export_dynamic_quantized_onnx_model`` does.
- openvino: the ONNX graph converted to OpenVINO IR, f32.
- openvino-int8: nncf's post-training static quantization, what sentence-transformers'
  ``export_static_quantized_openvino_model`` does, calibrated on this project's own chunks
  (the texts the index embeds) instead of a hub data set, which is not reachable here.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from index.errors import EmbeddingModelError

MANIFEST = "export-manifest.json"
FILES = {
    "onnx": "model.onnx",
    "onnx-int8": "model_int8.onnx",
    "onnx-embed8": "model_embed8.onnx",
    "openvino": "openvino_model.xml",
    "openvino-int8": "openvino_model_int8.xml",
}
CALIBRATION_TEXTS = 300


def _exportable(model: Path | str, mean_pooling: bool = False) -> Any:
    """The sentence-transformers model, checked for what the exported graphs assume."""
    from index.embeddings import load_sentence_transformer

    st = load_sentence_transformer(model)
    for module in st:
        if getattr(module, "include_prompt", True) is False:
            raise EmbeddingModelError("the ONNX/OpenVINO backends need pooling that includes the prompt")
    modes = [getattr(m, "pooling_mode", None) for m in st]
    if mean_pooling and "mean" not in modes:
        raise EmbeddingModelError("the onnx-embed8 backend needs a model with mean pooling")
    return st


def _details(st: Any) -> dict[str, Any]:
    """What a run needs besides the graph, kept in the export's manifest."""
    from index.backends import _st_dimension

    tokenizer = st.tokenizer
    return {
        "prompts": {k: v for k, v in (st.prompts or {}).items() if v},
        "dimension": _st_dimension(st),
        "max_seq_length": int(st.max_seq_length),
        "pad_id": int(tokenizer.pad_token_id or 0),
        "pad_token": str(tokenizer.pad_token or "<pad>"),
    }


def _build_onnx(model: Path | str, _source: Path | None, out: Path) -> dict[str, Any]:
    import torch

    st = _exportable(model)
    features = st.preprocess(["query: 書き出し用の例文", "passage: example"])

    class Pipeline(torch.nn.Module):
        """input ids and mask -> sentence embedding, through every module of the model."""

        def __init__(self) -> None:
            super().__init__()
            self.st = st

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            out = self.st({"input_ids": input_ids, "attention_mask": attention_mask})["sentence_embedding"]
            return torch.nn.functional.normalize(out, dim=1)

    dynamic = {0: "batch", 1: "tokens"}
    with torch.inference_mode(), _quiet():
        # The TorchScript exporter: the dynamo one needs onnxscript's rewriter and gave no
        # faster graph for this encoder.
        torch.onnx.export(
            Pipeline().eval(),
            (features["input_ids"], features["attention_mask"]),
            str(out / FILES["onnx"]),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": dynamic,
                "attention_mask": dynamic,
                "sentence_embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    st.tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    return _details(st)


def _carry(source: Path, out: Path) -> dict[str, Any]:
    """The tokenizer and the run settings come along from the graph a build starts from."""
    shutil.copy2(source / "tokenizer.json", out / "tokenizer.json")
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    keys = ("prompts", "dimension", "max_seq_length", "pad_id", "pad_token")
    return {k: manifest[k] for k in keys}


def _build_onnx_int8(_model: Path | str, source: Path | None, out: Path) -> dict[str, Any]:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    assert source is not None
    with _quiet():
        quantize_dynamic(source / FILES["onnx"], out / FILES["onnx-int8"], weight_type=QuantType.QInt8)
    return _carry(source, out)


def _build_onnx_embed8(model: Path | str, _source: Path | None, out: Path) -> dict[str, Any]:
    """The transformer for packed rows (inputs: token ids, positions, segment ids; output: the
    token vectors), with int8 for the embedding tables only (Gather: a row lookup, then
    dequantized), every matrix product left in fp32. The 250k-piece word embedding is 384 of
    the model's 470 MB; at 8 bits it costs a quarter, and the vectors barely move
    (eval/bench.md)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    st = _exportable(model, mean_pooling=True)
    transformer = st[0].auto_model.eval()

    class Packed(torch.nn.Module):
        """Token vectors of a row holding several texts; a token sees only its own text's."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, segment_ids: torch.Tensor):
            mask = (segment_ids.unsqueeze(-1) == segment_ids.unsqueeze(-2)).unsqueeze(1)
            return self.transformer(
                input_ids=input_ids,
                attention_mask=mask,
                position_ids=position_ids,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state

    ids = torch.tensor([[0, 5, 6, 2, 0, 7, 2]])  # two texts in one row, to trace with
    positions, segments = torch.tensor([[0, 1, 2, 3, 0, 1, 2]]), torch.tensor([[0, 0, 0, 0, 1, 1, 1]])
    full = out / "packed_fp32.onnx"
    dynamic = {0: "rows", 1: "tokens"}
    names = ["input_ids", "position_ids", "segment_ids"]
    with torch.inference_mode(), _quiet():
        torch.onnx.export(
            Packed().eval(),
            (ids, positions, segments),
            str(full),
            input_names=names,
            output_names=["token_vectors"],
            dynamic_axes={n: dynamic for n in [*names, "token_vectors"]},
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(
            full, out / FILES["onnx-embed8"], op_types_to_quantize=["Gather"], weight_type=QuantType.QUInt8
        )
    full.unlink()
    st.tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    return {**_details(st), "packed": True}


def _build_openvino(_model: Path | str, source: Path | None, out: Path) -> dict[str, Any]:
    import openvino as ov

    assert source is not None
    graph = ov.convert_model(str(source / FILES["onnx"]))
    ov.save_model(graph, str(out / FILES["openvino"]), compress_to_fp16=False)
    return _carry(source, out)


def _build_openvino_int8(_model: Path | str, source: Path | None, out: Path) -> dict[str, Any]:
    import nncf
    import numpy as np
    import openvino as ov
    from tokenizers import Tokenizer

    assert source is not None
    details = _carry(source, out)
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    tokenizer.enable_truncation(int(details["max_seq_length"]))
    prompt = details["prompts"].get("passage") or details["prompts"].get("document") or ""

    def feed(text: str) -> dict[str, np.ndarray]:
        encoded = tokenizer.encode(prompt + text)
        return {
            "input_ids": np.array([encoded.ids], np.int64),
            "attention_mask": np.array([encoded.attention_mask], np.int64),
        }

    texts = calibration_texts()
    with _quiet():
        quantized = nncf.quantize(
            ov.Core().read_model(str(source / FILES["openvino"])),
            nncf.Dataset(texts, feed),
            model_type=nncf.ModelType.TRANSFORMER,
            subset_size=len(texts),
        )
    ov.save_model(quantized, str(out / FILES["openvino-int8"]), compress_to_fp16=False)
    return {**details, "calibration": f"{len(texts)} chunk texts of this project's corpus"}


def calibration_texts() -> Sequence[str]:
    from corpus.chunks import build_chunks
    from corpus.load import load_corpus

    return [c.text for c in build_chunks(load_corpus())][:CALIBRATION_TEXTS]


@contextlib.contextmanager
def _quiet():
    """Exporters warn about tracing details and print progress bars: not for the user."""
    import logging
    import warnings

    from index.e5_convert import quiet_transformers

    # nncf logs progress, onnxruntime's quantizer advice on the root logger
    loggers = [logging.getLogger("nncf"), logging.getLogger()]
    levels = [log.level for log in loggers]
    for log in loggers:
        log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), quiet_transformers():
            warnings.simplefilter("ignore")
            yield
    finally:
        for log, level in zip(loggers, levels, strict=True):
            log.setLevel(level)


_BUILD: dict[str, Callable[[Path | str, Path | None, Path], dict[str, Any]]] = {
    "onnx": _build_onnx,
    "onnx-int8": _build_onnx_int8,
    "onnx-embed8": _build_onnx_embed8,
    "openvino": _build_openvino,
    "openvino-int8": _build_openvino_int8,
}


def build_graph(backend: str, model: Path | str, source: Path | None, out: Path) -> dict[str, Any]:
    """Write ``backend``'s files into ``out``; what the manifest should record about them."""
    return _BUILD[backend](model, source, out)
