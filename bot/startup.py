"""Loading the recommender's parts once: corpus, index, encoder, and the learned decisions.

Everything with a side effect at start lives here — the index is built on first use, the
examples' vectors and the fitted models come from caches keyed by their content — so that
the engine itself only answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot import llm
from bot.answers.case_question import CaseLookup, thing_words
from bot.answers.cases import passages_of, sentences
from bot.answers.entities import entities
from bot.answers.survey_rows import RowMatcher, everyday_words, example_rows, label_text, row_labels
from bot.calibration import Calibration, load_calibration
from bot.classify import fit_classifiers
from bot.examples import load_examples
from bot.kana import load_restorer
from bot.keywords import tokens
from bot.learn import FitCache
from bot.lookup import build_passages
from bot.progress import Progress
from bot.settings import Settings
from bot.training import all_sets
from corpus.chunks import build_chunks
from corpus.load import load_corpus
from index.build import open_index
from index.vectors import VectorCache


def load_parts(
    settings: Settings, progress: Progress, calibration: Calibration | None = None
) -> dict[str, Any]:
    """The Recommender's fields; ``calibration`` replaces bot/data/calibration.yaml (eval calibrate)."""
    corpus = load_corpus()
    built = build_chunks(corpus)
    index = open_index(
        settings.store_config(),
        settings.embedding_model,
        settings.model_cache,
        built,
        progress,
        backend=settings.embedding_backend,
    )
    chunks = {c.id: c for c in index.store.all_chunks()}
    embeddings = index.embeddings
    cache_dir = settings.data_dir / "cache"
    vectors = VectorCache(cache_dir, embeddings.vectors_key)

    def vectors_of(texts: Sequence[str]) -> np.ndarray:
        return vectors.vectors(list(texts), embeddings.embed_queries_array)

    calibration = calibration or load_calibration()
    examples = load_examples(corpus)
    sets, program_set = all_sets(examples, corpus)
    models = fit_classifiers(
        sets,
        program_set,
        vectors_of,
        tokens,
        FitCache(cache_dir),
        calibration.strength,
        calibration.token_weight,
    )
    labels = row_labels(corpus)
    texts = sorted({label for group in labels.values() for label in group})
    label_vectors = dict(zip(texts, vectors_of([label_text(corpus, t) for t in texts]), strict=True))
    named_rows = [(e.table, e.row, e.text) for e in examples.items if e.table and e.row]
    row_votes = example_rows(named_rows, vectors_of([t for _, _, t in named_rows]))
    passages = [t for c in corpus.document.cases for _, t, _ in passages_of(c)]
    case_texts = list(dict.fromkeys([*passages, *(x for t in passages for x in sentences(t))]))
    words = [e.text for e in examples.items] + [u.text for u in corpus.units]
    known = entities(corpus)
    progress(f"ready: {len(chunks)} chunks, model {embeddings.model_name}")
    return {
        "settings": settings,
        "corpus": corpus,
        "chunks": chunks,
        "keyword": index.keyword_index(list(chunks)),
        "embeddings": embeddings,
        "dense_search": index.store.search,
        "passages": build_passages(corpus, built),
        "models": models,
        "calibration": calibration,
        "entities": known,
        "rows": RowMatcher(
            labels,
            label_vectors,
            tokens,
            {r: corpus.gloss(r) for r in label_vectors},
            everyday_words(corpus),
            row_votes,
        ),
        "cases": CaseLookup(
            corpus,
            models,
            known,
            dict(zip(case_texts, vectors_of(case_texts), strict=True)),
            thing_words(corpus),
        ),
        "kana": load_restorer(words, cache_dir),
        "chat_model": llm.load_chat_model(settings.llm) if settings.llm else None,
    }
