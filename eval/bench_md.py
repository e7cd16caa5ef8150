"""eval/bench.md from one bench result: targets, real corpus, start-up, backends, scaling.

Pure functions of the result dict (tests/test_bench_md.py); the Load section, written by
``python -m eval load --write``, is kept as it is (``merge_markdown``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LOAD_BEGIN = "<!-- load:begin -->"
MIB_PER_GB = 1e9 / 2**20  # the 1 GB target, in the MiB /proc reports: 953.7
RATIO_MAX = 1.15
TARGETS_S = {"app_http": 5.0, "app_answer": 8.0, "cli": 6.0}
SCALE_MS = {"keyword_p95": 5.0, "stage_p95": 25.0}
TARGET_SIZE = "100000"
NOT_RUN = "– (`--quick`)"
EVAL_COLUMNS = ("dir_hit@3", "dir_hit@1", "oos_accuracy")


def fmt(stat: Mapping[str, Any] | None) -> str:
    """``p50 / p95`` of a ``stats`` dict, 2 decimals; a dash where nothing was measured."""
    if not stat or stat.get("p50_ms") is None:
        return "–"
    return f"{stat['p50_ms']:.2f} / {stat['p95_ms']:.2f}"


def _cells(stat: Mapping[str, Any]) -> str:
    return f"{stat['p50_ms']:.2f} | {stat['p95_ms']:.2f}"


def merge_markdown(new: str, old: str) -> str:
    """The new tables, then the old file from the Load marker on, untouched (none: nothing)."""
    at = old.find(LOAD_BEGIN)
    return new.rstrip("\n") + "\n" + ("\n" + old[at:] if at >= 0 else "")


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "**met**" if value <= limit else "**not met**"


def targets(result: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(target, what was measured, met / not met / not measured) for each of issue 10's targets."""
    real, app, cli, jsonl = result["real"], result["app_start"], result["cli_cold_start"], result["jsonl"]
    r = real["ratio_to_bare"]
    rows = [
        (
            f"whole pipeline ≤ {RATIO_MAX}× one bare encode (p50; warm, dev)",
            f"{r['p50']}× (p95 {r['p95']}×)",
            _verdict(r["p50"], RATIO_MAX),
        ),
        (
            f"`python app.py` to first HTTP 200 ≤ {TARGETS_S['app_http']:g} s",
            f"{app['http_s']} s",
            _verdict(app["http_s"], TARGETS_S["app_http"]),
        ),
        (
            f"`python app.py` to first answer ≤ {TARGETS_S['app_answer']:g} s",
            f"{app['answer_s']} s",
            _verdict(app["answer_s"], TARGETS_S["app_answer"]),
        ),
        (
            f"CLI cold first answer ≤ {TARGETS_S['cli']:g} s",
            f"{cli['median_s']} s",
            _verdict(cli["median_s"], TARGETS_S["cli"]),
        ),
        (
            f"RSS while answering ≤ 1 GB ({MIB_PER_GB:.1f} MiB; `--jsonl` after its answers)",
            f"{jsonl['rss_after_mb']} MiB",
            _verdict(jsonl["rss_after_mb"], MIB_PER_GB),
        ),
    ]
    big = result["scaling"]["sizes"].get(TARGET_SIZE)
    kw = big["keyword"]["query"]["p95_ms"] if big else None
    rows.append(
        (
            "100k synthetic: keyword p95 ≤ 5 ms",
            f"{kw} ms" if big else NOT_RUN,
            _verdict(kw, SCALE_MS["keyword_p95"]),
        )
    )
    for store in ("chroma_local", "chroma_server"):
        p95 = big[store]["retrieval_stage"]["query"]["p95_ms"] if big else None
        rows.append(
            (
                f"100k synthetic: retrieval stage excl. encode p95 ≤ 25 ms ({store})",
                f"{p95} ms" if big else NOT_RUN,
                _verdict(p95, SCALE_MS["stage_p95"]),
            )
        )
    return rows


