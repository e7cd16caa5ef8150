"""``python -m eval calibrate``: the bot's thresholds, fitted on the dev split only.

The engine records, for each dev case, what its decisions read (clause types, direction
probabilities, retrieval, program confidence); eval.tuning replays the decisions under
other thresholds. With ``--models`` the models' regularization and token weights are
chosen first, by 5-fold cross-validation on the labelled examples (never on gold cases).
Held-out cases are never loaded. ``--write`` stores the result in bot/data/calibration.yaml.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import yaml

from eval.tuning import (
    START,
    ProblemCase,
    ScopeCase,
    topic_threshold,
    tune_declines,
    tune_problem,
    weak_threshold,
)

HEADER = """\
# The bot's learned decisions: how strongly each model is regularized, the token model's
# share in each decision, and the thresholds that turn probabilities into what an answer
# presents. Written by `python -m eval calibrate --write` (dev split only; the models'
# settings by cross-validation on the labelled examples); edit only with it.
"""


def _record(rec: Any, cases: Sequence[Any], topic_min: float) -> tuple[list[ScopeCase], list[ProblemCase]]:
    """What each dev case's decisions read; the decline cases read with ``topic_min``."""
    from bot.classify import read_kinds
    from bot.keywords import tokens
    from bot.understand import read_message

    problems: list[ProblemCase] = []
    encoded = []
    for case in cases:
        message = read_message(case.query, rec.settings.max_query_chars, None, rec.kana.restore)
        vector, clause_vectors = rec.encode(message)
        encoded.append((case, message, vector, clause_vectors))
        reading = rec.read(message, (vector, clause_vectors), after_answer=bool(case.history))
        if case.question_type == "problem" and reading.kind == "problem" and not case.history:
            problems.append(
                ProblemCase(
                    case.id,
                    rec.evidence(message, reading),
                    tuple(case.expected.directions),
                    tuple(case.expected.programs),
                    case.category == "multi",
                )
            )
    scope = []
    for case, message, vector, clause_vectors in encoded:

        def declines(
            mins: Any,
            floor: float,
            m: Any = message,
            v: Any = vector,
            cv: Any = clause_vectors,
            later: bool = bool(case.history),
        ) -> bool:
            types = rec.models.types
            kind = read_kinds(m, v, cv, tokens, types, mins, floor, rec._topic, topic_min, later).kind
            return kind in ("out_of_scope", "instruction")

        scope.append(ScopeCase(case.id, message.lang, not case.expected.in_scope, declines))
    return scope, problems


def _topicless(rec: Any) -> list[float]:
    """The direction model's best score on the examples that raise no problem at all."""
    from bot.examples import load_examples
    from bot.keywords import tokens
    from bot.understand import read_message

    out = []
    for example in load_examples(rec.corpus).of_type("context", "filler"):
        message = read_message(example.text, rec.settings.max_query_chars, None, rec.kana.restore)
        vector, _ = rec.encode(message)
        out.append(rec.models.directions.ranked(vector, tokens(message.search))[0][1])
    return out


MAX_ROUNDS = 6


def run_calibrate(write: bool, bot_options: Sequence[str], models: bool = False) -> int:
    from bot.calibration import CALIBRATION_FILE, Calibration, load_calibration
    from bot.engine import Recommender
    from eval.bot_options import settings_from_argv

    settings = settings_from_argv(bot_options)
    data = load_calibration().model_dump()
    if models:
        from eval.model_selection import select_models

        data["strength"], data["token_weight"] = select_models(settings)
    # the thresholds below are fitted on the models just chosen, written or not
    rec = Recommender.load(
        settings,
        progress=lambda m: print(f"[calibrate] {m}", file=sys.stderr),
        calibration=Calibration.model_validate(data),
    )
    # Which dev cases read as problems depends on the decline and topic thresholds being
    # fitted, so fit again on the result until nothing moves: the calibration is then a fixed
    # point of the dev cases (or a fixed member of the cycle it falls into), whatever file it
    # started from. Only thresholds change between
    # rounds, so the loaded engine serves every round with its calibration replaced.
    seen = [data]
    for _ in range(MAX_ROUNDS):
        fitted, counts = _fit(replace(rec, calibration=Calibration.model_validate(data)), data)
        if fitted in seen:
            # a fixed point, or a cycle (two cases trade places as the thresholds move): the same
            # member of the cycle is chosen whatever file it started from
            cycle = seen[seen.index(fitted) :]
            data = min(cycle, key=lambda d: yaml.safe_dump(d, sort_keys=True))
            break
        seen.append(fitted)
        data = fitted
    else:
        print(f"[calibrate] not settled after {MAX_ROUNDS} rounds; the last is shown", file=sys.stderr)
    print(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    print(f"[calibrate] from {counts[0]} dev cases ({counts[1]} read as problems)", file=sys.stderr)
    if write:
        _dump(CALIBRATION_FILE, data)
        print(f"wrote {CALIBRATION_FILE}")
    return 0


def _fit(rec: Any, data: dict[str, Any]) -> tuple[dict[str, Any], tuple[int, int]]:
    """The thresholds fitted on the dev cases as ``rec`` reads them (its calibration: ``data``)."""
    from bot.present import Thresholds
    from eval.gold import load_gold

    out = {**data, "decline_min": {}, "content_min": {}}
    topicless = _topicless(rec)
    out["topic_min"] = topic_threshold(topicless)
    scope, problems = _record(rec, load_gold(["dev"]), out["topic_min"])
    for lang in ("ja", "en"):
        out["decline_min"][lang], out["content_min"][lang] = tune_declines(scope, lang)
    start = Thresholds(show_min=weak_threshold(topicless), **START)
    weight, thresholds = tune_problem(problems, start, rec.corpus.aids.program_links)
    out["retrieval_weight"] = weight
    out.update(asdict(thresholds))
    return out, (len(scope), len(problems))


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
