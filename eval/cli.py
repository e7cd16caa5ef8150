"""``python -m eval``: run | report | bench | calibrate | baselines-calibrate | load | from-feedback."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eval.baselines import SYSTEMS as SYSTEM_NAMES  # the package's __init__ imports nothing heavy
from eval.bot_options import add_bot_options, bot_argv

if TYPE_CHECKING:
    from eval.systems import SystemSpec


def _specs(args: argparse.Namespace, with_baselines: bool) -> tuple[SystemSpec, list[SystemSpec]]:
    from eval.systems import SystemSpec, pipeline_spec

    opts = bot_argv(args)
    pipeline = pipeline_spec("pipeline", opts)
    if not with_baselines:
        return pipeline, []
    # each baseline reads the same index and model as the pipeline, behind its own gate
    return pipeline, [
        SystemSpec(name, (sys.executable, "-m", "eval.baselines", "--system", name, "--jsonl", *opts))
        for name in SYSTEM_NAMES
    ]


def run_eval(
    args: argparse.Namespace, with_baselines: bool, splits: Sequence[str] = ("dev",)
) -> dict[str, Any]:
    from corpus.load import load_corpus
    from eval.gold import load_gold
    from eval.runner import evaluate, results_json

    cases = load_gold(splits)
    corpus = load_corpus()
    pipeline_spec_, baseline_specs = _specs(args, with_baselines)
    pipeline = evaluate(pipeline_spec_, cases, corpus)
    baselines = [evaluate(s, cases, corpus) for s in baseline_specs]
    return {
        "results": results_json(cases, pipeline, baselines, corpus),
        "pipeline": pipeline,
        "baselines": baselines,
        "cases": cases,
        "corpus": corpus,
    }


def cmd_run(args: argparse.Namespace) -> int:
    from eval.guard import check, load_floors

    if args.guard:
        floors = load_floors()  # a bad floors file should fail before the slow part
        # the guard scores the dev split only: held-out cases are looked at once, after the work
        data = run_eval(args, with_baselines=False, splits=("dev",))["results"]
        ok, text = check(data["by_split"]["dev"], floors)
        print(text)
        return 0 if ok else 1
    splits = ("dev", "heldout") if args.split == "all" else (args.split,)
    data = run_eval(args, with_baselines=not args.no_baselines, splits=splits)["results"]
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        from eval.report import summary_lines

        print("\n".join(summary_lines(data)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from eval.report import write_report

    got = run_eval(args, with_baselines=True, splits=("dev", "heldout"))
    md, png = write_report(
        got["results"],
        got["pipeline"],
        got["baselines"],
        got["cases"],
        show_heldout_failures=args.show_heldout_failures,
        source_text=got["corpus"].source.text,
    )
    print(f"wrote {md} and {png}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from eval.bench import run_bench

    run_bench(quick=args.quick, bot_options=bot_argv(args))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from eval.calibrate import run_calibrate

    return run_calibrate(write=args.write, bot_options=bot_argv(args), models=args.models)


def cmd_baselines_calibrate(args: argparse.Namespace) -> int:
    from eval.baselines.run import run_baselines_calibrate

    return run_baselines_calibrate(bot_argv(args), args.systems or SYSTEM_NAMES)


def cmd_load(args: argparse.Namespace) -> int:
    from eval.load import run_load

    return run_load(args)


def cmd_from_feedback(args: argparse.Namespace) -> int:
    from eval.from_feedback import run_from_feedback

    return run_from_feedback(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval", description="Evaluate 施策ナビ against eval/gold.jsonl."
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="score the pipeline and the baselines")
    run.add_argument("--json", action="store_true", help="print the results as one JSON object")
    run.add_argument(
        "--guard", action="store_true", help="pipeline on the dev split only; exit 1 below eval/floors.yaml"
    )
    run.add_argument("--no-baselines", action="store_true", help="score the pipeline only")
    run.add_argument(
        "--split",
        choices=("dev", "heldout", "all"),
        default="dev",
        help="which gold cases (default dev; look at held-out once, after the work)",
    )
    run.set_defaults(func=cmd_run)
    report = sub.add_parser("report", help="run everything and write eval/report.md and its chart")
    report.add_argument(
        "--show-heldout-failures",
        action="store_true",
        help="list held-out failures with their queries (final reporting only)",
    )
    report.set_defaults(func=cmd_report)
    bench = sub.add_parser("bench", help="latency, cold start, build time, memory, scaling")
    bench.add_argument("--quick", action="store_true", help="skip the 100k-chunk scaling run")
    bench.set_defaults(func=cmd_bench)
    cal = sub.add_parser("calibrate", help="the bot's thresholds from the dev split")
    cal.add_argument("--write", action="store_true", help="store them in bot/data/calibration.yaml")
    cal.add_argument(
        "--models",
        action="store_true",
        help="first choose the models' settings by cross-validation on the examples",
    )
    cal.set_defaults(func=cmd_calibrate)
    bcal = sub.add_parser(
        "baselines-calibrate",
        help="fit each baseline's scope gate on the dev split (eval/baseline_gates.yaml)",
    )
    bcal.add_argument("--systems", nargs="+", choices=SYSTEM_NAMES, help="only these (default: all)")
    bcal.set_defaults(func=cmd_baselines_calibrate)
    _add_app_commands(sub)
    for sp in (run, report, bench, cal, bcal):
        add_bot_options(sp)
    return p


def _add_app_commands(sub: Any) -> None:
    """The commands about the running app: the load test, and feedback into gold candidates."""
    load = sub.add_parser("load", help="many sessions at once against the app's /ask API")
    load.add_argument("--sessions", type=int, default=50)
    load.add_argument("--questions", type=int, default=3, help="questions per session, asked in turn")
    load.add_argument("--url", help="a running app; default: start python app.py on a free port")
    load.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        default=[2],
        help="SMENAVI_CONCURRENCY values to compare (only without --url)",
    )
    load.add_argument("--ramp", type=float, default=0.0, help="sessions start spread over this many seconds")
    load.add_argument("--think", type=float, default=0.0, help="seconds a session reads an answer")
    load.add_argument("--write", action="store_true", help="append the rows to eval/bench.md")
    load.set_defaults(func=cmd_load)
    fb = sub.add_parser("from-feedback", help="reviewed 👎 answers → gold-set candidate lines")
    fb.add_argument("--out", default="eval/candidates.jsonl", help="candidates for a human to review")
    fb.add_argument("--database", help="SQLAlchemy URL; default: the app's database (Settings)")
    fb.set_defaults(func=cmd_from_feedback)


def main(argv: Sequence[str] | None = None) -> int:
    from eval.gold import GoldError
    from eval.systems import SystemRunError

    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (GoldError, SystemRunError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
