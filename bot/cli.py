"""``python -m bot``: ask questions, build the index, show what is loaded.

A thin shell: each command parses flags into Settings and calls one function.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from typing import Any

import click

from bot.errors import BotError
from bot.settings import Settings
from corpus.errors import CorpusError
from index.errors import EmbeddingModelError, IndexStoreError

USER_ERRORS = (BotError, CorpusError, EmbeddingModelError, IndexStoreError)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _dump(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


@click.group()
@click.option("--data-dir", type=click.Path(file_okay=False), help="local state (models, Chroma store)")
@click.option("--embedding-model", help="sentence-transformers model id or path")
@click.option("--chroma-host", help="use a Chroma server at this host")
@click.option("--chroma-port", type=int, help="Chroma server port")
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
    from bot.engine import Recommender

    return Recommender.load(settings)


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@click.option("--jsonl", is_flag=True, help='read JSON lines {"query": …} on stdin, write one JSON line each')
@click.pass_obj
def ask(settings: Settings, question: str | None, as_json: bool, jsonl: bool) -> None:
    """Answer a question (or a stream of them with --jsonl)."""
    from bot.jsonl import answer_lines

    if jsonl:
        if question is not None:
            _fail("give either a question or --jsonl, not both", 2)
        try:
            rec = _recommender(settings)
        except USER_ERRORS as exc:
            _fail(str(exc))
        for obj in answer_lines(sys.stdin, rec):
            _dump(obj)
            sys.stdout.flush()
        return
    if question is None or not question.strip():
        _fail("質問が空です / the question is empty", 2)
    try:
        answer = _recommender(settings).ask(question)
    except USER_ERRORS as exc:
        _fail(str(exc), 2 if "empty" in str(exc) else 1)
    except Exception as exc:
        _fail(f"internal error ({type(exc).__name__}); please report it")
    if as_json:
        _dump(answer.to_json())
    else:
        for notice in answer.notices:
            click.echo(f"※ {notice}")
        click.echo(answer.answer)


@cli.group(name="index")
def index_group() -> None:
    """Build the Chroma index."""


@index_group.command()
@click.option("--rebuild", is_flag=True, help="drop the collection and embed everything again")
@click.pass_obj
def build(settings: Settings, rebuild: bool) -> None:
    """(Re)build the index; unchanged chunks are not re-embedded."""
    from bot.engine import stderr_progress, store_config
    from corpus.chunks import build_chunks
    from corpus.load import load_corpus
    from index.build import open_index

    try:
        chunks = build_chunks(load_corpus())
        opened = open_index(
            store_config(settings),
            settings.embedding_model,
            settings.model_cache,
            chunks,
            stderr_progress,
            rebuild=rebuild,
        )
    except USER_ERRORS as exc:
        _fail(str(exc))
    r = opened.report
    click.echo(
        f"index {settings.describe_store()}: {opened.store.count()} chunks "
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