def bench_markdown(result: Mapping[str, Any]) -> str:
    lines = [
        "# 施策ナビ — benchmarks",
        "",
        f"`python -m eval bench{' --quick' if result['quick'] else ''}` on {result['machine']}"
        f" ({result['generated']}, {result['total_s']} s, 1-min load average "
        f"{result['load_avg'][0]} → {result['load_avg'][1]}), embedding backend "
        f"`{result['backend']}`; every number below is from this one run. Raw numbers: `eval/bench.json`.",
        "",
        "## Targets (issue 10)",
        "",
        "| target | measured | |",
        "|---|---:|---|",
        *(f"| {t} | {m} | {v} |" for t, m, v in targets(result)),
        "",
    ]
    lines += real_markdown(result["real"], result["jsonl"])
    lines += startup_markdown(result)
    lines += backends_markdown(result["backends"])
    lines += scaling_markdown(result["scaling"])
    return "\n".join(lines) + "\n"


def real_markdown(real: Mapping[str, Any], jsonl: Mapping[str, Any]) -> list[str]:
    calls = real["retrieval_calls"]
    rb, rc = real["ratio_to_bare"], real["ratio_to_batch"]
    return [
        "## Real corpus, per question (warm)",
        "",
        f"In the bench's process, {real['questions']} dev questions (`eval/gold.jsonl`) × {real['rounds']} "
        "rounds; per question a, b, c, c′ and the direct rows one after the other, so a busy moment hits "
        "them alike. The direct rows run `rec.ask` with an encoder that answers from memory. Chroma + "
        f"BM25 were queried {calls['calibrated']} times over the {real['questions']} questions as "
        "calibrated (`retrieval_weight` in bot/data/calibration.yaml; at 0 only case questions naming "
        f"no company query it), {calls['forced']} times with weight 0.2.",
        "",
        "| measure | p50 (ms) | p95 (ms) |",
        "|---|---:|---:|",
        f"| (a) one bare encode of the whole question (`embed_query_array`) | {_cells(real['bare'])} |",
        f"| (b) the clause batch encode (`Recommender.encode`) | {_cells(real['batch'])} |",
        f"| (c) `rec.ask` end to end | {_cells(real['ask'])} |",
        f"| (c) / (a), × | {rb['p50']} | {rb['p95']} |",
        f"| (c) / (b), × | {rc['p50']} | {rc['p95']} |",
        f"| pipeline excluding the encode, c − b | {_cells(real['ask_minus_batch'])} |",
        f"| pipeline excluding the encode, direct | {_cells(real['no_encode'])} |",
        f"| (c′) `rec.ask`, retrieval forced on (weight 0.2) | {_cells(real['ask_retrieval'])} |",
        f"| retrieval on, excluding the encode, c′ − b | {_cells(real['ask_retrieval_minus_batch'])} |",
        f"| retrieval on, excluding the encode, direct | {_cells(real['no_encode_retrieval'])} |",
        f"| `ask --jsonl` round trip, JSON protocol included ({jsonl['round_trip']['n']} dev questions, "
        f"own process) | {_cells(jsonl['round_trip'])} |",
        "",
    ]


def startup_markdown(result: Mapping[str, Any]) -> list[str]:
    cli, app, jsonl = result["cli_cold_start"], result["app_start"], result["jsonl"]
    build = result["index_build"]
    runs = len(app["runs_http_s"])
    return [
        "## Start-up and memory (built index)",
        "",
        "| measure | value |",
        "|---|---:|",
        f'| CLI cold first answer, `python -m bot ask "{result["cli_question"]}"`, median of '
        f"{len(cli['runs_s'])} (s) | {cli['median_s']} ({', '.join(map(str, cli['runs_s']))}) |",
        f"| peak RSS of that CLI process (MiB) | {cli['peak_rss_mb']} |",
        f"| `python app.py` to first HTTP 200, median of {runs} (s) | {app['http_s']} "
        f"({', '.join(map(str, app['runs_http_s']))}) |",
        f"| `python app.py` to first answer via `/ask`, asked at the first 200 (s) | {app['answer_s']} "
        f"({', '.join(map(str, app['runs_answer_s']))}) |",
        f"| RSS of the app after its first answer (MiB) | {app['rss_after_answer_mb']} |",
        f"| `ask --jsonl`: process start to first answer (ms) | {jsonl['cold_start_ms']} |",
        f"| `ask --jsonl`: RSS after {jsonl['answered']} answers / peak (MiB) | "
        f"{jsonl['rss_after_mb']} / {jsonl['peak_rss_mb']} |",
        f"| index build from nothing incl. model conversion and backend export (s) | {build['seconds']} |",
        f"| peak RSS of the index build (MiB) | {build['peak_rss_mb']} |",
        "",
    ]


