"""``python -m bot``: ask questions, build the index, show what is loaded.

A thin shell: each command parses flags into Settings and calls one function.
"""

from __future__ import annotations

import io
import os
import sqlite3
import sys
from typing import Any, NoReturn

import click

from bot.errors import BotError, EmptyQuestion
from bot.settings import Settings
from corpus.errors import CorpusError
from index.errors import EmbeddingModelError, IndexStoreError

USER_ERRORS = (BotError, CorpusError, EmbeddingModelError, IndexStoreError)


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _dump(obj: dict[str, Any]) -> None:
    from bot.jsonl import encode_line

    sys.stdout.flush()  # anything click.echo wrote goes first
    sys.stdout.buffer.write(encode_line(obj))
    sys.stdout.buffer.flush()


@click.group()
@click.option("--data-dir", type=click.Path(file_okay=False), help="local state (models, Chroma store)")
@click.option("--embedding-model", help="sentence-transformers model id or path")
@click.option("--chroma-host", help="use a Chroma server at this host")
@click.option("--chroma-port", type=int, help="Chroma server port")
@click.option("--chroma-connect-timeout", type=float, help="seconds to connect to the Chroma server (3)")
@click.option("--chroma-read-timeout", type=float, help="seconds to wait for each Chroma answer (5)")
@click.option("--collection", help="Chroma collection name")
@click.option("--retriever", type=click.Choice(["hybrid", "dense", "bm25"]), help="retrieval mode")
@click.pass_context
def cli(ctx: click.Context, **overrides: Any) -> None:
    """施策ナビ — 東京都の施策の方向性と支援策を、中小企業のお悩みから探します。"""
    try:
        ctx.obj = Settings(**{k: v for k, v in overrides.items() if v is not None})
    except Exception as exc:
        _fail(f"bad setting: {str(exc).splitlines()[0]}")


def _recommender(settings: Settings):
    from bot.preflight import preflight

    preflight(settings)  # milliseconds, so a bad folder or a dead server is told before the model loads
    from bot.engine import Recommender

    return Recommender.load(settings)


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@click.option("--jsonl", is_flag=True, help='read JSON lines {"query": …} on stdin, write one JSON line each')
@click.pass_obj
def ask(settings: Settings, question: str | None, as_json: bool, jsonl: bool) -> None:
    """Answer a question (or a stream of them with --jsonl).

    \b
    --jsonl reads lines {"query": "…", "history": ["earlier message", …]}
    ("history" optional, oldest first) and writes exactly one JSON line per
    input line, in order: the answer, or {"error": "…", "query": "…"}.
    Exit codes with --jsonl:
      0  every line answered
      1  some line failed (engine or Chroma store), or it could not start
      2  some lines were bad input (not JSON, no "query", …); the rest answered
    """
    if jsonl:
        if question is not None:
            _fail("give either a question or --jsonl, not both", 2)
        _ask_jsonl(settings)
    if question is None or not question.strip():
        _fail("質問が空です / the question is empty", 2)
    try:
        answer = _recommender(settings).ask(question)
    except EmptyQuestion as exc:
        _fail(str(exc), 2)
    except USER_ERRORS as exc:
        _fail(str(exc))
    except Exception as exc:
        _fail(f"internal error ({type(exc).__name__}); please report it")
    if as_json:
        _dump(answer.to_json())
    else:
        for notice in answer.notices:
            click.echo(f"※ {notice}")
        click.echo(answer.answer)


def _ask_jsonl(settings: Settings) -> NoReturn:
    from bot import jsonl

    try:
        rec = _recommender(settings)
    except USER_ERRORS as exc:
        _fail(str(exc), jsonl.EXIT_FAILED)
    try:
        # bytes in and out: invalid UTF-8 is reported per line, never decoded away or echoed
        code = jsonl.run(sys.stdin.buffer, sys.stdout.buffer, rec, settings.max_query_chars)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        _silence_stdout()
        sys.exit(jsonl.EXIT_FAILED)
    sys.exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


@cli.group(name="index")
def index_group() -> None:
    """Build the Chroma index."""


@index_group.command()
@click.option("--rebuild", is_flag=True, help="drop the collection and embed everything again")
@click.pass_obj
def build(settings: Settings, rebuild: bool) -> None:
    """(Re)build the index; unchanged chunks are not re-embedded."""
    from bot.preflight import preflight

    try:
        preflight(settings)
    except USER_ERRORS as exc:
        _fail(str(exc))
    from bot.progress import stderr_progress
    from corpus.chunks import build_chunks
    from corpus.load import load_corpus
    from index.build import open_index

    try:
        chunks = build_chunks(load_corpus())
        opened = open_index(
            settings.store_config(),
            settings.embedding_model,
            settings.model_cache,
            chunks,
            stderr_progress,
            rebuild=rebuild,
        )
        count = opened.store.count()
    except USER_ERRORS as exc:
        _fail(str(exc))
    if opened.moved_aside is not None:
        moved = opened.moved_aside
        click.echo(f"the damaged store {settings.chroma_path} was moved aside to {moved}; rebuilt it")
    r = opened.report
    click.echo(
        f"index {settings.describe_store()}: {count} chunks "
        f"(+{r.added} new, -{r.removed} stale, {r.kept} unchanged) in {opened.seconds:.1f}s"
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def info(settings: Settings, as_json: bool) -> None:
    """Show the embedding model, chunk count and index location."""
    try:
        rec = _recommender(settings)
    except USER_ERRORS as exc:
        _fail(str(exc))
    data = {
        "embedding_model": rec.model_name,
        "embedding_model_path": rec.model_path,
        "chunks": len(rec.chunks),
        "index": settings.describe_store(),
        "retriever": settings.retriever,
        "source": str(rec.corpus.source.path),
        "source_sha256": rec.corpus.source.sha256,
    }
    if as_json:
        _dump(data)
    else:
        for k, v in data.items():
            click.echo(f"{k}: {v}")


@cli.group(name="feedback")
def feedback_group() -> None:
    """Votes (👍/👎) given in the web app."""


@feedback_group.command(name="export")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True),
    help="write to this file instead of stdout",
)
@click.pass_obj
def feedback_export(settings: Settings, out_path: str | None) -> None:
    """Write every vote as one JSON line (question, presented matches, vote, UTC time)."""
    from web.feedback import FeedbackStore, export_jsonl

    store = FeedbackStore(settings.feedback_db)
    try:
        if out_path is None:
            count = export_jsonl(store, sys.stdout)
        else:
            with open(out_path, "w", encoding="utf-8") as out:
                count = export_jsonl(store, out)
    except (OSError, sqlite3.Error) as exc:
        _fail(f"could not export feedback: {exc}")
    click.echo(f"{count} votes exported from {settings.feedback_db}", err=True)
