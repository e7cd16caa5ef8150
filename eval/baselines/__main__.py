"""``python -m eval.baselines --system bm25|dense|plain --jsonl``: one answer line per input line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from eval.baselines import SYSTEMS
from eval.baselines import __doc__ as PACKAGE_DOC


def main(argv: Sequence[str] | None = None) -> int:
    from corpus.load import load_corpus
    from eval.baselines.answer import build_answer
    from eval.baselines.gates import gate_for
    from eval.baselines.run import make_system
    from eval.bot_options import add_bot_options, bot_argv, settings_from_argv

    parser = argparse.ArgumentParser(
        prog="python -m eval.baselines",
        description=PACKAGE_DOC,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--system", choices=SYSTEMS, required=True)
    parser.add_argument(
        "--jsonl", action="store_true", required=True, help="JSON lines on stdin, one answer each"
    )
    parser.add_argument("--gate", type=float, help="override the gate of eval/baseline_gates.yaml")
    add_bot_options(parser, "as python -m bot's options (the same index and model)")
    args = parser.parse_args(argv)
    try:
        gate = args.gate if args.gate is not None else gate_for(args.system)
        settings = settings_from_argv(bot_argv(args))
        corpus = load_corpus()
        system = make_system(args.system, settings, corpus)
    except Exception as exc:  # one line, as the bot's start-up errors
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    failed = False
    for line in sys.stdin:
        started = time.perf_counter()
        try:
            query = str(json.loads(line)["query"])  # history is ignored: retrieval reads the query alone
            out = build_answer(query, system.retrieve(query), gate, corpus, started)
        except Exception as exc:  # one bad line must not stop the batch, as in the bot
            failed = True
            out = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