def backends_markdown(backends: Mapping[str, Any]) -> list[str]:
    rows = backends["rows"]
    with_eval = all("eval" in r for r in rows.values())
    note = ""
    if with_eval and backends.get("eval_measured"):
        note = (
            f" The eval columns are from {backends['eval_measured']}, not re-measured by this run "
            "(an index build and a full eval per backend, ~8 min): `python -m eval.bench_backends --eval`."
        )
    lines = [
        "## Encoding backends",
        "",
        "Each in a fresh process on the bundled multilingual-e5-small: one dev question at a time; "
        "cosine of its query vectors with torch's; eval = `python -m eval run --no-baselines` on an "
        f"index built by that backend. Default: `{backends['default']}` (the scores of torch within "
        "0.01, no torch import at start, and the least memory among those: only its 250k-piece "
        "embedding table is int8; a message's clauses are packed into one row, each attending only "
        f"to itself, instead of a padded batch: `index/packing.py`).{note}",
        "",
        "| backend | encode p50 / p95 (ms) | load (s) | peak RSS (MiB) | cosine vs torch min / mean |"
        + (" dir_hit@3 | dir_hit@1 | oos_accuracy |" if with_eval else ""),
        "|---|---:|---:|---:|---:|" + ("---:|---:|---:|" if with_eval else ""),
    ]
    for name, r in rows.items():
        cos = r["cosine_vs_torch"]
        line = f"| {name} | {fmt(r['encode'])} | {r['load_s']} | {r['peak_rss_mb']} | "
        line += f"{cos['min']} / {cos['mean']} |"
        if with_eval:
            line += "".join(f" {r['eval'][m]} |" for m in EVAL_COLUMNS)
        lines.append(line)
    return [*lines, ""]


def scaling_markdown(scale: Mapping[str, Any]) -> list[str]:
    lines = [
        "## Scaling (synthetic)",
        "",
        scale["method"] + ". Keyword = the engine's sparse BM25 (BM25Okapi's scores); rank_bm25 (before) "
        "and bm25s (Robertson idf, no floor: not the same scores) for comparison. Retrieval stage = "
        "`bot.retrieve.retrieve` + `bot.rank.retrieval_shares` as the engine runs them (Sudachi on the "
        "question, dense, keyword, rank fusion, aggregation into directions), the encode excluded. "
        "Fresh start = a new process loading the stored terms, opening the collection and searching "
        "both once.",
        "",
        "| chunks | what | build (s) | query p50 / p95 (ms, k=40) | fresh start (s) / peak RSS (MiB) |",
        "|---:|---|---:|---:|---:|",
    ]
    for n, row in scale["sizes"].items():
        kw = row["keyword"]
        size = f"{int(n):,}"
        for what, r in (
            ("keyword (sparse BM25, from stored terms)", kw),
            ("rank_bm25 (before)", kw["rank_bm25"]),
            ("bm25s", kw["bm25s"]),
        ):
            lines.append(f"| {size} | {what} | {r['build_s']} | {fmt(r['query'])} | – |")
        for name in ("chroma_local", "chroma_server"):
            r, fs = row[name], row[name]["fresh_start"]
            lines.append(
                f"| {size} | dense, {name} | {r['build_s']} | {fmt(r['query'])} | "
                f"{fs['wall_s']} / {fs['peak_rss_mb']} |"
            )
        for name in ("chroma_local", "chroma_server"):
            stage = row[name]["retrieval_stage"]["query"]
            lines.append(f"| {size} | **retrieval stage excl. encode**, {name} | – | {fmt(stage)} | – |")
        lines += [
            f"| {size} | stored terms: count matrix / load ({kw['terms_file_mb']} MiB file) | "
            f"{kw['terms_count_s']} / {kw['terms_load_s']} | – | – |",
            f"| {size} | Sudachi tokenization of every chunk (estimated; now once per new chunk) | "
            f"{row['tokenize_s_estimated']} | – | – |",
        ]
    return [*lines, ""]
