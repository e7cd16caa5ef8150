"""``python -m eval from-feedback``: reviewed 👎 answers become gold-set candidate lines.

A counselor reviews a 👎 on the desk's insights tab: which directions should have matched, or
that declining was right. Each reviewed vote becomes one line in the gold schema (eval/gold.py,
validated here), written to a separate file for a human to check and copy into the gold files
by hand; this command never writes the gold files.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eval.gold import GOLD_FILES, GoldCase

REPO = Path(__file__).resolve().parent.parent


def next_ids(taken: Iterable[str]) -> Iterable[str]:
    n = max((int(i[1:]) for i in taken), default=0)
    while True:
        n += 1
        yield f"g{n:03d}"


def candidate(vote: dict[str, Any], case_id: str) -> GoldCase:
    review = vote["review"]
    in_scope = bool(review.get("in_scope"))
    category = ("english" if vote["lang"] == "en" else "colloquial") if in_scope else "out_of_scope"
    return GoldCase.model_validate(
        {
            "id": case_id,
            "split": "dev",
            "category": category,
            "lang": vote["lang"] if vote["lang"] == "en" else "ja",
            "query": vote["question"],
            "expected": {"in_scope": in_scope, "directions": list(review.get("directions", []))[:3]},
        }
    )


def gold_ids_and_queries() -> tuple[set[str], set[str]]:
    """Ids and queries of both gold files, read as plain JSON (a candidate must not reuse either,
    whatever else a gold line currently fails on)."""
    ids, queries = set(), set()
    for path in GOLD_FILES.values():
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else ():
            if line.strip():
                raw = json.loads(line)
                ids.add(str(raw.get("id", "")))
                queries.add(str(raw.get("query", "")))
    return {i for i in ids if i.startswith("g") and i[1:].isdigit()}, queries


def candidates(votes: Iterable[dict[str, Any]]) -> list[GoldCase]:
    """Reviewed 👎 votes as gold cases with fresh ids; questions already in the gold set are skipped."""
    gold_ids, known = gold_ids_and_queries()
    ids = next_ids(gold_ids)
    out = []
    for vote in votes:
        if vote.get("vote") == "down" and vote.get("review") and vote["question"] not in known:
            out.append(candidate(vote, next(ids)))
            known.add(vote["question"])
    return out


def run_from_feedback(args: argparse.Namespace) -> int:
    from bot.settings import Settings
    from web.feedback import FeedbackStore

    out = Path(args.out)
    if out.resolve() in {p.resolve() for p in GOLD_FILES.values()}:
        print("error: candidates go to their own file, never into the gold files", file=sys.stderr)
        return 2
    store = FeedbackStore(args.database or Settings().database)
    cases = candidates(store.rows(vote="down"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case.model_dump(exclude_defaults=True), ensure_ascii=False) + "\n")
    print(
        f"{len(cases)} candidates written to {out} (review them, then copy the good ones into "
        f"{GOLD_FILES['dev'].relative_to(REPO)} by hand)",
        file=sys.stderr,
    )
    return 0
