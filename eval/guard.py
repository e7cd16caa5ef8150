"""Floors for ``python -m eval run --guard`` (eval/floors.yaml) and the check itself."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eval.metrics import METRIC_KEYS

FLOORS_FILE = Path(__file__).resolve().parent / "floors.yaml"


class Floors(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    split: Literal["all", "dev", "heldout"] = "all"
    floors: dict[str, float] = Field(min_length=1)


def load_floors(path: Path = FLOORS_FILE) -> Floors:
    try:
        floors = Floors.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
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
