"""Start-up checks before the model loads, and a damaged local store that --rebuild recovers.

The Chroma *server* faults (pause, kill, restart) are in test_chroma_server.py; here a dead
or hung server is a closed port or a socket that never answers, so no server is started.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import cli as cli_module
from bot.errors import DataDirNotWritable
from bot.preflight import preflight
from bot.settings import Settings
from index.config import StoreConfig
from index.errors import StoreCorrupted, StoreUnreachable
from index.health import damage_of
from index.store import move_aside, open_client

REPO = Path(__file__).resolve().parent.parent
SLACK_S = 3.0  # generous: these bounds say "no hang", not "this fast"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_model(monkeypatch):
    """Loading the engine (and so the model) fails the test: the checks must come first."""
    import bot.engine

    def load(*_args, **_kwargs):
        raise AssertionError("the model was loaded before the start-up checks failed")

    monkeypatch.setattr(bot.engine.Recommender, "load", load)


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers: a hung (paused) server, as TCP sees it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


def _invoke(args: list[str]):
    return CliRunner().invoke(cli_module.cli, args, catch_exceptions=False)


def _one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


# --- data folder -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["ask", "x"], ["ask", "--jsonl"], ["index", "build"], ["info"]])
def test_unwritable_data_dir_fails_before_the_model(tmp_path, no_model, command):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    data_dir = blocker / "var"
    line = _one_error_line(_invoke(["--data-dir", str(data_dir), *command]))
    assert f"the data folder {data_dir} is not writable (Not a directory)" in line
    assert "SMENAVI_DATA_DIR" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_data_dir_is_reported(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(DataDirNotWritable, match="not writable"):
            preflight(Settings(data_dir=folder))
    finally:
        folder.chmod(0o755)


def test_writable_data_dir_passes_and_leaves_nothing_behind(tmp_path):
    preflight(Settings(data_dir=tmp_path / "new"))
    assert (tmp_path / "new").is_dir() and list((tmp_path / "new").iterdir()) == []


# --- Chroma server, before anything loads ----------------------------------------------------


def test_dead_server_fails_before_the_model(tmp_path, no_model):
    port = _free_port()
    args = ["--data-dir", str(tmp_path), "--chroma-host", "127.0.0.1", "--chroma-port", str(port)]
    line = _one_error_line(_invoke([*args, "ask", "後継ぎがいない"]))
    assert f"Chroma server at http://127.0.0.1:{port} is unreachable (connection refused)" in line


def test_hung_server_fails_within_the_timeout(tmp_path, no_model, silent_port):
    args = ["--data-dir", str(tmp_path), "--chroma-host", "127.0.0.1", "--chroma-port", str(silent_port)]
    started = time.monotonic()
    line = _one_error_line(_invoke([*args, "--chroma-read-timeout", "0.5", "ask", "--jsonl"]))
    assert time.monotonic() - started < 0.5 + SLACK_S
    assert f"Chroma server at http://127.0.0.1:{silent_port} is not answering (timeout 0.5 s)" in line


def test_hung_server_bounds_opening_the_store(tmp_path, silent_port):
    """The engine's own path (the web app's start-up) is bounded too, not only the CLI's check."""
    cfg = StoreConfig(tmp_path, host="127.0.0.1", port=silent_port, connect_timeout=0.5, read_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(StoreUnreachable, match="is not answering"):
        open_client(cfg)
    assert time.monotonic() - started < 0.5 + SLACK_S


def test_dead_server_in_a_real_process_is_one_line(tmp_path):
    port = _free_port()
    args = ["--data-dir", str(tmp_path), "--chroma-host", "127.0.0.1", "--chroma-port", str(port), "ask", "x"]
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and f"http://127.0.0.1:{port}" in done.stderr
    assert "loading embedding model" not in done.stderr


def test_timeout_settings_reach_the_store_config(monkeypatch):
    monkeypatch.setenv("SMENAVI_CHROMA_READ_TIMEOUT", "7.5")
    cfg = Settings(chroma_connect_timeout=1.5).store_config()
    assert (cfg.connect_timeout, cfg.read_timeout) == (1.5, 7.5)
    result = _invoke(["--chroma-read-timeout", "0", "info"])
    assert result.exit_code == 1 and "bad setting" in result.stderr


# --- a damaged local store -------------------------------------------------------------------


def _sound_store(folder: Path) -> None:
    client = open_client(StoreConfig(folder))
    client.get_or_create_collection("smenavi").add(ids=["a"], embeddings=[[1.0, 0.0]], documents=["x"])


def _damage(folder: Path) -> None:
    db = folder / "chroma.sqlite3"
    db.write_bytes(os.urandom(db.stat().st_size))


def test_damaged_store_is_reported_in_one_line(tmp_path):
    store = tmp_path / "chroma"
    _sound_store(store)
    assert damage_of(store) is None
    _damage(store)
    assert damage_of(store) is not None
    with pytest.raises(StoreCorrupted) as err:
        open_client(StoreConfig(store))
    message = str(err.value)
    assert "\n" not in message and str(store) in message and "index build --rebuild" in message


def test_move_aside_keeps_the_old_store_and_never_overwrites(tmp_path):
    store = tmp_path / "chroma"
    _sound_store(store)
    first = move_aside(store)
    _sound_store(store)
    second = move_aside(store)
    assert not store.exists() and first != second
    for backup in (first, second):
        assert backup.name.startswith("chroma.broken-") and (backup / "chroma.sqlite3").is_file()


def test_damaged_store_stops_loading_before_the_model(tmp_path):
    from bot.engine import Recommender

    _sound_store(tmp_path / "chroma")
    _damage(tmp_path / "chroma")
    said: list[str] = []
    with pytest.raises(StoreCorrupted, match="index build --rebuild"):
        Recommender.load(Settings(data_dir=tmp_path), progress=said.append)
    assert not any("loading embedding model" in m for m in said)


@pytest.mark.model
def test_rebuild_moves_a_damaged_store_aside_and_rebuilds(tmp_path, e5_model_dir, monkeypatch):
    import corpus.chunks

    real = corpus.chunks.build_chunks
    monkeypatch.setattr(corpus.chunks, "build_chunks", lambda corpus: real(corpus)[:6])  # fast: six chunks
    monkeypatch.setenv("SMENAVI_MODELS_DIR", str(e5_model_dir.parent))
    store = tmp_path / "chroma"
    _sound_store(store)
    _damage(store)
    damaged = (store / "chroma.sqlite3").read_bytes()

    result = _invoke(["--data-dir", str(tmp_path), "index", "build", "--rebuild"])

    assert result.exit_code == 0, result.output
    moved = [line for line in result.stdout.splitlines() if "moved aside" in line]
    assert len(moved) == 1 and str(store) in moved[0] and "rebuilt" in moved[0]
    (backup,) = tmp_path.glob("chroma.broken-*")
    assert str(backup) in moved[0] and (backup / "chroma.sqlite3").read_bytes() == damaged
    assert damage_of(store) is None
    assert "6 chunks" in result.stdout
    client = open_client(StoreConfig(store))
    assert client.get_collection("smenavi").count() == 6
    # a second rebuild of the now sound store moves nothing
    again = _invoke(["--data-dir", str(tmp_path), "index", "build", "--rebuild"])
    assert again.exit_code == 0 and "moved aside" not in again.stdout
    assert len(list(tmp_path.glob("chroma.broken-*"))) == 1


def test_info_json_is_one_line(tmp_path, monkeypatch):
    """--json output goes through the same safe encoder as --jsonl."""

    class Rec:
        model_name, model_path, chunks = "m", "/p", {"a": 1}
        corpus = type("C", (), {"source": type("S", (), {"path": "/s\u2028", "sha256": "0"})()})()

    monkeypatch.setattr(cli_module, "_recommender", lambda _s: Rec())
    result = _invoke(["--data-dir", str(tmp_path), "info", "--json"])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1
    assert json.loads(result.stdout)["source"] == "/s\u2028"


def test_engine_uses_the_timeout_settings(monkeypatch):
    import bot.startup as startup

    seen = {}

    def stop_at_the_store(cfg, *_args, **_kwargs):
        seen["cfg"] = cfg
        raise RuntimeError("stop here")

    monkeypatch.setattr(startup, "open_index", stop_at_the_store)
    with pytest.raises(RuntimeError, match="stop here"):
        startup.load_parts(Settings(chroma_connect_timeout=0.5, chroma_read_timeout=1.5), lambda _m: None)
    assert (seen["cfg"].connect_timeout, seen["cfg"].read_timeout) == (0.5, 1.5)
