"""The calibrated settings of the bot's decisions (data/calibration.yaml), validated on load."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.present import Thresholds

CALIBRATION_FILE = Path(__file__).resolve().parent / "data" / "calibration.yaml"
Probability = float


class Calibration(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    strength: dict[str, float]
    token_weight: dict[str, float]
    decline_min: dict[str, dict[str, float]]
    content_min: dict[str, float] = Field(default_factory=dict)  # per language; see bot.classify.read_kinds
    retrieval_weight: float = Field(ge=0, le=1)
    topic_min: float = Field(default=1.0, ge=0, le=1)  # a message that asks nothing, yet names a topic
    show_min: float = Field(ge=0, le=1)
    second_min: float = Field(ge=0, le=1)
    clause_min: float = Field(ge=0, le=1)
    program_min: float = Field(ge=0, le=1)
    support_min: float = Field(default=0.0, ge=0, le=1)

    def thresholds(self) -> Thresholds:
        return Thresholds(self.show_min, self.second_min, self.clause_min, self.program_min, self.support_min)

    def declines(self, lang: str) -> dict[str, float]:
        return self.decline_min.get(lang) or self.decline_min["ja"]

    def content_floor(self, lang: str) -> float:
        return self.content_min.get(lang, self.content_min.get("ja", 0.0))


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    from corpus.load import load_yaml_model  # one YAML/validation path for all data files

    return load_yaml_model(Calibration, path)
