"""The same index code against a real Chroma server (`chroma run`) on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.model, pytest.mark.server]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    chroma = Path(sys.executable).parent / "chroma"
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import chromadb
    from chromadb.config import Settings

    deadline = time.monotonic() + 60
    while True:
        try:
            chromadb.HttpClient(
                host="127.0.0.1", port=port, settings=Settings(anonymized_telemetry=False)
            ).heartbeat()
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("chroma server did not start")
            time.sleep(0.5)
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def test_recommender_on_a_chroma_server(chroma_server, engine_settings, recommender):
    from bot.engine import Recommender

    remote_settings = engine_settings.model_copy(
        update={"chroma_host": "127.0.0.1", "chroma_port": chroma_server}
    )
    remote = Recommender.load(remote_settings, progress=lambda _m: None)
    assert len(remote.chunks) == len(recommender.chunks)
    q = "後継ぎがいないので会社を誰かに譲りたい"
    a, b = remote.ask(q), recommender.ask(q)
    assert [d.title for d in a.directions[:3]] == [d.title for d in b.directions[:3]]
    assert a.citations[0].span == b.citations[0].span
    # a second instance finds the index already built: shared, nothing re-embedded
    again = Recommender.load(remote_settings, progress=lambda _m: None)
    assert again.chunks.keys() == remote.chunks.keys()


def test_unreachable_server_is_one_line_error(engine_settings):
    from bot.engine import Recommender
    from index.errors import IndexStoreError

    bad = engine_settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": _free_port()})
    with pytest.raises(IndexStoreError) as err:
        Recommender.load(bad, progress=lambda _m: None)
    assert "\n" not in str(err.value) and "127.0.0.1" in str(err.value)
