"""Making a baseline system from the bot's settings, and ``python -m eval baselines-calibrate``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from eval.baselines import SYSTEMS
from eval.baselines.answer import Retrieved

if TYPE_CHECKING:
    from bot.settings import Settings
    from corpus.load import Corpus


class System(Protocol):
    name: str
    fitted_with: str

    def retrieve(self, query: str) -> Retrieved: ...


def _say(message: str) -> None:
    print(f"[baseline] {message}", file=sys.stderr, flush=True)


def make_system(
    name: str, settings: Settings, corpus: Corpus, progress: Callable[[str], None] = _say
) -> System:
    if name == "bm25":
        from corpus.chunks import build_chunks
        from eval.baselines.retrieval import Bm25System

        return Bm25System(build_chunks(corpus))
    if name == "dense":
        from corpus.chunks import build_chunks
        from eval.baselines.retrieval import DenseSystem

        return DenseSystem(settings, build_chunks(corpus), progress)
    if name == "plain":
        from eval.baselines.plain import PlainSystem

        return PlainSystem(
            corpus,
            settings.data_dir / "eval" / "plain_chroma",
            settings.embedding_model,
            settings.model_cache,
            settings.embedding_backend,
        )
    raise ValueError(f"unknown baseline {name!r}; one of {', '.join(SYSTEMS)}")


def run_baselines_calibrate(bot_options: Sequence[str], systems: Sequence[str] = SYSTEMS) -> int:
    """Fit each baseline's gate on the dev split and write eval/baseline_gates.yaml.

    Only dev cases are loaded. Each case's query is retrieved once per system (history is
    ignored, as the baselines ignore it when answering).
    """
    from corpus.load import load_corpus
    from eval.baselines.gates import (
        GATES_FILE,
        SIGNALS,
        BaselineGates,
        Gate,
        fit_gate,
        load_gates,
        write_gates,
    )
    from eval.bot_options import settings_from_argv
    from eval.gold import load_gold

    settings = settings_from_argv(bot_options)
    corpus = load_corpus()
    cases = load_gold(["dev"])
    gates: dict[str, Gate] = dict(load_gates().gates) if GATES_FILE.exists() else {}
    for name in systems:
        system = make_system(name, settings, corpus)
        signals = [(system.retrieve(c.query).signal, c.expected.in_scope) for c in cases]
        gate, acc = fit_gate(signals)
        gates[name] = Gate(
            gate=gate,
            signal=SIGNALS[name],
            dev_accuracy=round(acc, 4),
            dev_cases=len(cases),
            fitted_with=system.fitted_with,
        )
        print(f"{name}: gate {gate:.4f} ({SIGNALS[name]}), ", end="")
        print(f"dev in-scope accuracy {acc:.3f} over {len(cases)} cases")
    path = write_gates(BaselineGates(gates=gates))  # type: ignore[arg-type]
    print(f"wrote {path}")
    return 0
