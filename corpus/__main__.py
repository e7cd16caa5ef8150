"""``python -m corpus [--json] [--data-dir DIR]``: verify and show the structured corpus."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from corpus.errors import CorpusError
from corpus.export import summary, to_json
from corpus.load import load_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the structured corpus as JSON")
    parser.add_argument("--data-dir", type=Path, default=None, help="folder with document.yaml and aids.yaml")
    args = parser.parse_args(argv)
    try:
        corpus = load_corpus(args.data_dir)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(to_json(corpus), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(summary(corpus))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
