"""The same index code against a real Chroma server (`chroma run`) on loopback, and the
server's faults: paused (SIGSTOP), killed, restarted. Each fault test leaves the server
running again, and the module's finalizer always resumes and stops it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot import cli as cli_module
from index.config import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT

pytestmark = [pytest.mark.model, pytest.mark.server]
SLACK_S = 5.0  # generous: the bounds below say "no hang", not "this fast"
QUESTIONS = [{"query": "後継ぎがいないので会社を誰かに譲りたい"}, {"query": "値上げを言い出せない"}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """A `chroma run` child process on a free loopback port, with its data in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait_s: float = 60) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        self.proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + wait_s
        while not self._answers():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                pytest.fail(f"chroma server on port {self.port} did not start")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            return httpx.get(self.url + "/api/v2/heartbeat", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    @contextmanager
    def paused(self, watchdog_s: float = 90) -> Iterator[None]:
        """SIGSTOP for the block. A watchdog resumes the server if the block hangs, so a
        regression to "no timeout" fails the test (answers instead of errors), never hangs it."""
        watchdog = threading.Timer(watchdog_s, self.resume)
        os.kill(self.proc.pid, signal.SIGSTOP)
        watchdog.start()
        try:
            yield
        finally:
            watchdog.cancel()
            self.resume()

    def resume(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=20)

    def ensure_running(self) -> None:
        self.resume()
        if self.proc is None or self.proc.poll() is not None:
            self.start()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.resume()  # a stopped process does not act on SIGTERM until continued
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def running(server):
    """The server, answering; put back to running whatever the test did to it."""
    server.ensure_running()
    try:
        yield server
    finally:
        server.ensure_running()


@pytest.fixture(scope="module")
def remote_settings(server, engine_settings):
    return engine_settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": server.port})


@pytest.fixture(scope="module")
def remote(server, remote_settings):
    """The recommender on the server (builds the index there once, ~40 s).

    Its retrieval weight is raised above 0 so that every question queries the server: with
    the calibrated weight of 0 an owner's problem is answered without the store, and these
    tests are about what happens when it is queried and does not answer.
    """
    from dataclasses import replace

    from bot.engine import Recommender

    rec = Recommender.load(remote_settings, progress=lambda _m: None)
    return replace(rec, calibration=rec.calibration.model_copy(update={"retrieval_weight": 0.2}))


def test_recommender_on_a_chroma_server(running, remote, remote_settings, recommender):
    from bot.engine import Recommender

    assert len(remote.chunks) == len(recommender.chunks)
    q = QUESTIONS[0]["query"]
    a, b = remote.ask(q), recommender.ask(q)
    # the same presented directions (the rest of the ranking may move: retrieval weighs in here)
    assert [d.title for d in a.directions[: a.primary]] == [d.title for d in b.directions[: b.primary]]
    assert a.citations[0].span == b.citations[0].span
    # a second instance finds the index already built: shared, nothing re-embedded
    again = Recommender.load(remote_settings, progress=lambda _m: None)
    assert again.chunks.keys() == remote.chunks.keys()


def test_unreachable_server_is_one_line_error(engine_settings):
    from bot.engine import Recommender
    from index.errors import StoreUnreachable

    port = _free_port()
    bad = engine_settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
    with pytest.raises(StoreUnreachable) as err:
        Recommender.load(bad, progress=lambda _m: None)
    assert "\n" not in str(err.value)
    assert f"Chroma server at http://127.0.0.1:{port} is unreachable (connection refused)" in str(err.value)


def _batch(remote):
    """`ask --jsonl` on the remote recommender: (exit code, output objects, seconds)."""
    stdin = "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUESTIONS)
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli_module, "_recommender", lambda _settings: remote)
        started = time.monotonic()
        result = runner.invoke(cli_module.cli, ["ask", "--jsonl"], input=stdin, catch_exceptions=False)
        seconds = time.monotonic() - started
    return result.exit_code, [json.loads(x) for x in result.stdout.splitlines()], seconds


def _all_answered(code: int, out: list[dict]) -> bool:
    return code == 0 and len(out) == len(QUESTIONS) and all("error" not in o and o["directions"] for o in out)


def test_paused_server_one_clear_line_per_question_then_recovers(running, remote, remote_settings):
    with running.paused():
        code, out, seconds = _batch(remote)
    timeout = remote_settings.chroma_read_timeout
    assert code == 1 and len(out) == len(QUESTIONS)
    said = f"Chroma server at {running.url} is not answering (timeout {timeout:g} s)"
    for obj, question in zip(out, QUESTIONS, strict=True):
        assert obj["query"] == question["query"] and obj["error"].startswith(said)
    assert seconds < len(QUESTIONS) * (timeout + SLACK_S)
    code, out, _ = _batch(remote)  # resumed: the same engine answers, no restart
    assert _all_answered(code, out)


def test_killed_server_one_clear_line_per_question_then_recovers_on_restart(running, remote):
    running.kill()
    code, out, _ = _batch(remote)
    assert code == 1 and len(out) == len(QUESTIONS)
    for obj in out:
        assert obj["error"].startswith(f"Chroma server at {running.url} is unreachable (connection refused)")
        assert "internal error" not in obj["error"]
    running.start()  # same port and data: the engine picks it up again
    code, out, _ = _batch(remote)
    assert _all_answered(code, out)


def test_timeouts_come_from_the_settings(running, remote_settings, e5_embeddings):
    """A shorter read timeout in the settings gives a faster, matching message."""
    from index.errors import StoreUnreachable
    from index.store import ChunkStore

    cfg = remote_settings.model_copy(update={"chroma_read_timeout": 1.0}).store_config()
    store = ChunkStore(cfg, e5_embeddings, remote_settings.embedding_model)
    vector = e5_embeddings.embed_query("後継ぎがいない")
    assert store.count() > 0
    with running.paused():
        started = time.monotonic()
        with pytest.raises(StoreUnreachable, match=r"is not answering \(timeout 1 s\)"):
            store.search(vector, 3)
        assert time.monotonic() - started < 1.0 + SLACK_S
    assert len(store.search(vector, 3)) == 3


def test_paused_server_at_start_up_is_one_line_within_the_timeout(running, remote_settings):
    """The start-up check and the engine's own opening both give up in time (no hang)."""
    from bot.engine import Recommender
    from bot.preflight import preflight
    from index.errors import StoreUnreachable

    quick = remote_settings.model_copy(update={"chroma_read_timeout": 1.0, "chroma_connect_timeout": 1.0})
    said = f"Chroma server at {running.url} is not answering"
    with running.paused():
        started = time.monotonic()
        with pytest.raises(StoreUnreachable, match=said):
            preflight(quick)
        with pytest.raises(StoreUnreachable, match=said):
            Recommender.load(quick, progress=lambda _m: None)
        # bot/engine.py builds its store config without the timeout settings: defaults apply there
        assert time.monotonic() - started < 1.0 + DEFAULT_CONNECT_TIMEOUT + DEFAULT_READ_TIMEOUT + 2 * SLACK_S
