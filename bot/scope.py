"""Deciding whether a message is something the document can answer.

Instruction-override attempts and off-topic messages get ``in_scope=False``; a vague
message ("困っています") gets clarifying choices instead of a guess. Patterns and
thresholds live in data/scope.yaml; thresholds are calibrated on the eval gold set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.text import nfkc

SCOPE_FILE = Path(__file__).resolve().parent / "data" / "scope.yaml"


class Thresholds(BaseModel):
    """On topic when dense_max + coverage_weight * coverage >= min_score, or bm25 is strong.

    Dense similarities of e5 are compressed (off-topic questions still reach ~0.8), so the
    share of the question's words known to the corpus is added as a second signal.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    min_score: float
    coverage_weight: float = Field(ge=0)
    bm25_strong: float = Field(ge=0)


class ScopeRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    injection_patterns: list[str] = Field(min_length=1)
    vague_patterns: list[str]
    small_talk_patterns: list[str]
    vague_max_chars: int = Field(ge=0)
    vague_bm25_max: float = Field(ge=0)
    thresholds: Thresholds

    @field_validator("injection_patterns", "vague_patterns", "small_talk_patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"bad regular expression {p!r}: {exc}") from None
        return patterns


@lru_cache(maxsize=4)
def load_rules(path: Path = SCOPE_FILE) -> ScopeRules:
    from corpus.load import load_yaml_model  # one YAML/validation path for all data files

    return load_yaml_model(ScopeRules, path)


@dataclass(frozen=True)
class ScopeSignals:
    dense_max: float
    bm25_max: float
    coverage: float


def is_injection(text: str, rules: ScopeRules) -> bool:
    folded = nfkc(text)
    return any(re.search(p, folded) for p in rules.injection_patterns)


def is_vague(text: str, rules: ScopeRules) -> bool:
    folded = nfkc(text).strip().lower()
    return len(folded) <= rules.vague_max_chars and any(re.search(p, folded) for p in rules.vague_patterns)


def is_small_talk(text: str, rules: ScopeRules) -> bool:
    folded = nfkc(text).strip().lower()
    return len(folded) <= rules.vague_max_chars and any(
        re.search(p, folded) for p in rules.small_talk_patterns
    )


def topic_score(signals: ScopeSignals, thresholds: Thresholds) -> float:
    return signals.dense_max + thresholds.coverage_weight * signals.coverage


def on_topic(signals: ScopeSignals, thresholds: Thresholds) -> bool:
    return (
        topic_score(signals, thresholds) >= thresholds.min_score or signals.bm25_max >= thresholds.bm25_strong
    )


def dump_thresholds(path: Path, thresholds: Thresholds) -> None:
    """Rewrite only the thresholds block, keeping the file's comments and patterns."""
    text = path.read_text(encoding="utf-8")
    for key, value in thresholds.model_dump().items():
        text = re.sub(rf"(^\s+{key}:\s*)[-0-9.]+", rf"\g<1>{value:.3f}", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    load_rules.cache_clear()
    yaml.safe_load(text)  # fail loudly here rather than at the next start
