"""Floors for ``python -m eval run --guard`` (eval/floors.yaml) and the check itself.

The guard scores the dev split only (``split: dev`` is the one value allowed): held-out
cases are looked at once, after the work, never by CI.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from corpus.errors import CorpusError
from corpus.load import load_yaml_model
from eval.aggregate import METRIC_KEYS

FLOORS_FILE = Path(__file__).resolve().parent / "floors.yaml"


class Floors(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    split: Literal["dev"] = "dev"
    floors: dict[str, float] = Field(min_length=1)


def load_floors(path: Path = FLOORS_FILE) -> Floors:
    try:
        floors = load_yaml_model(Floors, path)
    except CorpusError as exc:  # the guard's callers expect ValueError
        raise ValueError(str(exc)) from None
    unknown = sorted(set(floors.floors) - set(METRIC_KEYS))
    if unknown:
        raise ValueError(f"{path}: floors: unknown metrics {unknown}")
    return floors


def check(metrics: Mapping[str, Any], floors: Floors) -> tuple[bool, str]:
    """(passed, the report): a headline, then one line per floored metric, failures marked."""
    rows, failed = [], 0
    width = max(len(name) for name in floors.floors)
    for name, floor in floors.floors.items():
        value = metrics.get(name)
        ok = value is not None and value >= floor
        failed += not ok
        shown = "n/a" if value is None else f"{value:.3f}"
        rows.append(
            f"  {name.ljust(width)}  {shown:>5} {'>=' if ok else '< '} {floor:.3f}  {'ok' if ok else 'BELOW'}"
        )
    scope = f"({floors.split}, n={metrics.get('n', '?')})"
    head = (
        f"eval guard FAILED {scope}: {failed} of {len(rows)} metrics below their floors"
        if failed
        else f"eval guard ok {scope}: {len(rows)} metrics at or above their floors"
    )
    return not failed, "\n".join([head, *rows])
