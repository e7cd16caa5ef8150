"""Floors for ``python -m eval run --guard`` (eval/floors.yaml) and the check itself."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from corpus.errors import CorpusError
from corpus.load import load_yaml_model
from eval.metrics import METRIC_KEYS

FLOORS_FILE = Path(__file__).resolve().parent / "floors.yaml"


class Floors(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    split: Literal["all", "dev", "heldout"] = "all"
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
    """(passed, one line saying why)."""
    parts, failed = [], []
    for name, floor in floors.floors.items():
        value = metrics.get(name)
        ok = value is not None and value >= floor
        shown = "n/a" if value is None else f"{value:.3f}"
        parts.append(f"{name} {shown} {'>=' if ok else '<'} {floor:.3f}")
        if not ok:
            failed.append(parts[-1])
    scope = f"({floors.split}, n={metrics.get('n', '?')})"
    if failed:
        return False, f"eval guard FAILED {scope}: " + "; ".join(failed)
    return True, f"eval guard ok {scope}: " + "; ".join(parts)
