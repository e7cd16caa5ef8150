"""The `ask --jsonl` contract with a fake engine (pure and fast): one valid UTF-8 JSON line per
input line, in order, whatever the bytes; bounded memory; history; exit codes."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Sequence
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import cli as cli_module
from bot import jsonl, jsonl_read, jsonl_request
from bot.errors import EmptyQuestion
from bot.models import Answer
from bot.text import clean_query, truncation_notice
from index.errors import StoreUnreachable

MAX_CHARS = 2000


class FakeEngine:
    """Answers with the cleaned query, like the real engine cleans it; fails on cue words."""

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def ask(self, raw: str, history: Sequence[Answer | str] = ()) -> Answer:
        self.calls.append((raw, tuple(history)))
        cleaned = clean_query(raw, self.max_chars)
        if not cleaned.text:
            raise EmptyQuestion()
        if "<<STORE-DOWN>>" in raw:
            raise StoreUnreachable("Chroma server at http://127.0.0.1:9 is unreachable (connection refused)")
        if "<<BUG>>" in raw:
            raise RuntimeError("boom\nwith a second line")
        return Answer(cleaned.text, "en", True, answer="ok", notices=cleaned.notices)


def outcomes(data: bytes, engine: FakeEngine | None = None, max_chars: int = MAX_CHARS, chunk: int = 0):
    engine = engine or FakeEngine(max_chars)
    return list(jsonl.answer_lines(io.BytesIO(data), engine, max_chars, chunk or jsonl_read.READ_CHUNK))


# Tiny read chunks put chunk boundaries inside marks, escapes and characters.
chunk_sizes = st.sampled_from([0, 1, 2, 3, 5, 7, 64])


def input_line_count(data: bytes) -> int:
    """Lines as the contract counts them: split at "\\n"; a final "\\n" does not start a line."""
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def all_strings_are_utf8(value: Any) -> bool:
    """No lone surrogate anywhere (an escaped "\\ud800" would decode to one)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return all(all_strings_are_utf8(v) for v in value)
    if isinstance(value, dict):
        return all(all_strings_are_utf8(k) and all_strings_are_utf8(v) for k, v in value.items())
    return True


def check_contract(data: bytes, outs: list[jsonl.Outcome]) -> list[dict[str, Any]]:
    assert len(outs) == input_line_count(data)
    objs = []
    for out in outs:
        assert out.line.endswith(b"\n") and out.line.count(b"\n") == 1
        text = out.line.decode("utf-8")  # strict: never an invalid byte echoed back
        assert len(text.splitlines()) == 1  # no U+2028, NEL, … that splitlines() would cut at
        obj = json.loads(text)
        assert isinstance(obj, dict) and all_strings_are_utf8(obj)
        assert ("error" in obj) != (out.status is jsonl.Status.ANSWERED)
        if "error" in obj:
            message = obj["error"]
            assert isinstance(message, str) and "\n" not in message and "Traceback" not in message
        objs.append(obj)
    return objs


# --- fuzzing ---------------------------------------------------------------------------------

HOSTILE = [
    jsonl_read.BOM,
    b'{"query": "',
    b'"}',
    b"\\ud800",
    b"\\u0000",
    b"\xff",
    b"\xe3\x81",
    b"\x00",
    b"\r",
    b"[" * 40,
    b"]",
    b"{",
    b"}",
    b'"',
    b"\\",
    b",",
    b":",
    b'"history": [',
    "\u2028".encode(),
    b"\xc2\x85",
]
line_bytes = st.lists(st.one_of(st.binary(max_size=30), st.sampled_from(HOSTILE)), max_size=8).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(line_bytes, max_size=6), st.booleans(), chunk_sizes)
def test_any_bytes_give_one_valid_line_per_line(lines: list[bytes], final_newline: bool, chunk: int):
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    check_contract(data, outcomes(data, chunk=chunk))


any_text = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=20,
)
requests = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"query": st.one_of(any_text, json_values)},
        optional={"history": st.one_of(st.lists(any_text, max_size=4), json_values), "x": json_values},
    ),
)


