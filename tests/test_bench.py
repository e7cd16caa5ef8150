"""The bench's pure helpers: percentiles and ratios, bench.md's tables and targets, carried columns.

Fast: no model, no store, no process (the bench itself is ``python -m eval bench``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eval.bench_backends import carry_eval
from eval.bench_common import ratio, stats
from eval.bench_inprocess import MemoEncoder, minus
from eval.bench_md import LOAD_BEGIN, bench_markdown, fmt, merge_markdown, targets
from eval.bench_scale import sentences
from eval.bench_startup import bot_env


def _stat(p50: float, p95: float, n: int = 10) -> dict[str, Any]:
    return {"p50_ms": p50, "p95_ms": p95, "n": n}


def test_stats_and_ratio() -> None:
    s = stats([1.0, 2.0, 3.0, 4.0, 5.0])
    assert s == {"p50_ms": 3.0, "p95_ms": 4.8, "n": 5}
    assert stats([]) == {"p50_ms": None, "p95_ms": None, "n": 0}
    assert ratio(_stat(23.0, 40.0), _stat(20.0, 32.0)) == {"p50": 1.15, "p95": 1.25}
    assert ratio(_stat(1.0, 2.0), stats([])) == {"p50": None, "p95": None}  # nothing to divide by


def test_minus_pairs_samples() -> None:
    assert minus([5.0, 7.0], [4.0, 8.0]) == [1.0, -1.0]


def test_memo_encoder_encodes_once_and_hands_out_copies() -> None:
    class Encoder:
        calls = 0
        model_name = "m"

        def embed_queries_array(self, texts: list[str]) -> np.ndarray:
            Encoder.calls += 1
            return np.ones((len(texts), 2), dtype=np.float32)

    memo = MemoEncoder(Encoder())
    first = memo.embed_queries_array(["a", "b"])
    first[0, 0] = 9.0  # a caller changing its vectors must not change the next answer
    assert memo.embed_queries_array(["a", "b"])[0, 0] == 1.0
    assert Encoder.calls == 1 and memo.model_name == "m"


def test_merge_keeps_the_load_section_and_drops_what_stood_before_it() -> None:
    old = f"# old\n\n| stale | table |\n\n{LOAD_BEGIN}\n## Load\n| row |\n<!-- load:end -->\n\nnotes\n"
    merged = merge_markdown("# new\n\n| fresh |\n", old)
    assert merged.startswith("# new\n\n| fresh |\n\n" + LOAD_BEGIN)
    assert merged.endswith("<!-- load:end -->\n\nnotes\n") and "stale" not in merged
    assert merge_markdown("# new\n", "no marker") == "# new\n"


def test_carry_eval_takes_columns_and_date_from_the_previous_run() -> None:
    now = {"default": "onnx", "rows": {"onnx": {"load_s": 1.0}}}
    before = {"generated": "2026-11-25", "backends": {"rows": {"onnx": {"eval": {"dir_hit@3": 0.9}}}}}
    out = carry_eval(now, before)
    assert out["rows"]["onnx"] == {"load_s": 1.0, "eval": {"dir_hit@3": 0.9}}
    assert out["eval_measured"] == "2026-11-25"
    assert carry_eval(now, None) == now
    assert carry_eval(now, {"backends": {"rows": {"onnx": {}}}}) == now  # nothing to carry


def test_bot_env_maps_global_flags() -> None:
    assert bot_env(["--data-dir", "/d", "--chroma-port", "8000"]) == {
        "SMENAVI_DATA_DIR": "/d",
        "SMENAVI_CHROMA_PORT": "8000",
    }


def test_sentences_keep_their_chunks_links() -> None:
    class C:
        def __init__(self, text: str, directions: tuple[str, ...], curated: bool = False) -> None:
            self.text, self.directions, self.programs, self.curated = text, directions, (), curated

    pieces = sentences([C("事業承継が進まない。短い", ("A",)), C("事業承継が進まない", ("B",), True)])
    assert [(p.text, p.directions, p.curated) for p in pieces] == [("事業承継が進まない", ("A", "B"), True)]


def _result(quick: bool) -> dict[str, Any]:
    s = _stat(1.0, 2.0)
    store = {"build_s": 1.0, "query": s, "retrieval_stage": {"query": _stat(9.0, 30.0)}}
    store["fresh_start"] = {"wall_s": 1.0, "peak_rss_mb": 100.0}
    size = {
        "keyword": {
            "build_s": 0.1,
            "query": _stat(0.5, 3.0),
            "rank_bm25": {"build_s": 1, "query": s},
            "bm25s": {"build_s": 1, "query": s},
            "terms_file_mb": 1.0,
            "terms_count_s": 0.1,
            "terms_load_s": 0.01,
        },
        "chroma_local": store,
        "chroma_server": store,
        "tokenize_s_estimated": 3.0,
    }
    names = ("bare", "batch", "ask", "ask_retrieval", "no_encode", "no_encode_retrieval")
    real: dict[str, Any] = {k: s for k in (*names, "ask_minus_batch", "ask_retrieval_minus_batch")}
    real |= {
        "ratio_to_bare": {"p50": 1.1, "p95": 1.3},
        "ratio_to_batch": {"p50": 1.05, "p95": 1.1},
        "retrieval_calls": {"calibrated": 0, "forced": 80},
        "questions": 90,
        "rounds": 2,
    }
    row = {"encode": s, "load_s": 1.0, "peak_rss_mb": 900.0, "cosine_vs_torch": {"min": 1.0, "mean": 1.0}}
    return {
        "quick": quick,
        "machine": "2 CPUs, linux",
        "generated": "2026-11-26T00:00:00+00:00",
        "total_s": 100.0,
        "load_avg": [1.0, 2.0],
        "backend": "onnx",
        "cli_question": "後継ぎがいない",
        "real": real,
        "jsonl": {
            "round_trip": s,
            "answered": 100,
            "errors": 0,
            "cold_start_ms": 3000.0,
            "rss_after_mb": 980.0,
            "peak_rss_mb": 1000.0,
        },
        "cli_cold_start": {"median_s": 5.5, "runs_s": [5.5, 5.6, 5.4], "peak_rss_mb": 950.0},
        "app_start": {
            "http_s": 3.0,
            "answer_s": 9.0,
            "runs_http_s": [3.0],
            "runs_answer_s": [9.0],
            "rss_after_answer_mb": 1200.0,
        },
        "index_build": {"seconds": 50.0, "peak_rss_mb": 2000.0},
        "backends": {"default": "onnx", "rows": {"onnx": row}},
        "scaling": {"method": "m", "sizes": {"1000": size, **({} if quick else {"100000": size})}},
    }


def test_targets_say_met_or_not_honestly() -> None:
    verdicts = {t.split(" ≤")[0]: v for t, _, v in targets(_result(quick=False))}
    assert verdicts["whole pipeline"] == "**met**"  # 1.1 ≤ 1.15
    assert verdicts["`python app.py` to first answer"] == "**not met**"  # 9 s > 8 s
    assert verdicts["RSS while answering"] == "**not met**"  # 980 MiB is more than 1 GB
    assert verdicts["100k synthetic: keyword p95"] == "**met**"
    stages = [v for t, _, v in targets(_result(quick=False)) if "retrieval stage" in t]
    assert stages == ["**not met**", "**not met**"]  # 30 ms > 25 ms
    quick = [v for t, _, v in targets(_result(quick=True)) if t.startswith("100k")]
    assert quick == ["not measured"] * 3


def test_markdown_has_every_section_once() -> None:
    md = bench_markdown(_result(quick=False))
    for heading in ("## Targets", "## Real corpus", "## Start-up", "## Encoding backends", "## Scaling"):
        assert md.count(heading) == 1
    assert "| (c) / (a), × | 1.1 | 1.3 |" in md
    assert "| 100,000 | **retrieval stage excl. encode**, chroma_server | – | 9.00 / 30.00 | – |" in md
    assert fmt(None) == "–" and fmt(_stat(1.0, 2.5)) == "1.00 / 2.50"
