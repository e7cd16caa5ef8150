"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from index.embeddings import E5Embeddings

REPO_ROOT = Path(__file__).resolve().parent.parent


# --- embedding model (index/embeddings.py) ---------------------------------------------
# Provisioned into the gitignored var/models, like the app does, so that the conversion
# (~5 s) is paid once per checkout and later test runs reuse it.


@pytest.fixture(scope="session")
def e5_model_dir() -> Path:
    from index.embeddings import provision_e5_small

    return provision_e5_small(REPO_ROOT / "var" / "models")


@pytest.fixture(scope="session")
def e5_embeddings(e5_model_dir: Path) -> E5Embeddings:
    from index.embeddings import E5Embeddings

    return E5Embeddings(cache_dir=e5_model_dir.parent)


# --- the recommender (bot/engine.py) ------------------------------------------------------
# One real engine per session: the bundled model and a fresh local Chroma store built from
# nothing in a temp folder (the model cache is shared with the fixtures above).


@pytest.fixture(scope="session")
def engine_settings(tmp_path_factory: pytest.TempPathFactory, e5_model_dir: Path):
    from bot.settings import Settings

    return Settings(data_dir=tmp_path_factory.mktemp("smenavi"), models_dir=e5_model_dir.parent)


@pytest.fixture(scope="session")
def recommender(engine_settings):
    from bot.engine import Recommender

    return Recommender.load(engine_settings, progress=lambda _msg: None)