def dump(value: Any, ascii_only: bool) -> bytes:
    text = json.dumps(value, ensure_ascii=ascii_only)
    return text.encode("utf-8", "surrogatepass")  # a raw lone surrogate becomes invalid UTF-8


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(requests, st.booleans()), max_size=6), chunk_sizes)
def test_any_json_values_give_one_answer_per_line_in_order(cases: list[tuple[Any, bool]], chunk: int):
    lines = [dump(value, ascii_only) for value, ascii_only in cases]
    data = b"".join(jsonl_read.BOM * (i == 0) + line + b"\n" for i, line in enumerate(lines))
    objs = check_contract(data, outcomes(data, chunk=chunk))
    for (value, _), line, obj in zip(cases, lines, objs, strict=True):
        expected = expected_query(value) if is_utf8(line) else None
        if expected is None:
            assert "error" in obj
        else:  # the fake engine echoes its query: the answer belongs to this very line
            assert "error" not in obj and obj["query"] == expected


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def expected_query(value: Any) -> str | None:
    """The query the engine must answer for this request, or None when it must be an error."""
    if not isinstance(value, dict) or not isinstance(value.get("query"), str):
        return None
    history = value.get("history")
    if history is not None and not (isinstance(history, list) and all(isinstance(m, str) for m in history)):
        return None
    return clean_query(jsonl_request.scrub(value["query"]), MAX_CHARS).text or None


@settings(max_examples=500, deadline=None)
@given(any_text.map(lambda t: t * 3), st.booleans(), st.integers(min_value=1, max_value=8), chunk_sizes)
def test_cut_strings_keep_a_whole_prefix(query: str, ascii_only: bool, max_chars: int, chunk: int):
    """With tiny limits every long string is cut: what is kept is a prefix of the query,
    longer than the engine uses, cut at a character (never inside an escape or a UTF-8 sequence)."""
    limits = jsonl_read.Limits(max_chars)
    line = dump({"query": query, "history": [query]}, ascii_only)
    raw = next(jsonl_read.read_lines(io.BytesIO(line), limits, chunk or jsonl_read.READ_CHUNK))
    if not is_utf8(line):  # raw lone surrogates written as bytes
        assert raw.text is None and "not valid UTF-8" in (raw.problem or "")
        return
    assert raw.text is not None, raw.problem
    kept = json.loads(raw.text)["query"]
    if not raw.cut:
        assert kept == query
    else:
        # the last kept character may be half of an escaped surrogate pair
        assert jsonl_request.scrub(query).startswith(jsonl_request.scrub(kept[:-1])) and len(kept) > max_chars


# --- each input class, by name --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "status", "says"),
    [
        (b'\xef\xbb\xbf{"query": "bom"}', "answered", "bom"),
        (b'{"query": "\\ud800 lone"}', "answered", "\ufffd lone"),
        (b'{"query": "bad \xff byte"}', "bad_input", "not valid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "bad_input", "nested deeper than 32"),
        (b'{"query": {"a": ' * 40 + b"1" + b"}" * 40, "bad_input", "nested deeper"),
        (b'{"query": "nul \\u0000 ok"}', "answered", "nul ok"),
        ('{"query": "a\u2028b\u2029c"}'.encode(), "answered", "a\u2028b\u2029c"),
        (b'{"query": "raw \x00 nul"}', "bad_input", "control character"),
        (b'{"query": "\\u0000\\u001b"}', "bad_input", "empty"),
        (b"", "bad_input", "empty line"),
        (b"   \t", "bad_input", "empty line"),
        (b"[1, 2]", "bad_input", '"query" field'),
        (b'"just a string"', "bad_input", '"query" field'),
        (b"null", "bad_input", '"query" field'),
        (b'{"query": 42}', "bad_input", "must be a string"),
        (b'{"query": "x", "history": "earlier"}', "bad_input", '"history" must be a list'),
        (b'{"query": "x", "history": [1]}', "bad_input", '"history" must be a list'),
        (b'{"query": "x", "history": [' + b'"m",' * 20 + b'"m"]}', "bad_input", "at most 20"),
        (b'{"query": "x", "n": ' + b"1" * 5000 + b"}", "bad_input", "not JSON"),
        (b"{", "bad_input", "not JSON"),
        # past the cut a long string is not kept, but it is still checked like json.loads would
        (b'{"query": "' + b"a" * 30_000 + b'\\uZZZZ"}', "bad_input", "invalid \\u escape"),
        (b'{"query": "' + b"a" * 30_000 + b'\\q"}', "bad_input", "invalid escape"),
        (b'{"query": "' + b"a" * 30_000 + b'\x01"}', "bad_input", "control character"),
        (b'{"query": "' + b"a" * 30_000 + b'\xe3\x81"}', "bad_input", "not valid UTF-8"),
        (b'{"query": "' + b"a" * 30_000, "bad_input", "Unterminated string"),
        (b'{"query": "<<STORE-DOWN>>"}', "failed", "Chroma server at http://127.0.0.1:9"),
        (b'{"query": "<<BUG>>"}', "failed", "internal error (RuntimeError)"),
    ],
)
def test_input_classes(line: bytes, status: str, says: str):
    (out,) = outcomes(line + b"\n")
    (obj,) = check_contract(line + b"\n", [out])
    assert out.status.value == status
    assert says in (obj.get("error") or obj["query"])


