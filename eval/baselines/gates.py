"""Each baseline's scope gate: fitted on the dev split, stored in eval/baseline_gates.yaml.

``fit_gate`` is pure: given (signal, gold in-scope) pairs it returns the gate that
maximizes the accuracy of "in scope when signal ≥ gate". Candidates are the lowest signal
(answer everything retrieved), the midpoints between consecutive distinct signals, and +inf
(decline everything); ties go to the lower gate (answer more), as eval.tuning's grids do. A
signal of -inf (nothing retrieved) is below every gate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from corpus.errors import CorpusError
from corpus.load import load_yaml_model

GATES_FILE = Path(__file__).resolve().parent.parent / "baseline_gates.yaml"
SystemName = Literal["bm25", "dense", "plain"]
SIGNALS: dict[str, str] = {
    "bm25": "best BM25 score of the retrieved document chunks",
    "dense": "best cosine similarity of the retrieved document chunks",
    "plain": "best similarity (1 - cosine distance) of the retrieved fixed-size chunks",
}
HEADER = """\
# Each baseline's scope gate: a question is answered (in scope) when the baseline's signal
# is at least its gate. Fitted on the dev split only, maximizing the accuracy of the in-scope
# decision, by `python -m eval baselines-calibrate`; edit only with it. See eval/baselines/.
"""


class Gate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    gate: float
    signal: str = Field(min_length=1)
    dev_accuracy: float = Field(ge=0.0, le=1.0)
    dev_cases: int = Field(ge=1)
    fitted_with: str = ""  # model and backend, for the systems whose signal depends on them


class BaselineGates(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    split: Literal["dev"] = "dev"
    gates: dict[SystemName, Gate] = Field(min_length=1)


def fit_gate(pairs: Iterable[tuple[float, bool]]) -> tuple[float, float]:
    """(gate, accuracy) from (signal, expected in scope) pairs."""
    data = list(pairs)
    if not data:
        raise ValueError("no cases to fit a gate on")
    values = sorted({s for s, _ in data if math.isfinite(s)})
    candidates = [*values[:1], *((a + b) / 2 for a, b in pairwise(values)), math.inf]
    best, best_acc = candidates[0], -1.0
    for gate in candidates:
        acc = accuracy(data, gate)
        if acc > best_acc + 1e-12:
            best, best_acc = gate, acc
    return best, best_acc


def accuracy(pairs: Sequence[tuple[float, bool]], gate: float) -> float:
    return sum((s >= gate) == wanted for s, wanted in pairs) / len(pairs)


def load_gates(path: Path = GATES_FILE) -> BaselineGates:
    try:
        return load_yaml_model(BaselineGates, path)
    except CorpusError as exc:
        raise ValueError(f"{exc} (run `python -m eval baselines-calibrate`)") from None


def gate_for(system: str, path: Path = GATES_FILE) -> float:
    gates = load_gates(path).gates
    if system not in gates:
        raise ValueError(f"{path}: no gate for {system}; run `python -m eval baselines-calibrate`")
    return gates[system].gate  # type: ignore[index]


def write_gates(gates: BaselineGates, path: Path = GATES_FILE) -> Path:
    data = gates.model_dump()  # python mode: an infinite gate stays .inf
    path.write_text(HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_gates(path)  # what was written must load
    return path