def test_error_keeps_the_query_and_one_line_message():
    (out,) = outcomes(b'{"query": "<<BUG>> \\ud800"}\n')
    obj = json.loads(out.line)
    assert obj["query"] == "<<BUG>> \ufffd"
    assert obj["error"] == "internal error (RuntimeError); please report it"


@pytest.mark.parametrize("ascii_only", [False, True], ids=["utf8", "escaped"])
def test_five_megabyte_line_is_answered_truncated_with_bounded_memory(ascii_only: bool):
    query = "後継ぎ" * (600_000 if not ascii_only else 300_000)  # 5.4 MB either way
    line = json.dumps({"query": query, "history": ["earlier"]}, ensure_ascii=ascii_only).encode() + b"\n"
    stream = io.BytesIO(line)
    engine = FakeEngine()
    tracemalloc.start()
    try:
        (out,) = jsonl.answer_lines(stream, engine, MAX_CHARS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    obj = json.loads(out.line)
    assert len(obj["query"]) == MAX_CHARS and obj["notices"] == [truncation_notice(MAX_CHARS)]
    assert engine.calls[0][1] == ("earlier",)  # what followed the long query was still read
    assert peak < 2_000_000, f"held {peak} bytes for one line"


def test_escaped_long_line_gets_the_notice_even_if_the_engine_would_not():
    """A query cut while reading whose kept part cleans to little still says it was cut."""
    line = b'{"query": "ok ' + b"\\u0001" * 1_000_000 + b'"}\n'
    (out,) = outcomes(line)
    assert json.loads(out.line)["notices"] == [truncation_notice(MAX_CHARS)]


def test_history_is_passed_oldest_first_scrubbed_and_blank_dropped():
    engine = FakeEngine()
    line = json.dumps({"query": "then?", "history": ["first", "  ", "second \ud800"]}) + "\n"
    (out,) = outcomes(line.encode(), engine)
    assert out.status is jsonl.Status.ANSWERED
    assert engine.calls == [("then?", ("first", "second \ufffd"))]


def test_lines_without_history_pass_none():
    engine = FakeEngine()
    outcomes(b'{"query": "a"}\n{"query": "b", "history": null}\n', engine)
    assert engine.calls == [("a", ()), ("b", ())]


def test_crlf_and_missing_final_newline():
    data = b'{"query": "a"}\r\n{"query": "b"}'
    objs = check_contract(data, outcomes(data))
    assert [o["query"] for o in objs] == ["a", "b"]


# --- exit codes, through the CLI ------------------------------------------------------------


@pytest.fixture
def run_cli(monkeypatch):
    monkeypatch.setattr(cli_module, "_recommender", lambda _settings: FakeEngine())

    def invoke(stdin: bytes):
        return CliRunner().invoke(cli_module.cli, ["ask", "--jsonl"], input=stdin, catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    ("stdin", "code"),
    [
        (b'{"query": "a"}\n{"query": "b"}\n', 0),
        (b"", 0),
        (b'{"query": "a"}\nnot json\n', 2),
        (b'{"query": "a"}\n{"query": "<<STORE-DOWN>>"}\nnot json\n', 1),
        (b'{"query": "<<BUG>>"}\n', 1),
    ],
)
def test_exit_codes(run_cli, stdin: bytes, code: int):
    result = run_cli(stdin)
    assert result.exit_code == code
    assert len(result.stdout_bytes.splitlines()) == input_line_count(stdin)


def test_cli_jsonl_bytes_in_bytes_out(run_cli):
    stdin = b'\xef\xbb\xbf{"query": "bom"}\n{"query": "\xff"}\n{"query": "\\ud800"}\n'
    result = run_cli(stdin)
    assert result.exit_code == 2 and result.stderr == ""
    objs = [json.loads(x) for x in result.stdout_bytes.decode("utf-8").splitlines()]
    assert objs[0]["query"] == "bom" and "UTF-8" in objs[1]["error"] and objs[2]["query"] == "\ufffd"


def test_jsonl_cannot_start_exits_1_with_one_line(monkeypatch):
    def dead(_settings):
        raise StoreUnreachable("Chroma server at http://127.0.0.1:9 is unreachable (connection refused)")

    monkeypatch.setattr(cli_module, "_recommender", dead)
    result = CliRunner().invoke(cli_module.cli, ["ask", "--jsonl"], input=b'{"query": "a"}\n')
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "127.0.0.1:9" in result.stderr


def test_help_documents_exit_codes():
    result = CliRunner().invoke(cli_module.cli, ["ask", "--help"])
    assert all(f"{code}  " in result.stdout for code in (0, 1, 2)) and '"history"' in result.stdout
